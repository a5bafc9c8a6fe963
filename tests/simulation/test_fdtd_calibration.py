"""Calibration fits and the compact models reading the calibration file (no meep)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from components.models import MODELS
from components.models.bend import bend_loss_dB_per_90deg
from components.models.calibration import calibration_path, load_calibration
from simulation.fdtd.calibrate import bend_loss_from_fit, fit_bend_loss, fit_ring_coupler


def test_default_calibration_file_exists_and_is_small():
    path = calibration_path()
    assert path.exists() and path.stat().st_size < 10_000
    cal = load_calibration()
    for section in ("bend_euler", "ring_coupler_fdtd", "crossing", "interlayer_coupler"):
        assert section in cal
    assert cal["_meta"]["method"].startswith("MEEP")


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


def test_models_use_calibration_and_fall_back(tmp_path, monkeypatch):
    cal = tmp_path / "cal.json"
    cal.write_text(json.dumps({
        "bend_euler": {"a_dB_per_90": 10.0, "radius_exponent": 0.0, "decay_radius_um": 10.0},
        "crossing": {"insertion_loss_dB": 0.5, "crosstalk_dB": -40.0},
        "interlayer_coupler": {"insertion_loss_dB": 1.0},
    }))
    monkeypatch.setenv("QC_CALIBRATION_FILE", str(cal))
    assert bend_loss_dB_per_90deg(radius_um=10.0) == pytest.approx(10.0 * np.exp(-1.0))
    s = MODELS["crossing"]()
    assert -20 * np.log10(abs(s[("o1", "o3")])) == pytest.approx(0.5)
    s = MODELS["interlayer_coupler"]()
    assert -20 * np.log10(abs(s[("o1", "o2")])) == pytest.approx(1.0)
    monkeypatch.setenv("QC_CALIBRATION_FILE", str(tmp_path / "absent.json"))
    assert bend_loss_dB_per_90deg(radius_um=20.0) == pytest.approx(0.021)
    assert -20 * np.log10(abs(MODELS["crossing"]()[("o1", "o3")])) == pytest.approx(0.043)
