"""The metrics a sweep point records, and how each is read from the build report's sections.

Every metric comes from a section of :class:`flows.report.BuildReport` (DRC, loss, detection,
thermal, control, QEC) or from the chip's layout (area), so a point's row equals what
``quantacore build`` reports for the same spec (``tests/flows/test_sweep.py`` checks it).
A metric belongs to the pipeline stage that produces it; a sweep that skips the stage
records ``None`` for it.

Example:
    >>> from flows.report import DrcSummary
    >>> parts = StageParts(drc=DrcSummary(clean=True, total_violations=0, by_rule={},
    ...                                   runtime_s=0.1))
    >>> m = metrics_from_parts(parts)
    >>> m["drc_clean"], m["drc_violations"], m["loss_worst_dB"]
    (True, 0, None)
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from flows.report import (
    BuildReport,
    ControlSummary,
    DrcSummary,
    LossSummary,
    QecSummary,
    QubitronDetection,
    ThermalSummary,
)

__all__ = [
    "METRICS",
    "STAGES",
    "Metric",
    "Stage",
    "StageParts",
    "metrics_from_parts",
    "metrics_from_report",
    "stage_closure",
]

Stage = Literal["layout", "drc", "loss", "thermal", "control", "qec"]
#: pipeline stages a point can run, in build order (``layout`` always runs)
STAGES: tuple[Stage, ...] = ("layout", "drc", "loss", "thermal", "control", "qec")

#: what each stage needs before it (the control layer reads the loss budget's paths and the
#: ring detuning the heaters leave, the QEC stage the control layer's noise table)
_NEEDS: dict[str, tuple[str, ...]] = {
    "layout": (),
    "drc": ("layout",),
    "loss": ("layout",),
    "thermal": ("layout",),
    "control": ("layout", "loss", "thermal"),
    "qec": ("layout", "loss", "thermal", "control"),
}


def stage_closure(stages: Sequence[str]) -> tuple[str, ...]:
    """``stages`` plus the stages they need, in build order.

    Example:
        >>> stage_closure(["qec"])
        ('layout', 'loss', 'thermal', 'control', 'qec')
    """
    wanted = {"layout"}
    for s in stages:
        wanted.add(s)
        wanted.update(_NEEDS[s])
    return tuple(s for s in STAGES if s in wanted)


@dataclass(frozen=True)
class Metric:
    """One recorded figure: its column name, the stage producing it, its type and unit."""

    name: str
    stage: str
    kind: Literal["float", "int", "bool"]
    unit: str
    description: str


METRICS: tuple[Metric, ...] = (
    Metric("area_mm2", "layout", "float", "mm2", "routed tile bounding box x tiles"),
    Metric("drc_clean", "drc", "bool", "", "KLayout DRC of the whole mask is clean"),
    Metric("drc_violations", "drc", "int", "", "DRC violations of the whole mask"),
    Metric("loss_worst_dB", "loss", "float", "dB", "worst insertion loss of the tile's paths"),
    Metric("loss_median_dB", "loss", "float", "dB", "median insertion loss of the tile's paths"),
    Metric("detection_efficiency_min", "loss", "float", "", "worst qubitron detection"),
    Metric("detection_efficiency_median", "loss", "float", "", "median qubitron detection"),
    Metric("qubitrons_reached_fraction", "loss", "float", "", "qubitrons reached / expected"),
    Metric("tuning_power_mW", "thermal", "float", "mW", "heater power putting rings on channel"),
    Metric("heat_load_W", "thermal", "float", "W", "chip heat load at the operating point"),
    Metric("thermal_tunable", "thermal", "bool", "", "every ring tunable within the budget"),
    Metric("worst_crosstalk_ratio", "thermal", "float", "", "worst heater crosstalk ratio"),
    Metric("stirap_efficiency_min", "control", "float", "", "worst STIRAP transfer efficiency"),
    Metric("p_erasure_mean", "control", "float", "", "mean erasure probability per round"),
    Metric("p_pauli_max", "control", "float", "", "largest Pauli error per round"),
    Metric("round_latency_ns", "control", "float", "ns", "latency of one QEC round"),
    Metric("p_idle_max", "control", "float", "",
           "largest idle dephasing per round (the network's time slots included)"),
    Metric(
        "logical_error_round", "qec", "float", "",
        "logical error per round at the chip's rates (best decoder; None above threshold)",
    ),
    Metric("threshold_margin", "qec", "float", "", "threshold in units of the chip's rates"),
    Metric("below_threshold", "qec", "bool", "", "the chip's rates are below threshold"),
    Metric("build_time_s", "layout", "float", "s", "wall time of the point's pipeline"),
)
_BY_NAME = {m.name: m for m in METRICS}


@dataclass
class StageParts:
    """The report sections one point produced (None: stage not run)."""

    area_mm2: float | None = None
    drc: DrcSummary | None = None
    loss: LossSummary | None = None
    detection: QubitronDetection | None = None
    thermal: ThermalSummary | None = None
    control: ControlSummary | None = None
    qec: QecSummary | None = None
    build_time_s: float | None = None


def _best(values: list[float | None], *, low: bool) -> float | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return min(present) if low else max(present)


def metrics_from_parts(parts: StageParts) -> dict[str, float | int | bool | None]:
    """Every metric of :data:`METRICS` from the sections present (``None`` for the others)."""
    m: dict[str, float | int | bool | None] = {x.name: None for x in METRICS}
    m["area_mm2"] = parts.area_mm2
    m["build_time_s"] = parts.build_time_s
    if parts.drc is not None:
        m["drc_clean"] = parts.drc.clean
        m["drc_violations"] = parts.drc.total_violations
    if parts.loss is not None and parts.loss.insertion_loss_dB:
        il = parts.loss.insertion_loss_dB
        m["loss_worst_dB"] = max(il)
        m["loss_median_dB"] = float(statistics.median(il))
    if parts.detection is not None:
        eff = [d.efficiency for d in parts.detection.detector_efficiency.values()]
        m["detection_efficiency_min"] = min(eff) if eff else 0.0
        m["detection_efficiency_median"] = float(statistics.median(eff)) if eff else 0.0
        m["qubitrons_reached_fraction"] = parts.detection.reachable / parts.detection.expected
    if parts.thermal is not None:
        m["tuning_power_mW"] = parts.thermal.tuning_power_mW
        m["heat_load_W"] = parts.thermal.heat_load_W
        m["thermal_tunable"] = parts.thermal.tunable
        m["worst_crosstalk_ratio"] = parts.thermal.worst_crosstalk_ratio
    if parts.control is not None:
        m["stirap_efficiency_min"] = parts.control.transfer_efficiency_min
        m["p_erasure_mean"] = parts.control.p_erasure_mean
        m["p_pauli_max"] = parts.control.p_pauli_max
        m["round_latency_ns"] = parts.control.round_latency_ns
        m["p_idle_max"] = parts.control.p_idle_max
    if parts.qec is not None:
        m["logical_error_round"] = _best(
            list(parts.qec.chip_logical_error_round.values()), low=True
        )
        m["threshold_margin"] = _best(list(parts.qec.threshold_margin.values()), low=False)
        m["below_threshold"] = parts.qec.below_threshold
    return m


def metrics_from_report(
    report: BuildReport, *, area_mm2: float | None
) -> dict[str, float | int | bool | None]:
    """The metrics of a full ``quantacore build`` (its report plus the layout's area)."""
    return metrics_from_parts(
        StageParts(
            area_mm2=area_mm2,
            drc=report.drc,
            loss=report.loss,
            detection=report.qubitron_detection,
            thermal=report.thermal,
            control=report.control,
            qec=report.qec,
            build_time_s=report.total_seconds,
        )
    )


def metric(name: str) -> Metric:
    """The metric called ``name`` (KeyError for an unknown one)."""
    return _BY_NAME[name]
