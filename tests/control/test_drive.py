"""Power -> photons -> Rabi frequency, Purcell factor: the formulas of control.drive."""

from __future__ import annotations

import math

import numpy as np
import pytest

from control.drive import (
    HBAR_J_S,
    bad_cavity,
    cavity_decay_rad_per_us,
    coupling_from_purcell_rad_per_us,
    intracavity_photons,
    power_at_qubitron_mW,
    power_for_rabi_mW,
    purcell_enhanced_decay_per_ns,
    purcell_factor,
    rabi_from_power_rad_per_us,
    single_photon_coupling_rad_per_us,
)


def test_photon_number_by_hand() -> None:
    # n = 4 eta Q P / (hbar w^2) with w = 2 pi c / 1550 nm
    w = 2 * math.pi * 299792458.0 / 1550e-9
    expected = 4 * 0.5 * 2e5 * 1e-9 / (HBAR_J_S * w * w)
    n = intracavity_photons(power_mW=1e-6, loaded_q=2e5)
    assert float(n) == pytest.approx(expected, rel=1e-12)
    # linear in power and Q, Lorentzian in detuning: half at dw = kappa / 2
    assert float(intracavity_photons(power_mW=2e-6, loaded_q=2e5)) == pytest.approx(2 * expected)
    assert float(intracavity_photons(power_mW=1e-6, loaded_q=4e5)) == pytest.approx(2 * expected)
    kappa = float(cavity_decay_rad_per_us(loaded_q=2e5))
    half = intracavity_photons(power_mW=1e-6, loaded_q=2e5, cavity_detuning_rad_per_us=kappa / 2)
    assert float(half) == pytest.approx(expected / 2)


def test_rabi_is_two_g_sqrt_n_and_inverts() -> None:
    g = 1500.0
    p = np.array([1e-8, 1e-7, 1e-6])
    om = rabi_from_power_rad_per_us(power_mW=p, loaded_q=1e5, coupling_rad_per_us=g)
    n = intracavity_photons(power_mW=p, loaded_q=1e5)
    np.testing.assert_allclose(om, 2 * g * np.sqrt(n))
    back = power_for_rabi_mW(rabi_rad_per_us=om, loaded_q=1e5, coupling_rad_per_us=g)
    np.testing.assert_allclose(back, p, rtol=1e-12)
    # 10 dB more path loss -> sqrt(10) less Rabi frequency
    p_q = power_at_qubitron_mW(input_power_mW=1e-6, path_loss_dB=[0.0, 10.0])
    om2 = rabi_from_power_rad_per_us(power_mW=p_q, loaded_q=1e5, coupling_rad_per_us=g)
    assert om2[0] / om2[1] == pytest.approx(math.sqrt(10.0))


def test_purcell_round_trip_and_decay() -> None:
    g = single_photon_coupling_rad_per_us(dipole_debye=20.0, mode_volume_um3=200.0)
    f = purcell_factor(coupling_rad_per_us=g, loaded_q=3e5, free_decay_per_ns=0.5)
    back = coupling_from_purcell_rad_per_us(purcell_factor=f, loaded_q=3e5, free_decay_per_ns=0.5)
    assert float(back) == pytest.approx(float(g))
    assert float(purcell_enhanced_decay_per_ns(free_decay_per_ns=0.5, purcell_factor=f)) == (
        pytest.approx(0.5 * (1 + float(f)))
    )
    # g scales as d / sqrt(V)
    g2 = single_photon_coupling_rad_per_us(dipole_debye=40.0, mode_volume_um3=800.0)
    assert float(g2) == pytest.approx(float(g))
    assert bool(bad_cavity(coupling_rad_per_us=g, loaded_q=1e4))
    assert not bool(bad_cavity(coupling_rad_per_us=g, loaded_q=1e9))


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"power_mW": -1.0, "loaded_q": 1e5}, "power_mW"),
        ({"power_mW": 1.0, "loaded_q": 0.0}, "loaded_q"),
        ({"power_mW": 1.0, "loaded_q": 1e5, "bus_coupling_fraction": 1.5}, "bus_coupling_fraction"),
        ({"power_mW": 1.0, "loaded_q": 1e5, "wavelength_nm": -5.0}, "wavelength_nm"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        intracavity_photons(**kwargs)
