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
from simulation.fdtd.sparams import FdtdResult, run_job, run_jobs

__all__ = ["ConvergenceResult", "converge", "loss_dB_series", "max_power_change",
           "resolution_series"]


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


def resolution_series(
    job: FdtdJob, *, resolutions_px_per_um: Sequence[float] = (16.0, 20.0, 28.0),
    cache: FdtdCache | None = None, max_workers: int | None = 1,
) -> list[FdtdResult]:
    """``job`` at every resolution (all of them, unlike :func:`converge`), in order.

    Args:
        job: the job (its own resolution is ignored).
        resolutions_px_per_um: resolutions to run (px/um).
        cache: result cache.
        max_workers: meep processes at once.

    Returns:
        one :class:`FdtdResult` per resolution.
    """
    if not resolutions_px_per_um:
        raise ValueError("resolutions_px_per_um is empty")
    return run_jobs([job.with_resolution(r) for r in resolutions_px_per_um],
                    max_workers=max_workers, cache=cache)


def loss_dB_series(results: Sequence[FdtdResult], *, port_in: str, port_out: str,
                   wl_um: float = 1.55) -> list[float]:
    """Loss -10 log10 |S|^2 (dB) from ``port_in`` to ``port_out`` at ``wl_um``, per result.

    Example:
        >>> r = FdtdResult.from_dict({"wl_um": [1.55], "s": {"o1,o2": [[0.5, 0.0]]}}, "k")
        >>> [round(x, 3) for x in loss_dB_series([r], port_in="o1", port_out="o2")]
        [6.021]
    """
    out = []
    for r in results:
        i = int(np.argmin(np.abs(r.wl_um - wl_um)))
        out.append(float(-10.0 * np.log10(max(float(r.power(port_in, port_out)[i]), 1e-12))))
    return out
