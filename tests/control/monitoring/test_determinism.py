"""Same seed and scenario -> identical telemetry (and report); another seed -> other noise."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from control.monitoring.plant import ChipPlant, TilePlant
from control.monitoring.scenario import Scenario
from flows.twin_job import run_twin_job
from thermal.tuning import tune_rings

RAW = {"seed": 9, "duration_s": 500, "warmup_s": 60, "events": [
    {"kind": "ring_drift", "tile": [0, 1], "index": 1, "start_s": 100, "rate": 2e-4},
    {"kind": "detector_degradation", "tile": [1, 0], "index": 0, "start_s": 150, "rate": 5e-4}]}


def _run(tmp: Path, name: str, seed: int) -> tuple[dict, dict]:  # type: ignore[type-arg]
    chip = ChipPlant(tile=TilePlant.example(tuner=tune_rings), tile_rows=2, tile_columns=2)
    job = run_twin_job(chip, Scenario.model_validate(RAW | {"seed": seed}), tmp / name,
                       qec_shots=200)
    tables = {p.parent.name + "/" + p.name: pq.read_table(p).to_pydict()
              for p in sorted((tmp / name / "telemetry").rglob("*.parquet"))}
    report = job.report.model_dump(exclude={"seconds", "samples_per_s"})
    return tables, report


def test_same_seed_same_telemetry(tmp_path: Path) -> None:
    a, ra = _run(tmp_path, "a", 9)
    b, rb = _run(tmp_path, "b", 9)
    assert len(a) == 7 * 2  # 7 groups x 2 chunks of 256 steps
    assert a == b
    assert ra == rb  # the interventions and QEC snapshots too
    assert any(i["kind"] == "retune" for i in ra["interventions"])
    c, _ = _run(tmp_path, "c", 10)
    assert c.keys() == a.keys()
    assert c["ring_offset_nm/part-00000.parquet"] != a["ring_offset_nm/part-00000.parquet"]
