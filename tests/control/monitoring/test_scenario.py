"""Scenario files: what is accepted, and every bad input named with ScenarioError."""

from __future__ import annotations

from pathlib import Path

import pytest

from control.monitoring.scenario import EVENT_KINDS, Scenario, ScenarioError, load_scenario

SCENARIOS = Path(__file__).parents[3] / "control" / "monitoring" / "scenarios"


def test_shipped_scenarios_load() -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 2
    kinds = {e.kind for f in files for e in load_scenario(f).events}
    assert kinds == set(EVENT_KINDS)  # the examples show every kind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("seed: 1\n", "duration_s"),
        ("duration_s: 100\nbogus: 1\n", "bogus"),
        ("duration_s: 100\nwarmup_s: 5\n", "warmup_s"),
        ("duration_s: 300\nevents: [{kind: melt, start_s: 100}]\n", "kind"),
        ("duration_s: 300\nevents: [{kind: ring_drift, start_s: 100, rate: 1e-4}]\n", "index"),
        ("duration_s: 300\nevents: [{kind: ring_drift, index: 0, start_s: 10, rate: 1e-4}]\n",
         "warm-up"),
        ("duration_s: 300\nevents: [{kind: cooling_fault, start_s: 100, rate: -1}]\n", "rate"),
        ("duration_s: 300\nevents: [{kind: coupler_drift, start_s: 100}]\n", "rate"),
        ("duration_s: 300\nevents: [{kind: cooling_fault, start_s: 100, rate: .nan}]\n",
         "rate"),
        ("duration_s: 300\nevents: [{kind: cooling_fault, start_s: 400, rate: 1}]\n", "end"),
        ("duration_s: 300\nseed: true\n", "seed"),
        ("duration_s: 300\nduration_s: 400\n", "duplicate"),
        ("duration_s: [300\n", "YAML"),
    ],
)
def test_bad_scenarios_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "none.yaml")


def test_magnitudes_follow_rate_and_stop() -> None:
    s = Scenario.model_validate({"duration_s": 300, "events": [
        {"kind": "ambient_drift", "start_s": 100, "stop_s": 150, "rate": 0.01}]})
    from control.monitoring.plant import ChipPlant, TilePlant
    from control.monitoring.telemetry import TelemetryGenerator

    gen = TelemetryGenerator(ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1),
                             s)
    e = s.events[0]
    assert gen.magnitude(e, 99.0) == 0.0
    assert gen.magnitude(e, 120.0) == pytest.approx(0.2)
    assert gen.magnitude(e, 250.0) == pytest.approx(0.5)  # frozen after stop_s
