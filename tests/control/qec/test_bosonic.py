"""Inner bosonic codes under ring photon loss and the hybrid verdict (control.qec.bosonic)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from control.qec.bosonic import (
    DEFAULT_THRESHOLD,
    HybridReport,
    amplitude_damping_kraus,
    bare_residual_closed_form,
    hybrid_assessment,
    kitten_break_even_kappa_t,
    kitten_residual_closed_form,
    recovery_kraus,
    residual_logical_error,
    ring_decay_rate_per_s,
    simulated_break_even_kappa_t,
)

from ._helpers import chip_table

# the default chip's qubitron: loaded Q from components.qubitron.loaded_q_estimate (374.159 um
# round trip, 0.3 um gap) and the noise table's default round (132 ns STIRAP window + 2 x 3 ns)
DEFAULT_CHIP_Q = 8619.08
DEFAULT_ROUND_NS = 138.0


def _slope(kt: np.ndarray, err: np.ndarray) -> float:
    return float(np.polyfit(np.log(kt), np.log(err), 1)[0])


def test_loss_channel_is_trace_preserving_and_matches_mesolve() -> None:
    for kt in (0.0, 0.1, 1.3):
        kraus = amplitude_damping_kraus(kt, 5)
        assert np.allclose(sum(k.conj().T @ k for k in kraus), np.eye(5))
    # one photon survives with exp(-kappa T)
    k = amplitude_damping_kraus(0.7, 2)
    assert abs(k[0][1, 1]) ** 2 == pytest.approx(math.exp(-0.7))
    kts = np.array([1e-3, 0.05, 0.3, 1.0])
    for code in ("fock", "kitten"):
        assert np.allclose(residual_logical_error(code, kts, method="mesolve"),
                           residual_logical_error(code, kts), rtol=1e-8, atol=1e-12)


def test_recovery_is_cptp_and_perfect_without_loss() -> None:
    for code, dim in (("fock", 2), ("kitten", 5)):
        rs = recovery_kraus(code)
        assert np.allclose(sum(r.conj().T @ r for r in rs), np.eye(dim))
        assert residual_logical_error(code, 0.0)[()] == pytest.approx(0.0, abs=1e-14)


def test_simulation_matches_the_closed_forms() -> None:
    kts = np.logspace(-4, 1.5, 12)
    assert np.allclose(residual_logical_error("fock", kts), bare_residual_closed_form(kts),
                       atol=1e-13)
    assert np.allclose(residual_logical_error("kitten", kts), kitten_residual_closed_form(kts),
                       atol=1e-13)
    # kappa T -> infinity: the mode ends in vacuum whatever the input, F_e = 1/4
    for code in ("fock", "kitten"):
        assert residual_logical_error(code, 1e4)[()] == pytest.approx(0.75, abs=1e-12)


def test_small_loss_exponents_and_prefactors() -> None:
    kts = np.logspace(-5, -3, 7)
    bare = residual_logical_error("fock", kts)
    kitten = residual_logical_error("kitten", kts)
    assert _slope(kts, bare) == pytest.approx(1.0, abs=0.01)
    assert _slope(kts, kitten) == pytest.approx(2.0, abs=0.01)
    # leading terms of the closed forms: kappa T / 2 and (9/4) (kappa T)^2
    assert bare[0] / kts[0] == pytest.approx(0.5, rel=1e-4)
    assert kitten[0] / kts[0] ** 2 == pytest.approx(2.25, rel=1e-4)


def test_break_even_against_the_closed_form() -> None:
    kt_star = kitten_break_even_kappa_t()
    assert kt_star == pytest.approx(0.354240, abs=1e-5)
    s = math.exp(-kt_star / 2)
    assert s**6 + s**5 + 4 * s**4 + 4 * s**3 - 2 * s**2 - 2 * s - 2 == pytest.approx(
        0.0, abs=1e-12)
    assert simulated_break_even_kappa_t() == pytest.approx(kt_star, rel=1e-9)
    below, above = kt_star * 0.9, kt_star * 1.1
    assert residual_logical_error("kitten", below) < residual_logical_error("fock", below)
    assert residual_logical_error("kitten", above) > residual_logical_error("fock", above)


def test_ring_decay_rate() -> None:
    # kappa = 2 pi c / (lambda Q): 1550 nm, Q = 1e4 -> 1.215e11 /s
    assert float(ring_decay_rate_per_s(1e4)) == pytest.approx(
        2 * math.pi * 299_792_458.0 / (1550e-9 * 1e4), rel=1e-12)


def test_default_chip_is_loss_dominated() -> None:
    rep = hybrid_assessment(([DEFAULT_CHIP_Q] * 4, DEFAULT_ROUND_NS))
    assert rep.kappa_per_s[0] == pytest.approx(1.41e11, rel=0.01)
    assert rep.photon_lifetime_ps[0] == pytest.approx(7.09, rel=0.01)
    assert rep.kappa_t[0] == pytest.approx(1.95e4, rel=0.01)
    assert rep.loss_dominated and not rep.hybrid_beats_bare
    for c in rep.codes:
        assert c.residual_error_max == pytest.approx(0.75, abs=1e-9)
        assert not c.below_threshold and not c.beats_bare
    assert rep.verdict.startswith("the hybrid does not beat the bare surface code")
    assert "lost in both" in rep.verdict
    assert rep.threshold == DEFAULT_THRESHOLD
    # what it would take: Q ~ 2.9e9 (kitten) and ~1.2e10 (bare) at this round
    kit = rep.code("kitten")
    assert kit.loaded_q_for_threshold == pytest.approx(2.86e9, rel=0.02)
    assert rep.code("fock").loaded_q_for_threshold == pytest.approx(1.19e10, rel=0.02)
    assert HybridReport.model_validate_json(rep.model_dump_json()) == rep


def test_verdict_regimes() -> None:
    t_ns = 100.0
    omega_t = 2 * math.pi * 299_792_458.0 / 1550e-9 * t_ns * 1e-9
    def q_for(kt: float) -> float:
        return omega_t / kt

    # kappa T = 0.02: kitten 9e-4 below threshold, bare ~1e-2 above -> only the hybrid works
    rep = hybrid_assessment(([q_for(0.02)], t_ns))
    assert rep.hybrid_beats_bare and rep.code("kitten").below_threshold
    assert not rep.code("fock").below_threshold and rep.code("kitten").beats_bare
    assert rep.verdict.startswith("the hybrid beats")
    # kappa T = 0.005: both below threshold, kitten lower
    rep = hybrid_assessment(([q_for(0.005)], t_ns))
    assert rep.hybrid_beats_bare and "both are below" in rep.verdict
    # kappa T = 0.2: kitten better but above threshold -> does not beat
    rep = hybrid_assessment(([q_for(0.2)], t_ns))
    assert rep.code("kitten").beats_bare and not rep.hybrid_beats_bare
    assert "both are above" in rep.verdict and not rep.loss_dominated
    # kappa T = 0.6 (above break-even) with a lenient threshold: bare below, kitten not lower
    rep = hybrid_assessment(([q_for(0.6)], t_ns), threshold=0.5)
    assert not rep.code("kitten").beats_bare and not rep.hybrid_beats_bare
    assert rep.threshold_source == "passed in by the caller"


def test_noise_table_source_and_worst_qubitron() -> None:
    table = chip_table(3)  # 100 ns round
    with pytest.raises(ValueError, match="loaded_q is required"):
        hybrid_assessment(table)
    with pytest.raises(ValueError, match="one value per qubitron"):
        hybrid_assessment(table, loaded_q=[1e12, 1e12])
    omega_t = 2 * math.pi * 299_792_458.0 / 1550e-9 * 100e-9
    # two good rings (kappa T = 0.005) and one worse (0.02): the worst sets the verdict
    rep = hybrid_assessment(table, loaded_q=[omega_t / 0.005, omega_t / 0.005, omega_t / 0.02])
    assert rep.qubitrons == ["q0000", "q0001", "q0002"]
    assert rep.round_duration_ns == 100.0
    bare = rep.code("fock")
    assert bare.residual_error_max == pytest.approx(bare.residual_error[2])
    assert not bare.below_threshold and rep.hybrid_beats_bare
    assert hybrid_assessment(table, loaded_q=1e4).kappa_t == pytest.approx([1.215e4] * 3,
                                                                           rel=1e-3)
    with pytest.raises(ValueError, match="threshold"):
        hybrid_assessment(table, loaded_q=1e4, threshold=0.9)
