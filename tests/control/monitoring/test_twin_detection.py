"""Injected degradations on the default chip (its own thermal, drive and noise at 300 K) are
detected before they break their component: detection rate, false alarms and lead times over
a scenario set whose failure times are known in closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from control.monitoring.scenario import Scenario
from control.monitoring.telemetry import FIBRE_MODE_RADIUS_UM, TelemetryGenerator
from control.monitoring.twin import run_twin
from tests.control.monitoring._plants import room_temperature_plant

HEATED_RING = 2  # a ring of the tile's thermal model with a heater of its own


@pytest.fixture(scope="module")
def plant():  # noqa: ANN201
    return room_temperature_plant()


def _expected_failures(plant, scenario: Scenario) -> list[float]:  # noqa: ANN001
    """Failure time of each event from its rate and the component's limit (closed form)."""
    gen = TelemetryGenerator(plant, scenario)
    lay, tile = gen.layout, plant.tile
    out = []
    for e in scenario.events:
        ti = plant.tile_index(e.tile)
        if e.kind == "ring_drift":
            c = lay.channel("ring_offset_nm", ti, int(e.index or 0))
            b = gen.truth()[c]
            hw = 0.5 * tile.ring_linewidth_nm[int(e.index or 0)]
            out.append(e.start_s + (hw - b) / e.rate)
        elif e.kind == "detector_degradation":
            out.append(e.start_s + 0.1 / e.rate)  # 10 % of the detection lost
        elif e.kind == "detector_latching":
            out.append(e.start_s)
        elif e.kind == "coupler_drift":
            out.append(e.start_s + 1.0 / e.rate)  # 1 dB
        elif e.kind == "fibre_misalignment":
            d_um = FIBRE_MODE_RADIUS_UM * math.sqrt(math.log(10) / 10)  # exp(-(d/w0)^2) = -1 dB
            out.append(e.start_s + d_um / e.rate)
        else:  # cooling: the first ring of the tile off by half a linewidth
            rings = lay.tile_channels("ring_offset_nm", ti)
            b = gen.truth()[rings]
            hw = 0.5 * tile.ring_linewidth_nm
            room = np.where(np.abs(b) <= hw, hw - b, hw) / tile.shift_nm_per_K  # K
            out.append(e.start_s + float(np.min(room)) / e.rate)
    return out


SCENARIOS = [
    {"name": "ring_and_detectors", "seed": 21, "duration_s": 1500, "warmup_s": 120, "events": [
        {"kind": "ring_drift", "tile": [0, 1], "index": HEATED_RING, "start_s": 300,
         "rate": 1.0e-4},
        {"kind": "detector_degradation", "tile": [1, 0], "index": 1, "start_s": 200,
         "rate": 2.0e-4},
        {"kind": "detector_latching", "tile": [0, 0], "index": 3, "start_s": 700}]},
    {"name": "cooling_and_optics", "seed": 22, "duration_s": 1500, "warmup_s": 120, "events": [
        {"kind": "cooling_fault", "tile": [1, 1], "start_s": 300, "rate": 3.0e-3},
        {"kind": "coupler_drift", "tile": [0, 0], "line": "pump", "start_s": 200,
         "rate": 1.5e-3},
        {"kind": "fibre_misalignment", "tile": [1, 0], "line": "stokes", "start_s": 150,
         "rate": 4.0e-3}]},
]


@pytest.mark.parametrize("raw", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_injected_failures_are_detected_before_they_happen(plant, raw) -> None:  # noqa: ANN001
    scenario = Scenario.model_validate(raw)
    report = run_twin(plant, scenario, qec_shots=300, keep_traces=False).report
    expected = _expected_failures(plant, scenario)
    assert report.detection_rate == 1.0
    # in-control samples: < 1 false alarm per 1e6 (here ~0.3 M samples: none at all)
    assert report.false_alarms_per_1e6_samples < 1.0
    assert report.false_alarms == 0
    for e, t_fail in zip(report.events, expected, strict=True):
        assert e.failure_s is not None
        assert e.failure_s == pytest.approx(t_fail, abs=1.5 * scenario.step_s), e.label
        assert e.detected_s is not None and e.detected_s >= e.start_s
        if e.kind == "detector_latching":  # sudden: caught at once
            assert e.detected_s - e.failure_s <= 2 * scenario.step_s
        else:  # gradual: caught well before the component fails
            assert e.lead_time_s is not None and e.lead_time_s > 0.5 * (t_fail - e.start_s), (
                e.label)


def test_the_forecast_tracks_the_failure_time(plant) -> None:  # noqa: ANN001
    # a degradation with no intervention that ends its trend: the forecast made from the
    # trend since the change point lands near the true failure time
    scenario = Scenario.model_validate(SCENARIOS[1] | {"events": [SCENARIOS[1]["events"][1]]})
    report = run_twin(plant, scenario, qec_shots=100, keep_traces=False).report
    e = report.events[0]
    assert e.forecast_failure_s is not None and e.failure_s is not None
    assert e.forecast_made_s is not None and e.forecast_made_s < e.failure_s
    assert e.forecast_failure_s == pytest.approx(e.failure_s, rel=0.25)


def test_no_event_no_alarm(plant) -> None:  # noqa: ANN001
    scenario = Scenario(name="quiet", seed=5, duration_s=1500, warmup_s=120)
    report = run_twin(plant, scenario, qec_shots=100, keep_traces=False).report
    assert report.false_alarms == 0 and report.interventions == []
