"""FDTD S-parameters: run jobs through the cache, one at a time or side by side.

``run_job`` answers one job (cache first, else the meep worker); ``run_jobs`` answers many
independent jobs in parallel: a thread pool whose threads each drive one worker *process*
(so the default is a pool of meep processes, ``max_workers`` at a time), or a
``dask.distributed.Client`` when one is given (optional: dask is not a dependency).

Example:
    >>> r = FdtdResult.from_dict({"wl_um": [1.55], "s": {"o1,o2": [[0.0, 1.0]]}}, "k")
    >>> r.sdict[("o1", "o2")]
    array([0.+1.j])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import gdsfactory as gf
import numpy as np

from components.models.sdict import SDict
from simulation.fdtd import runner
from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.interpreter import find_meep_python
from simulation.fdtd.job import FdtdJob, build_job

__all__ = ["FdtdResult", "default_workers", "fdtd_sparams", "run_job", "run_jobs"]


@dataclass(frozen=True)
class FdtdResult:
    """S-parameters of one job.

    Attributes:
        wl_um: wavelengths (um).
        sdict: ``{(port_in, port_out): complex array over wl_um}`` (sax convention).
        key: job hash.
        from_cache: True when no simulation ran for this answer.
        raw: the worker's result dict (meep version, elapsed_s, timesteps, resolution).
    """

    wl_um: np.ndarray
    sdict: SDict
    key: str
    from_cache: bool
    raw: dict[str, Any]

    @classmethod
    def from_dict(cls, raw: dict[str, Any], key: str, from_cache: bool = False) -> FdtdResult:
        s = {}
        for k, vals in raw["s"].items():
            a, b = k.split(",")
            arr = np.asarray(vals, dtype=float).reshape(-1, 2)
            s[(a, b)] = arr[:, 0] + 1j * arr[:, 1]
        return cls(np.asarray(raw["wl_um"], float), s, key, from_cache, raw)

    @property
    def resolution_px_per_um(self) -> float:
        return float(self.raw.get("resolution_px_per_um", float("nan")))

    def power(self, port_in: str, port_out: str) -> np.ndarray:
        """|S|^2 from ``port_in`` to ``port_out`` over wl."""
        return np.abs(self.sdict[(port_in, port_out)]) ** 2

    def power_dB(self, port_in: str, port_out: str) -> np.ndarray:
        """10 log10 |S|^2 (dB), floored at -100 dB."""
        return 10 * np.log10(np.maximum(self.power(port_in, port_out), 1e-10))


def default_workers() -> int:
    """Parallel meep processes: ``$QC_FDTD_WORKERS`` or the CPU count (>= 1)."""
    env = os.environ.get("QC_FDTD_WORKERS")
    return max(1, int(env) if env else (os.cpu_count() or 1))


def run_job(
    job: FdtdJob, *, cache: FdtdCache | None = None, use_cache: bool = True,
    timeout_s: float = runner.DEFAULT_TIMEOUT_S,
) -> FdtdResult:
    """Answer ``job``: from the cache when present, else by the meep worker (then cached).

    Raises:
        MeepNotAvailable: only when the job has to run and no meep interpreter exists.
        FdtdWorkerError: the worker failed.
    """
    cache = cache if cache is not None else FdtdCache()
    key = job.hash
    if use_cache:
        hit = cache.get(key)
        if hit is not None:
            return FdtdResult.from_dict(hit, key, from_cache=True)
    raw = runner.run_worker(job, timeout_s=timeout_s)  # module lookup: tests may wrap it
    cache.put(key, raw)
    return FdtdResult.from_dict(raw, key, from_cache=False)


def run_jobs(
    jobs: Sequence[FdtdJob], *, max_workers: int | None = None, client: Any = None,
    cache: FdtdCache | None = None, use_cache: bool = True,
    on_done: Callable[[int, FdtdResult], None] | None = None,
) -> list[FdtdResult]:
    """Answer independent jobs side by side; results in the order of ``jobs``.

    Args:
        jobs: the jobs.
        max_workers: meep processes at once (default :func:`default_workers`); 1 = serial.
        client: a ``dask.distributed.Client``: jobs run as its tasks instead (each task
            still runs the meep worker process on its machine; the cache directory must be
            shared or the workers' own).
        cache: result cache (default the user cache directory).
        use_cache: False forces every job to rerun (results are still stored).
        on_done: called as ``on_done(index, result)`` when each job finishes (progress).

    Returns:
        one :class:`FdtdResult` per job.
    """
    cache = cache if cache is not None else FdtdCache()
    if any(cache.get(j.hash) is None or not use_cache for j in jobs):
        find_meep_python()  # fail once, with the install hint, before starting a pool
    results: list[FdtdResult | None] = [None] * len(jobs)
    if client is not None:
        root = str(cache.root)
        futures = client.map(_dask_task, list(jobs), root=root, use_cache=use_cache,
                             pure=False)
        for i, fut in enumerate(futures):
            result: FdtdResult = fut.result()
            results[i] = result
            if on_done:
                on_done(i, result)
        return [r for r in results if r is not None]
    n = max(1, min(max_workers or default_workers(), len(jobs) or 1))
    if n == 1:
        for i, j in enumerate(jobs):
            result = run_job(j, cache=cache, use_cache=use_cache)
            results[i] = result
            if on_done:
                on_done(i, result)
        return [r for r in results if r is not None]
    with ThreadPoolExecutor(max_workers=n) as pool:
        # longest first (grid points x simulated time): the pool then ends with short jobs
        # instead of one long straggler
        order = sorted(range(len(jobs)), key=lambda i: -_cost(jobs[i]))
        futs = {pool.submit(run_job, jobs[i], cache=cache, use_cache=use_cache): i
                for i in order}
        for fut in _as_completed(futs):
            i = futs[fut]
            result = fut.result()
            results[i] = result
            if on_done:
                on_done(i, result)
    return [r for r in results if r is not None]


def _cost(job: FdtdJob) -> float:
    """Rough relative cost of a job: grid points x minimum run time x source ports."""
    c, p = job.payload["cell"], job.payload
    area = (c["xmax"] - c["xmin"]) * (c["ymax"] - c["ymin"])
    if p["dimension"] == 3:
        area *= c["zmax"] - c["zmin"]
    res = p["resolution_px_per_um"]
    return area * res ** p["dimension"] * (p.get("min_time", 1.0) * res) * len(p["source_ports"])


def _as_completed(futs):  # noqa: ANN001, ANN202 - thin alias keeps the import local
    from concurrent.futures import as_completed

    return as_completed(futs)


def _dask_task(job: FdtdJob, *, root: str, use_cache: bool) -> FdtdResult:
    return run_job(job, cache=FdtdCache(root), use_cache=use_cache)


def fdtd_sparams(
    component: gf.Component, *, cache: FdtdCache | None = None, use_cache: bool = True,
    **job_kwargs: Any,
) -> FdtdResult:
    """S-parameters of ``component`` by FDTD (see :func:`simulation.fdtd.job.build_job` for
    ``job_kwargs``: ``wl_um``, ``resolution_px_per_um``, ``dimension``, ``plane`` ...)."""
    return run_job(build_job(component, **job_kwargs), cache=cache, use_cache=use_cache)
