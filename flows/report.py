"""The build report as one typed value: what ``report.json`` holds and ``report.html`` shows.

Each part is a pydantic model of its own (DRC, loss, routing, detection, FDTD calibration,
stages), filled by the stage that produces it; the JSON file and the HTML page are both
rendered from this one value, and ``report.schema.json`` describes it for other tools.

Example:
    >>> r = DrcSummary(clean=True, total_violations=0, by_rule={}, runtime_s=0.1)
    >>> r.model_dump()["clean"]
    True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from control.lines import ControlLines
from flows.network_control_job import NetworkControlSummary
from flows.network_job import NetworkSummary
from flows.system import SystemSummary
from routing.density import DensitySummary
from simulation.loss_budget import PathLoss

__all__ = [
    "BuildReport",
    "CalibrationSummary",
    "ControlSummary",
    "Counts",
    "DetectorReading",
    "DrcMarker",
    "DrcRuleLine",
    "DrcSummary",
    "LossSummary",
    "QecSummary",
    "QubitronDetection",
    "RouteSummary",
    "StageTiming",
    "ThermalSummary",
    "format_figure",
]


def format_figure(value: object) -> str:
    """A report figure as text: ``-`` for none, 3 significant digits for a float.

    Example:
        >>> format_figure(None), format_figure(0.012345), format_figure(5)
        ('-', '0.0123', '5')
    """
    if value is None:
        return "-"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Counts(_Part):
    """What the design places (from the spec and the tile, not read back from the mask)."""

    qubitrons: int
    switches: int = Field(description="ring switches (one per qubitron)")
    crossings: int
    tiles: int
    mzi_switches: int = Field(0, description="MZI switch nodes of the inter-tile network")


class DrcRuleLine(_Part):
    """One rule as checked: what it measures, its value and why, and how often it failed."""

    rule: str
    kind: str
    layers: list[str]
    value: float
    unit: str
    reason: str
    violations: int


class DrcMarker(_Part):
    """Where one violation is on the mask: its box in chip coordinates (um)."""

    rule: str
    bbox_um: tuple[float, float, float, float]


class DrcSummary(_Part):
    """KLayout DRC of the whole mask (``drc/drc.json`` has every violation)."""

    clean: bool
    total_violations: int
    by_rule: dict[str, int]
    runtime_s: float
    rules: list[DrcRuleLine] = Field(default_factory=list, description="every rule checked")
    markers: list[DrcMarker] = Field(
        default_factory=list, description="violation boxes, chip coordinates (first <= 500)"
    )


class RouteSummary(_Part):
    """How the tile was routed."""

    router: str
    nets: int
    crossings: int
    total_length_um: float
    layer_changes: int | None = Field(None, description="interlayer couplers the 3D planner drew")
    total_insertion_loss_dB: float | None = Field(None, description="routes, all nets (router)")
    max_insertion_loss_dB: float | None = Field(None, description="worst net's route (router)")
    runtime_s: float | None = None


class LossSummary(_Part):
    """Loss budget of the tile's optical paths (``loss/tile_loss.json`` has them all)."""

    scope: str
    paths: int
    worst: list[PathLoss] = Field(description="fibre-to-fibre paths, worst first (<= 10)")
    insertion_loss_dB: list[float]


class DetectorReading(_Part):
    """Fraction of the pump fibre's light detected at one qubitron's detector, on its channel."""

    efficiency: float
    wl_nm: float


class QubitronDetection(_Part):
    """Which qubitrons a routed optical path reaches (detection efficiency >= min_efficiency)."""

    reachable: int
    expected: int
    min_efficiency: float
    detector_efficiency: dict[str, DetectorReading]


class BendLossInUse(_Part):
    """Radiation loss (dB) of a 90 deg routing bend: the 3D vectorial figure the models use,
    next to the 2D effective-index FDTD fit kept for validation (None without calibration)."""

    radius_um: float
    in_use: float
    fdtd_2d_fit: float | None


class CalibrationSummary(_Part):
    """The FDTD-calibrated figures the loss budget used, next to the published ones."""

    calibration_file: str | None
    method: str | None
    bend_loss_dB_per_90deg_at_routing_radius: BendLossInUse
    crossing: dict[str, float] | None = None
    interlayer_coupler: dict[str, float] | None = None
    note: str | None = None


class ThermalSummary(_Part):
    """Heaters, tuning and heat load at the operating temperature (``thermal/`` has the rest)."""

    temperature_K: float
    cooling_stage: str
    cooling_power_W: float
    heat_load_W: float
    within_budget: bool
    heaters: int
    rings: int
    rings_without_heater: int = Field(description="rings with no heater of their own (WDM banks)")
    untunable_rings: int = Field(description="rings with a heater that cannot reach their channel")
    tuning_power_mW: float
    median_power_per_fsr_mW: float
    worst_crosstalk_ratio: float
    heater_time_constant_us: float | None
    notes: list[str]

    @property
    def tunable(self) -> bool:
        """Every ring can be put on its channel within the heaters' power and the budget."""
        return self.within_budget and self.untunable_rings == 0 and self.rings_without_heater == 0


class ControlSummary(_Part):
    """Drive, STIRAP and per-round error rates of the qubitrons (``control/`` has the table)."""

    scope: str
    qubitrons: int
    pump_power_mW: float
    stokes_power_mW: float
    pump_delivery_dB: dict[str, float] = Field(description="fibre -> pump bus, on its channel")
    stokes_delivery_dB: dict[str, float] = Field(description="fibre -> qubitron Stokes bus")
    loaded_q: dict[str, float]
    transfer_efficiency_min: float
    purcell_factor_mean: float
    p_erasure_mean: float
    p_erasure_max: float
    p_pauli_max: float = Field(description="largest p_x + p_y + p_z of a qubitron")
    p_measurement_max: float
    p_idle_max: float
    distinct_stirap_solves: int
    round_latency_ns: float
    pump_skew_ps: float
    skew_fits_window: bool
    notes: list[str]
    control_lines: ControlLines | None = Field(
        default=None, description="heater lines, bond pads, die-edge fit (the whole chip)"
    )
    ring_detuning_pm: dict[str, float] = Field(
        default_factory=dict,
        description="qubitron ring minus its channel after thermal tuning (pm), fed to STIRAP",
    )
    detuning_source: dict[str, str] = Field(
        default_factory=dict, description="where each qubitron's ring detuning came from"
    )
    pump_skew_before_matching_ps: float | None = Field(
        default=None, description="pump skew of the tile's routes before meanders (ps)"
    )
    length_match: dict[str, Any] | None = Field(
        default=None, description="the tile router's pump length matching (bound, extras)"
    )


class QecSummary(_Part):
    """Surface-code memory on the chip's noise (``qec/`` has every sampled point and plots)."""

    distances: list[int]
    scales: list[float] = Field(description="error scales sampled (1 = the chip as it is)")
    threshold_margin: dict[str, float | None] = Field(
        description="decoder -> threshold in units of the chip's error rates (> 1: below)"
    )
    below_threshold: bool
    chip_distance: int | None
    chip_logical_error_round: dict[str, float | None]
    target_logical_error: float
    distance_for_target: dict[str, int | None] = Field(
        description="decoder -> distance reaching the target at the chip's rates (None: never)"
    )
    logical_qubits_on_chip: dict[str, int | None]
    shots: int
    hybrid_beats_bare: bool = Field(description="an inner bosonic code in the ring mode helps")
    hybrid_verdict: str
    notes: list[str]


class StageTiming(_Part):
    """Wall time and the process's peak resident memory after one stage."""

    stage: str
    seconds: float
    peak_rss_mib: float


class BuildReport(_Part):
    """Everything ``quantacore build`` found out about one chip."""

    name: str
    spec: dict[str, Any]
    gds: str
    counts: Counts
    drc: DrcSummary
    routing: RouteSummary
    loss: LossSummary
    qubitron_detection: QubitronDetection
    channel_paths: list[PathLoss] = Field(
        default_factory=list,
        description="pump fibre -> each qubitron's detector on the qubitron's own WDM channel, "
        "with the loss breakdown (one tile)",
    )
    fdtd: CalibrationSummary
    thermal: ThermalSummary | None = None
    control: ControlSummary | None = None
    qec: QecSummary | None = None
    density: DensitySummary | None = Field(
        None, description="qubitrons per mm^2 and area efficiency (cell area / area used)")
    network: NetworkSummary | None = Field(
        None, description="the inter-tile switch tree and the chip-level detection "
        "efficiency over every qubitron (networked chips only)")
    network_control: NetworkControlSummary | None = Field(
        None, description="the network controller's switch states, channels and time slots "
        "for one QEC round (networked chips only)")
    system: SystemSummary | None = Field(
        default=None, description="the system of identical dies this die is one of (spec.system)")
    pictures: dict[str, str] = Field(default_factory=dict)
    stages: list[StageTiming] = Field(default_factory=list)
    total_seconds: float | None = None

    @property
    def ok(self) -> bool:
        """Every check passed: DRC clean and every qubitron reached."""
        det = self.qubitron_detection
        return self.drc.clean and det.reachable == det.expected

    def write_json(self, folder: Path) -> Path:
        """Write ``report.json`` and its JSON schema ``report.schema.json`` into ``folder``."""
        (folder / "report.schema.json").write_text(
            json.dumps(BuildReport.model_json_schema(), indent=2)
        )
        path = folder / "report.json"
        path.write_text(self.model_dump_json(indent=2))
        return path
