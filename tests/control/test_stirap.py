"""STIRAP physics: adiabatic transfer, pulse order, adiabaticity, lossy STIRAP, physicality.

References: Vitanov, Rangelov, Shore & Bergmann, Rev. Mod. Phys. 89, 015006 (2017) (STIRAP
in the adiabatic regime: complete transfer for counter-intuitive order and large pulse area).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from control.lambda_system import LambdaSystem
from control.pulses import PulseShape, StirapPulses, envelope, peak_rabi_for_area_rad_per_us
from control.stirap import simulate_stirap
from control.stirap_batch import solve_stirap_batch
from control.stirap_map import efficiency_map

FWHM_NS = 20.0
DELAY_NS = 12.0  # ~0.6 FWHM: the usual optimum for Gaussian pulses


def _pulses(
    area_rad: float, delay_ns: float = DELAY_NS, shape: PulseShape = "gaussian"
) -> StirapPulses:
    peak = float(peak_rabi_for_area_rad_per_us(area_rad=area_rad, fwhm_ns=FWHM_NS, shape=shape))
    return StirapPulses(
        pump_peak_rabi_rad_per_us=peak, stokes_peak_rabi_rad_per_us=peak, fwhm_ns=FWHM_NS,
        delay_ns=delay_ns, shape=shape,
    )


def test_resonant_stirap_large_area_transfers_without_decay() -> None:
    r = simulate_stirap(pulses=_pulses(30.0))
    assert r.transfer_efficiency > 0.99
    assert r.loss == pytest.approx(0.0, abs=1e-12)
    # the dark state keeps |e> nearly empty all along
    assert r.peak_excited_population < 0.05


def test_intuitive_order_transfers_far_less() -> None:
    for area in (20.0, 30.0):
        good = simulate_stirap(pulses=_pulses(area, +DELAY_NS)).transfer_efficiency
        bad = simulate_stirap(pulses=_pulses(area, -DELAY_NS)).transfer_efficiency
        assert good > 0.99
        assert bad < 0.75
        assert good - bad > 0.25


def test_efficiency_rises_with_pulse_area() -> None:
    """Adiabaticity: the non-adiabatic error falls as the pulse area grows (Vitanov 2017)."""
    areas = np.array([1.0, 3.0, 5.0, 8.0, 12.0, 16.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0])
    m = efficiency_map(pulse_areas_rad=areas, delays_ns=[DELAY_NS], fwhm_ns=FWHM_NS)
    eff = m.transfer_efficiency[:, 0]
    rising = eff[areas <= 12.0]
    assert np.all(np.diff(rising) > 0)
    assert eff[areas >= 12.0].min() > 0.98
    small = 1.0 - eff[(areas >= 12.0) & (areas <= 20.0)]
    large = 1.0 - eff[areas >= 25.0]
    assert large.mean() < small.mean()


def test_map_optimum_is_counter_intuitive() -> None:
    m = efficiency_map(
        pulse_areas_rad=np.linspace(2.0, 30.0, 8), delays_ns=np.linspace(-20.0, 20.0, 9),
        fwhm_ns=FWHM_NS,
    )
    area, delay, eff = m.best()
    assert delay > 0 and eff > 0.99 and area > 10.0
    assert m.transfer_efficiency.shape == (8, 9)
    total = m.transfer_efficiency + m.leakage + m.loss
    np.testing.assert_allclose(total, 1.0, atol=1e-6)


def _adiabatic_elimination_loss(
    peak_rad_per_ns: float, gamma_per_ns: float, delay_ns: float, fwhm_ns: float
) -> float:
    """Loss of lossy STIRAP from adiabatic elimination, 1 - exp(-4 Gamma int theta'^2/Omega^2).

    In the dark/bright basis (tan theta = Omega_P / Omega_S, Omega^2 = Omega_P^2 + Omega_S^2)
    the non-adiabatic coupling theta' feeds the bright state, which the field couples to |e>
    (decay rate Gamma). Eliminating the bright and excited amplitudes (quasi-static response,
    valid when Omega >> |theta'|) gives P_e = 4 theta'^2 / Omega^2 P_D, so the dark state
    leaks at 4 Gamma theta'^2 / Omega^2. For constant Omega and linear theta this is the
    familiar exp(-pi^2 Gamma / (Omega^2 T)). sin^2 pulses keep the integral finite (Gaussian
    tails make theta'^2 / Omega^2 diverge where the estimate no longer applies).
    """
    t = np.linspace(-0.5 * delay_ns - fwhm_ns, 0.5 * delay_ns + fwhm_ns, 200_001)
    p = peak_rad_per_ns * envelope(t, centre_ns=0.5 * delay_ns, fwhm_ns=fwhm_ns, shape="sin2")
    s = peak_rad_per_ns * envelope(t, centre_ns=-0.5 * delay_ns, fwhm_ns=fwhm_ns, shape="sin2")
    theta_dot = np.gradient(np.arctan2(p, s), t)
    om2 = p * p + s * s
    integrand = np.where(om2 > 0, theta_dot**2 / np.where(om2 > 0, om2, 1.0), 0.0)
    return float(1.0 - np.exp(-4.0 * gamma_per_ns * np.trapezoid(integrand, t)))


@pytest.mark.parametrize("gamma_per_ns", [1.0, 3.0])
def test_lossy_stirap_matches_adiabatic_elimination(gamma_per_ns: float) -> None:
    # adiabatic regime: peak 4 rad/ns over a 20 ns FWHM (area 80 rad); all decay leaves
    peak = 4.0
    r = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=peak * 1e3, stokes_peak_rabi_rad_per_us=peak * 1e3,
        delay_ns=10.0, fwhm_ns=FWHM_NS, shape="sin2", gamma_per_ns=gamma_per_ns,
        branching_g1=0.0, branching_g2=0.0,
    )
    expected = _adiabatic_elimination_loss(peak, gamma_per_ns, 10.0, FWHM_NS)
    assert float(r.loss) == pytest.approx(expected, rel=0.06)
    # the estimate scales as Gamma / Omega^2: a 2x stronger field loses ~4x less
    r2 = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=2 * peak * 1e3, stokes_peak_rabi_rad_per_us=2 * peak * 1e3,
        delay_ns=10.0, fwhm_ns=FWHM_NS, shape="sin2", gamma_per_ns=gamma_per_ns,
        branching_g1=0.0, branching_g2=0.0,
    )
    assert float(r.loss) / float(r2.loss) == pytest.approx(4.0, rel=0.15)


def test_density_matrix_stays_physical() -> None:
    system = LambdaSystem(
        gamma_per_ns=0.5, branching_g1=0.3, branching_g2=0.4, ground_dephasing_per_ns=0.01,
        excited_dephasing_per_ns=0.2, one_photon_detuning_rad_per_us=300.0,
        two_photon_detuning_rad_per_us=20.0,
    )
    r = simulate_stirap(pulses=_pulses(15.0), system=system, keep_density_matrices=True)
    rho = r.density_matrices
    assert rho is not None and rho.shape == (201, 4, 4)
    np.testing.assert_allclose(np.trace(rho, axis1=1, axis2=2), 1.0, atol=1e-7)
    np.testing.assert_allclose(rho, np.conj(np.transpose(rho, (0, 2, 1))), atol=1e-10)
    assert np.linalg.eigvalsh(rho).min() > -1e-7
    # the batch integrator's trajectory too (real coordinates back to matrices)
    from control.lindblad import from_real, integrate_batch
    from control.stirap_batch import _superoperators

    mp, ms, constant = _superoperators()
    coeffs = np.array([0.3, 0.02, 0.15, 0.2, 0.15, 0.01, 0.2])
    y0 = np.zeros((1, 16))
    y0[0, 0] = 1.0
    p = _pulses(15.0)
    sol = integrate_batch(
        m0=np.tensordot(coeffs, constant, axes=1), terms=[mp, ms],
        coefficients=p.rabi_rad_per_ns, y0=y0, t_start=p.window_ns()[0],
        t_end=p.window_ns()[1], max_step=2.0, record=True,
    )
    states = from_real(sol.states[:, 0, :])
    assert len(sol.times) == sol.n_steps > 10
    np.testing.assert_allclose(np.trace(states, axis1=1, axis2=2).real, 1.0, atol=1e-7)
    assert np.linalg.eigvalsh(states).min() > -1e-7


CASES: list[tuple[float, float, PulseShape, dict[str, float]]] = [
    # (area rad, delay ns, shape, LambdaSystem kwargs)
    (20.0, 12.0, "gaussian", {}),
    (12.0, -8.0, "gaussian", {"gamma_per_ns": 0.3, "branching_g1": 0.5, "branching_g2": 0.2}),
    (25.0, 10.0, "sin2", {"gamma_per_ns": 1.0, "ground_dephasing_per_ns": 0.02}),
    (8.0, 5.0, "gaussian", {"one_photon_detuning_rad_per_us": 500.0,
                            "two_photon_detuning_rad_per_us": 30.0,
                            "excited_dephasing_per_ns": 0.5}),
    (30.0, 15.0, "sin2", {"gamma_per_ns": 2.0, "branching_g1": 0.1, "branching_g2": 0.1,
                          "ground_dephasing_per_ns": 0.005, "excited_dephasing_per_ns": 0.1}),
]


def test_batch_integrator_equals_mesolve() -> None:
    """The vectorised integrator (control.lindblad) reproduces qutip.mesolve point by point."""
    peaks: list[float] = []
    delays: list[float] = []
    shapes: list[PulseShape] = []
    systems: list[LambdaSystem] = []
    for area, delay, shape, kw in CASES:
        p = _pulses(area, delay, shape)
        peaks.append(p.pump_peak_rabi_rad_per_us)
        delays.append(delay)
        shapes.append(shape)
        systems.append(LambdaSystem(**kw))
    for shape in ("gaussian", "sin2"):
        idx = [i for i, s in enumerate(shapes) if s == shape]
        sy = [systems[i] for i in idx]
        batch = solve_stirap_batch(
            pump_peak_rabi_rad_per_us=[peaks[i] for i in idx],
            stokes_peak_rabi_rad_per_us=[peaks[i] for i in idx],
            delay_ns=[delays[i] for i in idx], fwhm_ns=FWHM_NS, shape=shape,
            gamma_per_ns=[s.gamma_per_ns for s in sy],
            branching_g1=[s.branching_g1 for s in sy],
            branching_g2=[s.branching_g2 for s in sy],
            ground_dephasing_per_ns=[s.ground_dephasing_per_ns for s in sy],
            excited_dephasing_per_ns=[s.excited_dephasing_per_ns for s in sy],
            one_photon_detuning_rad_per_us=[s.one_photon_detuning_rad_per_us for s in sy],
            two_photon_detuning_rad_per_us=[s.two_photon_detuning_rad_per_us for s in sy],
        )
        for j, i in enumerate(idx):
            ref = simulate_stirap(
                pulses=_pulses(CASES[i][0], delays[i], shape), system=systems[i], n_times=2
            )
            assert batch.transfer_efficiency[j] == pytest.approx(ref.transfer_efficiency, abs=1e-6)
            assert batch.population_g1[j] == pytest.approx(ref.population_g1, abs=1e-6)
            assert batch.population_e[j] == pytest.approx(ref.population_e, abs=1e-6)
            assert batch.loss[j] == pytest.approx(ref.loss, abs=1e-6)
            assert batch.dephasing_error[j] == pytest.approx(ref.dephasing_error, abs=1e-6)


def test_dephasing_and_detuning_degrade_transfer() -> None:
    clean = simulate_stirap(pulses=_pulses(30.0))
    dephased = simulate_stirap(
        pulses=_pulses(30.0), system=LambdaSystem(ground_dephasing_per_ns=0.02)
    )
    assert dephased.dephasing_error > 1e-3
    assert clean.dephasing_error == 0.0
    assert dephased.transfer_efficiency == pytest.approx(
        clean.transfer_efficiency - dephased.dephasing_error, abs=1e-9
    )
    peak = _pulses(30.0).pump_peak_rabi_rad_per_us
    detuned = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=peak,
        stokes_peak_rabi_rad_per_us=peak,
        delay_ns=DELAY_NS, fwhm_ns=FWHM_NS,
        two_photon_detuning_rad_per_us=[0.0, 100.0, 400.0],
    ).transfer_efficiency
    assert detuned[0] > detuned[1] > detuned[2]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: StirapPulses(pump_peak_rabi_rad_per_us=1.0, stokes_peak_rabi_rad_per_us=1.0,
                              fwhm_ns=-1.0), "fwhm_ns"),
        (lambda: StirapPulses(pump_peak_rabi_rad_per_us=-1.0, stokes_peak_rabi_rad_per_us=1.0),
         "pump_peak_rabi_rad_per_us"),
        (lambda: StirapPulses(pump_peak_rabi_rad_per_us=1.0, stokes_peak_rabi_rad_per_us=1.0,
                              shape="square"), "shape"),  # type: ignore[arg-type]
        (lambda: LambdaSystem(branching_g1=1.5), "branching_g1"),
        (lambda: LambdaSystem(branching_g1=0.6, branching_g2=0.6), "branching_g1 + branching_g2"),
        (lambda: LambdaSystem(gamma_per_ns=float("nan")), "gamma_per_ns"),
        (lambda: solve_stirap_batch(pump_peak_rabi_rad_per_us=1.0, stokes_peak_rabi_rad_per_us=1.0,
                                    delay_ns=1.0, fwhm_ns=1.0, gamma_per_ns=-1.0), "gamma_per_ns"),
        (lambda: solve_stirap_batch(pump_peak_rabi_rad_per_us=[1.0, 2.0],
                                    stokes_peak_rabi_rad_per_us=[1.0, 2.0, 3.0],
                                    delay_ns=1.0, fwhm_ns=1.0), "broadcast"),
        (lambda: efficiency_map(pulse_areas_rad=[], delays_ns=[1.0]), "pulse_areas_rad"),
        (lambda: simulate_stirap(pulses=_pulses(5.0), n_times=1), "n_times"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_parameter(
    call: Callable[[], object], name: str
) -> None:
    with pytest.raises(ValueError, match=name.replace("+", r"\+")):
        call()


def test_map_png(tmp_path: Path) -> None:
    m = efficiency_map(pulse_areas_rad=[5.0, 20.0], delays_ns=[-10.0, 0.0, 10.0], fwhm_ns=10.0)
    png = m.save_png(tmp_path / "map.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
