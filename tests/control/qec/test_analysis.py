"""Threshold of uniform circuit noise with matching, Lambda, distance for a target."""

from __future__ import annotations

import pytest

from control.qec.analysis import (
    LambdaFit,
    distance_for_target,
    lambda_fit,
    threshold_estimate,
)
from control.qec.collect import QecPoint, collect_local, uniform_noise_source

SCALES = (0.003, 0.005, 0.007, 0.009, 0.012)


@pytest.fixture(scope="module")
def uniform_points() -> list[QecPoint]:
    return collect_local(uniform_noise_source(), distances=(3, 5), scales=SCALES,
                         max_shots=20_000, seed=7, decoders=("pymatching",))


def test_logical_error_falls_below_and_rises_above_threshold(
    uniform_points: list[QecPoint],
) -> None:
    by = {(p.distance, p.scale): p for p in uniform_points}
    lo3, lo5 = by[(3, 0.003)], by[(5, 0.003)]
    hi3, hi5 = by[(3, 0.012)], by[(5, 0.012)]
    # below threshold: d=5 has well under half of d=3's errors; above: clearly more
    assert lo5.errors < 0.6 * lo3.errors and lo3.errors > 100
    assert hi5.errors > 1.2 * hi3.errors and hi3.errors > 1000


def test_threshold_of_uniform_circuit_noise_is_near_published_values(
    uniform_points: list[QecPoint],
) -> None:
    """Rotated surface code, circuit-level depolarising noise, matching: ~0.5-1 % (Fowler et
    al. PRA 86, 032324 (2012)); measured here ~0.7 % per d-round shot."""
    th = threshold_estimate(uniform_points, decoder="pymatching")
    assert th.scale is not None
    assert 0.005 <= th.scale <= 0.01
    assert th.crossings and th.crossings[0][:2] == (3, 5)
    # the per-round crossing of small distances lies higher (finite-size shift), still ~1 %
    per_round = threshold_estimate(uniform_points, decoder="pymatching", quantity="round")
    assert per_round.scale is None or per_round.scale > th.scale


def test_lambda_and_distance_for_target(uniform_points: list[QecPoint]) -> None:
    fit = lambda_fit(uniform_points, decoder="pymatching", scale=0.003)
    assert fit is not None and fit.lambda_factor > 1.5
    d = distance_for_target(fit, target=1e-9)
    assert d is not None and d % 2 == 1 and d >= 7
    assert fit.p_round(d) <= 1e-9 < fit.p_round(d - 2)
    above = lambda_fit(uniform_points, decoder="pymatching", scale=0.012)
    # near threshold the per-round suppression is gone (Lambda ~ 1; the report gates on the
    # threshold estimate rather than on Lambda)
    assert above is not None and above.lambda_factor < 1.3 < fit.lambda_factor
    flat = above.model_copy(update={"lambda_factor": 0.9})
    assert distance_for_target(flat, target=1e-9) is None
    assert lambda_fit(uniform_points, decoder="nope", scale=0.003) is None


def test_no_crossing_is_reported_with_a_note() -> None:
    pts = [QecPoint.from_counts(distance=d, rounds=d, basis="Z", scale=s, decoder="m",
                                shots=1000, errors=e, seconds=0.0)
           for d, s, e in [(3, 0.1, 50), (5, 0.1, 10), (3, 0.2, 80), (5, 0.2, 30)]]
    th = threshold_estimate(pts, decoder="m")
    assert th.scale is None and "below threshold" in th.note


def test_distance_for_target_bad_target() -> None:
    fit = LambdaFit(decoder="m", scale=1.0, lambda_factor=2.0, intercept=-3.0, distances=[3, 5])
    with pytest.raises(ValueError, match="target"):
        distance_for_target(fit, target=0.0)
    assert distance_for_target(fit, target=0.9) == 3
