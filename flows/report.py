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

from simulation.loss_budget import PathLoss

__all__ = [
    "BuildReport",
    "CalibrationSummary",
    "Counts",
    "DetectorReading",
    "DrcSummary",
    "LossSummary",
    "QubitronDetection",
    "RouteSummary",
    "StageTiming",
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Counts(_Part):
    """What the design places (from the spec and the tile, not read back from the mask)."""

    qubitrons: int
    switches: int
    crossings: int
    tiles: int


class DrcSummary(_Part):
    """KLayout DRC of the whole mask (``drc/drc.json`` has every violation)."""

    clean: bool
    total_violations: int
    by_rule: dict[str, int]
    runtime_s: float


class RouteSummary(_Part):
    """How the tile was routed."""

    router: str
    nets: int
    crossings: int
    total_length_um: float


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
    """Radiation loss of a 90 deg bend at the routing radius: the model in use vs published."""

    radius_um: float
    in_use: float
    published: float


class CalibrationSummary(_Part):
    """The FDTD-calibrated figures the loss budget used, next to the published ones."""

    calibration_file: str | None
    method: str | None
    bend_loss_dB_per_90deg_at_routing_radius: BendLossInUse
    crossing: dict[str, float] | None = None
    interlayer_coupler: dict[str, float] | None = None
    note: str | None = None


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
    fdtd: CalibrationSummary
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
