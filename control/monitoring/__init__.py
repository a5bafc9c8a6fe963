"""Monitoring digital twin of a built chip: telemetry, drift detection, interventions.

Modules (one concept each):

- ``scenario``: degradation scenarios (YAML, pydantic): what fails, where, when, how fast.
- ``plant``: the chip the twin watches, from the build's thermal, drive and noise results.
- ``telemetry``: every signal of every tile / ring / heater / qubitron per step, vectorised.
- ``detection``: vectorised CUSUM per channel and trend-based time-to-failure forecasts.
- ``feedback``: re-tuning a tile's rings, ring alignment from the ring model.
- ``qec_snapshot``: stim + pymatching on the current noise of a patch.
- ``store``: Parquet telemetry files; ``exporter``: Prometheus metrics endpoint.
- ``twin``: the loop (:func:`run_twin`) and its report; ``plots``: plotly HTML.

Example:
    >>> from control.monitoring import ChipPlant, Scenario, TilePlant, run_twin
    >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1)
    >>> run_twin(chip, Scenario(duration_s=60, warmup_s=20), qec_shots=20).report.false_alarms
    0
"""

from control.monitoring.detection import CusumDetector
from control.monitoring.exporter import MetricsExporter, MetricsSnapshot
from control.monitoring.feedback import retune_tile, ring_alignment
from control.monitoring.plant import ChipPlant, TilePlant, tile_plant
from control.monitoring.qec_snapshot import QecSnapshot, QubitronState, qec_snapshot
from control.monitoring.scenario import Event, Scenario, ScenarioError, load_scenario
from control.monitoring.telemetry import GROUPS, SensorNoise, TelemetryGenerator
from control.monitoring.twin import TwinReport, TwinResult, run_twin

__all__ = [
    "GROUPS",
    "ChipPlant",
    "CusumDetector",
    "Event",
    "MetricsExporter",
    "MetricsSnapshot",
    "QecSnapshot",
    "QubitronState",
    "Scenario",
    "ScenarioError",
    "SensorNoise",
    "TelemetryGenerator",
    "TilePlant",
    "TwinReport",
    "TwinResult",
    "load_scenario",
    "qec_snapshot",
    "retune_tile",
    "ring_alignment",
    "run_twin",
    "tile_plant",
]
