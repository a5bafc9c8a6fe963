"""Route the waveguide layers of a multi-layer job side by side, one process per layer.

Once the 3D planner has placed its interlayer couplers, the layers' router passes are
independent: the router blocks only its own layer's routes (``route_nets`` with a layer's
cross-section), the cells and couplers block every layer, and the PDK has no rule between two
waveguide layers. So each layer's ``route_nets`` can run in its own forked process on a copy
of the component; the parent then draws each layer's pieces back, in layer order, from their
cells (re-made by the same cached factories, so the same cell names) and placements.

A job may name a second set of options (``LayerJob.retry``): when its pass leaves nets
unrouted, the layer is routed again with them and the pass that routes more nets (then with
less loss) is kept; the 3D planner retries at the router's fast default crossing price, which
negotiates more freely than the calibrated one.

``concurrent.futures`` with the "fork" start method does the process handling: a forked child
inherits the component, the PDK and the compiled search kernel, which a spawned one would
have to rebuild or receive pickled (a gdsfactory component does not pickle).

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> from routing.router import Connection
    >>> c = gf.Component()
    >>> for name, x, rot in [("a", 0, 0), ("b", 300, 180)]:
    ...     _ = c.add_ref(CELLS["straight"](length=5), name=name).drotate(rot).dmove((x, 0))
    >>> job = LayerJob("WG1", (Connection("a,o2", "b,o2", name="ab"),),
    ...                {"cross_section": "strip_wg1"})
    >>> done = route_layers(c, [job], workers=1)
    >>> done["WG1"].report.routed, done["WG1"].retried
    (1, False)
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

import gdsfactory as gf
import klayout.db as kdb

from components import CELLS
from routing.report import RouteReport
from routing.router import ROUTE_PROPERTY, Connection, route_nets

__all__ = ["PARALLEL_MIN_WAVEGUIDES", "LayerJob", "LayerOutcome", "auto_workers",
           "route_layers"]

# Forking, pickling the pieces back and re-making their cells in the parent cost ~1-3 s
# (kfactory's cell factories take ~15 ms a new cell), so a second process pays only for
# layers with slow passes. Those are the searched nets: bundles go to the channel planner
# (row-to-bank N = 64 on two layers: ~3 s a layer, 8 s in one process, 13 s forked), while
# 30-odd searched nets take 30-40 s a layer (12-node all-to-all).
PARALLEL_MIN_WAVEGUIDES = 16


@dataclass(frozen=True)
class LayerJob:
    """One layer's router pass: its nets, the ``route_nets`` keyword options, and options
    overriding them for a second pass if the first leaves nets unrouted (None: no retry)."""

    layer: str
    connections: tuple[Connection, ...]
    options: dict[str, Any] = field(default_factory=dict)
    retry: dict[str, Any] | None = None


@dataclass(frozen=True)
class LayerOutcome:
    """What a layer's pass gave: the kept pass's report and options, whether a second pass
    ran, and the wall time of both (s)."""

    report: RouteReport
    options: dict[str, Any]
    retried: bool
    runtime_s: float


@dataclass(frozen=True)
class _Piece:
    """A routed instance as the child drew it: enough to draw it again in the parent."""

    cell_name: str
    function_name: str | None
    settings: dict[str, Any]
    trans: str
    name: str | None
    route: str


class _Unresolved(RuntimeError):
    """A child's cell the parent cannot re-make under the same name."""


# what a forked child routes: set in the parent just before the fork, read by the child
_STATE: tuple[gf.Component, list[LayerJob]] | None = None


def auto_workers(jobs: Sequence[LayerJob]) -> int:
    """Processes worth using for ``jobs``: 1 unless two or more layers carry at least
    ``PARALLEL_MIN_WAVEGUIDES`` nets outside bundles (searched, not channel-planned), the
    machine has two cores, this process may have children (not a daemon, e.g. a pool
    worker) and can fork.

    Example:
        >>> auto_workers([LayerJob("WG1", ())])
        1
    """
    big = sum(1 for j in jobs
              if sum(c.bundle is None for c in j.connections) >= PARALLEL_MIN_WAVEGUIDES)
    if (big < 2 or (os.cpu_count() or 1) < 2 or multiprocessing.current_process().daemon
            or "fork" not in multiprocessing.get_all_start_methods()):
        return 1
    return min(len(jobs), os.cpu_count() or 1)


def route_layers(component: gf.Component, jobs: Sequence[LayerJob], *,
                 workers: int = 1) -> dict[str, LayerOutcome]:
    """Run each job's ``route_nets`` pass on ``component`` (and its retry where it left nets
    unrouted); return what each layer gave.

    Args:
        component: unlocked component with the cells and couplers placed; the routes are
            drawn into it (in job order, whatever the number of processes).
        jobs: one per waveguide layer (distinct layers: the passes must not see each
            other), in the order their routes are drawn.
        workers: processes; 1 routes the layers one after the other in this process, more
            forks up to that many children (where the platform can fork). A child's result
            that cannot be drawn back (a cell the parent cannot re-make) is routed again
            here, and so is every layer if a child dies.

    Returns:
        ``{layer: LayerOutcome}``.

    Raises:
        RoutingInputError: what the router refuses (raised from the child as well).
    """
    if workers < 1:
        raise ValueError(f"workers={workers} must be >= 1")
    layers = [j.layer for j in jobs]
    if len(set(layers)) != len(layers):  # two passes on one layer would overlap each other
        raise ValueError(f"jobs: layers {layers} repeat a layer; give one job per layer")
    if workers == 1 or len(jobs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return {j.layer: _layer_pass(component, j)[0] for j in jobs}
    global _STATE
    _STATE = (component, list(jobs))
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_route_in_child, k) for k in range(len(jobs))]
            results = [f.result() for f in futures]
    except BrokenProcessPool:  # a child died (killed, out of memory): route them all here
        return {j.layer: _layer_pass(component, j)[0] for j in jobs}
    finally:
        _STATE = None
    out: dict[str, LayerOutcome] = {}
    for job, (outcome, pieces) in zip(jobs, results, strict=True):
        try:
            _draw(component, pieces)
            out[job.layer] = outcome
        except _Unresolved:  # draw nothing of it, route it here instead
            out[job.layer] = _layer_pass(component, job)[0]
    return out


def _layer_pass(component: gf.Component, job: LayerJob) -> tuple[LayerOutcome, list[_Piece]]:
    """Route the job into ``component``, again with ``job.retry`` if nets are left over, and
    keep the better pass drawn; returns the outcome and the pieces drawn."""
    t0 = time.perf_counter()
    before = _keys(component)
    report = _route(component, job, job.options)
    options, retried = job.options, False
    if report.unrouted and job.retry is not None:
        retried = True
        first = _pieces(component, before)
        _remove(component, before)
        again = {**job.options, **job.retry}
        second = _route(component, job, again)
        if (second.routed, -second.total_insertion_loss_dB) > (
                report.routed, -report.total_insertion_loss_dB):
            report, options = second, again
        else:  # the first pass was better: put it back as it was
            _remove(component, before)
            _draw(component, first)
    outcome = LayerOutcome(report=report, options=options, retried=retried,
                           runtime_s=round(time.perf_counter() - t0, 3))
    return outcome, _pieces(component, before)


def _route(component: gf.Component, job: LayerJob, options: dict[str, Any]) -> RouteReport:
    return route_nets(component, list(job.connections), **options).report


def _key(inst: Any) -> tuple[str, str]:
    return inst.cell.name, str(inst.dcplx_trans)


def _keys(component: gf.Component) -> set[tuple[str, str]]:
    """The routed pieces already drawn (cell, placement)."""
    return {_key(i) for i in component.insts if i.instance.property(ROUTE_PROPERTY) is not None}


def _pieces(component: gf.Component, before: set[tuple[str, str]]) -> list[_Piece]:
    """The routed pieces drawn since ``before``."""
    out = []
    for inst in component.insts:
        route = inst.instance.property(ROUTE_PROPERTY)
        if route is None or _key(inst) in before:
            continue
        cell = inst.cell
        out.append(_Piece(cell_name=cell.name, function_name=cell.function_name,
                          settings=dict(cell.settings), trans=str(inst.dcplx_trans),
                          name=inst.name if inst.is_named() else None, route=str(route)))
    return out


def _remove(component: gf.Component, before: set[tuple[str, str]]) -> None:
    """Take away the routed pieces drawn since ``before``."""
    for inst in [i for i in component.insts if i.instance.property(ROUTE_PROPERTY) is not None
                 and _key(i) not in before]:
        component.insts.remove(inst)


def _route_in_child(k: int) -> tuple[LayerOutcome, list[_Piece]]:
    assert _STATE is not None, "route_layers sets the state before it forks"
    component, jobs = _STATE
    return _layer_pass(component, jobs[k])


def _cell(component: gf.Component, piece: _Piece) -> Any:
    """The piece's cell in this process: the one of that name if it exists, else re-made by
    the factory that made it in the child (cached factories name cells by their settings)."""
    if component.kcl.layout.cell(piece.cell_name) is not None:
        return component.kcl[piece.cell_name]
    fn = piece.function_name or ""
    factory = CELLS[fn] if fn in CELLS else getattr(gf.components, fn, None)
    if factory is None:
        raise _Unresolved(f"no factory {fn!r} for cell {piece.cell_name!r}")
    try:
        cell = factory(**piece.settings)
    except TypeError as e:  # settings the factory does not take (a different cell's)
        raise _Unresolved(f"{fn}({piece.settings}): {e}") from e
    if cell.name != piece.cell_name:
        raise _Unresolved(f"{fn}({piece.settings}) made {cell.name!r}, not {piece.cell_name!r}")
    return cell


def _draw(component: gf.Component, pieces: Sequence[_Piece]) -> None:
    """Place a child's pieces; its crossings are renumbered after the ones already drawn (the
    child numbered them from the count it saw, as did its siblings)."""
    cells: dict[str, Any] = {}
    for p in pieces:  # all or nothing: resolve every cell before drawing any piece
        if p.cell_name not in cells:
            cells[p.cell_name] = _cell(component, p)
    xings = sum(1 for i in component.insts if (i.name or "").startswith("xing_"))
    for p in pieces:
        name = p.name
        if name is not None and name.startswith("xing_"):
            name = f"xing_{xings}"
            xings += 1
        ref = component.add_ref(cells[p.cell_name], name=name)
        ref.dcplx_trans = kdb.DCplxTrans.from_s(p.trans)
        ref.instance.set_property(ROUTE_PROPERTY, p.route)
