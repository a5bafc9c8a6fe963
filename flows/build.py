"""The main job: chip spec -> mask -> DRC -> loss budget -> FDTD summary -> reports.

Every stage takes the previous stage's product and is timed (wall time and the process's
peak resident memory after it). The folder ``OUT/NAME/`` is assembled under a temporary name
and swapped in whole at the end (``flows.output``), so a failed or interrupted build leaves
the previous build intact; a build whose DRC fails still writes its reports (exit code 1).
The report is one typed value (``flows.report.BuildReport``) written as JSON and HTML.

Example:
    >>> import tempfile, pathlib
    >>> from rich.console import Console
    >>> from flows.spec import default_chip
    >>> result = build_chip(default_chip(), pathlib.Path(tempfile.mkdtemp()), Console(quiet=True))
    >>> sorted(p.name for p in result.folder.iterdir() if p.is_dir())
    ['control', 'drc', 'loss', 'network', 'qec', 'thermal']
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from components.models.bend import bend_loss_dB_per_90deg
from components.models.calibration import Calibration
from components.qubitron import loaded_q_estimate
from control.noise import NoiseTable
from flows.control_job import run_control
from flows.gds_file import write_mask
from flows.loss_stage import run_loss_stage
from flows.network_control_job import NetworkControlSummary, run_network_control
from flows.output import atomic_folder, check_output_root
from flows.qec_job import run_qec
from flows.report import (
    BendLossInUse,
    BuildReport,
    CalibrationSummary,
    ControlSummary,
    Counts,
    RouteSummary,
    StageTiming,
    ThermalSummary,
)
from flows.report_drc import drc_summary
from flows.report_html import write_html_report
from flows.report_loss import qubitron_channel_paths
from flows.spec import ChipSpec
from flows.system import SystemSummary, system_summary
from flows.thermal_job import qubitron_detuning, run_thermal, thermal_summary
from qc_pdk.cross_sections import WG_ROUTING_RADIUS_UM
from qc_pdk.drc import check_layout, write_drc_outputs
from qc_pdk.layer_views import write_lyp
from routing.chip import chip_layout
from routing.density import chip_density
from routing.tile import chip_tile, feed_port

STAGES = (
    "cells, placement and routing",
    "gds",
    "drc",
    "loss",
    "fdtd summary",
    "thermal",
    "control",
    "qec",
    "report",
)


@dataclass
class BuildResult:
    """Where the build went and how it ended (0 clean, 1 checks failed)."""

    folder: Path
    exit_code: int
    report: BuildReport


@dataclass
class _Timer:
    stages: list[StageTiming] = field(default_factory=list)

    def run(self, console: Console, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        with console.status(f"[bold]{name}[/] ..."):
            value = fn()
        dt = time.perf_counter() - t0
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stages.append(
            StageTiming(stage=name, seconds=round(dt, 3), peak_rss_mib=round(peak_mib, 1))
        )
        console.print(f"  {name:32s} {dt:8.2f} s   peak RSS {peak_mib:8.1f} MiB")
        return value


def calibration_summary(calibration: Calibration) -> CalibrationSummary:
    """FDTD-calibrated figures the loss budget used; the routing bend from the 3D table."""
    r = WG_ROUTING_RADIUS_UM
    fit = calibration.bend_euler_fdtd_2d
    summary = CalibrationSummary(
        calibration_file=None if calibration.empty else calibration.source,
        method=calibration.meta.get("method"),
        bend_loss_dB_per_90deg_at_routing_radius=BendLossInUse(
            radius_um=r,
            in_use=round(bend_loss_dB_per_90deg(radius_um=r), 4),
            fdtd_2d_fit=None if fit is None else round(fit.loss_dB_per_90deg(r), 4),
        ),
    )
    if calibration.crossing is not None:
        summary.crossing = {
            "insertion_loss_dB": calibration.crossing.insertion_loss_dB,
            "crosstalk_dB": calibration.crossing.crosstalk_dB,
        }
    if calibration.interlayer_coupler is not None:
        summary.interlayer_coupler = {
            "insertion_loss_dB": calibration.interlayer_coupler.insertion_loss_dB
        }
    if calibration.empty:
        summary.note = "no FDTD calibration: the compact models use published defaults"
    return summary


def system_of(spec: ChipSpec, report: BuildReport) -> SystemSummary | None:
    """The system of ``spec.system.dies`` copies of the built die (None without thermal or
    QEC figures)."""
    if report.thermal is None or report.qec is None:
        return None
    net = report.network
    return system_summary(
        dies=spec.system.dies,
        qubitrons_per_die=spec.n_qubitrons,
        # a networked die has the tree's fibres; islands have three per tile
        fibres_per_die=net.fibres if net is not None else 3 * report.counts.tiles,
        die_um=(spec.die.width_um, spec.die.height_um),
        detection_min=(net.detection_min if net is not None
                       else report.qubitron_detection.min_efficiency),
        heat_load_W=report.thermal.heat_load_W,
        cooling_power_W=report.thermal.cooling_power_W,
        logical_qubits_per_die=report.qec.logical_qubits_on_chip,
        wafer_mm=spec.system.wafer_mm,
    )


def system_line(system: SystemSummary) -> str:
    """One console line of the system figures."""
    wafers = (f"{system.dies_per_wafer} per {system.wafer_mm} mm wafer -> {system.wafers} "
              "wafers" if system.wafers else f"no die fits a {system.wafer_mm} mm wafer")
    return (f"system: {system.dies} dies x {system.qubitrons_per_die} = {system.qubitrons} "
            f"qubitrons, {system.fibres} fibres, {wafers}, heat load {system.heat_load_W:.3g} W "
            f"on {system.cooling_stages} cold stage(s)")


def build_chip(
    spec: ChipSpec, out: Path, console: Console, *, calibration: Calibration | None = None
) -> BuildResult:
    """Build ``spec`` into ``out/NAME/``; returns the folder, exit code and report.

    Args:
        spec: the chip spec.
        out: output root; the build goes to ``out/spec.name/``.
        console: where progress goes.
        calibration: the calibration the active PDK's models carry (for the report's FDTD
            section); default: the one ``quantacore.pdk`` loaded.

    Raises:
        InputError: the spec cannot be placed (e.g. the array does not fit in the die);
            nothing is written then.
    """
    if calibration is None:
        from quantacore.pdk import calibration as pdk_calibration

        calibration = pdk_calibration()
    timer = _Timer()
    t_start = time.perf_counter()
    console.print(f"[bold]quantacore build[/] {spec.name}: {spec.n_qubitrons} qubitrons")
    folder = check_output_root(out, spec.name)  # before any work: a bad --out costs nothing
    layout = spec.chip_layout()
    component = timer.run(console, STAGES[0], lambda: chip_layout(layout))
    with atomic_folder(folder) as tmp:
        gds = tmp / f"{spec.name}.gds"

        def write() -> Path:
            write_mask(component, gds)  # KLayout 0.28 opens it; metadata in NAME.meta.oas
            write_lyp(tmp / f"{spec.name}.lyp")
            (tmp / "spec.json").write_text(spec.model_dump_json(indent=2))
            return gds

        timer.run(console, STAGES[1], write)
        final_gds = folder / gds.name  # what the DRC report names: the temporary goes away
        drc_run = timer.run(console, STAGES[2], lambda: check_layout(gds, file_label=final_gds))
        write_drc_outputs(drc_run, tmp / "drc")
        # the routed tile the chip places (cached cell): one circuit, solved once
        tile = chip_tile(layout.placed_tile())
        stage = timer.run(console, STAGES[3], lambda: run_loss_stage(spec, component, tile))
        loss, chip_level = stage.tile_loss, stage.chip_level
        pump_input = feed_port(tile, "pump_in")
        (tmp / "loss").mkdir()
        (tmp / "loss" / "tile_loss.json").write_text(loss.model_dump_json(indent=2))
        fdtd = timer.run(console, STAGES[4], lambda: calibration_summary(calibration))

        def thermal_stage() -> ThermalSummary:
            report, _ = run_thermal(
                component,  # in memory: the rings' cell info travels with it
                tmp / "thermal",
                temperature_K=spec.thermal.temperature_K,
                fab_sigma_nm=spec.thermal.fab_sigma_nm,
                seed=spec.thermal.seed,
                max_heater_power_mW=spec.thermal.max_heater_power_mW,
                loaded_q=loaded_q_estimate(
                    spec.qubitron.round_trip_um, spec.qubitron.gap_um, spec.wdm.centre_nm
                ),
                transient=False,  # `quantacore thermal` computes the time constant
                electronics=spec.thermal.electronics,
            )
            # the detuning the heaters leave feeds the control stage's STIRAP per qubitron
            detuning.update(zip(("nm", "source"), qubitron_detuning(report, tile), strict=True))
            return thermal_summary(report)

        detuning: dict[str, Any] = {}

        thermal = timer.run(console, STAGES[5], thermal_stage)
        def control_stage() -> tuple[ControlSummary, NoiseTable, NetworkControlSummary | None]:
            # the network controller sets the drawn switch trees for one QEC round; the
            # slots it needs are idle time for every qubitron (the noise table's p_idle)
            network = None if "network" not in component.info else run_network_control(
                component, tmp, feed=spec.network.feed)
            control, noise = run_control(
                spec, tmp / "control", tile=tile, loss=loss, chip=component,
                ring_detuning_nm=detuning.get("nm"), detuning_source=detuning.get("source"),
                feed_loss_dB=None if chip_level is None else chip_level.feed_worst_dB,
                network_slots=1 if network is None else max(1, network.slots),
            )
            if network is not None:
                network.round_time_us = round(network.slots * control.round_latency_ns / 1e3, 4)
            return control, noise, network

        control, noise, network_control = timer.run(console, STAGES[6], control_stage)
        qec = timer.run(
            console,
            STAGES[7],
            lambda: run_qec(
                spec, tmp / "qec", tile_table=noise, loaded_q=list(control.loaded_q.values())
            ),
        )
        route = RouteSummary(**tile.info["route"])
        drc = drc_run.report
        report = BuildReport(
            name=spec.name,
            spec=spec.model_dump(mode="json"),
            gds=gds.name,
            counts=Counts(
                qubitrons=spec.n_qubitrons,
                switches=spec.n_qubitrons,  # one ring switch per qubitron
                crossings=route.crossings * component.info["tiles"],
                tiles=component.info["tiles"],
                mzi_switches=int(component.info.get("network", {}).get("switches", 0)),
            ),
            drc=drc_summary(drc),  # with every rule checked and where violations are
            routing=route,
            loss=stage.summary,
            qubitron_detection=stage.detection,
            network=None if chip_level is None else chip_level.summary,
            network_control=network_control,
            density=chip_density(component, die_um=(spec.die.width_um, spec.die.height_um)),
            fdtd=fdtd,
            thermal=thermal,
            control=control,
            qec=qec,
        )
        report.system = system_of(spec, report)

        def report_stage() -> None:
            # what a designer asks of the loss: each qubitron's path on its own channel
            report.channel_paths = qubitron_channel_paths(
                tile,
                {k: v.wl_nm for k, v in report.qubitron_detection.detector_efficiency.items()},
                input_port=pump_input,
            )
            report.stages = timer.stages
            report.total_seconds = round(time.perf_counter() - t_start, 3)
            write_html_report(report, tmp / "report.html", chip=component, tile=tile)

        timer.run(console, STAGES[8], report_stage)
        report.stages = timer.stages
        report.write_json(tmp)
    ok = report.ok
    if report.system is not None and report.system.dies > 1:
        console.print(system_line(report.system))
    state = "[green]clean[/]" if ok else "[red]checks failed[/]"
    console.print(f"{state}: {folder / gds.name}, {folder / 'report.html'}")
    return BuildResult(folder=folder, exit_code=0 if ok else 1, report=report)
