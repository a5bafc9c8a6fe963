"""The chip as the control layer sees it: drive power at each qubitron, STIRAP, noise, timing.

From the routed tile (every tile is the same cell) and the chip spec's launched powers:

1. the pump and Stokes power reaching each qubitron's buses on its WDM channel
   (``simulation.probes``: the solved circuit, cut at the qubitron's input ports);
2. each qubitron ring's loaded Q from its drawn round trip and gap (the one coupling law);
3. the per-qubitron noise table (``control.noise``: STIRAP solved for each distinct drive,
   the encoding and readout model stated there);
4. the pulse schedule of one QEC round and the optical timing (arrival times from the routed
   path lengths, skew, round latency);
5. with the chip's layout: its heater control lines and bond pads against the die edge
   (``control.lines``: direct drive or row-column addressing).

Outputs (``noise_table.csv/json``, ``schedule.csv/json/png``, ``timing.json``, and
``control_lines.json`` with the chip) go to one folder.

Example:
    >>> import tempfile, pathlib
    >>> from flows.spec import default_chip
    >>> summary, table = run_control(default_chip(), pathlib.Path(tempfile.mkdtemp()) / "c")
    >>> summary.qubitrons, summary.transfer_efficiency_min > 0.9
    (4, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from components.resonance import wdm_grid_nm
from control.lines import ControlLines, control_lines
from control.noise import NoiseTable, noise_table, tile_round_ns
from control.pulses import PulseTiming
from control.schedule import qec_round_schedule
from control.timing import TimingReport, timing_report
from flows.output import atomic_folder
from flows.report import ControlSummary
from flows.spec import ChipSpec
from routing.tile import chip_tile, feed_port
from simulation.loss_budget import LossReport, loss_budget
from simulation.probes import delivered_transmission

__all__ = ["control_summary", "run_control"]


def _dB(field: np.ndarray) -> float:
    return float(-10.0 * np.log10(max(float(np.abs(field[0]) ** 2), 1e-30)))


def run_control(
    spec: ChipSpec,
    out: str | Path,
    *,
    tile: Any = None,
    loss: LossReport | None = None,
    chip: Any = None,
    ring_detuning_nm: dict[str, float] | None = None,
    detuning_source: dict[str, str] | None = None,
    feed_loss_dB: Mapping[str, np.ndarray] | None = None,
    network_slots: int = 1,
) -> tuple[ControlSummary, NoiseTable]:
    """Evaluate the control layer of ``spec``'s tile and write its outputs to ``out``.

    Args:
        spec: the chip spec (launched powers and pulses in ``spec.control``).
        out: output folder (replaced atomically).
        tile: the routed tile cell (default: drawn from the spec).
        loss: the tile's loss budget (for the routed path lengths; default: computed).
        chip: the whole chip's layout (gdsfactory Component); when given, its heater control
            lines and bond pads are counted against the die edge (``control.lines``) and
            written to ``control_lines.json``.
        ring_detuning_nm: qubitron -> its ring's detuning from the channel left after thermal
            tuning, nm (``flows.thermal_job.qubitron_detuning``); default: on the channel.
        detuning_source: qubitron -> where that detuning came from (into the noise table).
        feed_loss_dB: for a networked chip, the loss (dB per WDM channel) from each chip
            fibre to the tile's feed port, worst tile (``flows.network_job``): added to the
            tile's own pump and Stokes delivery.
        network_slots: time slots the chip's network needs for one QEC round
            (``flows.network_control_job``): a qubitron idles through the other slots, so
            the round its idle dephasing runs over is this many tile rounds (>= 1).

    Returns:
        the build report's control section and the tile's noise table.
    """
    tile = tile if tile is not None else chip_tile(spec.tile_design())
    n = spec.array.tile_columns
    grid_um = wdm_grid_nm(
        centre_nm=spec.wdm.centre_nm, spacing_nm=spec.wdm.spacing_nm, channels=n
    ) * 1e-3
    if loss is None:
        loss = loss_budget(tile, centre_wl_um=spec.wdm.centre_nm * 1e-3, detector_wl_um=grid_um)
    names = [f"qubitron_{k}" for k in range(n)]
    pump_dB, stokes_dB, q_loaded, radius = {}, {}, {}, []
    for k, name in enumerate(names):
        wl = grid_um[k : k + 1]
        pump = delivered_transmission(tile, source=feed_port(tile, "pump_in"),
                                      probes={"q": f"{name},o1"}, wl=wl)["q"]
        stokes = delivered_transmission(tile, source=feed_port(tile, "stokes_in"),
                                        probes={"q": f"{name},o3"}, wl=wl)["q"]
        feed = feed_loss_dB or {}
        pump_dB[name] = round(_dB(pump) + float(feed.get("pump_in", np.zeros(n))[k]), 4)
        stokes_dB[name] = round(_dB(stokes) + float(feed.get("stokes_in", np.zeros(n))[k]), 4)
        info = tile.insts[name].cell.info
        q_loaded[name] = float(info["loaded_q_estimate"])
        radius.append(float(info["round_trip_um"]) / (2 * np.pi))
    if network_slots < 1:
        raise ValueError(f"network_slots={network_slots}: must be >= 1")
    c = spec.control
    timing = PulseTiming(fwhm_ns=c.pulse_fwhm_ns, delay_ns=c.pulse_delay_ns, shape=c.pulse_shape)
    # a time-multiplexed network repeats one tile's round once per slot
    round_ns = tile_round_ns(timing)
    table = noise_table(
        pump_power_mW=[c.pump_power_mW * 10 ** (-pump_dB[q] / 10) for q in names],
        stokes_power_mW=[c.stokes_power_mW * 10 ** (-stokes_dB[q] / 10) for q in names],
        loaded_q=[q_loaded[q] for q in names],
        ring_radius_um=radius,
        detector_path_loss_dB=0.0,  # the SNSPD sits on the qubitron's own drop waveguide
        qubitron_ids=names,
        pulses=timing,
        round_duration_ns=network_slots * round_ns,
        ring_detuning_nm=[(ring_detuning_nm or {}).get(q, 0.0) for q in names],
        detuning_source=[
            (detuning_source or {}).get(q, "not analysed: ring taken on its channel")
            for q in names
        ],
    )
    schedule = qec_round_schedule(qubitrons=names, pulses=timing)
    lengths = {
        p.output.removeprefix("det:").removesuffix("/d1"): p.length_um
        for p in loss.paths
        if p.input == feed_port(tile, "pump_in") and p.output.startswith("det:qubitron_")
    }
    times = timing_report(
        pump_path_lengths_um=lengths,
        stirap_window_ns=table.stirap_window_ns,
        detection_window_ns=2 * 3.0,  # early + late time bin (control.noise.ReadoutModel)
        wavelength_nm=spec.wdm.centre_nm,
    )
    lines = control_lines(chip) if chip is not None else None
    with atomic_folder(out) as tmp:
        table.to_csv(tmp / "noise_table.csv")
        table.to_json(tmp / "noise_table.json")
        schedule.to_csv(tmp / "schedule.csv")
        schedule.to_json(tmp / "schedule.json")
        schedule.save_png(tmp / "schedule.png")
        (tmp / "timing.json").write_text(times.model_dump_json(indent=1))
        if lines is not None:
            (tmp / "control_lines.json").write_text(lines.model_dump_json(indent=1))
    summary = control_summary(spec, table, times, pump_dB, stokes_dB, q_loaded, lines=lines)
    if network_slots > 1:
        summary.notes.append(
            f"the network serves the tiles in {network_slots} time slots per round (one MZI "
            f"tree points one way per slot): each qubitron idles {network_slots - 1} tile "
            f"rounds of {round_ns:.1f} ns, in p_idle (MZI settling not included)")
    match = tile.info.get("length_match")
    if match is not None:
        summary.length_match = dict(match)
        summary.pump_skew_before_matching_ps = float(match["skew_before_ps"])
    return summary, table


def control_summary(
    spec: ChipSpec,
    table: NoiseTable,
    times: TimingReport,
    pump_dB: dict[str, float],
    stokes_dB: dict[str, float],
    loaded_q: dict[str, float],
    *,
    lines: ControlLines | None = None,
) -> ControlSummary:
    """The build report's control section from the noise table, the timing and (optionally)
    the chip's control lines."""
    pauli = table.column("p_pauli_x") + table.column("p_pauli_y") + table.column("p_pauli_z")
    s = table.summary()
    return ControlSummary(
        scope="one tile (every tile is the same cell)",
        qubitrons=len(table.rows),
        pump_power_mW=spec.control.pump_power_mW,
        stokes_power_mW=spec.control.stokes_power_mW,
        pump_delivery_dB=pump_dB,
        stokes_delivery_dB=stokes_dB,
        loaded_q={k: round(v, 1) for k, v in loaded_q.items()},
        transfer_efficiency_min=float(table.column("transfer_efficiency").min()),
        purcell_factor_mean=float(table.column("purcell_factor").mean()),
        p_erasure_mean=s["p_erasure_mean"],
        p_erasure_max=s["p_erasure_max"],
        p_pauli_max=float(pauli.max()),
        p_measurement_max=s["p_measurement_max"],
        p_idle_max=s["p_idle_max"],
        distinct_stirap_solves=table.n_distinct_solves,
        round_latency_ns=round(times.round_latency_ns, 3),
        pump_skew_ps=round(times.pump_skew_ps, 3),
        skew_fits_window=times.skew_fits_window,
        control_lines=lines,
        ring_detuning_pm={r.qubitron: round(r.ring_detuning_pm, 4) for r in table.rows},
        detuning_source={r.qubitron: r.detuning_source for r in table.rows},
        notes=[
            "emitter figures (dipole, free decay, branching, dephasing) are estimates: "
            "see control.noise.EmitterModel",
            "drive at each qubitron from the solved circuit on its channel; loaded Q from the "
            "ring's coupling law (components.models.ring.ring_loaded_q)",
            "p_erasure = 1 - (1 - p_loss) x photon detection efficiency (beta x escape x "
            "detector): the Purcell factor sets beta",
        ],
    )
