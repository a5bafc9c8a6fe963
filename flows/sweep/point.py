"""One sweep point: the real pipeline on one chip spec, reduced to the sweep's metrics.

With every stage chosen the point *is* ``quantacore build`` (``flows.build.build_chip`` into a
scratch folder); with fewer, it runs the chosen stages with the same functions and arguments
``build_chip`` uses (it has no stage selection: a thermal solve is half of a build and most
layout sweeps do not need it). Either way the metrics come from the same report sections
(``flows.sweep.metrics``). The function runs in Dask workers: it activates the PDK itself and
never raises for a point's failure; the failure is the row's ``status``/``error``.

Example:
    >>> from flows.spec import ChipSpec
    >>> spec = ChipSpec.model_validate({"name": "p", "array": {"rows": 1, "columns": 2,
    ...     "tile_columns": 2}, "die": {"width_um": 3000, "height_um": 3000}})
    >>> r = evaluate_point(spec.model_dump_json(), stages=("layout",))
    >>> r["status"], 0 < r["metrics"]["area_mm2"] < 9, r["metrics"]["drc_clean"]
    ('ok', True, None)
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from flows.sweep.metrics import STAGES, StageParts, metrics_from_parts, metrics_from_report

__all__ = ["evaluate_point", "layout_area_mm2", "run_stages", "warm_up"]


def warm_up() -> None:
    """Activate the PDK and import the pipeline: a worker's one-time cost, paid before its
    first point rather than inside it (a Dask worker plugin calls it as the worker joins)."""
    import quantacore

    quantacore.activate()
    import flows.build  # noqa: F401
    import flows.control_job  # noqa: F401
    import flows.qec_job  # noqa: F401
    import flows.thermal_job  # noqa: F401
    import qc_pdk.drc  # noqa: F401
    import routing.chip  # noqa: F401
    import simulation.loss_budget  # noqa: F401


def layout_area_mm2(spec: Any) -> float:
    """Area of the chip's placed cells in mm2: the bounding box of the chip's instances (the
    tiles, and the network with its fibre couplers; the die is an input of the spec, so its
    area says nothing about the design)."""
    import klayout.db as kdb

    from routing.chip import chip_layout

    chip = chip_layout(spec.chip_layout())  # gdsfactory's cell cache: drawn once
    box = kdb.DBox()
    for inst in chip.insts:
        box += inst.dbbox()
    return float(box.width() * box.height() * 1e-6)


#: stage results of recent points in this process, by the content they depend on
_SHARED_RESULTS: OrderedDict[tuple[str, str], Any] = OrderedDict()
_SHARED_MAX = 32


def _shared(key: tuple[str, str], compute: Callable[[], Any]) -> Any:
    """``compute()``, or its result for an earlier point of this worker with the same key.

    Points that differ only in later stages (a pulse sweep on one layout) share the DRC, loss
    and thermal results of their common chip; gdsfactory's cell cache already shares the
    drawn cells. A small LRU bounds the memory.
    """
    if key in _SHARED_RESULTS:
        _SHARED_RESULTS.move_to_end(key)
        return _SHARED_RESULTS[key]
    value = compute()
    _SHARED_RESULTS[key] = value
    if len(_SHARED_RESULTS) > _SHARED_MAX:
        _SHARED_RESULTS.popitem(last=False)
    return value


def run_stages(
    spec: Any, stages: tuple[str, ...], scratch: Path, *, qec_distances: tuple[int, ...] = (3, 5),
    qec_max_shots: int = 2_000,
) -> StageParts:
    """Run ``stages`` (closed under their needs) on ``spec``, writing into ``scratch``.

    Args:
        spec: the chip spec (:class:`flows.spec.ChipSpec`).
        stages: stage names of :data:`flows.sweep.metrics.STAGES`.
        scratch: an empty folder for the stages' files.
        qec_distances: code distances of the QEC stage (the build's default).
        qec_max_shots: shots per QEC point at most (the build's default).

    Returns:
        the report sections the stages produced.
    """
    from components.qubitron import loaded_q_estimate
    from flows.control_job import run_control
    from flows.gds_file import write_mask
    from flows.loss_stage import run_loss_stage
    from flows.network_control_job import run_network_control
    from flows.qec_job import run_qec
    from flows.report import DrcSummary
    from flows.thermal_job import qubitron_detuning, run_thermal, thermal_summary
    from qc_pdk.drc import check_layout
    from routing.chip import chip_layout
    from routing.tile import chip_tile

    t0 = time.perf_counter()
    layout = spec.chip_layout()
    component = chip_layout(layout)
    parts = StageParts(area_mm2=layout_area_mm2(spec))
    # what the chip's mask depends on (its name is only a text label)
    mask_key = layout.model_dump_json(exclude={"name"})

    def drc_stage() -> DrcSummary:
        gds = scratch / f"{spec.name}.gds"
        write_mask(component, gds)
        drc = check_layout(gds, file_label=gds).report
        return DrcSummary(
            clean=drc.clean, total_violations=drc.total_violations, by_rule=drc.counts(),
            runtime_s=drc.runtime_s,
        )

    if "drc" in stages:
        parts.drc = _shared(("drc", mask_key), drc_stage)
    tile = chip_tile(layout.placed_tile())
    loss, feed_loss_dB = None, None

    if "loss" in stages:  # the build's own loss stage, once per chip
        stage = _shared(("loss", mask_key), lambda: run_loss_stage(spec, component, tile))
        loss, parts.loss, parts.detection = stage.tile_loss, stage.summary, stage.detection
        if stage.chip_level is not None:
            feed_loss_dB = stage.chip_level.feed_worst_dB
    loaded_q = loaded_q_estimate(
        spec.qubitron.round_trip_um, spec.qubitron.gap_um, spec.wdm.centre_nm
    )

    def thermal_stage() -> tuple[Any, dict[str, Any]]:
        report, _ = run_thermal(
            component, scratch / "thermal", temperature_K=spec.thermal.temperature_K,
            fab_sigma_nm=spec.thermal.fab_sigma_nm, seed=spec.thermal.seed,
            max_heater_power_mW=spec.thermal.max_heater_power_mW, loaded_q=loaded_q,
            transient=False, electronics=spec.thermal.electronics,
        )
        # the detuning the heaters leave feeds the control stage's STIRAP (as in the build)
        detuning = dict(zip(("nm", "source"), qubitron_detuning(report, tile), strict=True))
        return thermal_summary(report), detuning

    detuning: dict[str, Any] = {}
    if "thermal" in stages:
        thermal_key = mask_key + spec.thermal.model_dump_json() + repr(loaded_q)
        parts.thermal, detuning = _shared(("thermal", thermal_key), thermal_stage)
    if "control" in stages:
        # as in the build: the network's time slots are idle time for every qubitron
        slots = (run_network_control(component, scratch, feed=spec.network.feed).slots
                 if "network" in component.info else 1)
        parts.control, noise = run_control(
            spec, scratch / "control", tile=tile, loss=loss, chip=component,
            ring_detuning_nm=detuning.get("nm"), detuning_source=detuning.get("source"),
            feed_loss_dB=feed_loss_dB, network_slots=max(1, slots),
        )
        if "qec" in stages:
            parts.qec = run_qec(
                spec, scratch / "qec", tile_table=noise,
                loaded_q=list(parts.control.loaded_q.values()), distances=qec_distances,
                max_shots=qec_max_shots,
            )
    parts.build_time_s = round(time.perf_counter() - t0, 3)
    return parts


def _build_metrics(spec: Any) -> dict[str, Any]:
    """Every stage: ``quantacore build`` itself, into a scratch folder."""
    from flows.build import build_chip

    with tempfile.TemporaryDirectory(prefix="quantacore-sweep-") as scratch:
        result = build_chip(spec, Path(scratch), Console(quiet=True))
    return metrics_from_report(result.report, area_mm2=layout_area_mm2(spec))


def evaluate_point(
    spec_json: str, *, stages: tuple[str, ...] = STAGES, qec_distances: tuple[int, ...] = (3, 5),
    qec_max_shots: int = 2_000,
) -> dict[str, Any]:
    """Evaluate one chip spec; never raises for the point's own failure.

    Args:
        spec_json: the chip spec as JSON (what travels to a Dask worker).
        stages: the stages to run (closed under their needs); all of them: a full build.
        qec_distances: code distances of the QEC stage.
        qec_max_shots: shots per QEC point at most.

    Returns:
        ``{"status": "ok" | "failed", "error": str | None, "metrics": {name: value},
        "seconds": wall time in s, "worker": host:pid}``.
    """
    import quantacore
    from flows.spec import ChipSpec
    from flows.sweep.metrics import stage_closure

    quantacore.activate()  # a Dask worker is its own entry point (idempotent)
    t0 = time.perf_counter()
    status, error = "ok", None
    metrics: dict[str, Any] = metrics_from_parts(StageParts())
    try:
        spec = ChipSpec.model_validate_json(spec_json)
        run = stage_closure(stages)
        default_qec = tuple(qec_distances) == (3, 5) and qec_max_shots == 2_000
        if run == STAGES and default_qec:
            metrics = _build_metrics(spec)
        else:
            with tempfile.TemporaryDirectory(prefix="quantacore-sweep-") as scratch:
                parts = run_stages(spec, run, Path(scratch), qec_distances=tuple(qec_distances),
                                   qec_max_shots=qec_max_shots)
            metrics = metrics_from_parts(parts)
    except Exception as e:  # noqa: BLE001 - a point's failure is data: recorded, sweep goes on
        status = "failed"
        where = traceback.extract_tb(e.__traceback__)[-1]
        error = f"{type(e).__name__}: {e} ({Path(where.filename).name}:{where.lineno})"
    return {
        "status": status,
        "error": error,
        "metrics": metrics,
        "seconds": round(time.perf_counter() - t0, 3),
        "worker": f"{socket.gethostname()}:{os.getpid()}",
    }
