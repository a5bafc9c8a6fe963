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

Book mode (``port_groups``): for nets between nodes in convex position whose ports are
interchangeable, step 2 becomes a page plan (``routing.book_route``: each layer's inside and
outside pages, the ports chosen by the plan) and step 4 routes each layer in stages, inside
page then outside page, innermost chords first, each stage around the earlier ones.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import gdsfactory as gf
import klayout.db as kdb
import numpy as np
from pydantic import BaseModel

from components import CELLS
from qc_pdk.layers import LAYER, WAVEGUIDE_LAYERS, layer_distance
from routing.book_plan import interleaved
from routing.book_route import (
    BookNet,
    BookPlan,
    GroupPort,
    plan_book,
    ring_fence,
    routing_stages,
)
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
    "BookSummary",
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
# book mode: the stub (in bend radii) kept clear in front of the ports of nets routed in a
# later stage (``LayerJob.reserve_um``): room to leave the port and turn before meeting an
# earlier stage's route
BOOK_RESERVE_RADII = 2.0


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
    page: str | None = None  # book mode: "WG2 outside" ...
    ports: list[str] | None = None  # book mode: the group ports the plan chose (source, target)


class BookSummary(BaseModel):
    """The book mode's page plan (``port_groups``): nodes in counter-clockwise order, nets
    per page, interleaving pairs left on a page (each at least one crossing), the colouring's
    cost, solver and, where both ran, the MILP's and the heuristic's costs."""

    nodes: list[str]
    nets_per_page: dict[str, int]
    page_conflicts: int
    cost_dB: float
    method: str
    lower_bound_dB: float | None
    exact_cost_dB: float | None
    heuristic_cost_dB: float | None
    runtime_s: float


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
    book: BookSummary | None = None

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


def _plan_layers(names: list[str], wgs: dict[str, list[Connection]],
                 ends: dict[str, tuple[_End, _End]], layers: tuple[str, ...], costs: LayerCosts,
                 boxes: dict[str, kdb.DBox], lead: dict[str, float], *, solver: str,
                 exact_time_limit_s: float, radius_um: float, keepout_um: float,
                 crossing_pairs: Sequence[tuple[str, str]] | None, pitch_um: float
                 ) -> tuple[LayerPlan, dict[tuple[int, int], int], float | None, float | None]:
    """The layer plan of fixed-port nets: conflicts (proxy paths or given crossing pairs),
    the layers each net has room to climb to, the exact and heuristic plans, the better
    kept; returns (plan, conflicts, exact cost, heuristic cost)."""
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
    # room for coupler chains, handed out one coupler at a time round the ends so facing
    # ports share the space between them; a net may use the layers within its ends' room
    room = _chain_room([e for w in names for e in ends[w]], layers, boxes, lead, keepout_um)
    bundles: dict[str, list[tuple[_End, _End]]] = {}
    for w in names:
        if (bundle := wgs[w][0].bundle) is not None:
            bundles.setdefault(bundle, []).append(ends[w])
    steps = _bundle_steps(bundles, boxes, lead, max(room.values(), default=0),
                          radius_um=radius_um, pitch_um=pitch_um, keepout_um=keepout_um)
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
    return plan, conflicts, exact_cost, heur_cost


def _book_connections(component: gf.Component, connections: Sequence[Connection],
                      port_groups: Mapping[str, Sequence[str]], layers: tuple[str, ...],
                      costs: LayerCosts, *, solver: str, time_limit_s: float, radius_um: float,
                      keepout_um: float, crossings_first: bool
                      ) -> tuple[BookPlan, list[Connection]]:
    """Book mode: the page plan of nets between port groups, and the nets on the ports it
    chose (``routing.book_route``)."""
    labels = [c.label for c in connections]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise RoutingInputError(f"connections: names {dup} repeat; with port_groups every "
                                f"net needs its own name")
    for c in connections:
        for end in (c.source, c.target):
            if end not in port_groups:
                raise RoutingInputError(
                    f"connection {c.label}: {end!r} is not a port group; with port_groups "
                    f"every end names a group, e.g. {sorted(port_groups)[:3]}")
        if c.bundle is not None:
            raise RoutingInputError(f"connection {c.label}: bundle={c.bundle!r}; the book "
                                    f"mode routes page by page, not in bundles")
    used = sorted({g for c in connections for g in (c.source, c.target)})
    owner: dict[str, str] = {}
    for g in used:
        for ref in port_groups[g]:
            if owner.setdefault(ref, g) != g:
                raise RoutingInputError(f"port_groups: port {ref!r} is in groups "
                                        f"{owner[ref]!r} and {g!r}")
    group_ends = {g: [_end(component, ref, f"port_groups[{g}]") for ref in port_groups[g]]
                  for g in used}
    every = [e for g in used for e in group_ends[g]]
    boxes = {i.name: i.dbbox() for i in component.insts if i.name}
    lead = {e.ref: _lead_um(e, boxes[e.owner], keepout_um) for e in every}
    room = _chain_room(every, layers, boxes, lead, keepout_um)
    groups = {g: [GroupPort(e.ref, e.xy, e.facing, e.layer, room[e.ref]) for e in group_ends[g]]
              for g in used}
    plan = plan_book(groups, [BookNet(c.label, c.source, c.target) for c in connections],
                     layers=layers, costs=costs,
                     loss_dB_per_um=RouteCosts.from_models(radius_um=radius_um).loss_dB_per_um,
                     radius_um=radius_um, crossings_first=crossings_first, solver=solver,
                     time_limit_s=time_limit_s)
    return plan, [Connection(source=plan.ports_of[c.label][0], target=plan.ports_of[c.label][1],
                             channel=c.channel, name=c.label) for c in connections]


def _book_layer_plan(book: BookPlan, names: list[str], wgs: dict[str, list[Connection]],
                     ends: dict[str, tuple[_End, _End]]
                     ) -> tuple[LayerPlan, dict[tuple[int, int], int]]:
    """The book plan as a layer plan (a layer per waveguide) and its conflicts: pairs of
    nets on one page whose nodes interleave on the ring."""
    label = {w: wgs[w][0].label for w in names}
    pos = {g: k for k, g in enumerate(book.nodes)}
    chord = {w: (pos[book.groups_of[label[w]][0]], pos[book.groups_of[label[w]][1]])
             for w in names}
    conflicts = {(i, j): 1 for i, wi in enumerate(names) for j, wj in enumerate(names)
                 if i < j and book.page_of[label[wi]] == book.page_of[label[wj]]
                 and interleaved(chord[wi], chord[wj])}
    layer_of = {w: book.page_of[label[w]].layer for w in names}
    changes = sum(layer_distance(e.layer, layer_of[w]) for w in names for e in ends[w])
    c = book.colouring
    plan = LayerPlan(layer_of=layer_of, cost_dB=c.cost_dB, crossings=c.conflicts,
                     layer_changes=changes, method=f"book {c.method}",
                     lower_bound_dB=c.lower_bound_dB, runtime_s=book.runtime_s)
    return plan, conflicts


def _book_reserves(book: BookPlan, wgs: dict[str, list[Connection]], new_ref: dict[str, str],
                   depth_um: dict[str, float], stub_um: float) -> dict[str, float]:
    """How far straight out of each route start the earlier routing stages keep clear: past
    the deepest route start of its node's row (other layers' coupler chains stand out of
    the row as walls, so a route leaves between them), then ``stub_um`` to turn in."""
    row_of: dict[str, tuple[str, str]] = {}
    for w, conns in wgs.items():
        c = conns[0]
        side = book.page_of[c.label].side
        for end, group in zip((c.source, c.target), book.groups_of[c.label], strict=True):
            row_of[new_ref[end + "@" + w]] = (group, side)
    front: dict[tuple[str, str], float] = {}
    for ref, row in row_of.items():
        front[row] = max(front.get(row, 0.0), depth_um[ref])
    return {ref: front[row] - depth_um[ref] + stub_um for ref, row in row_of.items()}


def _fence(component: gf.Component, book: BookPlan, *, radius_um: float) -> list[Any]:
    """The ring's fence (``book_route.ring_fence``) as small ``DEVREC`` cells, placed for
    the routing only; returns them for removal."""
    post = gf.Component()
    post.add_polygon([(-1, -1), (1, -1), (1, 1), (-1, 1)], layer=LAYER.DEVREC)
    return [component.add_ref(post, name=f"fence_{k}").dmove(xy)
            for k, xy in enumerate(ring_fence(book, run_um=2 * radius_um))]


def _book_summary(book: BookPlan) -> BookSummary:
    per_page = {str(p): 0 for p in book.pages}
    for page in book.page_of.values():
        per_page[str(page)] += 1
    c = book.colouring
    return BookSummary(nodes=book.nodes, nets_per_page=per_page, page_conflicts=c.conflicts,
                       cost_dB=c.cost_dB, method=c.method, lower_bound_dB=c.lower_bound_dB,
                       exact_cost_dB=c.exact_cost_dB, heuristic_cost_dB=c.heuristic_cost_dB,
                       runtime_s=book.runtime_s)


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
    port_groups: Mapping[str, Sequence[str]] | None = None,
    book_crossings_first: bool = True,
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
        port_groups: book mode: group name -> its interchangeable ``"instance,port"`` ports;
            every connection end then names a group (a node), the nodes must be in convex
            position, and the plan chooses each net's page (layer, inside / outside the
            ring) and ports (``routing.book_route``); each layer routes its inside page,
            then its outside page with the inside routes as walls. The chosen ports and
            pages are in the report (``nets[].ports``, ``nets[].page``, ``book``).
        book_crossings_first: book mode: the fewest crossings first, then the least loss
            (default; a crossing also adds crosstalk); False: the least estimated loss.
        **route_kwargs: further ``route_nets`` options (pitch_um, margin_um ...).

    Returns:
        ``MultiLayerResult``: the component with couplers and routes drawn, the report.

    Raises:
        RoutingInputError: bad port references, a layer that is not a waveguide layer, an
            unknown solver, or what the router refuses; ``book_route.BookInputError`` for
            port groups the book mode cannot take.
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
    book: BookPlan | None = None
    if port_groups is not None:
        if crossing_pairs is not None:
            raise RoutingInputError("crossing_pairs and port_groups: the book mode plans from "
                                    "the nodes' circular order; give one of them")
        book, connections = _book_connections(
            component, connections, port_groups, layers, costs, solver=solver,
            time_limit_s=exact_time_limit_s, radius_um=radius_um, keepout_um=keepout_um,
            crossings_first=book_crossings_first)

    # physical waveguides: one per unordered port pair, as the router does
    wgs: dict[str, list[Connection]] = {}
    for c in connections:
        wgs.setdefault("|".join(sorted((c.source, c.target))), []).append(c)
    names = list(wgs)
    ends = {w: (_end(component, wgs[w][0].source, f"connections[{w}].source"),
                _end(component, wgs[w][0].target, f"connections[{w}].target")) for w in names}
    boxes = {i.name: i.dbbox() for i in component.insts if i.name}
    lead = {e.ref: _lead_um(e, boxes[e.owner], keepout_um) for w in names for e in ends[w]}
    if book is not None:
        plan, conflicts = _book_layer_plan(book, names, wgs, ends)
        exact_cost = book.colouring.exact_cost_dB
        heur_cost = book.colouring.heuristic_cost_dB
    else:
        plan, conflicts, exact_cost, heur_cost = _plan_layers(
            names, wgs, ends, layers, costs, boxes, lead, solver=solver,
            exact_time_limit_s=exact_time_limit_s, radius_um=radius_um, keepout_um=keepout_um,
            crossing_pairs=crossing_pairs, pitch_um=float(route_kwargs.get("pitch_um", 5.0)))

    # couplers: chains out of the ports of nets that leave their port's layer
    couplers_of: dict[str, int] = {w: 0 for w in names}
    lead_um_of: dict[str, float] = {w: 0.0 for w in names}
    new_ref: dict[str, str] = {}
    depth_um: dict[str, float] = {}  # how far each route's start stands out of its port
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
            depth_um[ref] = (lead[e.ref] + len(chain) * float(CELLS["interlayer_coupler"]().dxsize)
                             if chain else 0.0)
    reserve = {} if book is None else _book_reserves(book, wgs, new_ref, depth_um,
                                                      BOOK_RESERVE_RADII * radius_um)

    # route each layer with the router, on that layer's cross-section
    jobs: list[LayerJob] = []
    for layer in layers:
        mine = [w for w in names if plan.layer_of[w] == layer]

        def staged(long_first: bool, mine: list[str] = mine) -> list[list[Connection]]:
            # book mode: router passes page by page, by chord span (routing_stages)
            passes = ([mine] if book is None else
                      [[w for w in mine if wgs[w][0].label in stage] for stage in map(
                          set, routing_stages(book, [wgs[w][0].label for w in mine],
                                              inside_long_first=long_first))])
            # a bundle stays a bundle on its new layer: the coupler chains of facing rows
            # end in facing rows, so the channel planner still takes them
            return [[Connection(source=new_ref[c.source + "@" + w],
                                target=new_ref[c.target + "@" + w], channel=c.channel,
                                bundle=c.bundle, name=c.label)
                     for w in p for c in wgs[w]] for p in passes]

        stages = staged(False)
        other = staged(True) if book is not None else []
        conns, later = (stages[0], stages[1:]) if stages else ([], [])
        if conns:
            price = costs.crossing_dB if search_crossing_dB is None else search_crossing_dB
            retry = ({"search_crossing_dB": SEARCH_CROSSING_COST_DB}
                     if search_crossing_dB is None and price != SEARCH_CROSSING_COST_DB
                     else None)
            jobs.append(LayerJob(layer, tuple(conns), dict(
                cross_section=_xs_of(layer), radius_um=radius_um, keepout_um=keepout_um,
                search_crossing_dB=price, **route_kwargs), retry=retry,
                stages=tuple(tuple(st) for st in later), reserve_um=reserve,
                other_order=tuple(tuple(st) for st in other) if other != stages else ()))
    if book is not None and "margin_um" not in route_kwargs:
        # outside chords run round the outermost chain tips and the later stages' reserved
        # stubs: a band for the busiest outside page's tracks, its bends and the stubs
        outside = max((sum(p.side == "outside" and p.layer == layer
                           for p in book.page_of.values()) for layer in layers), default=0)
        margin = ((BOOK_RESERVE_RADII + 4) * radius_um
                  + outside * float(route_kwargs.get("pitch_um", 5.0)))
        jobs = [LayerJob(j.layer, j.connections, {**j.options, "margin_um": margin}, j.retry,
                         j.stages, j.reserve_um, j.other_order) for j in jobs]
    fence = [] if book is None else _fence(component, book, radius_um=radius_um)
    try:
        outcomes = route_layers(component, jobs,
                                workers=auto_workers(jobs) if workers is None else workers)
    finally:
        for ref in fence:
            component.insts.remove(ref)
    layer_reports = {layer: o.report for layer, o in outcomes.items()}
    route_of = {n.name: n for rep in layer_reports.values() for n in rep.nets}
    per_layer = [LayerRouteSummary(
        layer=j.layer, cross_section=_xs_of(j.layer), nets=sum(map(len, j.passes())),
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
                crossings=n.crossings, reason=n.reason,
                page=None if book is None else str(book.page_of[c.label]),
                ports=None if book is None else list(book.ports_of[c.label])))
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
        runtime_s=round(time.perf_counter() - t0, 3),
        book=None if book is None else _book_summary(book))
    return MultiLayerResult(component=component, report=report, plan=plan,
                            layer_reports=layer_reports)
