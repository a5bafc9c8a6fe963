"""Route many waveguide nets at once: the Python API of the QuantaCore router.

``route_nets(component, connections)`` takes a component with placed instances and a list of
port pairs, routes them together on a track grid (bundles planned as channels with the fewest
crossings, the rest by loss-aware A* with negotiated congestion, crossing cells where nets
must cross, S-bend jogs for off-grid ports), assigns WDM channels, draws the routes as
library ``straight`` / ``bend_euler`` / ``crossing`` instances into the same component and
returns a ``RouteResult`` with the component and a ``RouteReport``.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> a = c.add_ref(CELLS["straight"](length=20), name="a")
    >>> b = c.add_ref(CELLS["straight"](length=20), name="b")
    >>> _ = b.move((220, 0))
    >>> res = route_nets(c, [Connection(source="a,o2", target="b,o1")])
    >>> res.report.nets[0].bends, res.report.nets[0].length_um
    (0, 200.0)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import TypedDict

import gdsfactory as gf
import numpy as np

from components import CELLS
from components.models.crossing import DEFAULT_CROSSING_LOSS_DB
from qc_pdk.errors import InputError
from qc_pdk.layers import WAVEGUIDE_LAYERS, layer_by_name
from qc_pdk.rules import min_space_um
from routing.claims import bends_of
from routing.corridor_route import CorridorParams, route_corridors
from routing.costs import RouteCosts
from routing.draw import RouteDrawer
from routing.grid import (
    DIRS,
    ORIENTATION_TO_DIR,
    BlockRoutingGrid,
    RoutingGrid,
    euler_length_um,
)
from routing.negotiate import (
    NegotiationParams,
    NetTask,
    crossings_of,
    hpwl_um,
    negotiate,
    unproven_failures,
)
from routing.port_jog import PortSnap, jog_cell, snap_port
from routing.report import CheckReport, NetReport, RouteReport
from routing.search import SearchParams
from routing.sjog import path_length_um
from routing.verify import check_routes
from routing.wdm import assign_channels

# instance property marking what the router drew (value: the waveguide's name), so a later
# call sees earlier routes by their geometry, not their bounding boxes
ROUTE_PROPERTY = "qc_route"


class RoutingInputError(InputError):
    """A routing problem the router cannot take (bad port, pitch, radius ...), named."""


# The search's default price of a crossing (dB). Negotiation and the A* heuristic were tuned
# with the published Si crossing figure [ref: Si MMI crossing]; the PDK's calibrated SiN
# crossing is what the reports charge. Measured on 32 random nets among 16 obstacles
# (tests.routing.problems.random_pairs) when the crossing was 0.77 dB (0.23 dB since its
# redesign): this price 12 s, 93 crossings, 181 dB total / 12.1 dB worst; the calibrated
# price 41 s, 42 crossings, 118 dB / 8.2 dB. The search keeps the faster price by default
# (the aims are on run time); callers that want the loss-optimal routing pass
# ``search_crossing_dB=costs.crossing_loss_dB``.
SEARCH_CROSSING_COST_DB = DEFAULT_CROSSING_LOSS_DB

# Above this many track nodes the router routes in two levels (global, then corridors): the
# dense grid and the search's arrays take ~50 bytes a node, so this is ~400 MB at most.
DEFAULT_MAX_GRID_NODES = 8_000_000

# margin (in bend radii) of the second try when the default routing area leaves nets
# unrouted without a proof (``route_nets``; only on the dense grid, within its node budget)
ROOM_RETRY_MARGIN_RADII = 8.0


@dataclass(frozen=True)
class Connection:
    """A logical connection between two ports, each ``"instance,port"``.

    Connections with the same pair of ports share one waveguide (a WDM bus) and get distinct
    ``channel``s. Nets with the same ``bundle`` name that run between two facing rows of ports
    are planned together as a channel (``routing.channel``: Z routes on stacked tracks, as
    few crossings as the port order allows); the rest are searched net by net.
    """

    source: str
    target: str
    channel: int | None = None
    bundle: str | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or f"{self.source}->{self.target}"


@dataclass
class RouteResult:
    """The routed component (routes added as instances) and its report."""

    component: gf.Component
    report: RouteReport


class _WgStats(TypedDict):
    """What one drawn waveguide contributes to its nets' ``NetReport``."""

    length_um: float
    bends: int
    crossings: int
    insertion_loss_dB: float


class _NetBase(TypedDict):
    """The ``NetReport`` fields every net has, routed or not."""

    name: str
    source: str
    target: str
    waveguide: str
    channel: int | None
    bundle: str | None
    planner: str


def _port(insts: dict, ref: str, field: str) -> tuple[gf.Port, str]:
    inst_name, sep, port_name = ref.partition(",")
    if not sep:
        raise RoutingInputError(f"{field}={ref!r} must be 'instance,port'")
    inst = insts.get(inst_name)
    if inst is None:
        names = sorted(insts)
        raise RoutingInputError(f"{field}={ref!r}: no instance {inst_name!r}; have {names}")
    try:
        return inst.ports[port_name], inst_name
    except Exception:
        names = [p.name for p in inst.ports]
        raise RoutingInputError(
            f"{field}={ref!r}: instance {inst_name!r} has no port {port_name!r}; "
            f"ports are {names}"
        ) from None


def _dir_of(port: gf.Port, ref: str) -> int:
    ang = round(port.orientation) % 360
    if ang not in ORIENTATION_TO_DIR:
        raise RoutingInputError(
            f"port {ref!r} faces {port.orientation} deg; only Manhattan ports route"
        )
    return ORIENTATION_TO_DIR[ang]


def route_nets(
    component: gf.Component,
    connections: Sequence[Connection],
    *,
    cross_section: str = "strip",
    radius_um: float = 30.0,
    pitch_um: float = 5.0,
    keepout_um: float = 3.0,
    margin_um: float | None = None,
    heuristic_weight: float = 2.0,
    crossing_lower_bound: int | None = None,
    schedule: NegotiationParams | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    costs: RouteCosts | None = None,
    check_drc: bool = True,
    search_crossing_dB: float | None = None,
    max_grid_nodes: int = DEFAULT_MAX_GRID_NODES,
    corridors: CorridorParams | None = None,
    pass_over: Collection[str] = (),
) -> RouteResult:
    """Route ``connections`` between instances of ``component`` and draw the waveguides.

    Args:
        component: an unlocked component whose instances (by name) own the ports; every
            instance's bounding box is an obstacle.
        connections: logical connections; those sharing a port pair share one waveguide.
        cross_section: SiN cross-section of the routes ("strip", "strip_wg1", "strip_wg2").
        radius_um: effective Euler bend radius (its smallest curvature must meet the PDK).
        pitch_um: track pitch. Ports off it join through an S-bend jog (``port_jog``). Must
            exceed waveguide width plus minimum space, and the crossing's 2 um centre plus
            space.
        keepout_um: clearance kept around every cell's bounding box (beyond the waveguide's
            half width).
        margin_um: routing area beyond the bounding box of the cells (default 4 radii; when
            that leaves nets unrouted with no cut to prove it, the nets are routed again in
            ``ROOM_RETRY_MARGIN_RADII`` radii and the result that routes more is kept).
        heuristic_weight: weight of the length term of the A* heuristic (1 = optimal per
            net). Bends, crossings and congestion stay exact; the default 2 trades a few um of
            length (~1e-5 dB/um) for about twice the speed.
        crossing_lower_bound: a known lower bound on crossings for the report; by default the
            inversions of the port order within each bundle (each inverted pair must cross
            once inside its channel), or None when there are no bundles.
        schedule: negotiated-congestion schedule.
        progress: callback ``(iteration, nets_done, nets_in_iteration)``.
        costs: propagation, bend and crossing prices in dB (default: from the active PDK's
            calibrated models, ``RouteCosts.from_models``). The search prices a crossing at
            ``SEARCH_CROSSING_COST_DB`` (see there); the report uses ``costs``.
        search_crossing_dB: the search's price of a crossing (default
            ``SEARCH_CROSSING_COST_DB``; see there for the trade-off).
        check_drc: run the hierarchical DRC of the routed region in the sign-off (the
            overlap extraction always runs). Off only for callers that run DRC themselves.
        max_grid_nodes: node budget of the dense track grid (~50 bytes a node with the
            search's arrays). Above it the router goes in two levels: a global route on
            g-cells, then the detailed search only in each net's corridor
            (``routing.corridor_route``), so memory follows the routes, not the area.
        corridors: options of the two-level mode (g-cell size comes from the grid's blocks;
            waypoint stride, corridor margin, tracks per net, global congestion schedule).
        pass_over: names of instances the routes may pass over (or under) when the cell
            draws nothing on the routes' layer: a route on one SiN layer then crosses e.g. a
            WDM bank's bus drawn on the other (1 um of oxide apart, like routes of two
            layers: not priced). The caller keeps such routes off the cell's rings.

    Returns:
        ``RouteResult``; unroutable nets are listed in ``report.unrouted`` with reasons. What
        was drawn is measured before it is returned (``routing.verify``: overlaps extracted
        from the drawn geometry, DRC of the routed region); a net that fails is removed
        and reported unrouted, so every routed net in the report is legal
        (``report.check``).

    Raises:
        ValueError: bad port reference, port reused by different waveguides, ports closer than
            the pitch, port buried inside another cell, pitch or radius outside the PDK rules.
    """
    t0 = time.perf_counter()
    xs = gf.get_cross_section(cross_section)
    width = float(xs.width)
    layer_name = waveguide_layer_name(gf.get_layer_tuple(xs.layer), cross_section)
    space = min_space_um(layer_name)
    bend_cell = CELLS["bend_euler"](radius=radius_um, cross_section=cross_section)  # PDK check
    cross_cell = CELLS["crossing"](cross_section=cross_section)
    cross_half = float(cross_cell.dxsize) / 2
    # a bend passing diagonally between the nodes around a crossing must clear its 2 um centre
    min_pitch = max(width + space, 2 * (1.0 + (width / 2 + space) / math.sqrt(2)))
    if pitch_um < min_pitch - 1e-9:
        raise RoutingInputError(
            f"pitch_um={pitch_um} is below {min_pitch:.3f} um: parallel waveguides "
            f"(width {width} um) would break the {space} um space rule"
        )
    if not connections:
        raise RoutingInputError("connections is empty: nothing to route")
    if max_grid_nodes < 0:
        raise RoutingInputError(f"max_grid_nodes={max_grid_nodes} must be >= 0 (0 routes "
                                f"every problem in two levels, global then corridors)")

    # physical nets: one waveguide per distinct (unordered) port pair
    wg_of: dict[str, str] = {}
    pairs: dict[str, tuple[str, str]] = {}
    port_owner: dict[str, str] = {}
    labels = [c.label for c in connections]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})[0]
        raise RoutingInputError(f"connections: duplicate connection name {dup!r}")
    for i, c in enumerate(connections):
        key = "|".join(sorted((c.source, c.target)))
        if c.source == c.target:
            raise RoutingInputError(
                f"connections[{i}]: source and target are the same port {c.source!r}"
            )
        wg = pairs.setdefault(key, (c.source, c.target)) and key
        wg_of[c.label] = wg
        for ref in (c.source, c.target):
            other = port_owner.setdefault(ref, wg)
            if other != wg:
                raise RoutingInputError(f"connections[{i}]: port {ref!r} already used by another "
                                 f"waveguide ({other})")
    bundle_of: dict[str, set[str | None]] = {}
    for c in connections:
        bundle_of.setdefault(wg_of[c.label], set()).add(c.bundle)
    for wg, names in bundle_of.items():
        if len(names) > 1:
            raise RoutingInputError(f"waveguide {wg} carries connections of different bundles "
                             f"{sorted(map(str, names))}")
    bundles: dict[str, list[str]] = {}
    for wg in pairs:
        (b,) = bundle_of[wg]
        if b is not None:
            bundles.setdefault(b, []).append(wg)
    fixed = {c.label: c.channel for c in connections if c.channel is not None}
    channels, n_channels = assign_channels(wg_of, fixed)

    # routing area and obstacles
    all_insts = list(component.insts)
    drawn = [i for i in all_insts if i.instance.property(ROUTE_PROPERTY) is not None]
    drawn_keys = {id(i.instance) for i in drawn}
    insts = [i for i in all_insts if id(i.instance) not in drawn_keys]
    inst_by_name = {i.name: i for i in insts}  # kfactory looks names up by a linear scan
    boxes = {i.name: i.dbbox() for i in insts}
    box_index = _BoxIndex(boxes)

    clear = keepout_um + width / 2
    unknown = set(pass_over) - set(boxes)
    if unknown:
        raise RoutingInputError(f"pass_over: no instance named {sorted(unknown)}")
    route_layer = component.kcl.layout.layer(*gf.get_layer_tuple(xs.layer))
    xing_base = sum(1 for i in drawn if (i.name or "").startswith("xing_"))

    def area(margin: float) -> tuple[float, float, float, float]:
        """The routing area: the cells' bounding box and ``margin`` um round it."""
        bb = component.dbbox()
        return bb.left - margin, bb.bottom - margin, bb.right + margin, bb.top + margin

    def build(margin: float) -> tuple[RoutingGrid, list[NetTask], dict[str, gf.Port],
                                      dict[str, PortSnap], set[str]]:
        """The routing grid ``margin`` um round the cells, walls and the nets' tasks."""
        grid = RoutingGrid.for_area(bbox_um=area(margin), pitch_um=pitch_um,
                                    max_nodes=max_grid_nodes)
        for name, box in boxes.items():
            if name in pass_over and inst_by_name[name].cell.kdb_cell.begin_shapes_rec(
                    route_layer).at_end():
                continue  # nothing on the routes' layer: routes pass over it
            grid.block_box(box.left - clear, box.bottom - clear, box.right + clear, box.top + clear)
        # earlier routes (an earlier call's): their waveguide plus spacing, not their boxes, and
        # the reach of this call's node claims beyond that; on this layer only, so another
        # waveguide layer's routes pass underneath (3D planner)
        block_drawn(grid, drawn, clear_um=drawn_wall_um(pitch_um=pitch_um, width_um=width,
                                                        space_um=space),
                    layer=gf.get_layer_tuple(xs.layer))

        # tasks: port nodes, directions and the reserved stubs through each port's own keep-out
        tasks: list[NetTask] = []
        ports: dict[str, gf.Port] = {}
        snaps: dict[str, PortSnap] = {}
        node_owner: dict[int, str] = {}
        abutting: set[str] = set()
        for wg, (src, dst) in pairs.items():
            pa, _ = _port(inst_by_name, src, f"connections[{wg}].source")
            pb, _ = _port(inst_by_name, dst, f"connections[{wg}].target")
            if _abut(pa, pb):  # ports already joined: a connection of zero length
                abutting.add(wg)
                continue
            ends = []
            stubs: list[int] = []
            for ref, field in ((src, "source"), (dst, "target")):
                port, inst_name = _port(inst_by_name, ref, f"connections[{wg}].{field}")
                ports[ref] = port
                x, y = port.center
                for other in box_index.containing(x, y):
                    if other != inst_name:
                        raise RoutingInputError(
                            f"port {ref!r} is buried inside instance {other!r}: no "
                            f"waveguide can reach it")
                if gf.get_layer_tuple(port.layer) != gf.get_layer_tuple(xs.layer):
                    raise RoutingInputError(f"port {ref!r} is on layer {port.layer_info} but "
                                     f"cross_section={cross_section!r} draws on another layer")
                d = _dir_of(port, ref)
                snap = snap_port(x_um=x, y_um=y, direction=d, pitch_um=pitch_um,
                                 radius_um=radius_um, cross_section=cross_section)
                snaps[ref] = snap
                try:
                    node = grid.node_at(*snap.node_xy_um)
                except ValueError as e:
                    raise RoutingInputError(f"port {ref!r}: {e}") from None
                own = ([node] + _jog_nodes(grid, (x, y), node, d, boxes[inst_name], clear, ref)
                       + _stub(grid, node, d, boxes[inst_name], clear, ref))
                for q in own:  # each port's way onto the grid is its own
                    other = node_owner.setdefault(q, ref)
                    if other != ref:
                        raise RoutingInputError(
                            f"ports {other!r} and {ref!r} join the routing grid through the same "
                            f"node {grid.xy(q)} um: they are closer than pitch_um={pitch_um}; use "
                            f"a finer pitch or move the cells")
                stubs.extend(own[1:])
                ends.append((node, d))
            tasks.append(NetTask(wg, ends[0][0], ends[0][1], ends[1][0], ends[1][1],
                                 np.array(stubs, np.int64)))
        for t in tasks:
            grid.wall[t.stub_nodes] = True  # reserved: only the owning net unblocks them
        tasks.sort(key=lambda t: (hpwl_um(grid, t), t.name))
        return grid, tasks, ports, snaps, abutting

    margin = 4 * radius_um if margin_um is None else margin_um
    grid, tasks, ports, snaps, abutting = build(margin)

    costs = costs if costs is not None else RouteCosts.from_models(radius_um=radius_um)
    loss_um, bend_dB = costs.loss_dB_per_um, costs.bend_loss_dB
    prm = SearchParams(
        radius_um=radius_um, loss_dB_per_um=loss_um, bend_loss_dB=bend_dB,
        crossing_loss_dB=(SEARCH_CROSSING_COST_DB if search_crossing_dB is None
                          else search_crossing_dB),
        crossing_half_um=cross_half,
        space_um=space, width_um=width, heuristic_weight=heuristic_weight,
        cross_section=cross_section,
    )
    live_bundles = [[w for w in bundles[b] if w not in abutting] for b in sorted(bundles)]
    if isinstance(grid, BlockRoutingGrid):  # above the node budget: global + corridors
        res = route_corridors(grid, tasks, prm, params=corridors, progress=progress,
                              bundles=live_bundles)
    else:
        # nets left unrouted with no cut to prove it get a second try with more room: the
        # detours round the cells may want more than the default margin. Row-to-bank 12 at
        # 20 um of channel per net (79 um between the cell rows: no crossing fits there)
        # routes 9/12 in 4 radii of margin, 10/12 in 6, 12/12 in 8 (seed 1; seed 3: 10 ->
        # 12/12). The shuffled orders are spent there only, where the detours have room:
        # seeds 4, 6, 7, 8 (of 1-16) left a net with 2 shuffles in each area, seed 15 with
        # 12 in each; all 16 seeds route 12/12 with none first and 16 in the wider area
        wide_margin = ROOM_RETRY_MARGIN_RADII * radius_um
        room_retry = margin_um is None and RoutingGrid.is_dense_for(
            bbox_um=area(wide_margin), pitch_um=pitch_um, max_nodes=max_grid_nodes)
        sched = schedule or NegotiationParams()
        first = replace(sched, shuffle_rounds=0) if room_retry else sched
        res = negotiate(grid, tasks, prm, first, progress, bundles=live_bundles)
        if room_retry and unproven_failures(tasks, res):
            wide = build(wide_margin)
            res_wide = negotiate(wide[0], wide[1], prm, sched, progress, bundles=live_bundles)
            if len(res_wide.unrouted) < len(res.unrouted):
                grid, tasks, ports, snaps, abutting = wide
                res = res_wide

    # draw: crossing cells first, then each net piece by piece between ports
    cross_at = {n: component.add_ref(cross_cell, name=f"xing_{xing_base + k}")
                for k, n in enumerate(sorted(res.crossing_nodes))}
    for n, xing in cross_at.items():
        xing.dmove(grid.xy(n))
    per_net_x = crossings_of(res)
    drawer = RouteDrawer(
        component, lambda length: CELLS["straight"](length=length, cross_section=cross_section),
        bend_cell, radius_um, cross_half,
        jog=lambda offset, length: jog_cell(offset, length, cross_section))
    arc_len = euler_length_um(radius_um)
    wg_report: dict[str, _WgStats] = {}
    pieces: dict[str, list[gf.ComponentReference]] = {}
    for t in tasks:
        if t.name not in res.paths:
            continue
        found = res.paths[t.name]
        src, dst = pairs[t.name]
        xnodes = set(per_net_x.get(t.name, []))
        mine = []
        for ref in (src, dst):  # S-bend jogs of off-grid ports
            if snaps[ref].jog_length_um:
                mine.append(_place_jog(component, ports[ref], snaps[ref], cross_section))
        points = ([snaps[src].start_xy_um] + [grid.xy(v) for v in found.vertices[1:-1]]
                  + [snaps[dst].start_xy_um])
        mine += drawer.draw(points, [grid.xy(n) for n in xnodes])
        for inst in mine:
            inst.instance.set_property(ROUTE_PROPERTY, t.name)
        pieces[t.name] = mine
        nb = len(bends_of(grid, found.vertices))
        nxing = len(xnodes)
        length, jog_turn_deg = path_length_um(grid, prm, found.vertices)
        length -= nb * (2 * radius_um - arc_len)
        length += snaps[src].extra_length_um + snaps[dst].extra_length_um
        length -= nxing * 2 * cross_half
        # an S-jog radiates like bends of the same tightest radius through its turning angle
        il = (length * loss_um + (nb + jog_turn_deg / 90.0) * bend_dB
              + nxing * costs.crossing_loss_dB)
        wg_report[t.name] = _WgStats(length_um=round(length, 3), bends=nb, crossings=nxing,
                                     insertion_loss_dB=round(il, 6))
    for wg in abutting:
        wg_report[wg] = _WgStats(length_um=0.0, bends=0, crossings=0, insertion_loss_dB=0.0)

    # sign-off: measure what was drawn; a net that fails is removed and reported unrouted
    users: dict[int, list[str]] = {}
    for wg, nodes in per_net_x.items():
        for n in nodes:
            users.setdefault(n, []).append(wg)
    for n, xing in cross_at.items():
        xing.instance.set_property(ROUTE_PROPERTY, "+".join(sorted(users.get(n, []))))
    chk = check_routes(component, pieces, crossings=list(cross_at.values()),
                       layer=gf.get_layer_tuple(xs.layer), drc=check_drc)
    failed = chk.failed
    for wg in failed:
        for inst in pieces.pop(wg):
            component.insts.remove(inst)
        del wg_report[wg]
        res.unrouted[wg] = failed[wg]
    for n, xing in cross_at.items():
        if all(u in failed for u in users.get(n, [])):
            component.insts.remove(xing)
    n_crossings = sum(1 for n in cross_at if not all(u in failed for u in users.get(n, [])))
    check = CheckReport(
        self_overlaps=chk.self_overlaps, mutual_overlaps=chk.mutual_overlaps,
        cell_overlaps=chk.cell_overlaps, drc_violations=sum(chk.drc_counts.values()),
        drc_counts=chk.drc_counts, drc_unattributed=chk.drc_unattributed,
        drc_checked=check_drc, region_instances=chk.region_instances, failed=failed,
        runtime_s=chk.runtime_s)

    nets = []
    for c in connections:
        wg = wg_of[c.label]
        planner = ("abutting" if wg in abutting else
                   "channel" if wg in res.planned else "search")
        base = _NetBase(name=c.label, source=c.source, target=c.target, waveguide=wg,
                        channel=channels[c.label], bundle=c.bundle, planner=planner)
        if wg in wg_report:
            nets.append(NetReport(routed=True, **base, **wg_report[wg]))
        else:
            reason = res.unrouted.get(wg, "not routed")
            if wg in res.channel_shortfall:  # why its bundle's channel plan fell short
                reason += f"; channel: {res.channel_shortfall[wg]}"
            nets.append(NetReport(routed=False, reason=reason, **base))
    routed = [n for n in nets if n.routed]
    worst = max(routed, key=lambda n: (n.insertion_loss_dB, n.name), default=None)
    bundled = {w for b in bundles.values() for w in b if w not in abutting}
    in_channel = bundled <= set(res.planned) and not (bundled & set(failed))
    if crossing_lower_bound is None and bundles and in_channel:
        crossing_lower_bound = res.bundle_inversions
    report = RouteReport(
        nets=nets,
        routed=len(routed),
        unrouted=[n.name for n in nets if not n.routed],
        waveguides=len(pairs),
        waveguides_routed=len(wg_report),
        total_length_um=round(sum(w["length_um"] for w in wg_report.values()), 3),
        total_bends=sum(w["bends"] for w in wg_report.values()),
        total_crossings=n_crossings,
        crossing_lower_bound=crossing_lower_bound,
        check=check,
        total_insertion_loss_dB=round(sum(w["insertion_loss_dB"] for w in wg_report.values()), 6),
        max_insertion_loss_dB=worst.insertion_loss_dB if worst else 0.0,
        worst_net=worst.name if worst else None,
        channels_used=n_channels,
        bundle_notes=res.bundle_notes,
        iterations=res.iterations,
        rip_ups=res.rip_ups,
        runtime_s=round(time.perf_counter() - t0, 3),
        pitch_um=pitch_um,
        radius_um=radius_um,
    )
    return RouteResult(component=component, report=report)


def waveguide_layer_name(layer: tuple[int, int], cross_section: str = "") -> str:
    """The PDK name (``"WG1"`` ...) of a waveguide layer given as (layer, datatype).

    Example:
        >>> waveguide_layer_name((2, 0))
        'WG2'
    """
    by_tuple = {v: k for k, v in layer_by_name().items() if k in WAVEGUIDE_LAYERS}
    if layer not in by_tuple:
        raise RoutingInputError(f"cross_section={cross_section!r} draws on {layer}, not a "
                                f"waveguide layer ({', '.join(WAVEGUIDE_LAYERS)})")
    return by_tuple[layer]


def _abut(a: gf.Port, b: gf.Port) -> bool:
    """True if two ports sit on each other facing opposite ways (already joined)."""
    (ax, ay), (bx, by) = a.center, b.center
    return (abs(ax - bx) < 1e-3 and abs(ay - by) < 1e-3
            and round(a.orientation - b.orientation) % 360 == 180)


# how far a point of a drawn bend may lie from every node its claim holds, beyond half a
# grid diagonal (the claim's centreline is densified to 0.1 um steps; measured <= 0.04 um)
_CLAIM_SLACK_UM = 0.1


def drawn_wall_um(*, pitch_um: float, width_um: float, space_um: float) -> float:
    """How far beyond an earlier route's waveguide (um) the grid nodes are walled, so that
    no later route can cross it or come within ``space_um`` of it.

    A later route violates that where a point of its centreline lies within ``width_um / 2
    + space_um`` of the earlier waveguide. Every point of a piece the search places has a
    node of its claim within half a grid diagonal (a straight: half a pitch; an Euler bend
    or S-jog: nodes within half a pitch of its curve, ``routing.grid.arc_offsets``), so
    walling every node within the sum keeps every such route from being found. The wall was
    the spacing alone (0.65 um at a 5 um pitch): a later route's straight stepped across an
    earlier route's bend between two nodes, which the sign-off then removed.

    Example:
        >>> round(drawn_wall_um(pitch_um=5.0, width_um=0.8, space_um=0.25), 3)
        4.286
    """
    return width_um / 2 + space_um + pitch_um * math.sqrt(0.5) + _CLAIM_SLACK_UM


def block_drawn(grid: RoutingGrid, drawn: Sequence[gf.ComponentReference], *,
                clear_um: float, layer: tuple[int, int] | None = None) -> None:
    """Wall the nodes within ``clear_um`` of earlier routes' waveguides (their shapes, so a
    bend blocks its arc, not its bounding box): on ``layer`` only, or on every layer."""
    import klayout.db as kdb

    cache: dict[int, kdb.Region] = {}
    for inst in drawn:
        ci = inst.cell_index
        if ci not in cache:
            reg = kdb.Region()
            layout = inst.cell.kcl.layout
            indexes = (layout.layer_indexes() if layer is None
                       else [layout.layer(*layer)])
            for li in indexes:
                reg += kdb.Region(inst.cell.begin_shapes_rec(li))
            cache[ci] = reg.merged()
        dbu = inst.cell.kcl.dbu
        region = cache[ci].transformed(inst.cplx_trans).sized(round(clear_um / dbu))
        for poly in region.merged().each():
            b = poly.bbox()
            if poly.is_box():
                grid.block_box(b.left * dbu, b.bottom * dbu, b.right * dbu, b.top * dbu)
                continue
            ib = grid.index_box(b.left * dbu, b.bottom * dbu, b.right * dbu, b.top * dbu)
            if ib is None:
                continue
            lx, hx, ly, hy = ib
            for iy in range(ly, hy):
                for ix in range(lx, hx):
                    x, y = grid.xy(iy * grid.nx + ix)
                    if poly.inside(kdb.Point(round(x / dbu), round(y / dbu))):
                        grid.wall[iy * grid.nx + ix] = True


class _BoxIndex:
    """Instance boxes binned on a coarse grid: which boxes strictly contain a point, without
    testing every box."""

    def __init__(self, boxes: dict) -> None:
        self.boxes = boxes
        self.bin_um = 500.0
        self.bins: dict[tuple[int, int], list[str]] = {}
        for name, b in boxes.items():
            for i in range(int(b.left // self.bin_um), int(b.right // self.bin_um) + 1):
                for j in range(int(b.bottom // self.bin_um), int(b.top // self.bin_um) + 1):
                    self.bins.setdefault((i, j), []).append(name)

    def containing(self, x: float, y: float) -> list[str]:
        names = self.bins.get((int(x // self.bin_um), int(y // self.bin_um)), [])
        return [n for n in names if self.boxes[n].left < x < self.boxes[n].right
                and self.boxes[n].bottom < y < self.boxes[n].top]


def _jog_nodes(grid: RoutingGrid, port_xy: tuple[float, float], node: int, d: int, box,
               clear: float, ref: str) -> list[int]:
    """Nodes between an off-grid port and its grid node, where the jog runs (reserved for
    its net); outside the port's own cell they must be clear of other cells."""
    back = (d + 2) % 4
    out = []
    q = node
    while True:
        iy, ix = divmod(q, grid.nx)
        ix, iy = ix + DIRS[back][0], iy + DIRS[back][1]
        if not (0 <= ix < grid.nx and 0 <= iy < grid.ny):
            break
        q = iy * grid.nx + ix
        qx, qy = grid.xy(q)
        if (qx - port_xy[0]) * DIRS[d][0] + (qy - port_xy[1]) * DIRS[d][1] < -1e-6:
            break  # behind the port
        own = (box.left - clear <= qx <= box.right + clear
               and box.bottom - clear <= qy <= box.top + clear)
        if grid.wall[q] and not own:
            raise RoutingInputError(f"port {ref!r} is off the routing grid and its S-bend jog onto "
                             f"the grid would run into another cell: move the cells apart")
        out.append(q)
    return out


def _place_jog(component: gf.Component, port: gf.Port, snap: PortSnap,
               cross_section: str) -> gf.ComponentReference:
    """The S-bend from an off-grid port onto its track, o1 on the port."""
    import klayout.db as kdb

    cell = jog_cell(snap.jog_offset_um, snap.jog_length_um, cross_section)
    ref = component.add_ref(cell)
    d = ORIENTATION_TO_DIR[round(port.orientation) % 360]
    x, y = port.center
    dbu = component.kcl.dbu
    ref.trans = kdb.Trans(d, False, round(x / dbu), round(y / dbu))
    return ref


def _stub(grid: RoutingGrid, node: int, d: int, box, clear: float, ref: str) -> list[int]:
    """Nodes from the port outward through its own cell's keep-out (reserved for its net)."""
    out = []
    step = (1, grid.nx, -1, -grid.nx)[d]
    q = node
    for _ in range(grid.nx + grid.ny):
        x, y = grid.xy(q)
        inside = (box.left - clear <= x <= box.right + clear
                  and box.bottom - clear <= y <= box.top + clear)
        if not inside:
            break
        out.append(q)
        iy, ix = divmod(q, grid.nx)
        ix, iy = ix + DIRS[d][0], iy + DIRS[d][1]
        if not (0 <= ix < grid.nx and 0 <= iy < grid.ny):
            raise RoutingInputError(f"port {ref!r} faces the edge of the routing area")
        q += step
    else:  # pragma: no cover - loop bound is the grid size
        raise RoutingInputError(f"port {ref!r}: no way out of its cell")
    if grid.wall[q]:
        raise RoutingInputError(f"port {ref!r} faces another cell's keep-out within "
                         f"{clear:g} um: move the cells apart")
    return out
