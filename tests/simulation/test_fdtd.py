"""MEEP FDTD layer: real (small, 2D) meep runs, cache, parallel map, missing-meep message."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import gdsfactory as gf
import numpy as np
import pytest

from quantacore import activate as ensure_pdk
from simulation.fdtd import MeepNotAvailable, build_job, run_job, run_jobs
from simulation.fdtd import runner as fdtd_runner
from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.cells import calibration_bend, fdtd_cell
from simulation.fdtd.convergence import converge

RES = 12.0  # px/um: ~11 px per wavelength in the core, a few seconds per job
WL = (1.54, 1.56)


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    ensure_pdk()
    monkeypatch.setenv("QC_FDTD_CACHE", str(tmp_path / "fdtd_cache"))


def test_straight_transmits_and_meep_really_ran():
    job = build_job(gf.components.straight(length=3.0), resolution_px_per_um=RES, wl_um=WL,
                    source_ports=["o1"])
    res = run_job(job)
    assert not res.from_cache
    assert res.raw["meep_version"].startswith("1.")  # reported by the meep worker itself
    assert res.raw["timesteps"] > 100
    assert np.all(res.power("o1", "o2") > 0.99)
    assert np.all(res.power("o1", "o1") < 0.01)


def test_bend_loss_falls_with_radius():
    jobs = [build_job(calibration_bend(radius_um=r), resolution_px_per_um=RES, wl_um=WL,
                      source_ports=["o1"]) for r in (5.0, 10.0)]
    tight, wide = run_jobs(jobs, max_workers=2)
    assert np.all(wide.power("o1", "o2") > tight.power("o1", "o2") + 0.05)


def test_crossing_passive_and_symmetric():
    job = build_job(fdtd_cell("crossing"), resolution_px_per_um=RES, wl_um=WL,
                    source_ports=["o1", "o3"])
    res = run_job(job)
    for src in ("o1", "o3"):
        total = sum(res.power(src, p) for p in ("o1", "o2", "o3", "o4"))
        assert np.all(total <= 1.0 + 0.02)
    # symmetric crossing: the same through transmission both ways
    np.testing.assert_allclose(res.power("o1", "o3"), res.power("o3", "o1"), atol=0.01)
    assert np.all(res.power("o1", "o3") > 0.7)
    assert np.all(res.power("o1", "o2") < 1e-3)  # crosstalk


def test_cache_returns_identical_result_without_rerunning(monkeypatch):
    calls = []
    real = fdtd_runner.run_worker

    def counting(job, **kw):
        calls.append(job.hash)
        return real(job, **kw)

    monkeypatch.setattr(fdtd_runner, "run_worker", counting)
    job = build_job(gf.components.straight(length=2.0), resolution_px_per_um=10, wl_um=WL,
                    source_ports=["o1"])
    first = run_job(job)
    second = run_job(job)
    assert len(calls) == 1
    assert second.from_cache and not first.from_cache
    assert second.raw == first.raw
    for k in first.sdict:
        np.testing.assert_array_equal(first.sdict[k], second.sdict[k])
    # a different question (resolution) is a different key
    assert job.with_resolution(11).hash != job.hash


def test_missing_meep_gives_clear_message(monkeypatch):
    monkeypatch.setenv("QC_MEEP_PYTHON", sys.executable)  # the venv: NumPy 2, no meep
    job = build_job(gf.components.straight(length=2.0), resolution_px_per_um=10, wl_um=WL)
    with pytest.raises(MeepNotAvailable, match=r"python3-meep.*make setup.*QC_MEEP_PYTHON"):
        run_job(job)
    from flows.fdtd_job import run_fdtd

    with pytest.raises(MeepNotAvailable, match="apt-get install python3-meep"):
        run_fdtd("straight", {"length": "2"}, Path("/nonexistent/never_written"))


def test_run_fdtd_writes_sparams_touchstone_and_comparison(tmp_path):
    from flows.fdtd_job import run_fdtd

    assert run_fdtd("bend_euler", {"radius": "6"}, tmp_path, resolution=10) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"sparams.json", "bend_euler.s2p", "comparison.json", "comparison.png"} <= names
    comp = json.loads((tmp_path / "comparison.json").read_text())
    assert comp["model"] == "bend_euler"
    assert {r["pair"] for r in comp["pairs"]} >= {"o1->o2"}
    with pytest.raises(ValueError, match="no parameter"):
        run_fdtd("bend_euler", {"nope": "1"}, tmp_path)


def test_convergence_reports_resolution():
    job = build_job(gf.components.straight(length=2.0), wl_um=WL, source_ports=["o1"])
    conv = converge(job, resolutions_px_per_um=(8.0, 12.0), tol_power=0.02)
    assert conv.converged and conv.resolution_px_per_um == 12.0
    assert conv.history[0][0] == 8.0 and conv.history[1][1] < 0.02


def test_interlayer_side_view_job():
    job = build_job(fdtd_cell("interlayer_coupler"), resolution_px_per_um=8, wl_um=WL)
    assert job.payload["plane"] == "xz" and job.payload["polarization"] == "tm"
    idx = {g["index"] for g in job.payload["geometry"]}
    assert len(idx) > 5  # graded effective index along the tapers


def test_dimension_must_be_2_or_3():
    with pytest.raises(ValueError, match="dimension"):
        build_job(gf.components.straight(length=2.0), dimension=4)


def test_cache_atomic_put_and_get(tmp_path):
    c = FdtdCache(tmp_path)
    c.put("cd" * 32, {"x": 1})
    assert c.get("cd" * 32) == {"x": 1}
    assert not list(tmp_path.rglob(".tmp_*"))
