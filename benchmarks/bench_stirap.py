"""Benchmark: STIRAP efficiency map (vectorised Lindblad integrator vs QuTiP mesolve point by
point) and per-qubitron noise tables for 1,024 qubitrons.

1. A 50 x 50 map over (pulse area x pump-Stokes delay) with decay, branching and dephasing,
   solved in one batch by ``control.stirap_map.efficiency_map``. The reference is
   ``qutip.mesolve`` called once per point with its default options (and once more without
   dephasing, as the map does for its dephasing-error column). By default mesolve runs on
   every 25th point (100 points) and its time is scaled to the 2,500 points; ``--full`` runs
   all of them. The script checks both agree on the sampled points and prints the ratio.
2. Noise tables for a 1,024-qubitron chip (64 tiles of 16): pump / Stokes path losses from
   the tile's feed length plus the position inside the tile (so 128 distinct STIRAP
   parameter sets), per-qubitron detector path loss. Distinct sets are solved once.

    python benchmarks/bench_stirap.py [--full]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from control.drive import (
    power_for_rabi_mW,
    purcell_enhanced_decay_per_ns,
    purcell_factor,
    ring_mode_volume_um3,
    single_photon_coupling_rad_per_us,
)
from control.lambda_system import LambdaSystem, pump_coupling, stokes_coupling
from control.noise import EmitterModel, noise_table
from control.pulses import PulseTiming, StirapPulses, envelope, peak_rabi_for_area_rad_per_us
from control.stirap_map import efficiency_map

FWHM_NS = 20.0
LOADED_Q = 2e5
LOSS_DB_PER_CM = 0.1  # [ref: SiN buried channel, 1550 nm], as components.models.waveguide


def _system() -> LambdaSystem:
    em = EmitterModel(excited_dephasing_per_ns=0.05)
    g = single_photon_coupling_rad_per_us(mode_volume_um3=ring_mode_volume_um3(radius_um=50.0))
    f = purcell_factor(coupling_rad_per_us=g, loaded_q=LOADED_Q)
    gamma = float(purcell_enhanced_decay_per_ns(free_decay_per_ns=em.free_decay_per_ns,
                                                purcell_factor=f))
    return LambdaSystem(
        gamma_per_ns=gamma, branching_g1=em.branching_g1, branching_g2=em.branching_g2,
        ground_dephasing_per_ns=em.ground_dephasing_per_ns,
        excited_dephasing_per_ns=em.excited_dephasing_per_ns,
    )


def _mesolve_default(pulses: StirapPulses, system: LambdaSystem) -> float:
    """Final P(g2) from qutip.mesolve with default options, only the end state requested."""
    import qutip

    peak_p = 1e-3 * pulses.pump_peak_rabi_rad_per_us
    peak_s = 1e-3 * pulses.stokes_peak_rabi_rad_per_us
    d = pulses.delay_ns

    def fp(t: float) -> float:
        return peak_p * float(envelope(t, centre_ns=0.5 * d, fwhm_ns=pulses.fwhm_ns))

    def fs(t: float) -> float:
        return peak_s * float(envelope(t, centre_ns=-0.5 * d, fwhm_ns=pulses.fwhm_ns))

    h = qutip.QobjEvo([qutip.Qobj(system.static_hamiltonian()),
                       [qutip.Qobj(pump_coupling()), fp], [qutip.Qobj(stokes_coupling()), fs]])
    c_ops = [qutip.Qobj(c) for c in system.collapse_operators()]
    res = qutip.mesolve(h, qutip.fock_dm(4, 0), list(pulses.window_ns()), c_ops=c_ops)
    return float(res.states[-1].full()[2, 2].real)


def bench_map(full: bool) -> None:
    areas = np.linspace(0.5, 40.0, 50)
    delays = np.linspace(-2 * FWHM_NS, 2 * FWHM_NS, 50)
    system = _system()
    t0 = time.perf_counter()
    m = efficiency_map(pulse_areas_rad=areas, delays_ns=delays, fwhm_ns=FWHM_NS, system=system)
    t_map = time.perf_counter() - t0
    area, delay, eff = m.best()
    print(f"map 50x50 (Gamma {system.gamma_per_ns:.2f}/ns, dephasing on), vectorised: "
          f"{t_map:.2f} s, {m.n_steps} steps; best P(g2) {eff:.4f} at area {area:.1f} rad, "
          f"delay {delay:+.1f} ns")

    flat = [(i, j) for i in range(50) for j in range(50)]
    sample = flat if full else flat[::25]
    peaks = peak_rabi_for_area_rad_per_us(area_rad=areas, fwhm_ns=FWHM_NS)
    clean = system.without_dephasing()
    t0 = time.perf_counter()
    dev = 0.0
    for i, j in sample:
        p = StirapPulses(pump_peak_rabi_rad_per_us=float(peaks[i]),
                         stokes_peak_rabi_rad_per_us=float(peaks[i]), fwhm_ns=FWHM_NS,
                         delay_ns=float(delays[j]))
        eff_q = _mesolve_default(p, system)
        _mesolve_default(p, clean)  # the map's dephasing-error column needs this solve too
        dev = max(dev, abs(eff_q - float(m.transfer_efficiency[i, j])))
    t_q = time.perf_counter() - t0
    t_q_all = t_q * len(flat) / len(sample)
    how = "all 2500 points" if full else f"{len(sample)} points, scaled to 2500"
    print(f"map 50x50, qutip.mesolve point by point (default options, {how}): {t_q_all:.1f} s; "
          f"ratio {t_q_all / t_map:.1f}x; max |dP(g2)| vs vectorised {dev:.1e}")


def bench_noise_table() -> None:
    n_tiles, per_tile = 64, 16
    tile = np.repeat(np.arange(n_tiles), per_tile)
    pos = np.tile(np.arange(per_tile), n_tiles)
    # feed length grows with the tile row (8 rows of 8 tiles), then 150 um per position
    pump_len_um = 2000.0 + 1500.0 * (tile // 8) + 150.0 * pos
    stokes_len_um = pump_len_um + 400.0
    crossings = pos // 4  # the tile bus crosses the other qubitrons' lines
    pump_db = LOSS_DB_PER_CM * pump_len_um * 1e-4 + 0.04 * crossings  # [ref: Si crossing (array)]
    stokes_db = LOSS_DB_PER_CM * stokes_len_um * 1e-4 + 0.04 * crossings
    rng = np.random.default_rng(7)
    detector_db = 0.2 + 0.05 * rng.random(tile.size)  # drop -> detector, per qubitron
    g = single_photon_coupling_rad_per_us(mode_volume_um3=ring_mode_volume_um3(radius_um=50.0))
    p_in = float(power_for_rabi_mW(rabi_rad_per_us=2500.0, loaded_q=LOADED_Q,
                                   coupling_rad_per_us=g))
    timing = PulseTiming(fwhm_ns=FWHM_NS, delay_ns=12.0)
    t0 = time.perf_counter()
    table = noise_table(
        pump_power_mW=p_in * 10 ** (-pump_db / 10), stokes_power_mW=p_in * 10 ** (-stokes_db / 10),
        loaded_q=LOADED_Q, coupling_rad_per_us=g, detector_path_loss_dB=detector_db,
        pulses=timing, emitter=EmitterModel(excited_dephasing_per_ns=0.05),
    )
    t_table = time.perf_counter() - t0
    s = table.summary()
    print(f"noise table, {len(table.rows)} qubitrons ({table.n_distinct_solves} distinct STIRAP "
          f"sets): {t_table:.2f} s; p_erasure mean {s['p_erasure_mean']:.3f}, "
          f"p_x max {s['p_pauli_x_max']:.2e}, p_meas mean {s['p_measurement_mean']:.1e}")
    t0 = time.perf_counter()
    table.to_csv()
    table.to_json()
    print(f"noise table export (CSV + JSON, {len(table.rows)} rows): "
          f"{time.perf_counter() - t0:.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="run mesolve on all 2500 map points")
    args = ap.parse_args()
    bench_map(args.full)
    bench_noise_table()


if __name__ == "__main__":
    main()
