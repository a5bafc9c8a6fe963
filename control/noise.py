"""Qubit encoding and per-qubitron error model: the noise table a QEC layer (stim) consumes.

Encoding (a model choice, stated here once):

- The qubit is held in the emitter's two long-lived ground states: |0> = |g1>, |1> = |g2>
  (the Lambda system of :mod:`control.lambda_system`). STIRAP (pump g1-e, Stokes e-g2, Stokes
  first) moves population between them through the dark state.
- Readout: the ground state is mapped onto a time-bin photon (early / late bin) emitted through
  |e> into the ring mode, dropped to the Stokes bus and detected by the waveguide SNSPD (the
  spin-photon interface of spin-optical architectures, e.g. [ref: Spin-optical (Floquet code)
  loss threshold] Hilaire et al., arXiv 2410.07065). A click in one bin measures Z; no click in
  either bin heralds the loss of the photon: an *erasure*.

Error channels per qubitron and per QEC round (probabilities in [0, 1]):

- ``p_erasure`` = 1 - (1 - p_loss) eta_photon. p_loss: the emitter left the Lambda system
  during STIRAP (P(out), plus the part of P(e) left at the end that decays out); eta_photon =
  beta eta_esc T_det eta_det: beta = F / (1 + F) emission into the ring mode (Purcell factor F,
  :mod:`control.drive`), eta_esc the ring's escape fraction into the detector bus, T_det =
  10^(-loss_dB / 10) of the drop -> detector path, eta_det the SNSPD efficiency
  (``components.models.detector.detector_figures``). Heralded: the QEC decoder knows where.
- ``p_pauli_x``, ``p_pauli_y``: incomplete transfer. epsilon = P(g1) at the end plus the part of
  P(e) that decays back to g1; the residual amplitude has no fixed phase, so its Pauli twirl
  splits it equally: p_x = p_y = epsilon / 2.
- ``p_pauli_z``: ground-state pure dephasing (rate gamma_g) over the STIRAP window T_pulse,
  (1 - exp(-gamma_g T_pulse)) / 2.
- ``p_depolarizing`` = p_x + p_y + p_z (for a decoder that wants one number).
- ``p_measurement``: wrong outcome although a photon was detected, 1 - (1 - p_jit)(1 - p_ovf)
  (1 - p_dark / 2): p_jit = P(|jitter| > bin separation / 2) for Gaussian timing jitter of the
  detector's FWHM, p_ovf = exp(-Gamma t_bin) the emission reaching past its bin (Gamma the
  Purcell-enhanced decay rate), p_dark = 1 - exp(-R_dark t_bin) a dark count in the other bin
  (a double click is resolved by a guess: half of them are wrong).
- ``p_idle``: dephasing while the qubit waits for the rest of the round, (1 - exp(-gamma_g
  t_idle)) / 2.

``stirap_dephasing_error`` is a diagnostic (how much of the transfer error dephasing causes);
it is already part of p_x, p_y and p_erasure and must not be added again.

Distinct parameter sets are solved once: each qubitron's STIRAP parameters are quantised
(Rabi frequencies and decay rate to a relative step, default 1e-3; detunings to an absolute
step, default 1 rad/us), duplicates are removed and the remaining sets are solved in one
vectorised batch (:func:`control.stirap_batch.solve_stirap_batch`).

Example:
    >>> t = noise_table(pump_power_mW=[2e-7, 1e-7], stokes_power_mW=2e-7, loaded_q=1e5,
    ...                 detector_path_loss_dB=[0.5, 3.0])
    >>> len(t.rows), t.rows[1].p_erasure > t.rows[0].p_erasure
    (2, True)
"""

from __future__ import annotations

import csv
import importlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field
from scipy.special import erfc

from control import _checks as chk
from control.drive import (
    DEFAULT_DIPOLE_DEBYE,
    DEFAULT_FREE_DECAY_PER_NS,
    DEFAULT_WAVELENGTH_NM,
    cavity_detuning_factor,
    purcell_factor,
    rabi_from_power_rad_per_us,
    ring_mode_volume_um3,
    single_photon_coupling_rad_per_us,
)
from control.pulses import PulseTiming
from control.stirap_batch import solve_stirap_batch

__all__ = [
    "EmitterModel",
    "NoiseRow",
    "NoiseTable",
    "ReadoutModel",
    "noise_table",
    "tile_round_ns",
]

Array = NDArray[np.float64]

# unsourced estimates (no emitter is chosen yet): decays out of the Lambda system, ground-state
# coherence time T2* = 10 us, ring escape fraction of a symmetric add-drop ring (half of the
# ring's emission leaves through the detector bus when intrinsic loss is negligible).
DEFAULT_BRANCHING_G1 = 0.475
DEFAULT_BRANCHING_G2 = 0.475
DEFAULT_GROUND_DEPHASING_PER_NS = 1e-4
DEFAULT_ESCAPE_FRACTION = 0.5
# design choices: time-bin width and separation of the readout photon, ns
DEFAULT_TIME_BIN_NS = 3.0
# qubitron ring radius (design choice in components.models.qubitron), um
DEFAULT_RING_RADIUS_UM = 50.0


@dataclass(frozen=True)
class EmitterModel:
    """Emitter figures shared by the qubitrons of a chip (estimates unless measured).

    Attributes:
        free_decay_per_ns: free-space decay rate gamma0 of |e>, 1/ns (estimate 1/ns).
        branching_g1, branching_g2: decay fractions into g1 / g2 (the rest leaves the system).
        ground_dephasing_per_ns: gamma_g = 1 / T2* of the g1-g2 coherence, 1/ns.
        excited_dephasing_per_ns: extra pure dephasing of the optical coherences, 1/ns.
        dipole_debye: transition dipole moment, D (estimate 30 D).
        field_fraction: |E(emitter)| / |E|max in the ring mode, in [0, 1].
        wavelength_nm: transition wavelength, nm.
    """

    free_decay_per_ns: float = DEFAULT_FREE_DECAY_PER_NS
    branching_g1: float = DEFAULT_BRANCHING_G1
    branching_g2: float = DEFAULT_BRANCHING_G2
    ground_dephasing_per_ns: float = DEFAULT_GROUND_DEPHASING_PER_NS
    excited_dephasing_per_ns: float = 0.0
    dipole_debye: float = DEFAULT_DIPOLE_DEBYE
    field_fraction: float = 1.0
    wavelength_nm: float = DEFAULT_WAVELENGTH_NM

    def __post_init__(self) -> None:
        chk.positive("free_decay_per_ns", self.free_decay_per_ns, "1/ns")
        chk.fraction("branching_g1", self.branching_g1)
        chk.fraction("branching_g2", self.branching_g2)
        if self.branching_g1 + self.branching_g2 > 1.0 + 1e-12:
            raise ValueError("branching_g1 + branching_g2 must be <= 1")
        chk.nonnegative("ground_dephasing_per_ns", self.ground_dephasing_per_ns, "1/ns")
        chk.nonnegative("excited_dephasing_per_ns", self.excited_dephasing_per_ns, "1/ns")
        chk.nonnegative("dipole_debye", self.dipole_debye, "D")
        chk.fraction("field_fraction", self.field_fraction)
        chk.positive("wavelength_nm", self.wavelength_nm, "nm")


@dataclass(frozen=True)
class ReadoutModel:
    """Readout path figures: ring escape, detector, time bins.

    Defaults: SNSPD efficiency and jitter [ref: Waveguide-integrated SNSPD] (Pernice 2012),
    dark counts [ref: WSi SNSPD] (Marsili 2013), via ``detector_figures()``; jitter is read as
    a FWHM.

    Attributes:
        detector_efficiency: SNSPD efficiency, [0, 1].
        dark_counts_cps: dark-count rate, 1/s.
        jitter_fwhm_ps: timing jitter (FWHM), ps.
        escape_fraction: fraction of the ring-mode photons leaving through the detector bus.
        time_bin_ns: width of each time bin = separation of early and late bins, ns.
    """

    detector_efficiency: float | None = None
    dark_counts_cps: float | None = None
    jitter_fwhm_ps: float | None = None
    escape_fraction: float = DEFAULT_ESCAPE_FRACTION
    time_bin_ns: float = DEFAULT_TIME_BIN_NS

    def resolved(self) -> tuple[float, float, float]:
        """(efficiency, dark counts 1/s, jitter FWHM ps), defaults from detector_figures()."""
        # imported by name at run time: control stays type-checkable on its own
        fig = importlib.import_module("components.models.detector").detector_figures()
        eff = fig["efficiency"] if self.detector_efficiency is None else self.detector_efficiency
        dark = fig["dark_counts_cps"] if self.dark_counts_cps is None else self.dark_counts_cps
        jit = fig["jitter_ps"] if self.jitter_fwhm_ps is None else self.jitter_fwhm_ps
        return (
            chk.fraction("detector_efficiency", eff),
            chk.nonnegative("dark_counts_cps", dark, "1/s"),
            chk.nonnegative("jitter_fwhm_ps", jit, "ps"),
        )

    def __post_init__(self) -> None:
        chk.fraction("escape_fraction", self.escape_fraction)
        chk.positive("time_bin_ns", self.time_bin_ns, "ns")


def _prob(description: str) -> Any:
    """A pydantic field holding a probability in [0, 1]."""
    return Field(description=f"{description}; probability in [0, 1]", ge=0.0, le=1.0)


class NoiseRow(BaseModel):
    """Error rates of one qubitron for one QEC round (probabilities are in [0, 1])."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qubitron: str = Field(description="qubitron name")
    p_erasure: float = _prob("heralded photon / emitter loss, per round")
    p_pauli_x: float = _prob("X error from incomplete STIRAP transfer")
    p_pauli_y: float = _prob("Y error from incomplete STIRAP transfer")
    p_pauli_z: float = _prob("Z error from ground dephasing during STIRAP")
    p_depolarizing: float = _prob("p_pauli_x + p_pauli_y + p_pauli_z")
    p_measurement: float = _prob("wrong outcome given a detected photon")
    p_idle: float = _prob("Z error from dephasing while idle, per round")
    transfer_efficiency: float = _prob("STIRAP population in g2")
    stirap_leakage: float = _prob("STIRAP population left in g1 and e")
    stirap_loss: float = _prob("STIRAP population decayed out of the system")
    stirap_dephasing_error: float = Field(
        description="part of the STIRAP error due to pure dephasing (diagnostic, not additive)",
        ge=-1.0, le=1.0,
    )
    photon_detection_efficiency: float = Field(
        description="beta x escape x path transmission x detector efficiency; in [0, 1]",
        ge=0.0,
        le=1.0,
    )
    pump_rabi_rad_per_us: float = Field(description="peak pump Rabi frequency, rad/us", ge=0)
    stokes_rabi_rad_per_us: float = Field(description="peak Stokes Rabi frequency, rad/us", ge=0)
    purcell_factor: float = Field(description="Purcell factor into the ring mode", ge=0)
    decay_rate_per_ns: float = Field(description="Purcell-enhanced decay rate of e, 1/ns", ge=0)
    ring_detuning_pm: float = Field(
        default=0.0, description="ring resonance minus its channel left after tuning, pm"
    )
    cavity_factor: float = Field(
        default=1.0, ge=0.0, le=1.0,
        description="Lorentzian 1 / (1 + (2 Q detuning / wavelength)^2): scales the drive "
        "power in the ring and the Purcell factor",
    )
    detuning_source: str = Field(
        default="none given: ring taken on its channel",
        description="where ring_detuning_pm came from (e.g. the thermal tuning solve)",
    )


class NoiseTable(BaseModel):
    """Per-qubitron noise table of one QEC round, with the encoding it assumes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    encoding: str = Field(description="which levels / photonic modes hold the qubit")
    round_duration_ns: float = Field(description="length of one QEC round, ns", ge=0)
    stirap_window_ns: float = Field(description="length of the STIRAP pulse window, ns", ge=0)
    n_distinct_solves: int = Field(description="distinct STIRAP parameter sets solved", ge=0)
    rows: list[NoiseRow]

    @staticmethod
    def field_units() -> dict[str, str]:
        """Column name -> description with unit / range, for documentation and CSV headers."""
        return {
            name: (f.description or "") for name, f in NoiseRow.model_fields.items()
        }

    def column(self, name: str) -> Array:
        """One numeric column as an array (raises ValueError for an unknown column)."""
        if name not in NoiseRow.model_fields or name in ("qubitron", "detuning_source"):
            raise ValueError(f"name must be a numeric NoiseRow field, got {name!r}")
        return np.array([getattr(r, name) for r in self.rows], dtype=float)

    def to_json(self, path: str | Path | None = None) -> str:
        """JSON text (also written to ``path`` if given)."""
        text = self.model_dump_json(indent=1)
        if path is not None:
            Path(path).write_text(text)
        return text

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text, one row per qubitron (also written to ``path`` if given)."""
        buf = io.StringIO()
        names = list(NoiseRow.model_fields)
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        for r in self.rows:
            w.writerow([getattr(r, n) for n in names])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text)
        return text

    def summary(self) -> dict[str, float]:
        """Mean and max of the error channels over the qubitrons."""
        out: dict[str, float] = {}
        for name in ("p_erasure", "p_pauli_x", "p_pauli_z", "p_measurement", "p_idle"):
            col = self.column(name)
            out[f"{name}_mean"] = float(col.mean()) if col.size else math.nan
            out[f"{name}_max"] = float(col.max()) if col.size else math.nan
        return out


def _quantise(values: Array, *, rel_step: float, positive_scale: bool) -> NDArray[np.int64]:
    """Integer labels: log grid of relative step ``rel_step`` (positive data) or linear grid."""
    if positive_scale:
        safe = np.where(values > 0, values, 1.0)
        lab = np.round(np.log(safe) / math.log1p(rel_step)).astype(np.int64)
        return np.where(values > 0, lab, np.iinfo(np.int64).min)
    return np.round(values / rel_step).astype(np.int64)


def tile_round_ns(pulses: PulseTiming | None = None, readout: ReadoutModel | None = None
                  ) -> float:
    """One tile's QEC round, ns: the STIRAP window and the readout's early and late time
    bins (the round :func:`noise_table` assumes unless told otherwise).

    Example:
        >>> tile_round_ns(PulseTiming(fwhm_ns=20.0, delay_ns=12.0), ReadoutModel(time_bin_ns=3.0))
        138.0
    """
    timing = PulseTiming() if pulses is None else pulses
    ro = ReadoutModel() if readout is None else readout
    return timing.duration_ns + 2.0 * ro.time_bin_ns


def noise_table(
    *,
    pump_power_mW: ArrayLike,
    stokes_power_mW: ArrayLike,
    loaded_q: ArrayLike,
    detector_path_loss_dB: ArrayLike = 0.0,
    qubitron_ids: Sequence[str] | None = None,
    coupling_rad_per_us: ArrayLike | None = None,
    ring_radius_um: ArrayLike = DEFAULT_RING_RADIUS_UM,
    one_photon_detuning_rad_per_us: ArrayLike = 0.0,
    two_photon_detuning_rad_per_us: ArrayLike = 0.0,
    ring_detuning_nm: ArrayLike = 0.0,
    detuning_source: Sequence[str] | str | None = None,
    emitter: EmitterModel | None = None,
    pulses: PulseTiming | None = None,
    readout: ReadoutModel | None = None,
    round_duration_ns: float | None = None,
    rel_step: float = 1e-3,
    detuning_step_rad_per_us: float = 1.0,
) -> NoiseTable:
    """Per-qubitron noise table of one QEC round (vectorised over qubitrons).

    Args:
        pump_power_mW: pump power reaching each qubitron's pump bus, mW (input power minus the
            pump path loss of the loss budget: ``control.drive.power_at_qubitron_mW``).
        stokes_power_mW: Stokes power reaching each qubitron's Stokes bus, mW.
        loaded_q: loaded Q of each qubitron ring.
        detector_path_loss_dB: loss from the ring's drop port to the SNSPD, dB (>= 0).
        qubitron_ids: names (default ``q0000``, ``q0001``, ...).
        coupling_rad_per_us: single-photon coupling g, rad/us; default from the emitter's
            dipole and the ring mode volume (``control.drive``; estimates).
        ring_radius_um: ring radius for the default mode volume, um.
        one_photon_detuning_rad_per_us: residual pump detuning after tuning, rad/us.
        two_photon_detuning_rad_per_us: residual Raman detuning, rad/us.
        ring_detuning_nm: each ring's resonance minus its WDM channel after thermal tuning, nm
            (``flows.thermal_job.qubitron_detuning``). The lasers stay on the channel, so an
            off-channel ring holds less of their field and enhances the emitter less: the
            drive powers and the Purcell factor are scaled by
            :func:`control.drive.cavity_detuning_factor` (Lorentzian of the loaded Q).
        detuning_source: where ``ring_detuning_nm`` came from, per qubitron or one for all
            (written to the table).
        emitter: :class:`EmitterModel` (default: the documented estimates).
        pulses: pulse shape and timing (default :class:`control.pulses.PulseTiming`).
        readout: :class:`ReadoutModel` (default: detector_figures()).
        round_duration_ns: QEC round length, ns (default: STIRAP window + two time bins); the
            idle time is the round minus the STIRAP window.
        rel_step: relative quantisation step of Rabi frequencies and decay rate.
        detuning_step_rad_per_us: quantisation step of the detunings, rad/us.

    Returns:
        :class:`NoiseTable`, one row per qubitron (arrays broadcast to a common length).
    """
    em = EmitterModel() if emitter is None else emitter
    timing = PulseTiming() if pulses is None else pulses
    ro = ReadoutModel() if readout is None else readout
    eta_det, dark_cps, jitter_ps = ro.resolved()
    rel = chk.positive("rel_step", rel_step)
    det_step = chk.positive("detuning_step_rad_per_us", detuning_step_rad_per_us, "rad/us")

    loss_db = chk.nonnegative_array("detector_path_loss_dB", detector_path_loss_dB, "dB")
    radius = chk.positive_array("ring_radius_um", ring_radius_um, "um")
    d1 = chk.finite_array("one_photon_detuning_rad_per_us", one_photon_detuning_rad_per_us)
    d2 = chk.finite_array("two_photon_detuning_rad_per_us", two_photon_detuning_rad_per_us)
    q = chk.positive_array("loaded_q", loaded_q)
    if coupling_rad_per_us is None:
        g = single_photon_coupling_rad_per_us(
            dipole_debye=em.dipole_debye,
            mode_volume_um3=ring_mode_volume_um3(radius_um=radius),
            field_fraction=em.field_fraction,
            wavelength_nm=em.wavelength_nm,
        )
    else:
        g = chk.nonnegative_array("coupling_rad_per_us", coupling_rad_per_us, "rad/us")
    ring_nm = chk.finite_array("ring_detuning_nm", ring_detuning_nm)
    cavity = cavity_detuning_factor(
        detuning_nm=ring_nm, loaded_q=q, wavelength_nm=em.wavelength_nm
    )
    om_p = rabi_from_power_rad_per_us(
        power_mW=chk.nonnegative_array("pump_power_mW", pump_power_mW, "mW") * cavity, loaded_q=q,
        coupling_rad_per_us=g, wavelength_nm=em.wavelength_nm,
    )
    om_s = rabi_from_power_rad_per_us(
        power_mW=chk.nonnegative_array("stokes_power_mW", stokes_power_mW, "mW") * cavity,
        loaded_q=q,
        coupling_rad_per_us=g, wavelength_nm=em.wavelength_nm,
    )
    fp = cavity * purcell_factor(
        coupling_rad_per_us=g, loaded_q=q, free_decay_per_ns=em.free_decay_per_ns,
        wavelength_nm=em.wavelength_nm,
    )
    try:
        om_p, om_s, fp, loss_db, d1, d2, ring_nm, cavity = np.broadcast_arrays(
            om_p, om_s, fp, loss_db, d1, d2, ring_nm, cavity
        )
    except ValueError:
        raise ValueError("per-qubitron inputs do not broadcast to one length") from None
    om_p, om_s, fp, loss_db, d1, d2, ring_nm, cavity = (
        np.atleast_1d(a).ravel() for a in (om_p, om_s, fp, loss_db, d1, d2, ring_nm, cavity)
    )
    n = om_p.size
    if qubitron_ids is None:
        ids = [f"q{i:04d}" for i in range(n)]
    else:
        ids = [str(name) for name in qubitron_ids]
    if len(ids) != n:
        raise ValueError(f"qubitron_ids must have {n} names, got {len(ids)}")
    if detuning_source is None or isinstance(detuning_source, str):
        sources = [detuning_source or str(NoiseRow.model_fields["detuning_source"].default)] * n
    else:
        sources = [str(x) for x in detuning_source]
        if len(sources) != n:
            raise ValueError(f"detuning_source must have {n} entries, got {len(sources)}")
    gamma = em.free_decay_per_ns * (1.0 + fp)

    # group qubitrons whose quantised STIRAP parameters coincide; solve each group once
    labels = np.stack(
        [
            _quantise(om_p, rel_step=rel, positive_scale=True),
            _quantise(om_s, rel_step=rel, positive_scale=True),
            _quantise(gamma, rel_step=rel, positive_scale=True),
            _quantise(d1, rel_step=det_step, positive_scale=False),
            _quantise(d2, rel_step=det_step, positive_scale=False),
        ],
        axis=1,
    )
    _, first, inverse = np.unique(labels, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    res = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=om_p[first],
        stokes_peak_rabi_rad_per_us=om_s[first],
        delay_ns=timing.delay_ns,
        fwhm_ns=timing.fwhm_ns,
        shape=timing.shape,
        gamma_per_ns=gamma[first],
        branching_g1=em.branching_g1,
        branching_g2=em.branching_g2,
        ground_dephasing_per_ns=em.ground_dephasing_per_ns,
        excited_dephasing_per_ns=em.excited_dephasing_per_ns,
        one_photon_detuning_rad_per_us=d1[first],
        two_photon_detuning_rad_per_us=d2[first],
        rtol=1e-6,
        atol=1e-8,
    )
    p_g1 = np.clip(res.population_g1[inverse], 0.0, 1.0)
    p_e = np.clip(res.population_e[inverse], 0.0, 1.0)
    p_out = np.clip(res.loss[inverse], 0.0, 1.0)
    eff = np.clip(res.transfer_efficiency[inverse], 0.0, 1.0)
    deph = res.dephasing_error[inverse]
    b_out = max(0.0, 1.0 - em.branching_g1 - em.branching_g2)

    t_pulse = timing.duration_ns
    t_round = tile_round_ns(timing, ro) if round_duration_ns is None else round_duration_ns
    t_round = chk.positive("round_duration_ns", t_round, "ns")
    if t_round < t_pulse:
        raise ValueError(
            f"round_duration_ns must be >= the STIRAP window {t_pulse:g} ns, got {t_round:g}"
        )
    gg = em.ground_dephasing_per_ns

    eps_transfer = np.clip(p_g1 + em.branching_g1 * p_e, 0.0, 1.0)
    p_loss = np.clip(p_out + b_out * p_e, 0.0, 1.0)
    beta = fp / (1.0 + fp)
    eta_photon = beta * ro.escape_fraction * 10.0 ** (-loss_db / 10.0) * eta_det
    p_erasure = 1.0 - (1.0 - p_loss) * eta_photon
    p_x = 0.5 * eps_transfer
    p_z = np.full(n, 0.5 * (1.0 - math.exp(-gg * t_pulse)))
    p_idle = 0.5 * (1.0 - math.exp(-gg * (t_round - t_pulse)))
    sigma_ns = jitter_ps * 1e-3 / (2.0 * math.sqrt(2.0 * math.log(2.0)))
    p_jit = 0.0 if sigma_ns == 0 else float(erfc(0.5 * ro.time_bin_ns / (math.sqrt(2) * sigma_ns)))
    p_ovf = np.exp(-gamma * ro.time_bin_ns)
    p_dark = 1.0 - math.exp(-dark_cps * ro.time_bin_ns * 1e-9)
    p_meas = 1.0 - (1.0 - p_jit) * (1.0 - p_ovf) * (1.0 - 0.5 * p_dark)

    cols = {
        "p_erasure": p_erasure,
        "p_pauli_x": p_x,
        "p_pauli_y": p_x,
        "p_pauli_z": p_z,
        "p_depolarizing": np.clip(2.0 * p_x + p_z, 0.0, 1.0),
        "p_measurement": p_meas,
        "p_idle": np.full(n, p_idle),
        "transfer_efficiency": eff,
        "stirap_leakage": np.clip(p_g1 + p_e, 0.0, 1.0),
        "stirap_loss": p_out,
        "stirap_dephasing_error": deph,
        "photon_detection_efficiency": eta_photon,
        "pump_rabi_rad_per_us": om_p,
        "stokes_rabi_rad_per_us": om_s,
        "purcell_factor": fp,
        "decay_rate_per_ns": gamma,
        "ring_detuning_pm": ring_nm * 1e3,
        "cavity_factor": cavity,
    }
    lists = {k: np.asarray(v, dtype=float).tolist() for k, v in cols.items()}
    rows = [
        NoiseRow(qubitron=ids[i], detuning_source=sources[i], **{k: v[i] for k, v in lists.items()})
        for i in range(n)
    ]
    table = NoiseTable(
        encoding=ENCODING,
        round_duration_ns=t_round,
        stirap_window_ns=t_pulse,
        n_distinct_solves=int(first.size),
        rows=rows,
    )
    return table


ENCODING = (
    "qubit in the emitter ground states |0>=|g1>, |1>=|g2>; STIRAP (pump g1-e, Stokes e-g2, "
    "Stokes first) transfers between them; readout maps the state onto a time-bin photon "
    "emitted into the ring, dropped to the detector bus and detected by the SNSPD; no click "
    "in either bin heralds an erasure"
)

