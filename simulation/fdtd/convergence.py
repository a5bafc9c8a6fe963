"""Rerun a job at increasing resolution until its S-parameters stop changing.

Example:
    >>> max_power_change({("a", "b"): [1.0]}, {("a", "b"): [0.9]})
    0.19
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.job import FdtdJob
from simulation.fdtd.sparams import FdtdResult, run_job

__all__ = ["ConvergenceResult", "converge", "max_power_change"]


@dataclass(frozen=True)
class ConvergenceResult:
    """Outcome of :func:`converge`.

    Attributes:
        result: the last (finest) FDTD result.
        resolution_px_per_um: resolution of ``result``.
        converged: True when the last step changed |S|^2 by less than the tolerance.
        history: ``[(resolution_px_per_um, max |S|^2 change vs previous or nan), ...]``.
    """

    result: FdtdResult
    resolution_px_per_um: float
    converged: bool
    history: list[tuple[float, float]]


def max_power_change(a: Mapping[tuple[str, str], ArrayLike],
                     b: Mapping[tuple[str, str], ArrayLike]) -> float:
    """Largest | |S_a|^2 - |S_b|^2 | over the port pairs both have and all wavelengths."""
    keys = set(a) & set(b)
    if not keys:
        raise ValueError("the two S-dicts share no port pair")
    return round(max(float(np.max(np.abs(np.abs(np.asarray(a[k])) ** 2
                                         - np.abs(np.asarray(b[k])) ** 2))) for k in keys), 12)


def converge(
    job: FdtdJob, *, resolutions_px_per_um: Sequence[float] = (10.0, 14.0, 20.0, 28.0),
    tol_power: float = 0.01, cache: FdtdCache | None = None,
) -> ConvergenceResult:
    """Run ``job`` at each resolution in turn until |S|^2 changes by less than ``tol_power``.

    Args:
        job: the job (its own resolution is ignored).
        resolutions_px_per_um: increasing resolutions to try (px/um).
        tol_power: tolerance on the largest change of any |S|^2 between two successive
            resolutions (absolute, e.g. 0.01 = 1 % of the input power).
        cache: result cache (runs already done are not repeated).

    Returns:
        :class:`ConvergenceResult` (``converged`` False if the finest still moved more).
    """
    if len(resolutions_px_per_um) < 2:
        raise ValueError("resolutions_px_per_um needs at least two resolutions")
    prev: FdtdResult | None = None
    history: list[tuple[float, float]] = []
    for res in resolutions_px_per_um:
        cur = run_job(job.with_resolution(res), cache=cache)
        change = float("nan") if prev is None else max_power_change(prev.sdict, cur.sdict)
        history.append((float(res), change))
        if prev is not None and change < tol_power:
            return ConvergenceResult(cur, float(res), True, history)
        prev = cur
    assert prev is not None
    return ConvergenceResult(prev, float(resolutions_px_per_um[-1]), False, history)
