"""`quantacore optimize`: optuna over the real pipeline, stored, resumed, designs buildable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows.cli import app
from flows.optimize_job import load_optimize, run_optimize
from flows.spec import load_spec
from flows.sweep.point import evaluate_point

EXE = str(Path(sys.executable).with_name("quantacore"))
BASE = {
    "name": "op",
    "array": {"rows": 1, "columns": 2, "tile_columns": 2},
    "die": {"width_um": 3000, "height_um": 3000},
}


def write_study(folder: Path, **fields: Any) -> Path:
    data = {
        "name": "gap", "base": BASE, "stages": ["loss"], "trials": 3,
        "parameters": {"qubitron.gap_um": {"low": 0.4, "high": 0.8}},
        "objectives": {"detection_efficiency_min": "max"},
        "constraints": [{"metric": "loss_worst_dB", "op": "<=", "value": 80.0}],
        **fields,
    }
    path = folder / "study.yaml"
    path.write_text(json.dumps(data))
    return path


def optimize(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, "optimize", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "COLUMNS": "200"})


def test_optimize_stores_resumes_and_writes_buildable_designs(tmp_path: Path) -> None:
    study, out, cache = write_study(tmp_path), tmp_path / "out", tmp_path / "cache"
    args = [str(study), "--out", str(out), "--workers", "0", "--cache", str(cache)]
    first = optimize(*args)
    assert first.returncode == 0, first.stderr
    trials = pq.read_table(out / "trials.parquet").to_pylist()
    assert [t["trial"] for t in trials] == [0, 1, 2]
    assert all(t["state"] == "COMPLETE" and t["feasible"] for t in trials)
    result = json.loads((out / "pareto.json").read_text())
    assert result["trials"] == 3 and result["storage"].startswith("sqlite:///")
    (best,) = result["pareto"]  # one objective: the best design
    effs = [t["detection_efficiency_min"] for t in trials]
    assert best["objectives"]["detection_efficiency_min"] == max(effs)
    design = load_spec(out / best["design"])  # a spec `quantacore build` takes
    assert design.qubitron.gap_um == best["params"]["qubitron.gap_um"]
    # the design's figures are the pipeline's own
    again = evaluate_point(design.model_dump_json(), stages=("loss",))
    assert again["metrics"]["detection_efficiency_min"] == max(effs)
    # resume: the stored study grows to 4 trials; the first 3 are kept, not redone
    spec, base, dims = load_optimize(study)
    second = run_optimize(spec, base, dims, out, workers=0, trials=4, cache_dir=cache,
                          console=Console(quiet=True))
    assert second.trials == 4
    resumed = pq.read_table(out / "trials.parquet").to_pylist()
    assert len(resumed) == 4
    assert [t["param.qubitron.gap_um"] for t in resumed[:3]] == [
        t["param.qubitron.gap_um"] for t in trials
    ]
    assert "optimisation gap" in (out / "optimize.html").read_text()


def test_infeasible_study_has_an_empty_front(tmp_path: Path) -> None:
    study = write_study(tmp_path, trials=2, stages=["layout"], objectives={"area_mm2": "min"},
                        constraints=[{"metric": "area_mm2", "op": "<=", "value": 0.01}])
    spec, base, dims = load_optimize(study)  # no tile of two rings fits in 0.01 mm2
    result = run_optimize(spec, base, dims, tmp_path / "out", workers=0, use_cache=False,
                          console=Console(quiet=True))
    assert result.trials == 2 and result.feasible == 0 and result.pareto == []
    assert json.loads((tmp_path / "out" / "pareto.json").read_text())["pareto"] == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"objectives": {"speed": "max"}}, "unknown metric 'speed'"),
        ({"objectives": {"tuning_power_mW": "min"}}, "needs the thermal stage"),
        ({"constraints": [{"metric": "drc_clean", "op": "==", "value": True}]},
         "needs the drc stage"),
        ({"parameters": {"qubitron.gap": {"low": 0.4, "high": 0.8}}}, "not a chip-spec field"),
        ({"parameters": {"qubitron.gap_um": {"low": 0.1, "high": 0.8}}}, "minimum space"),
        ({"parameters": {"qubitron.gap_um": {"low": 0.8, "high": 0.4}}}, "must exceed"),
        ({"objectives": {}}, "objectives"),
        ({"sampler": "cmaes"}, "sampler"),
    ],
)
def test_bad_study_files_exit_2_and_write_nothing(
    tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["optimize", str(write_study(tmp_path, **fields)),
                                      "--out", str(out), "--workers", "0"])
    assert result.exit_code == 2, (result.output, result.exception)
    assert message in " ".join(result.stderr.split())
    assert not out.exists()
