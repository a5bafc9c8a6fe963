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
negotiates more freely than the calibrated one. A job may also route its layer in stages
(``LayerJob.stages``): each later stage's router pass sees the earlier stages' routes as
obstacles it may not cross, so nets that must stay apart, such as a layer's inside and outside
book pages (``routing.book_route``), cannot cross each other. During a later stage the earlier
stages' pieces are unmarked as routes, so the router takes them as placed cells (their boxes
plus its keep-out): the router's walls around earlier routes are only the waveguide plus its
spacing wide, narrower than its track pitch, and a later search steps over a bend's arc or an
off-grid jog between two nodes (seen on 12-node all-to-all: outside routes drawn across
inside ones, then removed by the sign-off). And while a stage routes, a thin ``DEVREC`` box
runs ``LayerJob.reserve_um[port]`` straight out of each port of the later stages' nets (removed
after the stage): an earlier route may not pass right in front of a later net's port and
shut it in (seen on 12-node all-to-all: a Z route jogging 35 um in front of the next
stage's port).

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
from qc_pdk.layers import LAYER
from routing.report import CheckReport, RouteReport
from routing.router import ROUTE_PROPERTY, Connection, route_nets

__all__ = ["PARALLEL_MIN_WAVEGUIDES", "LayerJob", "LayerOutcome", "auto_workers",
           "merge_reports", "route_layers"]

# Forking, pickling the pieces back and re-making their cells in the parent cost ~1-3 s
# (kfactory's cell factories take ~15 ms a new cell), so a second process pays only for
# layers with slow passes. Those are the searched nets: bundles go to the channel planner
# (row-to-bank N = 64 on two layers: ~3 s a layer, 8 s in one process, 13 s forked), while
# 30-odd searched nets take 30-40 s a layer (12-node all-to-all).
PARALLEL_MIN_WAVEGUIDES = 16


@dataclass(frozen=True)
class LayerJob:
    """One layer's router pass: its nets, the ``route_nets`` keyword options, options
    overriding them for a second pass if the first leaves nets unrouted (None: no retry), and
    further nets routed after the first ones, one router pass per stage, each with the
    earlier stages' routes drawn as walls."""

    layer: str
    connections: tuple[Connection, ...]
    options: dict[str, Any] = field(default_factory=dict)
    retry: dict[str, Any] | None = None
    stages: tuple[tuple[Connection, ...], ...] = ()
    # with stages: how far (um) straight out of a later stage's port (by its
    # "instance,port") the earlier stages keep clear, so they cannot wall a net in at its port
    reserve_um: dict[str, float] = field(default_factory=dict)
    # the same nets in another order of stages, routed instead when the first order leaves
    # nets unrouted (the better of the two kept); empty: none
    other_order: tuple[tuple[Connection, ...], ...] = ()

    def passes(self) -> list[tuple[Connection, ...]]:
        """The nets of each router pass, in order (empty stages left out)."""
        return [p for p in (self.connections, *self.stages) if p]


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
              if sum(c.bundle is None for p in j.passes() for c in p) >= PARALLEL_MIN_WAVEGUIDES)
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
    """Route the job's stages into ``component`` one after the other, each again with
    ``job.retry`` if nets are left over (the better pass kept drawn), and the whole layer in
    ``job.other_order`` if nets are still left over (the better order kept); returns the
    outcome (the stages' reports merged) and the pieces drawn."""
    t0 = time.perf_counter()
    start = _keys(component)
    outcome = _staged(component, job, job.passes(), t0)
    others = [p for p in job.other_order if p]
    if outcome.report.unrouted and others:
        first = _pieces(component, start)
        _remove(component, start)
        second = _staged(component, job, others, t0)
        if (second.report.routed, -second.report.total_insertion_loss_dB) > (
                outcome.report.routed, -outcome.report.total_insertion_loss_dB):
            outcome = second
        else:  # the first order was better: put it back as it was
            _remove(component, start)
            _draw(component, first)
        outcome = LayerOutcome(report=outcome.report, options=outcome.options, retried=True,
                               runtime_s=round(time.perf_counter() - t0, 3))
    return outcome, _pieces(component, start)


def _staged(component: gf.Component, job: LayerJob, passes: list[tuple[Connection, ...]],
            t0: float) -> LayerOutcome:
    """The router passes of one order of stages, each later one around the earlier ones."""
    start = _keys(component)
    reports, options, retried = [], job.options, False
    hidden: list[tuple[Any, str]] = []  # earlier stages' pieces, unmarked while later ones route
    try:
        for k, nets in enumerate(passes):
            if k:
                hidden += _unmark(component, start)
            later = [c for p in passes[k + 1:] for c in p]
            reserves = _reserve(component, later, job.reserve_um)
            try:
                report, options, again_ran = _one_pass(component, job, nets, options)
            finally:
                for ref in reserves:
                    component.insts.remove(ref)
            retried = retried or again_ran
            reports.append(report)
    finally:
        for inst, route in hidden:
            inst.instance.set_property(ROUTE_PROPERTY, route)
    return LayerOutcome(report=merge_reports(reports), options=options, retried=retried,
                        runtime_s=round(time.perf_counter() - t0, 3))


def _reserve(component: gf.Component, nets: Sequence[Connection],
             length_um: dict[str, float]) -> list[Any]:
    """Thin ``DEVREC`` boxes ``length_um[port]`` straight out of the ports of ``nets``
    (placed cells, so the router keeps its keep-out from them); returns them for removal."""
    boxes: dict[float, gf.Component] = {}
    out: list[Any] = []
    for c in nets:
        for end in (c.source, c.target):
            length = round(length_um.get(end, 0.0), 3)
            if length <= 0:
                continue
            if length not in boxes:
                boxes[length] = gf.Component()
                boxes[length].add_polygon([(0, -0.5), (length, -0.5), (length, 0.5),
                                           (0, 0.5)], layer=LAYER.DEVREC)
            box = boxes[length]
            inst_name, _, port_name = end.partition(",")
            port = component.insts[inst_name].ports[port_name]
            ref = component.add_ref(box, name=f"reserve_{len(out)}")
            ref.drotate(port.orientation)
            ref.dmove((float(port.center[0]), float(port.center[1])))
            out.append(ref)
    return out


def _unmark(component: gf.Component, before: set[tuple[str, str]]) -> list[tuple[Any, str]]:
    """Take the route mark off the pieces drawn since ``before`` (crossings keep theirs: the
    router numbers its crossings from the marked ones); returns them with their marks."""
    out = []
    for inst in component.insts:
        route = inst.instance.property(ROUTE_PROPERTY)
        if route is None or _key(inst) in before or (inst.name or "").startswith("xing_"):
            continue
        out.append((inst, str(route)))
        inst.instance.delete_property(ROUTE_PROPERTY)
    return out


def _one_pass(component: gf.Component, job: LayerJob, nets: Sequence[Connection],
              options: dict[str, Any]) -> tuple[RouteReport, dict[str, Any], bool]:
    """One router pass over ``nets``, again with ``job.retry`` if nets are left over, the
    better pass kept drawn; returns (report, options of the kept pass, whether it retried)."""
    retried = False
    before = _keys(component)
    report = _route(component, nets, job.options)
    if report.unrouted and job.retry is not None:
        retried = True
        first = _pieces(component, before)
        _remove(component, before)
        again = {**job.options, **job.retry}
        second = _route(component, nets, again)
        if (second.routed, -second.total_insertion_loss_dB) > (
                report.routed, -report.total_insertion_loss_dB):
            report, options = second, again
        else:  # the first pass was better: put it back as it was
            _remove(component, before)
            _draw(component, first)
    return report, options, retried


def merge_reports(reports: Sequence[RouteReport]) -> RouteReport:
    """One report for several router passes over one layer: the nets side by side, counts
    and losses added, the worst net over all, the sign-off checks combined.

    Example:
        >>> r = RouteReport(nets=[], routed=0, unrouted=[], total_length_um=0, total_bends=0,
        ...                 total_crossings=1, total_insertion_loss_dB=1.0,
        ...                 max_insertion_loss_dB=0.5, worst_net="a", channels_used=1,
        ...                 iterations=1, runtime_s=1.0, pitch_um=5, radius_um=30)
        >>> m = merge_reports([r, r])
        >>> m.total_crossings, m.total_insertion_loss_dB, m.max_insertion_loss_dB
        (2, 2.0, 0.5)
    """
    if len(reports) == 1:
        return reports[0]
    worst = max(reports, key=lambda r: r.max_insertion_loss_dB)
    checks = [r.check for r in reports]
    drc: dict[str, int] = {}
    for c in checks:
        for k, v in c.drc_counts.items():
            drc[k] = drc.get(k, 0) + v
    check = CheckReport(
        self_overlaps=sum(c.self_overlaps for c in checks),
        mutual_overlaps=sum(c.mutual_overlaps for c in checks),
        cell_overlaps=sum(c.cell_overlaps for c in checks),
        drc_violations=sum(c.drc_violations for c in checks), drc_counts=drc,
        drc_unattributed=sum(c.drc_unattributed for c in checks),
        drc_checked=all(c.drc_checked for c in checks),
        region_instances=sum(c.region_instances for c in checks),
        failed={k: v for c in checks for k, v in c.failed.items()},
        runtime_s=round(sum(c.runtime_s for c in checks), 3))
    return RouteReport(
        nets=[n for r in reports for n in r.nets], routed=sum(r.routed for r in reports),
        unrouted=[u for r in reports for u in r.unrouted],
        waveguides=sum(r.waveguides for r in reports),
        waveguides_routed=sum(r.waveguides_routed for r in reports),
        total_length_um=round(sum(r.total_length_um for r in reports), 6),
        total_bends=sum(r.total_bends for r in reports),
        total_crossings=sum(r.total_crossings for r in reports), crossing_lower_bound=None,
        check=check,
        total_insertion_loss_dB=round(sum(r.total_insertion_loss_dB for r in reports), 6),
        max_insertion_loss_dB=worst.max_insertion_loss_dB, worst_net=worst.worst_net,
        channels_used=max(r.channels_used for r in reports),
        bundle_notes={k: v for r in reports for k, v in r.bundle_notes.items()},
        iterations=sum(r.iterations for r in reports),
        rip_ups=sum(r.rip_ups for r in reports),
        runtime_s=round(sum(r.runtime_s for r in reports), 3),
        pitch_um=reports[0].pitch_um, radius_um=reports[0].radius_um)


def _route(component: gf.Component, nets: Sequence[Connection], options: dict[str, Any]
           ) -> RouteReport:
    return route_nets(component, list(nets), **options).report


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
