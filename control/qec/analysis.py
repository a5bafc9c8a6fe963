"""Threshold, error-suppression factor Lambda and the distance for a target logical error.

- Threshold: where the logical error curves of consecutive distances cross, found on the
  sampled scale grid by linear interpolation of log(p_L(d2) / p_L(d1)) in log(scale). Default
  quantity: the logical error per shot of a d-round memory (the usual convention of threshold
  plots, Fowler et al. PRA 86, 032324 (2012)); ``quantity="round"`` uses the per-round rate,
  whose crossing lies higher for small distances. The estimate is the median of the pairs'
  crossings, the range their min and max.
- Lambda: fit log p_round = a - ((d + 1) / 2) log(Lambda) over the distances of one scale
  (least squares weighted by the errors seen; points without errors, or saturated ones with
  p_shot >= 0.4, left out).
- Distance for a target per-round logical error: the smallest odd d with
  exp(a) / Lambda^((d + 1) / 2) <= target (extrapolated, needs Lambda > 1).

Example:
    >>> pts = [QecPoint.from_counts(distance=d, rounds=d, basis="Z", scale=s, decoder="m",
    ...                             shots=10**5, errors=e, seconds=0.0)
    ...        for d, s, e in [(3, 1, 100), (5, 1, 20), (3, 2, 900), (5, 2, 1500)]]
    >>> t = threshold_estimate(pts, decoder="m")
    >>> 1 < t.scale < 2
    True
    >>> lam = lambda_fit(pts, decoder="m", scale=1)
    >>> round(lam.lambda_factor, 1), distance_for_target(lam, target=1e-9) > 5
    (8.3, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from control.qec.collect import QecPoint

__all__ = [
    "LambdaFit",
    "ThresholdEstimate",
    "distance_for_target",
    "lambda_fit",
    "threshold_estimate",
]


class ThresholdEstimate(BaseModel):
    """Crossing of the logical error curves (in units of the swept scale)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decoder: str
    quantity: Literal["shot", "round"]
    scale: float | None = Field(description="median crossing; None if no pair crosses")
    scale_low: float | None
    scale_high: float | None
    crossings: list[tuple[int, int, float]] = Field(
        default_factory=list, description="(d1, d2, crossing scale) of each pair that crosses"
    )
    note: str = ""


class LambdaFit(BaseModel):
    """p_round(d) = exp(intercept) / lambda_factor^((d + 1) / 2) at one scale."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decoder: str
    scale: float
    lambda_factor: float = Field(description="error suppression per distance step of 2")
    intercept: float = Field(description="ln of the fit's p_round at (d + 1) / 2 = 0")
    distances: list[int]

    def p_round(self, distance: int) -> float:
        """Fitted logical error per round at ``distance``."""
        return math.exp(self.intercept - 0.5 * (distance + 1) * math.log(self.lambda_factor))


# a memory whose logical error per shot approaches 1/2 has forgotten its state: such points
# carry no distance dependence and are left out of the Lambda fit
SATURATED_SHOT_ERROR = 0.4


def _rate(p: QecPoint, quantity: str) -> float:
    return p.p_logical_shot if quantity == "shot" else p.p_logical_round


def _series(
    points: Sequence[QecPoint], decoder: str, quantity: str
) -> dict[int, dict[float, float]]:
    """distance -> {scale: rate} (bases averaged; points without errors left out)."""
    acc: dict[int, dict[float, list[float]]] = {}
    for p in points:
        if p.decoder != decoder or p.errors == 0:
            continue
        acc.setdefault(p.distance, {}).setdefault(p.scale, []).append(_rate(p, quantity))
    return {d: {s: float(np.mean(v)) for s, v in by.items()} for d, by in acc.items()}


def threshold_estimate(
    points: Sequence[QecPoint], *, decoder: str, quantity: Literal["shot", "round"] = "shot"
) -> ThresholdEstimate:
    """Crossing scale of consecutive distances' curves (see the module docstring)."""
    series = _series(points, decoder, quantity)
    ds = sorted(series)
    crossings: list[tuple[int, int, float]] = []
    below = above = 0
    for d1, d2 in zip(ds, ds[1:], strict=False):
        common = sorted(set(series[d1]) & set(series[d2]))
        ratio = [math.log(series[d2][s] / series[d1][s]) for s in common]
        found = None
        for i in range(len(common) - 1):
            r0, r1 = ratio[i], ratio[i + 1]
            if r0 < 0 <= r1:
                x0, x1 = math.log(common[i]), math.log(common[i + 1])
                found = math.exp(x0 + (x1 - x0) * (-r0) / (r1 - r0))
                break
        if found is not None:
            crossings.append((d1, d2, found))
        elif ratio and all(r < 0 for r in ratio):
            below += 1
        elif ratio:
            above += 1
    if crossings:
        xs = [c[2] for c in crossings]
        return ThresholdEstimate(
            decoder=decoder, quantity=quantity, scale=float(np.median(xs)),
            scale_low=min(xs), scale_high=max(xs), crossings=crossings,
        )
    note = (
        "below threshold over the whole sampled range" if below and not above
        else "above threshold over the whole sampled range" if above and not below
        else "no crossing found (too few distances / scales with errors)"
    )
    return ThresholdEstimate(
        decoder=decoder, quantity=quantity, scale=None, scale_low=None, scale_high=None, note=note
    )


def lambda_fit(points: Sequence[QecPoint], *, decoder: str, scale: float) -> LambdaFit | None:
    """Fit of the per-round logical error vs distance at ``scale`` (None: < 2 distances)."""
    rows = [
        p for p in points
        if p.decoder == decoder and p.errors > 0 and p.p_logical_shot < SATURATED_SHOT_ERROR
        and math.isclose(p.scale, scale, rel_tol=1e-9)
    ]
    by_d: dict[int, list[QecPoint]] = {}
    for p in rows:
        by_d.setdefault(p.distance, []).append(p)
    if len(by_d) < 2:
        return None
    ds = sorted(by_d)
    x = np.array([(d + 1) / 2 for d in ds], dtype=float)
    y = np.array([math.log(np.mean([p.p_logical_round for p in by_d[d]])) for d in ds])
    w = np.sqrt([sum(p.errors for p in by_d[d]) for d in ds])  # relative error ~ 1/sqrt(n)
    slope, intercept = np.polyfit(x, y, 1, w=w)
    return LambdaFit(
        decoder=decoder, scale=scale, lambda_factor=float(math.exp(-slope)),
        intercept=float(intercept), distances=ds,
    )


def distance_for_target(fit: LambdaFit, *, target: float, max_distance: int = 999) -> int | None:
    """Smallest odd distance >= 3 whose fitted per-round logical error is <= ``target``
    (None when Lambda <= 1 or beyond ``max_distance``)."""
    if not 0 < target < 1:
        raise ValueError(f"target must be in (0, 1), got {target!r}")
    if fit.lambda_factor <= 1:
        return None
    steps = (fit.intercept - math.log(target)) / math.log(fit.lambda_factor)
    d = max(3, 2 * math.ceil(steps) - 1)
    d += 1 - d % 2
    while fit.p_round(d) > target:  # guard against rounding at the boundary
        d += 2
    while d > 3 and fit.p_round(d - 2) <= target:
        d -= 2
    return d if d <= max_distance else None
