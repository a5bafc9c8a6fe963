"""Run a sweep's points on Dask and keep every result as it finishes.

Local by default: a ``distributed.LocalCluster`` of one single-threaded worker process per
core (the pipeline holds the GIL; processes, not threads, run in parallel); ``scheduler=ADDR``
sends the same tasks to an existing cluster. ``workers=0`` runs the points in this process
(no Dask; for debugging and for measuring the machinery's overhead). Results are gathered
here, in the client, so the workers need no shared file system: each finished point becomes a
part file at once (``flows.sweep.store``), ``results.parquet`` is refreshed every few seconds
and at the end, and ``sweep.html`` is drawn at the end. Points already finished in ``out``
(an earlier, killed run) or in the content cache are not recomputed.

Example:
    >>> import tempfile, pathlib
    >>> from rich.console import Console
    >>> from flows.sweep.spec import SweepSpec, plan_points, resolve_base
    >>> s = SweepSpec.model_validate({"name": "g", "stages": ["layout"],
    ...     "base": {"name": "c", "array": {"rows": 1, "columns": 2, "tile_columns": 2}},
    ...     "parameters": {"qubitron.gap_um": {"values": [0.5]}}})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "sw"
    >>> r = run_sweep(s, plan_points(s, resolve_base(s, None)), out, workers=0,
    ...               console=Console(quiet=True), cache_dir=out.parent / "cache")
    >>> r.counts, sorted(p.name for p in out.glob("[!.]*"))
    ({'ok': 1}, ['parts', 'results.parquet', 'summary.json', 'sweep.html'])
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.output import atomic_file
from flows.sweep.metrics import METRICS, stage_closure
from flows.sweep.plots import write_sweep_html
from flows.sweep.point import evaluate_point, warm_up
from flows.sweep.spec import Point, SweepSpec
from flows.sweep.store import (
    PartStore,
    ResultCache,
    check_sweep_folder,
    point_key,
    results_table,
    sweep_lock,
    write_results,
)
from qc_pdk.errors import InputError

__all__ = ["SchedulerError", "SweepResult", "dask_client", "run_sweep"]

#: seconds between refreshes of results.parquet while points finish
REFRESH_S = 5.0


class SchedulerError(InputError):
    """A ``--scheduler`` address that cannot be reached, or a bad ``--workers``."""


@dataclass
class SweepResult:
    """What a sweep left in ``folder``: counts by status and the rows (one per point)."""

    folder: Path
    counts: dict[str, int]
    rows: list[dict[str, Any]]
    computed: int
    from_cache: int
    resumed: int
    seconds: float


def _warmup_plugin() -> Any:
    """A worker plugin running :func:`flows.sweep.point.warm_up` on every worker, also on
    workers that join later."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class PipelineWarmUp(WorkerPlugin):
        name = "quantacore-warm-up"

        def setup(self, worker: Any) -> None:
            warm_up()

    return PipelineWarmUp()


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def dask_client(
    *, scheduler: str | None, workers: int | None, n_tasks: int, console: Console
) -> Iterator[Any]:
    """A Dask client on ``scheduler`` or on a new local cluster (closed on exit).

    Args:
        scheduler: address of an existing scheduler (``tcp://host:8786``); None: local.
        workers: local worker processes (default: the machine's cores, at most ``n_tasks``).
        n_tasks: tasks to run (no more local workers are started).
        console: where the dashboard link goes.

    Raises:
        SchedulerError: the scheduler cannot be reached.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as e:
            raise SchedulerError(f"--scheduler {scheduler}: cannot connect ({e})") from None
        try:
            client.register_plugin(_warmup_plugin())
            console.print(f"Dask cluster {scheduler}: {len(client.scheduler_info()['workers'])} "
                          f"workers; dashboard {client.dashboard_link}")
            yield client
        finally:
            client.close()
        return
    n = workers or min(os.cpu_count() or 1, max(n_tasks, 1))
    cluster = LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True,
        dashboard_address=":0" if _has_bokeh() else None, silence_logs=40,
    )
    try:
        client = Client(cluster)
        try:
            client.register_plugin(_warmup_plugin())
            if _has_bokeh():
                console.print(f"Dask dashboard: {client.dashboard_link}")
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def _options(sweep: SweepSpec) -> dict[str, Any]:
    stages = stage_closure(sweep.stages)
    return {"qec": sweep.qec.model_dump()} if "qec" in stages else {}


def _summary(sweep: SweepSpec, result: SweepResult) -> dict[str, Any]:
    return {
        "name": sweep.name,
        "points": len(result.rows),
        "counts": result.counts,
        "computed": result.computed,
        "from_cache": result.from_cache,
        "resumed": result.resumed,
        "seconds": round(result.seconds, 3),
        "stages": list(stage_closure(sweep.stages)),
        "parameters": list(sweep.parameters),
        "sweep": sweep.model_dump(mode="json"),
        "failed": [
            {"point": r["point"], "error": r["error"]}
            for r in result.rows if r["status"] in ("failed", "invalid")
        ],
    }


def run_sweep(
    sweep: SweepSpec,
    points: list[Point],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    console: Console | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
    retry_failed: bool = False,
) -> SweepResult:
    """Evaluate every point not yet finished in ``out`` and write the results and plots.

    Args:
        sweep: the sweep spec.
        points: its planned points (``flows.sweep.spec.plan_points``).
        out: the sweep folder (created; re-using it resumes).
        scheduler: Dask scheduler address; None: a local cluster.
        workers: local worker processes (None: one per core; 0: in this process, no Dask).
        console: progress output (default: stderr).
        cache_dir: content cache folder (default ``$QC_SWEEP_CACHE`` or the user cache).
        use_cache: read and fill the content cache.
        retry_failed: evaluate again points that failed in an earlier run.

    Returns:
        counts by status, the rows, and how many points were computed, cached or resumed.

    Raises:
        OutputError: ``out`` cannot be written or another sweep is writing it.
        SchedulerError: a bad scheduler address or worker count.
    """
    console = console or Console(stderr=True)
    if workers is not None and workers < 0:
        raise SchedulerError(f"--workers {workers}: give 0 (no Dask) or more")
    out = check_sweep_folder(out, create=True)
    t0 = time.perf_counter()
    stages = stage_closure(sweep.stages)
    options = _options(sweep)
    qec_kw = {"qec_distances": tuple(sweep.qec.distances), "qec_max_shots": sweep.qec.max_shots}
    keys = [None if p.spec is None else point_key(p.spec, stages, options) for p in points]
    cache = ResultCache(cache_dir) if use_cache else None
    with sweep_lock(out):
        store = PartStore(out)
        rows = store.load()
        if retry_failed:
            rows = {k: r for k, r in rows.items() if r["status"] == "ok"}
        resumed = len({k for k in keys if k is not None and k in rows})
        todo: dict[str, str] = {}  # key -> spec JSON; identical points run once
        from_cache = 0
        for p, key in zip(points, keys, strict=True):
            if key is None or key in rows or key in todo:
                continue
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                rows[key] = store.write(key, hit, cached=True)
                from_cache += 1
            else:
                assert p.spec is not None
                todo[key] = p.spec.model_dump_json()
        console.print(
            f"[bold]quantacore sweep[/] {sweep.name}: {len(points)} points, "
            f"{resumed} already done, {from_cache} from cache, {len(todo)} to run "
            f"(stages: {', '.join(stages)})"
        )
        last_write = time.perf_counter()

        def refresh(force: bool = False) -> None:
            nonlocal last_write
            if force or time.perf_counter() - last_write > REFRESH_S:
                write_results(results_table(points, keys, rows), out)
                last_write = time.perf_counter()

        def finished(key: str, result: dict[str, Any]) -> None:
            # cache first: a finished part then implies its cache entry, so a run killed
            # just after a part lands (what resuming is for) leaves the cache complete
            if cache is not None:
                cache.put(key, result)
            rows[key] = store.write(key, result, cached=False)
            refresh()

        progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("{task.fields[failed]} failed"), console=console,
        )
        try:
            with progress:
                task = progress.add_task("points", total=len(todo), failed=0)
                n_failed = 0
                for key, point_result in _evaluate(todo, stages, qec_kw, scheduler, workers,
                                                   console):
                    finished(key, point_result)
                    n_failed += point_result["status"] != "ok"
                    progress.update(task, advance=1, failed=n_failed)
        finally:  # also on Ctrl-C: what finished is in the table
            refresh(force=True)
        table = results_table(points, keys, rows).to_pylist()
        result = SweepResult(
            folder=out, counts=dict(Counter(r["status"] for r in table)), rows=table,
            computed=len(todo), from_cache=from_cache, resumed=resumed,
            seconds=time.perf_counter() - t0,
        )
        summary = _summary(sweep, result)
        atomic_file(out / "summary.json",
                    lambda tmp: tmp.write_text(json.dumps(summary, indent=2)))
        metrics = sweep.metrics or [m.name for m in METRICS if m.stage in stages]
        write_sweep_html(
            out / "sweep.html", title=f"sweep {sweep.name}", rows=table,
            params=list(sweep.parameters), metrics=metrics, pareto=sweep.pareto,
            summary=f"{len(table)} points: " + ", ".join(f"{v} {k}" for k, v in
                                                        sorted(result.counts.items())),
        )
    console.print(
        f"{sweep.name}: " + ", ".join(f"{v} {k}" for k, v in sorted(result.counts.items()))
        + f" in {result.seconds:.1f} s -> {out / 'results.parquet'}, {out / 'sweep.html'}"
    )
    return result


def _evaluate(
    todo: dict[str, str], stages: tuple[str, ...], qec_kw: dict[str, Any],
    scheduler: str | None, workers: int | None, console: Console,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(key, result) of every point in ``todo``, as each finishes."""
    if not todo:
        return
    if workers == 0 and scheduler is None:
        for key, spec_json in todo.items():
            yield key, evaluate_point(spec_json, stages=stages, **qec_kw)
        return
    from distributed import as_completed

    with dask_client(scheduler=scheduler, workers=workers, n_tasks=len(todo),
                     console=console) as client:
        futures = {
            client.submit(evaluate_point, spec_json, stages=stages, **qec_kw,
                          key=f"sweep-point-{key}"): key
            for key, spec_json in todo.items()
        }
        for future in as_completed(futures):
            key = futures[future]
            try:
                result = future.result()
            except Exception as e:  # noqa: BLE001 - a worker died under the point: record it
                result = {"status": "failed", "error": f"{type(e).__name__}: {e}",
                          "metrics": {}, "seconds": None, "worker": None}
            yield key, result
