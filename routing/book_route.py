"""Nets between port groups on nodes in convex position: pages, sides and ports for each net.

The 3D planner's book mode (``route_nets_multilayer(port_groups=...)``). A port group is a
node's set of interchangeable ports: the plan may choose which of them serves which net.
That is physically legitimate where the node can connect any of its ports to any of its
internal paths, e.g. an N x N switch or a fan-out / broadcast node whose switch settings are
programmed after layout, or a block whose internal routing is still to be drawn; it is not
for a device whose ports are distinct (a ring's bus and drop, a laser's output).

Given each group's ports (position, facing, layer, how many interlayer couplers fit straight
out of it) and the nets between groups, ``plan_book``:

1. takes each group as a node at its ports' centroid and checks the nodes are in convex
   position (all on their convex hull, scipy's Qhull), in counter-clockwise order;
2. splits each node's ports into its inside row (facing into the ring) and outside row,
   each read from its counter-clockwise end;
3. colours the nets (chords) with pages (layer, side) by ``book_plan.colour_pages``, priced
   by couplers, an estimated length (inside: straight between the nodes; outside: around the
   hull the short way) and a crossing per interleaving pair on one page; a side is open to a
   node's nets on a layer only when its row has a port for each of the node's nets and every
   port of the row has room for that layer's couplers;
4. gives each row's nets its ports in ``book_plan.row_order``, spread along the row.

Routing then goes in stages (``routing_stages``, ``routing.multilayer``): on each layer the
inside page first, then the outside page, one router pass per chord span (nodes on the
chord's short side), each pass taking the earlier passes' routes as obstacles and keeping
clear of the later passes' ports (``layer_workers.LayerJob.reserve_um``), inside a fence
closing the ring between neighbouring nodes (``ring_fence``). So no route can cross a route
of an earlier pass or leave its side of the ring, and the only crossings left are between
chords of one pass (no two of which nest). Why stages: the router routes the nets of one
pass in its own order and never rips a net up to spare another a crossing, so nested chords
of one page routed together cross twice where the outer one shut the inner one's ends in (K6
at a 1500 um ring, even at 5 dB a crossing; K12: 16 crossings, all such pairs). Why this
order: each pass's shortest routes should lie where the page's nesting puts them. Outside
the ring the shortest chords go first, hugging the ring, and the longer ones round them.
Inside, shortest first leaves the long chords' way through the middle to the last passes,
where parallel routes packed side by side may have shut it (K12: the diameter 0-6 between
0-7 and 1-6); longest first routes them through the middle, but a Manhattan chord's corner
may pinch a node's row and shut in the chords that must pass it (K12: 3-7, 3-8 under node 4).
So a layer goes shortest first, and, when that leaves nets unrouted, again longest first,
the better kept (``LayerJob.other_order``).

Example:
    >>> ports = {f"n{k}": [GroupPort(f"p{k}_{s},o2", (x + 10 * s, y), (s * 2 - 1, 0), "WG1",
    ...                              room=2) for s in (0, 1)]
    ...          for k, (x, y) in enumerate([(0, 0), (1000, 0), (500, 800)])}
    >>> from routing.layer_plan import LayerCosts
    >>> plan = plan_book(ports, [BookNet("a", "n0", "n1")], layers=("WG1",),
    ...                  costs=LayerCosts(crossing_dB=0.2, coupler_dB=0.03))
    >>> plan.page_of["a"], plan.nodes
    (BookPage(layer='WG1', side='inside'), ['n0', 'n1'])
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from qc_pdk.errors import InputError
from qc_pdk.layers import layer_distance
from routing.book_plan import PagePlan, colour_pages, interleaved, row_order
from routing.layer_plan import LayerCosts

__all__ = ["BookInputError", "BookNet", "BookPage", "BookPlan", "GroupPort", "plan_book",
           "ring_fence", "routing_stages"]

XY = tuple[float, float]
Side = Literal["inside", "outside"]
SIDES: tuple[Side, Side] = ("inside", "outside")
# the price of a page a net may not take (the layer plan's, larger than any real plan)
_FORBIDDEN_DB = 1e6


class BookInputError(InputError):
    """Port groups or nets the book planner cannot take, named."""


@dataclass(frozen=True)
class GroupPort:
    """One port of a group: ``"instance,port"``, centre (um), unit facing, waveguide layer,
    and how many interlayer couplers fit straight out of it."""

    ref: str
    xy: XY
    facing: XY
    layer: str
    room: int


@dataclass(frozen=True)
class BookNet:
    """A net between two groups (nodes), by name."""

    name: str
    a: str
    b: str


@dataclass(frozen=True)
class BookPage:
    """A page: a waveguide layer and a side of the ring of nodes."""

    layer: str
    side: Side

    def __str__(self) -> str:
        return f"{self.layer} {self.side}"


@dataclass(frozen=True)
class BookPlan:
    """The book plan: nodes in counter-clockwise order, the pages, each net's groups, page and
    ports (at its ``a`` end, at its ``b`` end), and the page colouring with its prices."""

    nodes: list[str]
    pages: list[BookPage]
    groups_of: dict[str, tuple[str, str]]
    # each node's centre (um), row axis (unit, towards the counter-clockwise neighbour) and
    # extent of its ports along it (um from the centre)
    frames: dict[str, tuple[XY, XY, float, float]]
    page_of: dict[str, BookPage]
    ports_of: dict[str, tuple[str, str]]
    colouring: PagePlan
    runtime_s: float


def _hull_order(centres: dict[str, XY]) -> list[str]:
    names = list(centres)
    if len(names) < 3:
        return names
    pts = np.array([centres[n] for n in names])
    try:
        hull = ConvexHull(pts)
    except QhullError:
        raise BookInputError(f"port_groups: the nodes {names} lie on one line; the page plan "
                             f"needs nodes in convex position around a ring") from None
    on = [names[i] for i in hull.vertices]  # counter-clockwise for 2-D input
    off = sorted(set(names) - set(on))
    if off:
        raise BookInputError(
            f"port_groups: nodes {off} are not corners of the nodes' convex hull (a node is at "
            f"its ports' centroid); the page plan needs every node in convex position")
    return on


def _along(xy: XY, d: XY) -> float:
    return xy[0] * d[0] + xy[1] * d[1]


def _arc_um(order: list[str], centres: dict[str, XY], a: str, b: str) -> float:
    """Length (um) of the shorter way round the hull of node centres from ``a`` to ``b``."""
    n = len(order)
    i, j = order.index(a), order.index(b)

    def walk(start: int, steps: int) -> float:
        return sum(math.dist(centres[order[(start + k) % n]], centres[order[(start + k + 1) % n]])
                   for k in range(steps))

    return min(walk(i, (j - i) % n), walk(j, (i - j) % n))


def plan_book(groups: Mapping[str, Sequence[GroupPort]], nets: Sequence[BookNet], *,
              layers: Sequence[str], costs: LayerCosts, loss_dB_per_um: float = 1e-5,
              radius_um: float = 30.0, crossings_first: bool = True, solver: str = "auto",
              time_limit_s: float = 20.0) -> BookPlan:
    """Pages, sides and ports for nets between port groups (see the module docstring).

    Args:
        groups: group name -> its interchangeable ports.
        nets: the nets, each between two distinct groups.
        layers: the waveguide layers open to the routes, e.g. ``("WG1", "WG2", "WG3")``.
        costs: crossing and interlayer-coupler prices (dB).
        loss_dB_per_um: propagation loss used to price the estimated lengths (dB/um).
        radius_um: bend radius (um): an outside route turns back at each end, a half turn
            each, on top of its way round the hull.
        crossings_first: fewest crossings first, then the cheapest plan (default); False:
            the cheapest estimated loss (``book_plan.colour_pages``).
        solver: the page colouring's solver ("auto", "exact", "heuristic").
        time_limit_s: the colouring MILP's time limit (s).

    Returns:
        ``BookPlan``.

    Raises:
        BookInputError: a net naming an unknown group or one group twice, nodes not in
            convex position, or a net no page is open to (no row on any side with a port
            for each of its node's nets and room for a layer's couplers).
    """
    t0 = time.perf_counter()
    if not nets:
        raise BookInputError("connections is empty: nothing to plan")
    for net in nets:
        for g in (net.a, net.b):
            if g not in groups:
                raise BookInputError(f"net {net.name}: {g!r} is not a port group; groups are "
                                     f"{sorted(groups)}")
            if not groups[g]:
                raise BookInputError(f"port group {g!r} has no ports")
        if net.a == net.b:
            raise BookInputError(f"net {net.name}: both ends are group {net.a!r}")
    used = sorted({g for net in nets for g in (net.a, net.b)})
    centres = {g: (float(np.mean([p.xy[0] for p in groups[g]])),
                   float(np.mean([p.xy[1] for p in groups[g]]))) for g in used}
    order = _hull_order(centres)
    pos = {g: k for k, g in enumerate(order)}
    ox = float(np.mean([centres[g][0] for g in order]))
    oy = float(np.mean([centres[g][1] for g in order]))

    # rows: ports facing into the ring / out of it, each read from its counter-clockwise end
    rows: dict[tuple[str, Side], list[GroupPort]] = {}
    for g in order:
        cx, cy = centres[g]
        tangent = (-(cy - oy), cx - ox)  # counter-clockwise along the ring
        for p in groups[g]:
            inward = p.facing[0] * (ox - cx) + p.facing[1] * (oy - cy)
            if abs(inward) < 1e-9 * math.hypot(ox - cx, oy - cy):
                continue  # facing along the ring: serves neither page
            rows.setdefault((g, "inside" if inward > 0 else "outside"), []).append(p)
        for row_side in SIDES:
            rows.get((g, row_side), []).sort(key=lambda p: -_along(p.xy, tangent))
    degree = {g: sum((net.a, net.b).count(g) for net in nets) for g in order}

    def open_to(g: str, side: Side, layer: str) -> bool:
        row = rows.get((g, side), [])
        return len(row) >= degree[g] and all(
            layer_distance(p.layer, layer) <= p.room for p in row)

    def couplers(g: str, side: Side, layer: str) -> int:
        return max(layer_distance(p.layer, layer) for p in rows[(g, side)])

    pages = [BookPage(layer, side) for layer in layers for side in SIDES]
    unary = np.zeros((len(nets), len(pages)))
    for i, net in enumerate(nets):
        inside_um = math.dist(centres[net.a], centres[net.b])
        outside_um = _arc_um(order, centres, net.a, net.b) + 2 * math.pi * radius_um
        for k, page in enumerate(pages):
            if not all(open_to(g, page.side, page.layer) for g in (net.a, net.b)):
                unary[i, k] = _FORBIDDEN_DB
                continue
            unary[i, k] = (sum(couplers(g, page.side, page.layer) for g in (net.a, net.b))
                           * costs.coupler_dB
                           + (inside_um if page.side == "inside" else outside_um)
                           * loss_dB_per_um)
        if not (unary[i] < _FORBIDDEN_DB).any():
            raise BookInputError(
                f"net {net.name}: no page is open to it on {list(layers)} (each node needs a "
                f"row of ports, facing into or out of the ring, with a port for each of its "
                f"{degree[net.a]} / {degree[net.b]} nets and room for the couplers)")
    chords = [(pos[net.a], pos[net.b]) for net in nets]
    colouring = colour_pages(chords, n_nodes=len(order), unary=unary,
                             crossing_dB=costs.crossing_dB, crossings_first=crossings_first,
                             solver=solver,
                             time_limit_s=time_limit_s)
    page_of = {net.name: pages[colouring.page_of[i]] for i, net in enumerate(nets)}

    # ports: each row serves its nets in the nesting order, spread along the row
    port_at: dict[tuple[int, str], str] = {}
    for g in order:
        for side in SIDES:
            far = [(i, pos[net.b if net.a == g else net.a]) for i, net in enumerate(nets)
                   if g in (net.a, net.b) and page_of[net.name].side == side]
            if not far:
                continue
            row = rows[(g, side)]
            served = row_order(pos[g], far, n_nodes=len(order))
            m, r = len(served), len(row)
            for k, i in enumerate(served):
                slot = (r - 1) // 2 if m == 1 else round(k * (r - 1) / (m - 1))
                port_at[(i, g)] = row[slot].ref
    ports_of = {net.name: (port_at[(i, net.a)], port_at[(i, net.b)])
                for i, net in enumerate(nets)}
    frames = {}
    for g in order:
        row = rows.get((g, "inside")) or rows.get((g, "outside")) or list(groups[g])
        fx, fy = row[0].facing
        axis = (-fy, fx) if _along((-fy, fx), (-(centres[g][1] - oy), centres[g][0] - ox)) >= 0 \
            else (fy, -fx)
        along = [_along((p.xy[0] - centres[g][0], p.xy[1] - centres[g][1]), axis)
                 for p in groups[g]]
        frames[g] = (centres[g], axis, min(along), max(along))
    return BookPlan(nodes=order, pages=pages, groups_of={n.name: (n.a, n.b) for n in nets},
                    frames=frames,
                    page_of=page_of, ports_of=ports_of,
                    colouring=colouring, runtime_s=round(time.perf_counter() - t0, 3))


def routing_stages(plan: BookPlan, names: Sequence[str], *, inside_long_first: bool = False
                   ) -> list[list[str]]:
    """The router passes for ``names`` (nets of one layer): the inside page, then the outside
    page from its shortest chords up, one pass per chord span (the nodes on the chord's
    short side, plus one); the inside page from its shortest chords up too, or with
    ``inside_long_first`` from its longest down (see the module docstring for why both). A
    page whose plan left interleaving chords on it is one pass: its chords must cross, which
    the router does only within a pass.

    Example:
        >>> plan = BookPlan(nodes=["a", "b", "c", "d"], pages=[], colouring=None,  # type: ignore
        ...     groups_of={"ac": ("a", "c"), "ab": ("a", "b"), "cd": ("c", "d")},
        ...     page_of={n: BookPage("WG1", "inside") for n in ("ac", "ab", "cd")},
        ...     ports_of={}, runtime_s=0.0, frames={})
        >>> routing_stages(plan, ["ac", "ab", "cd"])
        [['ab', 'cd'], ['ac']]
        >>> routing_stages(plan, ["ac", "ab", "cd"], inside_long_first=True)
        [['ac'], ['ab', 'cd']]
    """
    n = len(plan.nodes)
    pos = {g: k for k, g in enumerate(plan.nodes)}
    chord = {name: (pos[plan.groups_of[name][0]], pos[plan.groups_of[name][1]])
             for name in names}
    crossed = {str(plan.page_of[x]) for x, y in itertools.combinations(names, 2)
               if plan.page_of[x] == plan.page_of[y] and interleaved(chord[x], chord[y])}
    key = {}
    for name in names:
        a, b = chord[name]
        span = 0 if str(plan.page_of[name]) in crossed else min((b - a) % n, (a - b) % n)
        side = SIDES.index(plan.page_of[name].side)
        key[name] = (side, -span if inside_long_first and not side else span)
    out: dict[tuple[int, int], list[str]] = {}
    for name in names:
        out.setdefault(key[name], []).append(name)
    return [out[k] for k in sorted(out)]



def ring_fence(plan: BookPlan, *, end_gap_um: float = 10.0, run_um: float = 60.0,
               step_um: float = 5.0) -> list[XY]:
    """Points (um) of a fence closing the ring of nodes between neighbours, so that no
    route leaves its page's side of the ring: from each node's counter-clockwise end
    (``end_gap_um`` past its last port, on the line through its centre along its row),
    ``run_um`` on along the row, across to the same point before the next node, and in
    along its row; one point every ``step_um``. Placed as small cells while the pages are
    routed (the router keeps its keep-out round each), removed after. Legs along the rows
    keep the fence off the end ports' stubs, which stand square to the rows.

    Example:
        >>> plan = BookPlan(nodes=["a", "b"], pages=[], groups_of={}, page_of={},
        ...     ports_of={}, colouring=None, runtime_s=0.0,  # type: ignore
        ...     frames={"a": ((0.0, 0.0), (0.0, 1.0), -10.0, 10.0),
        ...             "b": ((0.0, 100.0), (0.0, 1.0), -10.0, 10.0)})
        >>> len(ring_fence(plan)) > 0
        True
    """
    points: list[XY] = []
    n = len(plan.nodes)
    for k in range(n if n > 2 else n - 1):
        (ca, ua, _, hi_a) = plan.frames[plan.nodes[k]]
        (cb, ub, lo_b, _) = plan.frames[plan.nodes[(k + 1) % n]]
        a0 = (ca[0] + (hi_a + end_gap_um) * ua[0], ca[1] + (hi_a + end_gap_um) * ua[1])
        a1 = (a0[0] + run_um * ua[0], a0[1] + run_um * ua[1])
        b0 = (cb[0] + (lo_b - end_gap_um) * ub[0], cb[1] + (lo_b - end_gap_um) * ub[1])
        b1 = (b0[0] - run_um * ub[0], b0[1] - run_um * ub[1])
        for p, q in ((a0, a1), (a1, b1), (b1, b0)):
            steps = max(1, math.ceil(math.dist(p, q) / step_um))
            points += [(p[0] + (q[0] - p[0]) * t / steps, p[1] + (q[1] - p[1]) * t / steps)
                       for t in range(steps)]
        points.append(b0)
    return points
