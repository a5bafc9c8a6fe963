"""Calibration fits, the typed calibration, and models with the calibration bound (no meep)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from components import MODELS
from components.models.bend import bend_loss_dB_per_90deg
from components.models.calibration import (
    CalibrationError,
    default_calibration_path,
    load_calibration,
)
from simulation.fdtd.calibrate import bend_loss_from_fit, fit_bend_loss, fit_ring_coupler


def test_default_calibration_file_exists_and_is_small():
    path = default_calibration_path()
    assert path.exists() and path.stat().st_size < 10_000
    cal = load_calibration()
    for section in ("bend_euler_fdtd_2d", "ring_coupler_fdtd", "crossing", "interlayer_coupler"):
        assert getattr(cal, section) is not None, section
    assert cal.meta["method"].startswith("MEEP")
    assert cal.ring_coupler is None  # the FDTD coupler fit is recorded, not applied
    assert "ring_allpass" not in cal.model_overrides()
    # the 2D FDTD bend fit is validation only: the bend model uses the 3D mode table
    assert "bend_euler" not in cal.model_overrides() and cal.bend_euler is None


def test_bend_fit_recovers_parameters():
    r = np.array([8.0, 12.0, 16.0, 20.0, 30.0])
    truth = {"a_dB_per_90": 20.0, "radius_exponent": 0.3, "decay_radius_um": 6.0}
    y = [bend_loss_from_fit(radius_um=x, **truth) for x in r]
    fit = fit_bend_loss(radii_um=r, loss_dB=y)
    for x in r:
        assert bend_loss_from_fit(radius_um=x, **fit) == pytest.approx(
            bend_loss_from_fit(radius_um=x, **truth), abs=1e-4)


def test_ring_coupler_fit():
    g = np.array([0.2, 0.3, 0.5])
    theta = 0.2 * np.exp(-g / 0.45) * np.sqrt(2 * np.pi * 10.0 * 0.45)
    fit = fit_ring_coupler(gaps_um=g, through_power=np.cos(theta) ** 2, radius_um=10.0)
    assert fit["kappa0_per_um"] == pytest.approx(0.2, rel=1e-3)
    assert fit["decay_um"] == pytest.approx(0.45, rel=1e-3)


def test_calibration_is_bound_into_models_not_read_by_them(tmp_path, monkeypatch):
    cal_path = tmp_path / "cal.json"
    cal_path.write_text(json.dumps({
        "bend_euler": {"a_dB_per_90": 10.0, "radius_exponent": 0.0, "decay_radius_um": 10.0},
        "crossing": {"insertion_loss_dB": 0.5, "crosstalk_dB": -40.0},
        "interlayer_coupler": {"insertion_loss_dB": 1.0},
        "ring_coupler": {"kappa0_per_um": 0.12, "decay_um": 0.4},
        "ring_heater": {"p_pi_mW": 10.0},
    }))
    cal = load_calibration(cal_path)
    assert cal.source == str(cal_path)
    bound = cal.bind(MODELS)
    assert cal.bend_euler_fdtd_2d is not None  # the old section name is still read
    assert bound["bend_euler"] is MODELS["bend_euler"]  # ... but not applied
    assert -20 * np.log10(abs(bound["crossing"]()[("o1", "o3")])) == pytest.approx(0.5)
    assert -20 * np.log10(abs(bound["interlayer_coupler"]()[("o1", "o2")])) == pytest.approx(1.0)
    ring = bound["ring_allpass"](wl=1.55, radius_um=30.0, gap_um=0.5)
    plain = MODELS["ring_allpass"](wl=1.55, radius_um=30.0, gap_um=0.5)
    assert abs(ring[("o1", "o2")]) != pytest.approx(abs(plain[("o1", "o2")]))
    # the models themselves never read a file or the environment
    monkeypatch.setenv("QC_CALIBRATION_FILE", str(cal_path))
    assert bend_loss_dB_per_90deg(radius_um=20.0, p=0.0) == pytest.approx(0.846, rel=0.01)
    assert -20 * np.log10(abs(MODELS["crossing"]()[("o1", "o3")])) == pytest.approx(0.043)
    # an explicit argument still wins over a bound one
    s = bound["crossing"](insertion_loss_dB=0.2)
    assert -20 * np.log10(abs(s[("o1", "o3")])) == pytest.approx(0.2)


def test_absent_or_bad_calibration(tmp_path):
    assert load_calibration(tmp_path / "absent.json").empty
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"crossing": {"insertion_loss_dB": -1, "crosstalk_dB": -40}}))
    with pytest.raises(CalibrationError, match="crossing.insertion_loss_dB"):
        load_calibration(bad)
    bad.write_text("{not json")
    with pytest.raises(CalibrationError, match="not valid JSON"):
        load_calibration(bad)
    bad.write_text(json.dumps({"crossing_typo": {}}))
    with pytest.raises(CalibrationError, match="crossing_typo"):
        load_calibration(bad)
