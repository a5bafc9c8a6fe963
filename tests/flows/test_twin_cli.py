"""`quantacore twin`: the default chip at 300 K under a scenario, its outputs, and bad input
(exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()

SCENARIO = {
    "name": "cli", "seed": 3, "duration_s": 900, "warmup_s": 120, "events": [
        {"kind": "ring_drift", "tile": [1, 1], "index": 2, "start_s": 200, "rate": 1.5e-4},
        {"kind": "detector_latching", "tile": [0, 1], "index": 2, "start_s": 400},
        {"kind": "fibre_misalignment", "tile": [0, 0], "line": "pump", "start_s": 150,
         "rate": 5e-3},
    ],
}


def _write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def spec_300k(tmp_path: Path) -> Path:
    from tests.control.monitoring._plants import room_temperature_spec

    return _write(tmp_path / "chip.yaml", room_temperature_spec().model_dump(mode="json"))


def test_twin_of_the_default_chip(tmp_path: Path, spec_300k: Path) -> None:
    scenario = _write(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "twin"
    result = runner.invoke(app, ["twin", str(spec_300k), "--scenario", str(scenario),
                                 "--out", str(out), "--qec-shots", "200"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "twin.json").read_text())
    assert report["detection_rate"] == 1.0 and report["false_alarms"] == 0
    assert [e["label"] for e in report["events"]] == [
        "ring_drift@tile_1_1/ring_2", "detector_latching@tile_0_1/qubitron_2",
        "fibre_misalignment@tile_0_0/pump"]
    kinds = {i["kind"] for i in report["interventions"]}
    assert "retune" in kinds and "maintenance" in kinds
    assert kinds & {"keep_detector", "reweight_decoder", "mark_erasure", "reroute_and_mark"}
    # every sample is on disk: 16 qubitrons, 4 tiles of 20 rings and 8 heaters
    channels = pq.read_table(out / "channels.parquet")
    assert channels.num_rows == report["channels"] == 4 * (1 + 20 + 8) + 16 * 4
    rings = pq.read_table(out / "telemetry" / "ring_offset_nm")
    assert rings.num_rows == 900 * 80
    assert sum(pq.read_table(p).num_rows for p in (out / "telemetry").rglob("*.parquet")) == (
        report["samples"])
    assert "plotly" in (out / "twin.html").read_text()[:200_000]
    md = (out / "twin.md").read_text()
    assert "| ring_drift@tile_1_1/ring_2 |" in md and "## Interventions" in md
    assert json.loads((out / "scenario.json").read_text())["seed"] == 3
    assert "ring_drift" in result.output  # the summary table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--serve", "70000"], "--serve"),
        (["--pace", "-1"], "--pace"),
        (["--qec-shots", "1"], "--qec-shots"),
    ],
)
def test_bad_settings_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    scenario = _write(tmp_path / "s.yaml", SCENARIO)
    out = tmp_path / "twin"
    result = runner.invoke(app, ["twin", "--scenario", str(scenario), "--out", str(out), *args])
    assert result.exit_code == 2 and message in result.output
    assert not out.exists()


def test_bad_scenario_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "twin"
    bad = _write(tmp_path / "s.yaml", SCENARIO | {"duration_s": -5})
    result = runner.invoke(app, ["twin", "--scenario", str(bad), "--out", str(out)])
    assert result.exit_code == 2 and "duration_s" in result.output
    off_chip = _write(tmp_path / "t.yaml", SCENARIO | {"events": [
        {"kind": "detector_latching", "tile": [0, 0], "index": 9, "start_s": 400}]})
    result = runner.invoke(app, ["twin", "--scenario", str(off_chip), "--out", str(out)])
    assert result.exit_code == 2 and "index 9" in result.output
    missing = runner.invoke(app, ["twin", "--scenario", str(tmp_path / "no.yaml"), "--out",
                                  str(out)])
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert not out.exists()
