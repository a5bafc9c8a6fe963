"""Tests of components.resonance (ring / WDM arithmetic) against the ring compact models."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

from components.models.ring import ring_adddrop, ring_allpass
from components.models.waveguide_modes import effective_index, group_index
from components.resonance import (
    heater_tuning_nm_per_mW,
    ring_fsr_nm,
    ring_radius_for_resonance_um,
    ring_resonances_nm,
    wdm_grid_nm,
    wdm_ring_radii_um,
)


def _dips_nm(wl_um: np.ndarray, power: np.ndarray) -> np.ndarray:
    """Local minima of a transmission curve, refined by a parabola through 3 points (nm)."""
    deep = power[1:-1] < 0.5 * (power.max() + power.min())
    i = np.where((power[1:-1] < power[:-2]) & (power[1:-1] < power[2:]) & deep)[0] + 1
    y0, y1, y2 = power[i - 1], power[i], power[i + 1]
    step = wl_um[1] - wl_um[0]
    offset = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
    return (wl_um[i] + offset * step) * 1e3


def test_mode_solver_plausible_sin_values() -> None:
    assert 1.5 < float(effective_index(1.55)) < 1.7
    assert 1.85 < float(group_index(1.55)) < 2.1
    # longer wavelength -> less confinement -> lower n_eff
    assert float(effective_index(1.6)) < float(effective_index(1.5))


def test_fsr_matches_allpass_dips_within_1_percent() -> None:
    radius = 100.0
    wl = np.linspace(1.545, 1.555, 10001)
    power = np.abs(ring_allpass(wl=wl, radius_um=radius, gap_um=0.6)[("o1", "o2")]) ** 2
    dips = _dips_nm(wl, power)
    assert len(dips) >= 4
    measured = np.diff(dips)
    mids = 0.5 * (dips[1:] + dips[:-1])
    predicted = np.array([ring_fsr_nm(radius_um=radius, wl_nm=m) for m in mids])
    np.testing.assert_allclose(measured, predicted, rtol=0.01)
    # and the formula itself: FSR = wl^2 / (n_g 2 pi R), n_g the arcs' bent-mode value
    ng = float(group_index(1.55, radius_um=radius))
    assert ng < float(group_index(1.55))  # the table's bent n_g: 1.9066 at 100 um, 1.9074 straight
    assert ring_fsr_nm(radius_um=radius, wl_nm=1550.0) == pytest.approx(
        1550.0**2 / (ng * 2 * np.pi * radius * 1e3), rel=1e-12
    )


def test_resonances_match_model_dips() -> None:
    wl = np.linspace(1.545, 1.555, 10001)
    power = np.abs(ring_allpass(wl=wl, radius_um=30.0, gap_um=0.6)[("o1", "o2")]) ** 2
    dips = _dips_nm(wl, power)
    res = ring_resonances_nm(radius_um=30.0, wl_min_nm=1545.0, wl_max_nm=1555.0)
    assert len(res) == len(dips)
    np.testing.assert_allclose(res, dips, atol=2e-3)  # nm


def test_wdm_grid_symmetric() -> None:
    grid = wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=5)
    np.testing.assert_allclose(grid, [1548.4, 1549.2, 1550.0, 1550.8, 1551.6])
    grid4 = wdm_grid_nm(centre_nm=1550.0, spacing_nm=1.6, channels=4)
    assert grid4.mean() == pytest.approx(1550.0)
    np.testing.assert_allclose(np.diff(grid4), 1.6)


def test_radius_for_resonance_puts_a_resonance_there() -> None:
    r = ring_radius_for_resonance_um(wl_nm=1551.3, approx_radius_um=40.0)
    assert abs(r - 40.0) < 0.2
    res = ring_resonances_nm(radius_um=r, wl_min_nm=1549.0, wl_max_nm=1553.0)
    assert np.min(np.abs(res - 1551.3)) < 1e-6


def test_wdm_ring_radii_resonate_on_grid() -> None:
    radii = wdm_ring_radii_um(centre_nm=1550.0, spacing_nm=0.8, channels=4, radius_um=30.0)
    grid = wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=4)
    assert np.all(np.abs(radii - 30.0) < 0.2)
    for r, g in zip(radii, grid, strict=True):
        res = ring_resonances_nm(radius_um=float(r), wl_min_nm=g - 1.0, wl_max_nm=g + 1.0)
        assert np.min(np.abs(res - g)) < 1e-6


def test_wdm_grid_wider_than_fsr_rejected() -> None:
    fsr = ring_fsr_nm(radius_um=30.0)
    with pytest.raises(ValueError, match="spacing_nm") as err:
        wdm_ring_radii_um(centre_nm=1550.0, spacing_nm=fsr / 3.0, channels=4, radius_um=30.0)
    assert "channels" in str(err.value) and "FSR" in str(err.value)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"centre_nm": 1550.0, "spacing_nm": 0.0, "channels": 4, "radius_um": 30.0}, "spacing_nm"),
        ({"centre_nm": -1.0, "spacing_nm": 0.8, "channels": 4, "radius_um": 30.0}, "centre_nm"),
        ({"centre_nm": 1550.0, "spacing_nm": 0.8, "channels": 0, "radius_um": 30.0}, "channels"),
        ({"centre_nm": 1550.0, "spacing_nm": 0.8, "channels": 2.5, "radius_um": 30.0}, "channels"),
        ({"centre_nm": 1550.0, "spacing_nm": 0.8, "channels": 4, "radius_um": -5.0}, "radius_um"),
    ],
)
def test_wdm_ring_radii_input_checks(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        wdm_ring_radii_um(**kwargs)


def test_other_input_checks_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="radius_um"):
        ring_fsr_nm(radius_um=0.0)
    with pytest.raises(ValueError, match="wl_max_nm"):
        ring_resonances_nm(radius_um=30.0, wl_min_nm=1560.0, wl_max_nm=1550.0)
    with pytest.raises(ValueError, match="approx_radius_um"):
        ring_radius_for_resonance_um(wl_nm=1550.0, approx_radius_um=-1.0)
    with pytest.raises(ValueError, match="p_pi_mW"):
        heater_tuning_nm_per_mW(radius_um=30.0, p_pi_mW=0.0)


def test_heater_tuning_is_half_fsr_per_p_pi() -> None:
    fsr = ring_fsr_nm(radius_um=30.0)
    assert heater_tuning_nm_per_mW(radius_um=30.0, p_pi_mW=25.0) == pytest.approx(fsr / 50.0)


def test_heater_detuning_sign_and_magnitude() -> None:
    """Heating red-shifts the drop peak by tuning_nm_per_mW * P (within 2 %)."""
    power_mW = 5.0
    expected_nm = heater_tuning_nm_per_mW(radius_um=50.0, p_pi_mW=25.0) * power_mW
    res0 = ring_resonances_nm(radius_um=50.0, wl_min_nm=1546.0, wl_max_nm=1553.0)[0]
    wl = (res0 + np.linspace(-0.2, 1.2, 14001)) * 1e-3
    drop = [
        np.abs(ring_adddrop(wl=wl, heater_power_mW=p, heater_p_pi_mW=25.0)[("o1", "o4")]) ** 2
        for p in (0.0, power_mW)
    ]
    shift_nm = (wl[np.argmax(drop[1])] - wl[np.argmax(drop[0])]) * 1e3
    assert shift_nm > 0
    assert shift_nm == pytest.approx(expected_nm, rel=0.02)


def test_resonance_doctests() -> None:
    mod = importlib.import_module("components.resonance")
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0
