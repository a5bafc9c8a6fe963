"""`quantacore sweep`: rows equal the build, failures are data, bad sweeps write nothing."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from rich.console import Console
from typer.testing import CliRunner

from flows.build import build_chip
from flows.cli import app
from flows.spec import ChipSpec
from flows.sweep.metrics import METRICS
from flows.sweep.point import layout_area_mm2
from flows.sweep.run import run_sweep
from flows.sweep.spec import SweepSpec, load_sweep, plan_points, resolve_base
from flows.sweep.store import point_key

EXE = str(Path(sys.executable).with_name("quantacore"))
BASE = {
    "name": "sw",
    "array": {"rows": 1, "columns": 2, "tile_columns": 2},
    "die": {"width_um": 3000, "height_um": 3000},
}
#: figures of one run: the timings and where it ran differ between runs
VOLATILE = {"build_time_s", "seconds", "worker", "cached"}


def write_sweep(folder: Path, **fields: Any) -> Path:
    """A sweep file (YAML is a superset of JSON) on the small base chip."""
    data = {"name": "t", "base": BASE, **fields}
    path = folder / "sweep.yaml"
    path.write_text(json.dumps(data))
    return path


def rows_of(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / "results.parquet").to_pylist()


def stable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in VOLATILE}


def same(a: Any, b: Any) -> bool:
    """Equal, floats to 1e-9 relative: processes may differ in BLAS threads (Dask workers run
    single-threaded), which changes the last bits of a sum."""
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-15)
    return bool(a == b)


def assert_rows_match(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> None:
    assert len(a) == len(b)
    for ra, rb in zip(a, b, strict=True):
        sa, sb = stable(ra), stable(rb)
        assert sa.keys() == sb.keys()
        for k in sa:
            assert same(sa[k], sb[k]), (ra["point"], k, sa[k], sb[k])


def quantacore(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


GAP_SWEEP = {
    "parameters": {"qubitron.gap_um": {"values": [0.45, 0.6]}},
    "stages": ["drc", "loss", "control"],
}


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The gap sweep run by the command line on a local Dask cluster (one worker: the
    distributed test runs two)."""
    folder = tmp_path_factory.mktemp("local")
    sweep = write_sweep(folder, **GAP_SWEEP)
    r = quantacore("sweep", str(sweep), "--out", str(folder / "out"), "--workers", "1",
                   "--cache", str(folder / "cache"))
    assert r.returncode == 0, r.stderr
    return folder / "out"


def test_rows_equal_what_build_reports(local_sweep: Path, tmp_path: Path) -> None:
    rows = rows_of(local_sweep)
    assert [r["point"] for r in rows] == [0, 1]
    assert [r["param.qubitron.gap_um"] for r in rows] == [0.45, 0.6]
    assert all(r["status"] == "ok" and r["error"] is None for r in rows)
    assert len({r["worker"] for r in rows}) >= 1
    spec = ChipSpec.model_validate_json(rows[1]["spec"])
    assert spec.qubitron.gap_um == 0.6
    report = build_chip(spec, tmp_path, Console(quiet=True)).report
    # the control stage needs the thermal stage (the detuning the heaters leave)
    produced = {m.name for m in METRICS if m.stage in ("layout", "drc", "loss", "thermal",
                                                         "control")}
    expected = {
        "area_mm2": layout_area_mm2(spec),
        "drc_clean": report.drc.clean,
        "drc_violations": report.drc.total_violations,
        "loss_worst_dB": max(report.loss.insertion_loss_dB),
        "stirap_efficiency_min": report.control.transfer_efficiency_min,
        "p_erasure_mean": report.control.p_erasure_mean,
        "round_latency_ns": report.control.round_latency_ns,
        "p_idle_max": report.control.p_idle_max,
        "qubitrons_reached_fraction": 1.0,
        "tuning_power_mW": report.thermal.tuning_power_mW,
        "heat_load_W": report.thermal.heat_load_W,
        "detection_efficiency_min": min(
            d.efficiency for d in report.qubitron_detection.detector_efficiency.values()
        ),
    }
    for name, value in expected.items():
        assert same(rows[1][name], value), (name, rows[1][name], value)
    assert all(rows[1][m] is not None for m in produced)
    # stages not chosen are not invented
    assert rows[1]["logical_error_round"] is None and rows[1]["below_threshold"] is None
    # physics: a wider gap couples less light into the ring, so less reaches each detector
    assert rows[1]["detection_efficiency_min"] < rows[0]["detection_efficiency_min"]
    html = (local_sweep / "sweep.html").read_text()
    assert "plotly" in html and "qubitron.gap_um" in html and "detection_efficiency_min" in html
    summary = json.loads((local_sweep / "summary.json").read_text())
    assert summary["counts"] == {"ok": 2} and summary["computed"] == 2


DIST_SWEEP = {
    "parameters": {"qubitron.gap_um": {"values": [0.45, 0.6]}},
    "stages": ["drc", "loss"],
}


def test_distributed_run_equals_local(tmp_path: Path) -> None:
    """A real Dask cluster on localhost: a scheduler and two worker processes."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bin_dir = Path(sys.executable).parent
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
         "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen(
                [str(bin_dir / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        sweep = write_sweep(tmp_path, **DIST_SWEEP)
        r = quantacore("sweep", str(sweep), "--out", str(tmp_path / "out"), "--scheduler",
                       address, "--no-cache")
        assert r.returncode == 0, r.stderr
        assert address in r.stderr
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
    spec, _, points = load_sweep(sweep)
    local = run_sweep(spec, points, tmp_path / "local", workers=0, console=Console(quiet=True),
                      use_cache=False).rows
    remote = rows_of(tmp_path / "out")
    assert all(not r["cached"] for r in remote)
    # the keys hash the toolkit's code too: equal keys, the same code ran both sweeps
    assert [r["key"] for r in remote] == [r["key"] for r in local], "the code changed meanwhile"
    assert_rows_match(remote, local)


def test_killed_sweep_resumes_without_redoing_or_losing_points(tmp_path: Path) -> None:
    import signal
    import time

    radii = [45.0, 50.0, 55.0, 60.0]
    sweep = write_sweep(tmp_path, parameters={"qubitron.radius_um": {"values": radii}},
                        stages=["loss"])
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ["sweep", str(sweep), "--out", str(out), "--workers", "0", "--cache", str(cache)]
    proc = subprocess.Popen([EXE, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / "parts").glob("*.parquet"))) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    done_before = len(list((out / "parts").glob("*.parquet")))
    assert 2 <= done_before < len(radii), "kill the sweep mid-way"
    r = quantacore(*args)
    assert r.returncode == 0, r.stderr
    assert f"{done_before} already done" in r.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["resumed"] == done_before
    assert summary["computed"] == len(radii) - done_before
    rows = rows_of(out)
    assert sorted(r["point"] for r in rows) == list(range(len(radii)))
    assert len({r["key"] for r in rows}) == len(radii)
    assert len(list((out / "parts").glob("*.parquet"))) == len(radii)
    assert not list((out / "parts").glob(".*"))
    # identical to a sweep that was never interrupted (nothing cached)
    spec, _, points = load_sweep(sweep)
    quiet = Console(quiet=True)
    ref = run_sweep(spec, points, tmp_path / "ref", workers=0, console=quiet, use_cache=False)
    assert_rows_match(rows, ref.rows)
    # a repeated sweep elsewhere is served from the content cache
    again = run_sweep(spec, points, tmp_path / "again", workers=0, console=quiet,
                      cache_dir=cache)
    assert again.from_cache == len(radii) and again.computed == 0
    assert_rows_match(again.rows, rows)


def test_failing_point_is_recorded_and_the_sweep_goes_on(tmp_path: Path) -> None:
    """40 rows of tiles do not fit the 3 mm die: that point fails in placement, the others run;
    a wider WDM spacing than the ring's FSR is an invalid combination, never run."""
    sweep = SweepSpec.model_validate({
        "name": "f", "base": BASE, "stages": ["layout"],
        "parameters": {"array.rows": {"values": [1, 40]}, "wdm.spacing_nm": {"values": [0.8, 6]}},
    })
    points = plan_points(sweep, resolve_base(sweep, None))
    result = run_sweep(sweep, points, tmp_path / "out", workers=0, console=Console(quiet=True),
                       use_cache=False)
    by_point = {r["point"]: r for r in result.rows}
    assert result.counts == {"ok": 1, "failed": 1, "invalid": 2}
    assert by_point[0]["status"] == "ok" and by_point[0]["area_mm2"] > 0
    assert by_point[2]["status"] == "failed"
    assert "PlacementError" in by_point[2]["error"] and "die" in by_point[2]["error"]
    assert {by_point[1]["status"], by_point[3]["status"]} == {"invalid"}
    assert "FSR" in by_point[1]["error"] and by_point[1]["key"] is None


def test_pulse_sweep_shares_the_layout_work_and_sees_stirap_physics(tmp_path: Path) -> None:
    """One layout, three pulse orders: DRC, loss and thermal are the chip's (computed once per
    worker), STIRAP needs the counter-intuitive order (Stokes first, delay > 0)."""
    from flows.sweep import point

    sweep = SweepSpec.model_validate({
        "name": "p", "base": BASE, "stages": ["drc", "loss", "control"],
        "parameters": {"control.pulse_delay_ns": {"values": [12.0, 0.0, -12.0]}},
    })
    point._SHARED_RESULTS.clear()
    result = run_sweep(sweep, plan_points(sweep, resolve_base(sweep, None)), tmp_path / "out",
                       workers=0, console=Console(quiet=True), use_cache=False)
    rows = result.rows
    assert result.counts == {"ok": 3}
    assert len({(r["drc_clean"], r["loss_worst_dB"], r["area_mm2"]) for r in rows}) == 1
    # one chip: its DRC, loss and thermal solve once for the three points
    assert sorted(k[0] for k in point._SHARED_RESULTS) == ["drc", "loss", "thermal"]
    counter, simultaneous, intuitive = (r["stirap_efficiency_min"] for r in rows)
    assert counter > 0.99 and counter > simultaneous > intuitive


def test_content_key_ignores_the_name_but_not_the_physics() -> None:
    a = ChipSpec.model_validate(BASE)
    b = a.model_copy(update={"name": "other"})
    c = ChipSpec.model_validate({**BASE, "qubitron": {"gap_um": 0.6}})
    assert point_key(a, ("layout",), {}) == point_key(b, ("layout",), {})
    assert point_key(a, ("layout",), {}) != point_key(c, ("layout",), {})
    assert point_key(a, ("layout",), {}) != point_key(a, ("layout", "loss"), {})


def test_samplers_cover_the_ranges() -> None:
    lhs = SweepSpec.model_validate({
        "name": "l", "base": BASE, "sampler": "lhs", "samples": 10, "seed": 3,
        "parameters": {"qubitron.gap_um": {"low": 0.3, "high": 0.8},
                       "thermal.max_heater_power_mW": {"low": 1, "high": 1000, "log": True},
                       "io.coupler": {"values": ["grating", "edge"]}},
    })
    points = plan_points(lhs, resolve_base(lhs, None))
    gaps = sorted(p.params["qubitron.gap_um"] for p in points)
    # Latin hypercube: exactly one sample in each tenth of the range
    assert [math.floor((g - 0.3) / 0.05) for g in gaps] == list(range(10))
    powers = [p.params["thermal.max_heater_power_mW"] for p in points]
    assert all(1 <= x <= 1000 for x in powers) and min(powers) < 10 < 100 < max(powers)
    assert {p.params["io.coupler"] for p in points} == {"grating", "edge"}
    grid = SweepSpec.model_validate({
        "name": "g", "base": BASE,
        "parameters": {"array.rows": {"low": 1, "high": 3, "num": 3},
                       "qubitron.gap_um": {"values": [0.4, 0.5]}},
    })
    combos = [p.params for p in plan_points(grid, resolve_base(grid, None))]
    assert len(combos) == 6 and combos[-1] == {"array.rows": 3, "qubitron.gap_um": 0.5}
    assert all(isinstance(c["array.rows"], int) for c in combos)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"parameters": {"qubitron.gapum": {"values": [0.5]}}}, "did you mean qubitron.gap_um"),
        ({"parameters": {"qubitron.gap_um": {"values": [0.1, 0.5]}}}, "minimum space"),
        ({"parameters": {"qubitron.gap_um": {"values": [True]}}}, "expected a number"),
        ({"parameters": {"array.rows": {"low": 1, "high": 9000, "num": 2}}}, "array.rows"),
        ({"parameters": {"io.coupler": {"low": 1, "high": 2, "num": 2}}}, "give values"),
        ({"parameters": {"qubitron.gap_um": {"low": 0.5, "high": 0.4, "num": 2}}}, "exceed"),
        ({"parameters": {"qubitron.gap_um": {"low": 0.4, "high": 0.5}}}, "needs num"),
        ({"parameters": {}}, "parameters"),
        ({"parameters": {"qubitron.gap_um": {"values": [0.5]}}, "metrics": ["speed"]},
         "unknown metric 'speed'"),
        ({"parameters": {"qubitron.gap_um": {"values": [0.5]}}, "stages": ["magic"]}, "stages"),
        ({"parameters": {"qubitron.gap_um": {"values": [0.5]}}, "sampler": "lhs"},
         "needs samples"),
        ({"parameters": {"wdm.spacing_nm": {"values": [6.0]}}}, "no point of the sweep"),
        ({"parameters": {"qubitron.gap_um": {"values": [0.5]}}, "base_spec": "missing.yaml"},
         "base"),
    ],
)
def test_bad_sweep_specs_exit_2_and_write_nothing(
    tmp_path: Path, fields: dict[str, Any], message: str
) -> None:
    sweep = write_sweep(tmp_path, **fields)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(sweep), "--out", str(out), "--workers", "0"])
    assert result.exit_code == 2, (result.output, result.exception)
    assert message in " ".join(result.stderr.split())
    assert not out.exists()


def test_bad_sweep_files_and_options_exit_2(tmp_path: Path) -> None:
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("name: [unclosed\n")
    runner = CliRunner()
    for args, message in (
        (["sweep", str(tmp_path / "none.yaml")], "no such file"),
        (["sweep", str(bad_yaml)], "not valid YAML"),
        (["sweep", str(write_sweep(tmp_path, **GAP_SWEEP)), "--out", str(bad_yaml)], "is a file"),
        (["sweep", str(write_sweep(tmp_path, **GAP_SWEEP)), "--out",
          str(tmp_path / "o"), "--workers", "-1"], "--workers -1"),
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (result.output, result.exception)
        assert message in " ".join(result.stderr.split())
    assert not (tmp_path / "o" / "results.parquet").exists()


def test_example_files_are_valid() -> None:
    from flows.optimize_job import load_optimize
    from flows.sweep.spec import load_sweep

    examples = Path(__file__).parents[2] / "flows" / "examples"
    sweep, base, points = load_sweep(examples / "sweep_ring.yaml")
    assert len(points) == 9 and all(p.spec is not None for p in points)
    assert sweep.pareto is not None and base.n_qubitrons == 2
    study, _, dims = load_optimize(examples / "optimize_ring.yaml")
    assert [d.name for d in dims] == ["qubitron.gap_um", "qubitron.radius_um"]
    assert len(study.objectives) == 2  # NSGA-II
