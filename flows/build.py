"""The main job: chip spec -> mask -> DRC -> loss budget -> FDTD summary -> reports.

Every stage takes the previous stage's product and is timed (wall time and the process's
peak resident memory after it). The folder ``OUT/NAME/`` is assembled under a temporary name
and renamed at the end, so a failed or interrupted build leaves no half-written folder; a
build whose DRC fails still writes its reports (exit code 1).

Example:
    >>> import tempfile, pathlib
    >>> from rich.console import Console
    >>> from flows.spec import default_chip
    >>> result = build_chip(default_chip(), pathlib.Path(tempfile.mkdtemp()), Console(quiet=True))
    >>> sorted(p.name for p in result.folder.iterdir())[:3]
    ['drc', 'layout.png', 'loss']
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from flows.spec import ChipSpec

STAGES = ("cells, placement and routing", "gds", "drc", "loss", "fdtd summary", "report")


@dataclass
class BuildResult:
    """Where the build went and how it ended (0 clean, 1 checks failed)."""

    folder: Path
    exit_code: int
    report: dict[str, Any]


@dataclass
class _Timer:
    stages: list[dict[str, Any]] = field(default_factory=list)

    def run(self, console: Console, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        with console.status(f"[bold]{name}[/] ..."):
            value = fn()
        dt = time.perf_counter() - t0
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stages.append(
            {"stage": name, "seconds": round(dt, 3), "peak_rss_mib": round(peak_mib, 1)}
        )
        console.print(f"  {name:32s} {dt:8.2f} s   peak RSS {peak_mib:8.1f} MiB")
        return value


def _fdtd_summary() -> dict[str, Any]:
    """FDTD-calibrated figures the loss budget used, next to the published defaults."""
    from components.models.bend import bend_loss_dB_per_90deg
    from components.models.calibration import calibration_path, load_calibration
    from qc_pdk.cross_sections import WG_ROUTING_RADIUS_UM

    data = load_calibration()
    summary: dict[str, Any] = {
        "calibration_file": str(calibration_path()) if data else None,
        "method": data.get("_meta", {}).get("method") if data else None,
        "bend_loss_dB_per_90deg_at_routing_radius": {
            "radius_um": WG_ROUTING_RADIUS_UM,
            "in_use": round(bend_loss_dB_per_90deg(radius_um=WG_ROUTING_RADIUS_UM), 4),
            "published": round(
                bend_loss_dB_per_90deg(radius_um=WG_ROUTING_RADIUS_UM, use_calibration=False), 4
            ),
        },
    }
    for section in ("crossing", "interlayer_coupler"):
        if section in data:
            summary[section] = {k: v for k, v in data[section].items() if not k.startswith("fdtd_")}
    if not data:
        summary["note"] = "no FDTD calibration: the compact models use published defaults"
    return summary


#: a qubitron counts as reached when this fraction of the pump fibre's light is detected
MIN_DETECTION_EFFICIENCY = 0.01


def _qubitron_paths(loss: Any, n_qubitrons: int) -> dict[str, Any]:
    """Per-qubitron detection efficiency of the pump path (fibre -> qubitron detector), on its
    WDM channel."""
    per_qubitron = {
        d.detector: {"efficiency": round(d.efficiency, 6), "wl_nm": round(d.wl_um * 1e3, 4)}
        for d in loss.detectors
        if d.input == "fibre_pump_in"
    }
    reached = [k for k, v in per_qubitron.items() if v["efficiency"] >= MIN_DETECTION_EFFICIENCY]
    return {
        "reachable": len(reached),
        "expected": n_qubitrons,
        "min_efficiency": MIN_DETECTION_EFFICIENCY,
        "detector_efficiency": per_qubitron,
    }


def build_chip(spec: ChipSpec, out: Path, console: Console) -> BuildResult:
    """Build ``spec`` into ``out/NAME/``; returns the folder, exit code and report dict.

    Raises:
        SpecError: the spec cannot be placed (e.g. the array does not fit in the die);
            nothing is written then.
    """
    from components.resonance import wdm_grid_nm
    from flows.chip import chip_component
    from flows.layout_stats import placed_cell_counts
    from flows.report_html import write_html_report, write_layout_pictures
    from flows.tile import chip_tile
    from qc_pdk import activate
    from qc_pdk.drc import check_layout, write_drc_outputs
    from qc_pdk.layer_views import write_lyp
    from simulation.loss_budget import loss_budget

    activate()
    timer = _Timer()
    t_start = time.perf_counter()
    console.print(f"[bold]quantacore build[/] {spec.name}: {spec.n_qubitrons} qubitrons")
    component = timer.run(console, STAGES[0], lambda: chip_component(spec))
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{spec.name}-", dir=out))
    try:
        gds = tmp / f"{spec.name}.gds"

        def write() -> Path:
            component.write_gds(gds)
            write_lyp(tmp / f"{spec.name}.lyp")
            (tmp / "spec.json").write_text(spec.model_dump_json(indent=2))
            return gds

        timer.run(console, STAGES[1], write)
        drc_run = timer.run(console, STAGES[2], lambda: check_layout(gds))
        write_drc_outputs(drc_run, tmp / "drc")
        tile = chip_tile(spec)  # the routed tile (cached cell): one circuit, solved once
        grid_um = (
            wdm_grid_nm(
                centre_nm=spec.wdm.centre_nm,
                spacing_nm=spec.wdm.spacing_nm,
                channels=spec.array.tile_columns,
            )
            * 1e-3
        )
        loss = timer.run(
            console,
            STAGES[3],
            lambda: loss_budget(
                tile, centre_wl_um=spec.wdm.centre_nm * 1e-3, detector_wl_um=grid_um
            ),
        )
        (tmp / "loss").mkdir()
        (tmp / "loss" / "tile_loss.json").write_text(loss.model_dump_json(indent=2))
        fdtd = timer.run(console, STAGES[4], _fdtd_summary)

        counts = placed_cell_counts(
            gds, {"qubitrons": "qubitron", "switches": "ring_switch", "crossings": "crossing"}
        )
        tiles = component.info["tiles"]
        reach = _qubitron_paths(loss, tile.info["qubitrons"])
        report: dict[str, Any] = {
            "name": spec.name,
            "spec": json.loads(spec.model_dump_json()),
            "gds": gds.name,
            "counts": {**counts, "tiles": tiles},
            "drc": {
                "clean": drc_run.report.clean,
                "total_violations": drc_run.report.total_violations,
                "by_rule": drc_run.report.counts(),
                "runtime_s": drc_run.report.runtime_s,
            },
            "routing": dict(tile.info.get("route", {})),
            "loss": {
                "scope": "one tile (every tile is the same cell)",
                "paths": len(loss.paths),
                # detector paths are reported on their own WDM channel in qubitron_detection
                "worst": [p.model_dump() for p in loss.paths if not p.to_detector][:10],
                "insertion_loss_dB": [p.insertion_loss_dB for p in loss.paths],
            },
            "qubitron_detection": reach,
            "fdtd": fdtd,
        }

        def report_stage() -> None:
            pictures = write_layout_pictures(component, tile, tmp, spec)
            report["pictures"] = pictures
            report["stages"] = timer.stages
            report["total_seconds"] = round(time.perf_counter() - t_start, 3)
            (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str))
            write_html_report(report, tmp / "report.html")

        timer.run(console, STAGES[5], report_stage)
        report["stages"] = timer.stages
        (tmp / "report.json").write_text(json.dumps(report, indent=2, default=str))
        folder = out / spec.name
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = drc_run.report.clean and reach["reachable"] == reach["expected"]
    state = "[green]clean[/]" if ok else "[red]checks failed[/]"
    console.print(f"{state}: {folder / gds.name}, {folder / 'report.html'}")
    return BuildResult(folder=folder, exit_code=0 if ok else 1, report=report)
