"""Route nets over several stacked waveguide layers: the 3D stacking planner.

``route_nets_multilayer(component, connections, layers=("WG1", "WG2"))``:

1. reads each waveguide's two ports (position, facing, layer) and estimates which waveguides
   would cross from their proxy paths (``routing.layer_plan``);
2. assigns every waveguide a layer by minimising couplers x coupler loss + crossings left on
   a shared layer x crossing loss, both from the PDK's calibrated compact models (exact MILP
   on small problems, the heuristic on large ones, both with the gap where both run);
3. where a waveguide's layer is not its port's, draws a chain of library
   ``interlayer_coupler`` cells straight out of the port (one per layer step), so a net never
   changes layer inside a crossing or a bend, and only where the cells fit clear of other
   cells, and not so deep into a bundle's channel between facing rows that too little is
   left for the channel planner's tracks (chains block the channel on every layer); an end
   that has no room keeps its net on the port's layer;
4. routes each layer's nets with the QuantaCore router (``route_nets``) on that layer's
   cross-section, its search pricing a crossing as the plan did: other layers' routes do not
   block it, the cells and couplers do, so the layers' passes are independent and run in
   parallel processes (``routing.layer_workers``); a layer left with unrouted nets is routed
   again at the router's faster-negotiating default price and the better pass kept;
5. reports crossings per layer, layer changes, total and worst insertion loss (routes plus
   couplers) and the plan.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> pin = CELLS["straight"](length=5)
    >>> for name, xy, rot in [("w", (0, 0), 0), ("e", (1200, 0), 180),
    ...                       ("s", (600, -600), 90), ("n", (600, 600), 270)]:
    ...     _ = c.add_ref(pin, name=name).drotate(rot).dmove(xy)
    >>> nets = [Connection("w,o2", "e,o2", name="we"), Connection("s,o2", "n,o2", name="sn")]
    >>> res = route_nets_multilayer(c, nets, layers=("WG1", "WG2"))
    >>> res.report.total_crossings, res.report.layer_changes
    (0, 2)
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import gdsfactory as gf
import klayout.db as kdb
import numpy as np
from pydantic import BaseModel

from components import CELLS
from qc_pdk.layers import WAVEGUIDE_LAYERS, layer_distance
from routing.costs import RouteCosts
from routing.layer_plan import (
    LayerCosts,
    LayerPlan,
    PlanNet,
    conflicts_from_crossings,
    crossing_conflicts,
    proxy_path,
    solve_exact,
    solve_heuristic,
)
from routing.layer_workers import LayerJob, auto_workers, route_layers
from routing.report import RouteReport
from routing.router import (
    ROUTE_PROPERTY,
    SEARCH_CROSSING_COST_DB,
    Connection,
    RoutingInputError,
    waveguide_layer_name,
)

__all__ = [
    "EXACT_MAX_NETS",
    "LayerRouteSummary",
    "MultiLayerNet",
    "MultiLayerReport",
    "MultiLayerResult",
    "layer_costs_from_models",
    "planar_crossing_pairs",
    "route_nets_multilayer",
]

# above this many waveguides the MILP's weak relaxation rarely proves optimality in its time
# limit, so "auto" runs the heuristic alone
EXACT_MAX_NETS = 40
COUPLER_PROPERTY = "qc_interlayer"


class LayerRouteSummary(BaseModel):
    """One layer's share of a multi-layer routing."""

    layer: str
    cross_section: str
    nets: int
    routed: int
    crossings: int
    estimated_crossings: int = 0
    total_insertion_loss_dB: float
    search_crossing_dB: float | None = None
    retried: bool = False
    runtime_s: float


class MultiLayerNet(BaseModel):
    """One net: its layer, couplers and insertion loss (route plus couplers and the straight
    leads that bring the couplers out of their cells, dB)."""

    name: str
    layer: str
    couplers: int
    routed: bool
    route_insertion_loss_dB: float = 0.0
    insertion_loss_dB: float = 0.0
    crossings: int = 0
    reason: str | None = None


class MultiLayerReport(BaseModel):
    """What the 3D planner did: the plan, each layer's routing, the totals."""

    layers: list[str]
    plan_method: str
    plan_cost_dB: float
    plan_lower_bound_dB: float | None
    heuristic_cost_dB: float | None
    exact_cost_dB: float | None
    estimated_crossings: int
    crossing_loss_dB: float
    coupler_loss_dB: float
    nets: list[MultiLayerNet]
    per_layer: list[LayerRouteSummary]
    routed: int
    unrouted: list[str]
    total_crossings: int
    layer_changes: int
    total_insertion_loss_dB: float
    max_insertion_loss_dB: float
    worst_net: str | None
    clean: bool
    runtime_s: float

    @property
    def heuristic_gap_dB(self) -> float | None:
        """Heuristic cost minus the exact plan's cost, where both ran."""
        if self.heuristic_cost_dB is None or self.exact_cost_dB is None:
            return None
        return round(self.heuristic_cost_dB - self.exact_cost_dB, 6)

    def summary(self) -> str:
        """One line for the console."""
        per = ", ".join(f"{s.layer}: {s.routed}/{s.nets} nets {s.crossings} crossings"
                        for s in self.per_layer)
        s = (f"{self.routed}/{len(self.nets)} nets on {'+'.join(self.layers)} ({per}); "
             f"{self.total_crossings} crossings, {self.layer_changes} layer changes, IL total "
             f"{self.total_insertion_loss_dB:.3f} dB, max {self.max_insertion_loss_dB:.3f} dB "
             f"({self.worst_net}); plan {self.plan_method} {self.plan_cost_dB:.3f} dB, "
             f"{self.runtime_s:.1f} s")
        if self.unrouted:
            s += f"; UNROUTED: {', '.join(self.unrouted)}"
        return s


@dataclass
class MultiLayerResult:
    """The routed component, the report, the plan and each layer's router report."""

    component: gf.Component
    report: MultiLayerReport
    plan: LayerPlan
    layer_reports: dict[str, RouteReport]


def layer_costs_from_models(*, radius_um: float = 30.0) -> LayerCosts:
    """Crossing and interlayer-coupler losses (dB) from the active PDK's calibrated models.

    Example:
        >>> c = layer_costs_from_models()
        >>> c.crossing_dB > c.coupler_dB > 0
        True
    """
    pdk = gf.get_active_pdk()
    cell = CELLS["interlayer_coupler"]()
    s = pdk.models["interlayer_coupler"](wl=1.55, length_um=float(cell.info["length_um"]))
    coupler_dB = float(-20 * np.log10(abs(np.asarray(s[("o1", "o2")]))))
    crossing_dB = RouteCosts.from_models(radius_um=radius_um).crossing_loss_dB
    return LayerCosts(crossing_dB=round(crossing_dB, 6), coupler_dB=round(coupler_dB, 6))


def planar_crossing_pairs(component: gf.Component) -> list[tuple[str, str]]:
    """The pairs of waveguides (router keys) at each crossing cell the router drew.

    Example:
        >>> planar_crossing_pairs(gf.Component())
        []
    """
    out = []
    for inst in component.insts:
        nets = inst.instance.property(ROUTE_PROPERTY)
        if (inst.name or "").startswith("xing_") and nets and "+" in str(nets):
            a, b = str(nets).split("+", 1)
            out.append((a, b))
    return out


def _xs_of(layer: str) -> str:
    return f"strip_{layer.lower()}"


@dataclass
class _End:
    ref: str
    xy: tuple[float, float]
    facing: tuple[float, float]
    layer: str
    port: Any
    owner: str


def _end(component: gf.Component, ref: str, field: str) -> _End:
    inst_name, sep, port_name = ref.partition(",")
    if not sep:
        raise RoutingInputError(f"{field}={ref!r} must be 'instance,port'")
    try:
        inst = component.insts[inst_name]
    except Exception:
        raise RoutingInputError(f"{field}={ref!r}: no instance {inst_name!r}") from None
    names = [p.name for p in inst.ports]
    if port_name not in names:
        raise RoutingInputError(f"{field}={ref!r}: instance {inst_name!r} has no port "
                                f"{port_name!r}; ports are {names}")
    port = inst.ports[port_name]
    ang = math.radians(port.orientation)
    layer = waveguide_layer_name(gf.get_layer_tuple(port.layer), f"port {ref}")
    return _End(ref, (float(port.center[0]), float(port.center[1])),
                (round(math.cos(ang), 9), round(math.sin(ang), 9)), layer, port, inst_name)


def _chain_cells(from_layer: str, to_layer: str) -> list[tuple[gf.Component, str, str]]:
    """Couplers from ``from_layer`` to ``to_layer``: (cell, port joined to the route so far,
    port the route continues from)."""
    lo, hi = WAVEGUIDE_LAYERS.index(from_layer), WAVEGUIDE_LAYERS.index(to_layer)
    out = []
    step = 1 if hi > lo else -1
    for k in range(lo, hi, step):
        a, b = sorted((k, k + step))
        cell = CELLS["interlayer_coupler"](cross_section_lower=_xs_of(WAVEGUIDE_LAYERS[a]),
                                          cross_section_upper=_xs_of(WAVEGUIDE_LAYERS[b]))
        out.append((cell, "o1", "o2") if step > 0 else (cell, "o2", "o1"))
    return out


def _lead_um(end: _End, box: kdb.DBox, keepout_um: float) -> float:
    """Straight length from a port out of its own cell's keep-out, where a coupler may start
    (ports often sit inside their cell's bounding box)."""
    (x, y), (fx, fy) = end.xy, end.facing
    inside = (fx * (box.right - x) if fx > 0 else -fx * (x - box.left) if fx < 0
              else fy * (box.top - y) if fy > 0 else -fy * (y - box.bottom))
    return math.ceil(max(0.0, inside + keepout_um + 1.0))


def _chain_box(end: _End, steps: int, keepout_um: float, lead_um: float) -> kdb.DBox:
    """The box (um) the lead and ``steps`` couplers out of an end would take; the couplers of
    every neighbouring layer pair share one footprint (same taper, 1 um oxide each)."""
    length = lead_um + steps * float(CELLS["interlayer_coupler"]().dxsize)
    (x, y), (fx, fy) = end.xy, end.facing
    half = 1.0 + keepout_um
    xs = sorted((x, x + fx * length))
    ys = sorted((y, y + fy * length))
    return kdb.DBox(xs[0] - half * abs(fy), ys[0] - half * abs(fx),
                    xs[1] + half * abs(fy), ys[1] + half * abs(fx))


def _chain_room(ends: list[_End], layers: tuple[str, ...], boxes: dict[str, kdb.DBox],
                lead: dict[str, float], keepout_um: float) -> dict[str, int]:
    """Couplers each end has room for (straight out of its port, clear of the cells and of
    the other ends' chains), granted one coupler per end per round."""
    want = {e.ref: max(layer_distance(e.layer, layer) for layer in layers) for e in ends}
    room = {e.ref: 0 for e in ends}
    taken: dict[str, kdb.DBox] = {}
    for step in range(1, max(want.values(), default=0) + 1):
        for e in ends:
            if want[e.ref] < step or room[e.ref] < step - 1:
                continue
            box = _chain_box(e, step, keepout_um, lead[e.ref])
            others = {k: b for k, b in taken.items() if k != e.ref}
            if _fits(box, e, boxes) and _fits(box, e, others):
                room[e.ref] = step
                taken[e.ref] = _chain_box(e, step, 0.0, lead[e.ref])
    return room


def _projection(box: kdb.DBox, d: tuple[float, float]) -> tuple[float, float]:
    """The box's extent (um) along unit direction ``d``: (nearest, farthest)."""
    s = [x * d[0] + y * d[1] for x in (box.left, box.right) for y in (box.bottom, box.top)]
    return min(s), max(s)


def _bundle_steps(bundles: dict[str, list[tuple[_End, _End]]], boxes: dict[str, kdb.DBox],
                  lead: dict[str, float], max_steps: int, *, radius_um: float,
                  pitch_um: float, keepout_um: float) -> dict[str, int]:
    """Couplers per end each bundle's ends may take (bundle -> steps).

    A bundle between two facing rows is routed by the channel planner as Z routes on stacked
    tracks in the band between the rows. Coupler chains stick straight into that band from
    both rows and, being cells, block it on every layer; so the chains may go only as deep
    as leaves a band for the bundle's tracks: two bend radii plus a pitch per waveguide (an
    upper bound: nets with disjoint spans share tracks) plus the keep-outs. Past that, the
    bundle's nets fall back to net-by-net search around the chains with many more bends
    (row-to-bank N = 16: 54.6 dB against 40.2 dB planar), a price the plan cannot see.
    Bundles that do not run between two facing rows are not limited here.
    """
    length_um = float(CELLS["interlayer_coupler"]().dxsize)
    out = {}
    for name, pairs in bundles.items():
        ends = [e for pair in pairs for e in pair]
        d = ends[0].facing
        near = [e for e in ends if e.facing == d]
        far = [e for e in ends if e.facing == (-d[0], -d[1])]
        near_ids = {id(e) for e in near}
        if len(near) + len(far) != len(ends) or any(
                (id(a) in near_ids) == (id(b) in near_ids) for a, b in pairs):
            out[name] = max_steps  # not two facing rows: not a channel
            continue

        def along(e: _End, d: tuple[float, float] = d) -> float:
            return e.xy[0] * d[0] + e.xy[1] * d[1]

        front_near = max(_projection(boxes[e.owner], d)[1] for e in near)
        front_far = min(_projection(boxes[e.owner], d)[0] for e in far)
        need_um = 2 * radius_um + len(pairs) * pitch_um + 2 * keepout_um
        steps = 0
        for k in range(1, max_steps + 1):
            tip_near = max([front_near] + [along(e) + lead[e.ref] + k * length_um for e in near])
            tip_far = min([front_far] + [along(e) - lead[e.ref] - k * length_um for e in far])
            if tip_far - tip_near < need_um:
                break
            steps = k
        out[name] = steps
    return out


def _fits(box: kdb.DBox, end: _End, boxes: dict[str, kdb.DBox]) -> bool:
    """True when ``box`` shares no area with any of ``boxes`` but the end's own cell."""
    return not any(name != end.owner and box.overlaps(b) for name, b in boxes.items())


def route_nets_multilayer(
    component: gf.Component,
    connections: Sequence[Connection],
    *,
    layers: Sequence[str] = ("WG1", "WG2"),
    costs: LayerCosts | None = None,
    solver: Literal["auto", "exact", "heuristic"] = "auto",
    exact_time_limit_s: float = 20.0,
    radius_um: float = 30.0,
    keepout_um: float = 3.0,
    crossing_pairs: Sequence[tuple[str, str]] | None = None,
    search_crossing_dB: float | None = None,
    workers: int | None = None,
    **route_kwargs: Any,
) -> MultiLayerResult:
    """Plan layers for ``connections``, draw the interlayer couplers, route each layer.

    Args:
        component: unlocked component whose named instances own the ports (any waveguide
            layer).
        connections: the nets (``routing.router.Connection``); connections sharing a port
            pair share a waveguide and so a layer.
        layers: the waveguide layers the routes may use, e.g. ``("WG1", "WG2", "WG3")``. A
            single layer routes planar (no couplers).
        costs: crossing and coupler losses in dB (default: the calibrated models,
            ``layer_costs_from_models``).
        solver: "exact" (MILP), "heuristic", or "auto" (both up to ``EXACT_MAX_NETS``
            waveguides, the better plan kept and the gap reported; the heuristic above).
        exact_time_limit_s: the MILP's time limit.
        radius_um: bend radius of the routes (passed to the router).
        keepout_um: clearance around cells (router) and around coupler chains.
        crossing_pairs: the conflicts to plan with, as pairs of connection names (or
            waveguide keys) that cross, once per crossing, e.g. from a planar routing of the
            same nets (``planar_crossing_pairs``); default: estimated from proxy paths.
        search_crossing_dB: the router search's price of a crossing (dB); default: the
            plan's, ``costs.crossing_dB``. The router's own default is cheaper, for speed,
            and then adds crossings the plan had avoided (12-node all-to-all on two layers:
            213 crossings at the router's 0.043 dB, 133 at the calibrated 0.231 dB). By
            default a layer whose pass leaves nets unrouted is routed again at the router's
            price (``SEARCH_CROSSING_COST_DB``, which negotiates more freely) and the pass
            routing more nets, then with less loss, is kept; a price given here is used
            as is, without that retry.
        workers: processes for the layers' router passes (they are independent once the
            couplers are placed); default (None): one per layer when at least two layers
            carry ``layer_workers.PARALLEL_MIN_WAVEGUIDES`` searched (unbundled) nets and
            the machine can fork, else 1 (one after the other, in this process).
        **route_kwargs: further ``route_nets`` options (pitch_um, margin_um ...).

    Returns:
        ``MultiLayerResult``: the component with couplers and routes drawn, the report.

    Raises:
        RoutingInputError: bad port references, a layer that is not a waveguide layer, an
            unknown solver, or what the router refuses.
    """
    t0 = time.perf_counter()
    layers = tuple(layers)
    for layer in layers:
        if layer not in WAVEGUIDE_LAYERS:
            raise RoutingInputError(f"layers: {layer!r} is not a waveguide layer; have "
                                    f"{', '.join(WAVEGUIDE_LAYERS)}")
    if not layers or len(set(layers)) != len(layers):
        raise RoutingInputError(f"layers={list(layers)}: give distinct waveguide layers")
    if solver not in ("auto", "exact", "heuristic"):
        raise RoutingInputError(f"solver={solver!r}: use auto, exact or heuristic")
    if not connections:
        raise RoutingInputError("connections is empty: nothing to route")
    if workers is not None and workers < 1:
        raise RoutingInputError(f"workers={workers} must be >= 1 (or None: automatic)")
    if search_crossing_dB is not None and not search_crossing_dB >= 0:
        raise RoutingInputError(f"search_crossing_dB={search_crossing_dB} must be >= 0 dB")
    costs = costs if costs is not None else layer_costs_from_models(radius_um=radius_um)

    # physical waveguides: one per unordered port pair, as the router does
    wgs: dict[str, list[Connection]] = {}
    for c in connections:
        wgs.setdefault("|".join(sorted((c.source, c.target))), []).append(c)
    names = list(wgs)
    ends = {w: (_end(component, wgs[w][0].source, f"connections[{w}].source"),
                _end(component, wgs[w][0].target, f"connections[{w}].target")) for w in names}
    paths = [proxy_path(a.xy, a.facing, b.xy, b.facing, stub_um=2 * radius_um)
             for a, b in (ends[w] for w in names)]
    if crossing_pairs is None:
        conflicts = crossing_conflicts(paths)
    else:
        key_of = {c.label: w for w in names for c in wgs[w]} | {w: w for w in names}
        for a, b in crossing_pairs:
            for x in (a, b):
                if x not in key_of:
                    raise RoutingInputError(f"crossing_pairs: {x!r} is not a connection")
        conflicts = conflicts_from_crossings(
            names, [(key_of[a], key_of[b]) for a, b in crossing_pairs])

    # layers an end can climb to: its coupler chain must fit clear of the other cells
    boxes = {i.name: i.dbbox() for i in component.insts if i.name}
    lead = {e.ref: _lead_um(e, boxes[e.owner], keepout_um) for w in names for e in ends[w]}
    # room for coupler chains, handed out one coupler at a time round the ends so facing
    # ports share the space between them; a net may use the layers within its ends' room
    room = _chain_room([e for w in names for e in ends[w]], layers, boxes, lead, keepout_um)
    bundles: dict[str, list[tuple[_End, _End]]] = {}
    for w in names:
        if (bundle := wgs[w][0].bundle) is not None:
            bundles.setdefault(bundle, []).append(ends[w])
    steps = _bundle_steps(bundles, boxes, lead, max(room.values(), default=0),
                          radius_um=radius_um, pitch_um=float(route_kwargs.get("pitch_um", 5.0)),
                          keepout_um=keepout_um)
    for w in names:  # a net whose ends sit on two layers must climb whatever the channel
        if (bundle := wgs[w][0].bundle) is not None and ends[w][0].layer == ends[w][1].layer:
            for e in ends[w]:
                room[e.ref] = min(room[e.ref], steps[bundle])
    allowed: dict[str, set[str]] = {}
    for w in names:
        ok = {layer for layer in layers
              if all(layer_distance(e.layer, layer) <= room[e.ref] for e in ends[w])}
        if not ok:
            raise RoutingInputError(
                f"net {wgs[w][0].label}: its ports are on {ends[w][0].layer}/{ends[w][1].layer}"
                f" and no layer of {list(layers)} has room for the interlayer couplers")
        allowed[w] = ok
    nets = [PlanNet(w, (ends[w][0].layer, ends[w][1].layer),
                    None if allowed[w] == set(layers) else frozenset(allowed[w]))
            for w in names]
    exact = heur = None
    if solver in ("heuristic", "auto"):
        heur = solve_heuristic(nets, conflicts, layers, costs)
    if solver == "exact" or (solver == "auto" and len(nets) <= EXACT_MAX_NETS):
        exact = solve_exact(nets, conflicts, layers, costs, time_limit_s=exact_time_limit_s)
    plan = min((p for p in (exact, heur) if p is not None), key=lambda p: p.cost_dB)
    exact_cost = exact.cost_dB if exact else None
    heur_cost = heur.cost_dB if heur else None

    # couplers: chains out of the ports of nets that leave their port's layer
    couplers_of: dict[str, int] = {w: 0 for w in names}
    lead_um_of: dict[str, float] = {w: 0.0 for w in names}
    new_ref: dict[str, str] = {}
    for w in names:
        target_layer = plan.layer_of[w]
        for e in ends[w]:
            ref = e.ref
            port = e.port
            chain = _chain_cells(e.layer, target_layer)
            if chain and lead[e.ref] > 0:  # out of the port's own cell first
                stub = component.add_ref(
                    CELLS["straight"](length=lead[e.ref], cross_section=_xs_of(e.layer)),
                    name=f"ilc_{len(new_ref)}_lead")
                stub.connect("o1", port)
                stub.instance.set_property(COUPLER_PROPERTY, wgs[w][0].label)
                port = stub.ports["o2"]
                lead_um_of[w] += lead[e.ref]
            for k, (cell, join, cont) in enumerate(chain):
                inst = component.add_ref(cell, name=f"ilc_{len(new_ref)}_{k}")
                inst.connect(join, port)
                inst.instance.set_property(COUPLER_PROPERTY, wgs[w][0].label)
                port = inst.ports[cont]
                ref = f"{inst.name},{cont}"
                couplers_of[w] += 1
            new_ref[e.ref + "@" + w] = ref

    # route each layer with the router, on that layer's cross-section
    jobs: list[LayerJob] = []
    for layer in layers:
        conns = []
        for w in names:
            if plan.layer_of[w] != layer:
                continue
            # a bundle stays a bundle on its new layer: the coupler chains of facing rows
            # end in facing rows, so the channel planner still takes them
            for c in wgs[w]:
                conns.append(Connection(
                    source=new_ref[c.source + "@" + w], target=new_ref[c.target + "@" + w],
                    channel=c.channel, bundle=c.bundle, name=c.label))
        if conns:
            price = costs.crossing_dB if search_crossing_dB is None else search_crossing_dB
            retry = ({"search_crossing_dB": SEARCH_CROSSING_COST_DB}
                     if search_crossing_dB is None and price != SEARCH_CROSSING_COST_DB
                     else None)
            jobs.append(LayerJob(layer, tuple(conns), dict(
                cross_section=_xs_of(layer), radius_um=radius_um, keepout_um=keepout_um,
                search_crossing_dB=price, **route_kwargs), retry=retry))
    outcomes = route_layers(component, jobs,
                            workers=auto_workers(jobs) if workers is None else workers)
    layer_reports = {layer: o.report for layer, o in outcomes.items()}
    route_of = {n.name: n for rep in layer_reports.values() for n in rep.nets}
    per_layer = [LayerRouteSummary(
        layer=j.layer, cross_section=_xs_of(j.layer), nets=len(j.connections),
        routed=(o := outcomes[j.layer]).report.routed, crossings=o.report.total_crossings,
        estimated_crossings=sum(
            n for (a, b), n in conflicts.items()
            if plan.layer_of[names[a]] == plan.layer_of[names[b]] == j.layer),
        total_insertion_loss_dB=o.report.total_insertion_loss_dB,
        search_crossing_dB=o.options["search_crossing_dB"], retried=o.retried,
        runtime_s=o.runtime_s)
        for j in jobs]

    loss_dB_per_um = RouteCosts.from_models(radius_um=radius_um).loss_dB_per_um
    nets_out: list[MultiLayerNet] = []
    for w in names:
        for c in wgs[w]:
            n = route_of[c.label]
            extra = couplers_of[w] * costs.coupler_dB + lead_um_of[w] * loss_dB_per_um
            nets_out.append(MultiLayerNet(
                name=c.label, layer=plan.layer_of[w], couplers=couplers_of[w], routed=n.routed,
                route_insertion_loss_dB=n.insertion_loss_dB,
                insertion_loss_dB=round(n.insertion_loss_dB + extra, 6) if n.routed else 0.0,
                crossings=n.crossings, reason=n.reason))
    routed = [n for n in nets_out if n.routed]
    worst = max(routed, key=lambda n: (n.insertion_loss_dB, n.name), default=None)
    report = MultiLayerReport(
        layers=list(layers), plan_method=plan.method, plan_cost_dB=plan.cost_dB,
        plan_lower_bound_dB=plan.lower_bound_dB, heuristic_cost_dB=heur_cost,
        exact_cost_dB=exact_cost, estimated_crossings=plan.crossings,
        crossing_loss_dB=costs.crossing_dB, coupler_loss_dB=costs.coupler_dB,
        nets=nets_out, per_layer=per_layer, routed=len(routed),
        unrouted=[n.name for n in nets_out if not n.routed],
        total_crossings=sum(s.crossings for s in per_layer),
        layer_changes=sum(couplers_of.values()),
        total_insertion_loss_dB=round(sum(n.insertion_loss_dB for n in routed), 6),
        max_insertion_loss_dB=worst.insertion_loss_dB if worst else 0.0,
        worst_net=worst.name if worst else None,
        clean=all(r.check.clean for r in layer_reports.values()),
        runtime_s=round(time.perf_counter() - t0, 3))
    return MultiLayerResult(component=component, report=report, plan=plan,
                            layer_reports=layer_reports)
