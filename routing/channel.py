"""Bundle routing with crossings: a channel of nets between two facing rows of ports.

A bundle whose sources all face one way and whose targets all face back across a channel
(a row of qubitrons to a permuted row of switches, a bus to a bank) is planned as Z-shaped
routes, one horizontal track each, instead of net-by-net search:

* Net ``i`` goes up from its source at ``u_i``, along track ``v_i`` and up into its target
  at ``w_i``. Two nets must cross iff their order is inverted (``u_i < u_j`` but
  ``w_i > w_j``); an inverted pair crosses exactly once whatever the track order.
* A non-inverted pair whose spans overlap crosses twice or never, depending only on which
  track is lower. Stacking rightward nets (``w > u``) with the larger ``u`` lower, and
  leftward nets with the smaller ``u`` lower, makes it never. So the plan reaches the lower
  bound, the number of inversions, exactly (when it fits the channel).
* Tracks are packed bottom-up (left-edge channel routing): each net takes the lowest track
  above the placed nets of its stack whose spans overlap its own in non-inverted order (the
  only pairs the order matters for), where its route is legal against what is already
  placed (walls, spacing, bend clashes, crossings only between perpendicular straights with
  clean arms, as the search demands); nets with disjoint spans share tracks. When the
  stacking order leaves no track, any legal track will do (two extra crossings per net
  passed in the wrong order, still in the channel). Tracks whose legs or run are already
  blocked are skipped before the full legality check (``z_candidates``).
* Where the source and target rows share columns, a net may not climb a column that another
  net already comes down into; along a cycle of such nets one takes a dogleg: a first leg on
  a bottom track to a free column beside its source, then its Z from there. Likewise a bend
  sweeps a radius of columns beside its own: a net coming down (going up) a column that
  another net's first (last) bend sweeps is placed after (before) that net.

* A net whose lateral offset is below two bend radii (a neighbour move on a dense bus) takes
  an S-jog (``routing.sjog``: the PDK's S-bend) at the lowest height above the dogleg band
  where it is legal; the tracks of other nets pass above or below it and cross its straight
  parts.
* When no S-jog fits (two neighbours that swap: one jog would cross the other's), the
  planner moves up to ``MAX_MOVED`` placed Z routes out of the jog's way (they are placed
  again on other tracks), else the net goes round: a dogleg via a column two radii from
  both its ports, past its target or behind its source.
* On a dense bus (columns closer than two bend radii) no dogleg fits
  between the columns. Each cycle of nets waiting for each other's columns is broken once,
  beforehand: the member whose source is nearest a bus end doglegs beside the bus (its first
  leg on a band track of its own under all the others), the net waiting for it goes first,
  and the others are taken as soon as their columns are clear, out of stacking order if need
  be (two more crossings each, never a column conflict).
* Of two queue heads that may go, the one whose Z can go lower is placed first, so the two
  stacks interleave instead of one piling up on the other.

When nets are left for want of room, the bundle is planned again: deadlocks broken at the
net most others wait for, and a net with no legal Z or dogleg moving the Z routes in the way
of one of its Z routes (as a jog does) or, on a dense bus, taking a dogleg whose first leg
runs above the band (there the routes moved may take such a dogleg too); the plan that
leaves fewest nets is kept. Nets that
cannot be planned (no legal track or jog left) are handed back, with the reason, to the
general negotiated search.

Example:
    >>> order_tracks([(0, 30), (10, 20), (20, 0)])  # (source u, target w) per net
    [1, 0, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.astar_kernel import bend_type
from routing.claims import bends_of, legal_crossing, path_claims, self_conflicts
from routing.grid import RoutingGrid
from routing.search import (
    BEND_KIND,
    H_KIND,
    V_KIND,
    Found,
    Occupancy,
    SearchParams,
    _Geometry,
    _geometry,
)
from routing.sjog import jog_nodes

# an S-jog the planner cannot place may move this many placed Z routes out of its way,
# and try this many sets of them (``place_moving_others``)
MAX_MOVED = 3
MAX_MOVE_TRIES = 8
# a dogleg whose first leg runs above the bottom band tries this many second tracks for each
HIGH_TRIES = 4


def order_tracks(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Bottom-to-top track order of Z routes that adds no crossing beyond the inversions.

    ``spans[i]`` = (source position, target position) of net ``i`` along the rows. Rightward
    nets are stacked with the larger source lower, leftward ones with the smaller source
    lower; the two stacks (and straight nets, which have no track) interleave freely, so this
    returns straight nets first (placed before any track), then rightward, then leftward
    nets, each in stacking order.
    """
    right = sorted((i for i, (u, w) in enumerate(spans) if w > u), key=lambda i: -spans[i][0])
    left = sorted((i for i, (u, w) in enumerate(spans) if w < u), key=lambda i: spans[i][0])
    straight = [i for i, (u, w) in enumerate(spans) if w == u]
    return straight + right + left


def count_inversions(spans: Sequence[tuple[int, int]]) -> int:
    """Pairs of nets whose order along the target row is the reverse of their order along the
    source row (each pair must cross once inside the channel), in O(n log n).

    Example:
        >>> count_inversions([(0, 2), (1, 0), (2, 1)])
        2
    """
    order = [w for _u, w in sorted(spans)]

    def sort(a: list[int]) -> tuple[list[int], int]:
        if len(a) < 2:
            return a, 0
        m = len(a) // 2
        left, x = sort(a[:m])
        right, y = sort(a[m:])
        out, inv, i, j = [], x + y, 0, 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                inv += len(left) - i
                j += 1
        return out + left[i:] + right[j:], inv

    return sort(order)[1]


@dataclass
class ChannelPlan:
    """Planned paths (grid vertices) and the nets left to the general router, with reasons."""

    paths: dict[str, Found] = field(default_factory=dict)
    left_over: dict[str, str] = field(default_factory=dict)
    tracks_used: int = 0
    inversions: int = 0  # pairs in crossed order: no route inside the channel avoids them
    shortfall: str = ""  # why Z routes cannot hold the bundle, when the plan fell short


# frame maps: port-facing direction of the sources -> (node (ix, iy) -> (u, v)) and back
def _to_frame(d: int, ix: int, iy: int) -> tuple[int, int]:
    return [(-iy, ix), (ix, iy), (iy, -ix), (-ix, -iy)][d]


def _from_frame(d: int, u: int, v: int) -> tuple[int, int]:
    return [(v, -u), (u, v), (-v, u), (-u, -v)][d]


class _Placer:
    """Tentative commits against an occupancy: legal-or-undo, one path at a time."""

    def __init__(self, grid: RoutingGrid, prm: SearchParams, occ: Occupancy) -> None:
        self.grid, self.prm, self.occ = grid, prm, occ
        self.why = ""  # why the last try_place failed, for the report
        self._own_mark: np.ndarray | None = None  # scratch: the net's own stub nodes
        # net -> (path, claimed nodes, kinds, bends) of what try_place committed
        self.placed: dict[str, tuple[Found, np.ndarray, np.ndarray, list]] = {}
        # who claims each node (two nets where straights cross), as indices into
        # ``_ids``: ``blockers`` looks its nets up here (a test of each placed net's nodes
        # took most of a plan that moves routes out of the way)
        self._owner: np.ndarray | None = None
        self._ids: dict[str, int] = {}
        self._names: list[str] = []

    def try_place(self, name: str, found: Found, own: np.ndarray) -> bool:
        """Commit ``found`` if it is legal against everything placed; else leave no trace."""
        grid, occ = self.grid, self.occ
        self.why, nodes, kinds = self._off_limits(found, own)
        if self.why:
            return False
        used = occ.occ[nodes] > 0
        if used.any() and self._overlapped(nodes[used], kinds[used]).size:
            self.why = "overlaps another route"
            return False
        bends = bends_of(grid, found.vertices)
        if any(occ.clash[bend_type(din, dout), c] for c, din, dout in bends):
            self.why = "a bend comes too close to another bend"
            return False
        # the nodes first: the crossings are judged on them (the bends' clash counts, costly
        # to add and take back, play no part there); the cheaper tests first, as most tries
        # of a crowded channel fail on a crossing
        occ.commit(name, nodes, kinds, [], +1)
        if used.any() and not all(legal_crossing(occ, grid, self.prm, int(q)) for q in nodes[used]):
            occ.commit(name, nodes, kinds, [], -1)
            self.why = "a crossing would sit on a bend or too close to another crossing"
            return False
        if self_conflicts(grid, self.prm, found):
            occ.commit(name, nodes, kinds, [], -1)
            self.why = "it would run over itself"
            return False
        self.why = ""
        occ.commit(name, nodes[:0], kinds[:0], bends, +1)
        self.placed[name] = (found, nodes, kinds, bends)
        self._own(name, nodes)
        return True

    def remove(self, name: str) -> tuple[Found, np.ndarray, np.ndarray, list]:
        """Take a placed net out of the occupancy again; returns what ``restore`` needs."""
        entry = self.placed.pop(name)
        _found, nodes, kinds, bends = entry
        self.occ.commit(name, nodes, kinds, bends, -1)
        owner, i = self._owners(), self._ids[name]
        for row in owner:
            row[nodes[row[nodes] == i]] = -1
        return entry

    def restore(self, name: str, entry: tuple[Found, np.ndarray, np.ndarray, list]) -> None:
        """Put back what ``remove`` took out (legal as before when everything else is)."""
        _found, nodes, kinds, bends = entry
        self.occ.commit(name, nodes, kinds, bends, +1)
        self.placed[name] = entry
        self._own(name, nodes)

    def _owners(self) -> np.ndarray:
        if self._owner is None:
            self._owner = np.full((2, self.grid.size), -1, np.int32)
        return self._owner

    def _own(self, name: str, nodes: np.ndarray) -> None:
        """Record ``name`` as a claimant of ``nodes`` (the second where one is already)."""
        if name not in self._ids:
            self._ids[name] = len(self._names)
            self._names.append(name)
        owner, i = self._owners(), self._ids[name]
        first = owner[0, nodes] == -1
        owner[0, nodes[first]] = i
        owner[1, nodes[~first]] = i

    def _overlapped(self, nodes: np.ndarray, kinds: np.ndarray) -> np.ndarray:
        """The nodes of ``nodes`` (claimed as ``kinds``) that overlap a placed route other
        than where a straight crosses a straight."""
        occ = self.occ
        used = occ.occ[nodes] > 0
        un, uk = nodes[used], kinds[used]
        bad = ((uk == BEND_KIND) | (occ.occ[un] != 1) | ((uk == H_KIND) & (occ.occ_v[un] != 1))
               | ((uk == V_KIND) & (occ.occ_h[un] != 1)))
        return un[bad]

    def blockers(self, found: Found, own: np.ndarray) -> list[str] | None:
        """The placed nets ``found`` overlaps other than by crossing a straight (sorted);
        None if it runs into a cell or leaves the routing area."""
        why, nodes, kinds = self._off_limits(found, own)
        if why:
            return None
        bad = self._overlapped(nodes, kinds)
        if not bad.size:
            return []
        ids = np.unique(self._owners()[:, bad])
        return sorted(self._names[i] for i in ids[ids >= 0])

    def overlaps(self, found: Found, own: np.ndarray) -> bool:
        """Would ``found`` (possibly part of a path) run into a cell or over a placed route
        other than by crossing a straight? If so, ``try_place`` fails for every path that
        contains this part (the whole claims what the part does there, or a bend where the
        part has a straight), so the tries through it can be skipped. Commits nothing."""
        why, nodes, kinds = self._off_limits(found, own)
        return bool(why) or bool(self._overlapped(nodes, kinds).size)

    def clear_of_cells(self, found: Found, own: np.ndarray) -> bool:
        """True if ``found`` (possibly a partial path) touches no wall but its own stubs."""
        return not self._off_limits(found, own)[0]

    def _off_limits(self, found: Found, own: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
        """Why ``found`` may not go where it goes ("" if it may), with its claimed nodes."""
        empty = np.zeros(0, np.int64)
        if min(found.vertices) < 0:
            return "leaves the routing area", empty, empty
        nodes, kinds = path_claims(self.grid, self.prm, found)
        if nodes.size and (nodes.min() < 0 or nodes.max() >= self.grid.size):
            return "leaves the routing area", nodes, kinds
        walled = self.grid.wall[nodes]
        if walled.any() and not self._all_own(nodes[walled], own):
            return "runs into a cell", nodes, kinds
        return "", nodes, kinds

    def _all_own(self, nodes: np.ndarray, own: np.ndarray) -> bool:
        """``np.isin(nodes, own).all()`` by marking ``own`` on a scratch array (isin sorts
        both every call: most of the planner's wall checks on row-to-bank 64)."""
        if self._own_mark is None:
            self._own_mark = np.zeros(self.grid.size, bool)
        mark = self._own_mark
        mark[own] = True
        ok = bool(mark[nodes].all())
        mark[own] = False
        return ok


def plan_bundle_with_crossings(
    grid: RoutingGrid,
    prm: SearchParams,
    occ: Occupancy,
    nets: Sequence[tuple[str, int, int, int, int, np.ndarray]],
    progress: Callable[[int, int], None] | None = None,
) -> ChannelPlan:
    """Plan one bundle as Z routes on stacked tracks (see the module docstring).

    Args:
        grid: routing grid with obstacles and every net's reserved port stubs as walls.
        prm: search parameters (bend radius, crossing size, spacing).
        occ: occupancy the planned paths are committed into (and checked against).
        nets: (name, source node, source facing dir, target node, target facing dir,
            reserved stub nodes of this net).
        progress: called as ``progress(nets_done, nets)`` after each net.

    Returns:
        ``ChannelPlan``: committed paths and the nets handed back with reasons.
    """
    plan, placer = _plan_bundle(grid, prm, occ, nets, progress, unblock_first=False,
                                move_z=False)
    # nets left for want of room: plan again, keeping the plan that leaves fewest, with
    # (1) each deadlock of waiting nets broken at the net most others wait for (the queue
    # head breaks it first: rows 8 shifted 30 um plan 22 crossings so, 26 the other way);
    # (2) a net with no legal Z moving the Z routes in its way, or on a dense bus taking a
    # dogleg above the band; (3) both; (4) moves, the nets the best plan left taken first.
    # Nets left over 150 half-shuffled 50 um buses: 21 in 9 problems -> 6 in 5 with (1);
    # over 103 others: 11 in 11 with (1) -> 7 with the moves -> 3 with the high doglegs ->
    # 2 with (4). Row-to-bank 64 at 20 um/net: 11 nets left -> 8 with (4), its whole route
    # 44 s -> 23 s. (Moves in the first plan itself left it 11 nets, other ones, whose
    # search took 5x longer: the first plan stays the plain one)
    for unblock_first, move_z, pull in ((True, False, False), (False, True, False),
                                        (True, True, False), (False, True, True)):
        if not any(why.startswith(_NO_ROOM) for why in plan.left_over.values()):
            break
        early = frozenset(plan.left_over) if pull else frozenset()
        kept = {n: placer.remove(n) for n in list(placer.placed)}
        again, placer_again = _plan_bundle(grid, prm, occ, nets, None,
                                           unblock_first=unblock_first, move_z=move_z,
                                           early=early)
        if len(again.left_over) < len(plan.left_over):
            plan, placer = again, placer_again
            continue
        for n in list(placer_again.placed):
            placer_again.remove(n)
        for n, entry in kept.items():
            placer.restore(n, entry)
    return plan


# reasons of left-over nets that another placement order may plan
_NO_ROOM = ("bundle: no legal track", "bundle: lateral offset")


def _plan_bundle(
    grid: RoutingGrid,
    prm: SearchParams,
    occ: Occupancy,
    nets: Sequence[tuple[str, int, int, int, int, np.ndarray]],
    progress: Callable[[int, int], None] | None,
    *,
    unblock_first: bool,
    move_z: bool,
    early: frozenset[str] = frozenset(),
) -> tuple[ChannelPlan, _Placer]:
    """``plan_bundle_with_crossings`` once, and its placer (what it committed). With
    ``unblock_first`` a deadlock of nets waiting for each other's columns is broken at the
    net the most others wait for, else at a queue head; with ``move_z`` a net with no legal
    Z route or dogleg moves up to ``MAX_MOVED`` placed Z routes out of the way of one (or on
    a dense bus takes a dogleg above the band); the nets of ``early`` are taken first."""
    plan = ChannelPlan()
    placer = _Placer(grid, prm, occ)
    if not nets:
        return plan, placer
    g = _geometry(grid, prm)
    d0 = nets[0][2]
    ends: dict[str, tuple[int, int, int, int, np.ndarray]] = {}
    for name, s, sd, t, td, own in nets:
        if sd == (td + 2) % 4 and td == d0:  # listed target-first: flip
            s, sd, t, td = t, td, s, sd
        if not (sd == d0 and td == (d0 + 2) % 4):
            plan.left_over[name] = "bundle: ports do not face each other across one channel"
            continue
        ends[name] = (s, t, sd, td, own)
    if not ends:
        return plan, placer
    frame = {}
    for name, (s, t, _sd, _td, _own) in ends.items():
        su, sv = _to_frame(d0, *reversed(divmod(s, grid.nx)))
        tu, tv = _to_frame(d0, *reversed(divmod(t, grid.nx)))
        frame[name] = (su, sv, tu, tv)
    top_of_sources = max(f[1] for f in frame.values())
    if top_of_sources >= min(f[3] for f in frame.values()):
        for name in ends:
            plan.left_over[name] = "bundle: sources and targets overlap along the channel"
        return plan, placer

    def node(u: int, v: int) -> int:
        ix, iy = _from_frame(d0, u, v)
        if not (0 <= ix < grid.nx and 0 <= iy < grid.ny):
            return -1  # off the grid: try_place rejects it
        return iy * grid.nx + ix

    names = sorted(ends)
    spans = {n: (frame[n][0], frame[n][2]) for n in names}
    # a net may not go up a column that another net comes down into before that net has
    # left it: ``waits_for[j]`` is the net whose source column is j's target column
    by_source_col = {spans[n][0]: n for n in names}
    waits_for = {n: by_source_col.get(spans[n][1]) for n in names}
    # nor come down a column another net's bend sweeps before that net has turned there
    # (and a net going up such a column leaves it first): ``swept_by[j]``
    swept_by = _swept_columns(spans, g.k_start, g.k_turn)
    columns = sorted({u for n in names for u in spans[n]})
    # lowest track: the first row clear of cells across the bundle, one radius above ports
    umin, umax = columns[0], columns[-1]
    lo_all = max(f[1] for f in frame.values()) + g.k_start
    top = min(f[3] for f in frame.values())
    row = np.arange(umin, umax + 1)
    while lo_all < top and grid.wall[_frame_nodes(d0, grid, row, lo_all)].any():
        lo_all += 1
    # tracks that later nets may have to cross sit a crossing cell apart
    plan.inversions = count_inversions([spans[n] for n in names])
    crossing = plan.inversions > 0
    track_pitch = g.gap + 1 if crossing else 1
    band = g.k_turn  # bottom tracks kept for the first leg of doglegs
    gaps = np.diff(columns)
    # two radii: a dogleg between columns fits its two bends. (Adding two crossing arms, as
    # before, called 120 um columns dense and broke their cycles beside the bus: 2 of the
    # 120 orders of 5 nets took 8 crossings where 6 are the bound and the doglegs between
    # columns give 6, all signed off clean)
    dense = bool(gaps.size and gaps.min() < 2 * g.k_turn)
    # nets exempt from waiting for their target column: one per cycle of waiting nets
    exempt: set[str] = set()
    if dense:
        # no dogleg fits between the columns of a dense bus: each cycle of nets waiting for
        # each other's columns is broken once, by a dogleg beside the bus (its first leg
        # crosses many columns: one track of the band each) of the member whose source is
        # nearest a bus end; the net waiting for that one goes first
        for cyc in _cycles(waits_for):
            x = min(cyc, key=lambda n: (min(spans[n][0] - umin, umax - spans[n][0]), n))
            exempt.update(n for n in cyc if waits_for[n] == x)
            band += track_pitch
    track = lo_all + band
    placed: set[str] = set()

    # along-track and across-track claim kinds in the grid (the frame's u axis is the
    # grid's x when the sources face north or south)
    track_kind = H_KIND if d0 in (1, 3) else V_KIND
    occ_along = occ.occ_h if track_kind == H_KIND else occ.occ_v
    occ_across = occ.occ_v if track_kind == H_KIND else occ.occ_h

    def free_rows(u0: int, u1: int, vs: range) -> np.ndarray:
        """For each track ``v`` of ``vs``: may a straight along it from ``u0`` to ``u1``
        pass (nodes empty or crossed by one perpendicular straight)? A necessary condition
        of ``try_place``, for all tracks at once: the tries that cannot succeed are skipped."""
        if not len(vs):
            return np.zeros(0, bool)
        us = np.arange(min(u0, u1), max(u0, u1) + 1)
        ix, iy = _frame_xy(d0, us[None, :], np.asarray(vs)[:, None])
        nodes = iy * grid.nx + ix  # one row of nodes per track, broadcast
        n = occ.occ[nodes]
        return ((n == 0) | ((n == 1) & (occ_across[nodes] == 1))).all(axis=1)

    def free_leg(u: int, v0: int, v1: int) -> np.ndarray:
        """For each v in v0..v1: is column ``u`` passable at (u, v) for a straight across
        the tracks (empty, or one straight along a track)?"""
        vs = np.arange(v0, v1 + 1)
        nodes = _frame_nodes_v(d0, grid, u, vs)
        n = occ.occ[nodes]
        return (n == 0) | ((n == 1) & (occ_along[nodes] == 1))

    def z_candidates(su: int, sv: int, tu: int, tv: int, v_lo: int, v_hi: int) -> list[int]:
        """Tracks between ``v_lo`` and ``v_hi`` whose legs and track are not blocked."""
        if v_hi < v_lo:
            return []
        up = free_leg(su, sv + 1, v_hi)  # the source leg, v = sv+1 .. v_hi
        blocked = np.nonzero(~up)[0]
        top_ok = sv + blocked[0] if blocked.size else v_hi  # highest v the leg reaches
        down = free_leg(tu, v_lo, tv - 1)
        blocked = np.nonzero(~down)[0]
        low_ok = v_lo + blocked[-1] + 1 if blocked.size else v_lo
        lo, hi = max(v_lo, low_ok), min(v_hi, top_ok)
        if hi < lo:
            return []
        vs = range(lo, hi + 1)
        return [v for v, ok in zip(vs, free_rows(su, tu, vs), strict=True) if ok]

    def free_first_legs(su: int, sv: int, c: int, v1s: range) -> list[int]:
        """The tracks ``v1`` of ``v1s`` where a dogleg's first leg (up column ``su`` to
        track ``v1``, along it to column ``c``) may pass the placed routes. The straight
        parts only (a bend's arc misses its corner node), so a necessary condition of
        ``try_place``: the tries through a blocked first leg are skipped, the paths found
        stay the same."""
        if not len(v1s):
            return []
        up = free_leg(su, sv + 1, v1s[-1] - g.k_start)
        blocked = np.nonzero(~up)[0]
        reach = sv + blocked[0] if blocked.size else v1s[-1]  # the column's last free v
        ok = range(v1s[0], min(v1s[-1], reach + g.k_start) + 1)  # the leg reaches these
        step = 1 if c > su else -1
        u0, u1 = su + step * g.k_start, c - step * g.k_start
        if (u1 - u0) * step < 0:
            return list(ok)
        return [v1 for v1, free in zip(ok, free_rows(u0, u1, ok), strict=True) if free]

    def second_tracks(c: int, tu: int, tv: int, v_min: int,
                      v_hi: int) -> Callable[[int, int], list[int]]:
        """``lambda v1, v_lo: z_candidates(c, v1, tu, tv, v_lo, v_hi)`` for first tracks
        ``v1 >= v_min - 1``, with the columns and rows looked up once for all of them."""
        if v_hi < v_min:
            return lambda _v1, _v_lo: []
        vs = np.arange(v_min, v_hi + 1)
        up_blocked = vs[~free_leg(c, v_min, v_hi)]
        down = np.arange(v_min, tv)
        down_blocked = down[~free_leg(tu, v_min, tv - 1)] if down.size else down
        last_down = int(down_blocked[-1]) if down_blocked.size else v_min - 1
        rows_ok = free_rows(c, tu, range(v_min, v_hi + 1))

        def tracks(v1: int, v_lo: int) -> list[int]:
            i = int(np.searchsorted(up_blocked, v1 + 1))
            top_ok = int(up_blocked[i]) - 1 if i < up_blocked.size else v_hi
            lo = max(v_lo, last_down + 1) if last_down >= v_lo else v_lo
            hi = min(v_hi, top_ok)
            return [v for v in range(lo, hi + 1) if rows_ok[v - v_min]]

        return tracks

    def place_z(name: str, v_from: int) -> bool:
        su, sv, tu, tv = frame[name]
        s, t, _sd, _td, own = ends[name]
        for v in z_candidates(su, sv, tu, tv, max(v_from, sv + g.k_start), tv - g.k_start):
            found = Found([s, node(su, v), node(tu, v), t], [], 0.0, 0)
            if placer.try_place(name, found, own):
                plan.paths[name] = found
                return True
        return False

    def place_dogleg(name: str, v_from: int, high: bool = False) -> bool:
        """First leg on a bottom-band track to a free column ``c`` beside the source, then a
        Z from ``c``: leaves the source column before any net comes down into it. With
        ``high``, the first leg on a track above the band instead (see ``dogleg_via``)."""
        return any(dogleg_via(name, c, v_from, high) for c in dogleg_columns(name))

    def place_high_dogleg(name: str) -> bool:
        """On a dense bus only: a dogleg whose first leg runs above the band (the retry
        plans' way out for a net, or a moved route, with no Z left)."""
        return dense and place_dogleg(name, track, high=True)

    def dogleg_columns(name: str) -> Iterator[int]:
        """Columns for a dogleg's middle leg: the middle of the gap beside the source first
        (beside it when a neighbour's dogleg took it: the nets of two neighbouring columns
        both dogleg into the gap between them), then beside the bus."""
        su, _sv, tu, _tv = frame[name]
        step = 1 if tu > su else -1
        nxt = [u for u in columns if (u - su) * step > 0]
        near = min(nxt, key=lambda u: abs(u - su)) if nxt else su + step * 2 * g.k_turn
        mid = (su + near) // 2 if abs(near - su) >= 2 * g.k_turn else su + step * g.k_turn
        for k in (0, 1, -1, 2, -2):
            c = mid + k * track_pitch
            if abs(c - su) < g.k_turn or (c != tu and abs(tu - c) < g.k_turn):
                continue
            if (c - near) * step > -g.k_turn and near != tu:
                continue  # too close to the next column's own legs
            yield c
        # no column between the ports has room for the dogleg's bends (always so on a dense
        # bus, pitch below two radii): its middle leg goes up beside the bus instead
        yield from beside_bus(name)

    def beside_bus(name: str) -> Iterator[int]:
        """Columns beside the bus for a dogleg's middle leg (its two legs cross the columns
        between: more crossings, legal). The side whose first leg passes the fewest sources
        of nets still to place first (it crosses their columns low, where their own first
        bends and jogs go: 22 -> 21 nets left over 150 half-shuffled 50 um buses), then
        the nearer end."""
        su = frame[name][0]
        to_place = [spans[n][0] for n in names if n != name and n not in placed
                    and n not in plan.left_over]

        def passed(sd: int) -> int:
            lo_u, hi_u = sorted((su, umin if sd < 0 else umax))
            return sum(1 for u in to_place if lo_u <= u <= hi_u)

        for sd in sorted((-1, 1), key=lambda sd: (passed(sd),
                                                  abs(su - (umin if sd < 0 else umax)))):
            edge = umin if sd < 0 else umax
            # a bend's arc must clear the legs it passes by a crossing's arm: columns
            # ``k_cross`` apart (bends of neighbouring doglegs never overlap)
            for k in range(1, 5):
                c = edge + sd * k * g.k_cross
                if abs(c - su) >= g.k_turn:  # else the first leg's two bends would overlap
                    yield c

    def dogleg_via(name: str, c: int, v_from: int, high: bool = False) -> bool:
        """A dogleg of ``name`` whose middle leg goes up column ``c``: its first leg on a
        track of the bottom band, or with ``high`` on a track above it, trying only the
        lowest ``HIGH_TRIES`` second tracks of each first leg there (the tries grow as the
        square of the channel). A dense bus needs that: the doglegs of its cycles round the
        bus's ends fill the band, and a net whose first bend sweeps a column another net
        comes up, and whose target column that net's first bend sweeps, has no Z (rows of
        32 shifted 20 um). Elsewhere the band holds short doglegs between columns, and
        row-to-bank 64 at 20 um/net, which high doglegs leave 7 nets of the plan instead of
        11, took the search of those 7 twice as long."""
        su, sv, tu, tv = frame[name]
        s, t, _sd, _td, own = ends[name]
        # the top bend and run of each height, judged once for all first legs (a part
        # claims what the whole does there: a necessary condition, the paths stay the same)
        top_blocked: dict[int, bool] = {}
        v1s = (range(lo_all + band, tv - 2 * g.k_turn) if high
               else range(max(lo_all, sv + g.k_start), lo_all + band))
        # every dogleg through a blocked first leg would overlap a route
        firsts = free_first_legs(su, sv, c, v1s)
        if c != tu and firsts:
            seconds = second_tracks(c, tu, tv, firsts[0] + 1, tv - g.k_start)
        for v1 in firsts:
            leg = [s, node(su, v1), node(c, v1), node(c, v1 + g.k_turn)]
            if placer.overlaps(Found(leg, [], 0.0, 0), own):
                continue
            if c == tu:
                verts = [s, node(su, v1), node(c, v1), t]
                if placer.try_place(name, Found(verts, [], 0.0, 0), own):
                    plan.paths[name] = Found(verts, [], 0.0, 0)
                    return True
                continue
            second = seconds(v1, max(v_from, v1 + g.k_turn))
            for v in second[:HIGH_TRIES] if high else second:
                if v not in top_blocked:
                    top = Found([node(c, v - g.k_start), node(c, v), node(tu, v), t], [], 0.0, 0)
                    top_blocked[v] = placer.overlaps(top, own)
                if top_blocked[v]:
                    continue
                verts = [s, node(su, v1), node(c, v1), node(c, v), node(tu, v), t]
                if placer.try_place(name, Found(verts, [], 0.0, 0), own):
                    plan.paths[name] = Found(verts, [], 0.0, 0)
                    return True
        return False

    def place_jog(name: str) -> bool:
        """An S-bend from the source column to the target column at the lowest height where
        it is legal (it crosses nothing: tracks must pass above or below it)."""
        own = ends[name][4]
        for found in jog_paths(name):
            if placer.try_place(name, found, own):
                plan.paths[name] = found
                return True
        return False

    def place_track(name: str) -> bool:
        """A Z route (or a dogleg) for a net whose offset takes two bends; records its
        track."""
        lo = floor_of(name)
        # when the stacking order leaves no track, any legal track below it will do: two
        # more crossings with each net it passes in the wrong order, but still a Z route in
        # the channel, where the search would wander across the whole die
        # a placed net already comes down this net's source column: only a dogleg can leave
        column_taken = any(waits_for[j] == name for j in placed if j != name)
        if (any(not column_taken and place_z(name, v) for v in dict.fromkeys((lo, track)))
                or any(place_dogleg(name, v) for v in dict.fromkeys((lo, track)))):
            track_of[name] = _frame_v(d0, grid, plan.paths[name].vertices[-2])
            return True
        return False

    def place_moving_others(name: str, paths: Sequence[Found]) -> bool:
        """The first of ``paths`` (routes of ``name``, preferred first) that becomes legal
        when up to ``MAX_MOVED`` placed Z routes in its way are taken out and placed again
        elsewhere (``place_track``); all or nothing, at most ``MAX_MOVE_TRIES`` sets of
        routes moved. The planner takes nets in stacking order, so an early net's route
        often passes just where a later one must jog: on a 50 um bus with the targets
        shifted 30 um, a neighbour's bend sweeps a short net's source column, which then
        has no way up. A Z route moves others in the retry plans only (``move_z``): in
        every plan it cost row-to-bank 64 at 20 um/net 168 more crossings and 3x the time,
        for 2 more of 150 shifted buses planned. There, on a dense bus, a moved route that
        finds no track may take a dogleg above the band: two nets that each come up a
        radius from the other's port sweep a column of the other's at every pair of
        heights as Z routes (rows of 48 shifted 30 um, seed 7)."""
        own = ends[name][4]
        tried: set[tuple[str, ...]] = set()
        for found in paths:
            if len(tried) >= MAX_MOVE_TRIES:
                return False
            blocking = placer.blockers(found, own)
            if blocking is None:
                continue
            movers = tuple(blocking)
            if (not movers or len(movers) > MAX_MOVED or movers in tried
                    or any(m not in track_of for m in movers)):
                continue  # only Z routes move (a straight or a jog has nowhere else)
            tried.add(movers)
            was = {m: (placer.remove(m), track_of.pop(m)) for m in movers}
            for m in movers:
                del plan.paths[m]
            again: list[str] = []
            if placer.try_place(name, found, own):
                plan.paths[name] = found
                for m in movers:
                    if not (place_track(m) or (move_z and place_high_dogleg(m))):
                        break
                    again.append(m)
                else:
                    return True
                placer.remove(name)
                del plan.paths[name]
            for m in again:  # undo: the earlier routes back, as they were
                placer.remove(m)
                del plan.paths[m]
                track_of.pop(m, None)  # a high dogleg has no track
            for m, (entry, v_m) in was.items():
                placer.restore(m, entry)
                plan.paths[m], track_of[m] = entry[0], v_m
        return False

    def jog_paths(name: str) -> list[Found]:
        """S-jogs of ``name`` from the lowest height up (above the bottom band, which the
        doglegs' first legs cross the columns in)."""
        su, sv, tu, tv = frame[name]
        s, t, _sd, _td, _own = ends[name]
        lk = jog_nodes(lateral_nodes=tu - su, pitch_um=grid.pitch_um,
                       radius_um=prm.radius_um, cross_section=prm.cross_section)
        return [Found([s, node(su, v), node(tu, v + lk), t], [], 0.0, 0)
                for v in range(max(track, sv + 1), tv - lk)]

    def z_paths(name: str) -> list[Found]:
        """Z routes of ``name`` on every track its legs reach, from the lowest its
        stacking order allows up, then those below."""
        su, sv, tu, tv = frame[name]
        s, t, _sd, _td, _own = ends[name]
        lo, hi = sv + g.k_start, tv - g.k_start
        floor = min(max(floor_of(name), lo), hi + 1)
        return [Found([s, node(su, v), node(tu, v), t], [], 0.0, 0)
                for v in [*range(floor, hi + 1), *range(lo, floor)]]

    def place_detour(name: str, v_from: int) -> bool:
        """A dogleg for a net whose offset is below two radii: its first leg goes to a
        column at least two radii from both ports, past the target or back behind the
        source, then a Z from there. Two neighbours that swap (both offsets small, one
        S-jog would cross the other's) need it: one jogs, the other goes round."""
        su, _sv, tu, _tv = frame[name]
        step = 1 if tu > su else -1
        # nearest first, out to one radius beyond the nearest column that fits
        past = [tu + step * (g.k_turn + k) for k in range(g.k_turn)]
        behind = [su - step * (g.k_turn + k) for k in range(g.k_turn)]
        cols = [c for pair in zip(past, behind, strict=True) for c in pair]
        if any(dogleg_via(name, c, v_from) for c in cols if umin - 2 * g.k_turn
               <= c <= umax + 2 * g.k_turn):
            return True
        # between straight neighbours 50 um apart no column fits (a bend sweeps a radius
        # of columns, and a crossing sits 45 um from a bend): round the bus's end instead
        return any(dogleg_via(name, c, v_from) for c in beside_bus(name))

    order = order_tracks([spans[n] for n in names])
    straight = [names[i] for i in order if spans[names[i]][0] == spans[names[i]][1]]
    right = [names[i] for i in order if spans[names[i]][1] > spans[names[i]][0]]
    left = [names[i] for i in order if spans[names[i]][1] < spans[names[i]][0]]
    for name in straight:
        s, t, _sd, _td, own = ends[name]
        if placer.try_place(name, Found([s, t], [], 0.0, 0), own):
            plan.paths[name] = Found([s, t], [], 0.0, 0)
            placed.add(name)
        else:
            plan.left_over[name] = "bundle: straight path blocked; routed by search"
    queues = [right, left]
    stack_of = {n: 0 for n in right} | {n: 1 for n in left}
    track_of: dict[str, int] = {}

    def floor_of(name: str) -> int:
        """Lowest track the stacking order allows: above each placed net of the same stack
        whose span overlaps this one's (left-edge channel routing: nets with disjoint spans
        share a track; an inverted pair crosses once whatever its order, and a rightward
        and a leftward net that overlap are always inverted, so only the non-inverted
        overlapping pairs of a stack are ordered)."""
        (u, w) = spans[name]
        a0, a1 = sorted((u, w))
        lo = track
        for j, v in track_of.items():
            (uj, wj) = spans[j]
            b0, b1 = sorted((uj, wj))
            if (stack_of[j] == stack_of[name] and a0 <= b1 and b0 <= a1
                    and (u - uj) * (w - wj) > 0):
                lo = max(lo, v + track_pitch)
        return lo

    def lowest_z(name: str) -> int:
        """The lowest track a Z of ``name`` may take by the pre-check (a large number if
        none): which of two queue heads can go lower."""
        su, sv, tu, tv = frame[name]
        v_lo = max(floor_of(name), sv + g.k_start)
        cands = z_candidates(su, sv, tu, tv, v_lo, tv - g.k_start)
        return cands[0] if cands else grid.size

    def _clear(name: str) -> bool:
        w = waits_for[name]
        return ((w is None or w == name or w in placed or w in plan.left_over
                 or name in exempt)
                and all(a in placed or a in plan.left_over for a in swept_by[name]))

    while right or left:
        # take a queue head whose column is already clear; on a cycle, the right-hand head
        # (on a dense bus, whose cycles are broken beforehand, the first net that is clear:
        # a net out of stacking order costs two crossings, a column conflict a dogleg)
        ready = [q for q in queues if q and _clear(q[0])]
        pulled = [(q, k) for q in queues for k, n in enumerate(q) if n in early]
        if pulled:  # nets an earlier plan left: before whatever took their room
            q, at = pulled[0]
        elif ready:
            # the head that can go lower first: the two stacks interleave (their nets
            # cross once whichever is lower) instead of one piling up on the other
            q, at = min(ready, key=lambda q: lowest_z(q[0])), 0
        else:
            deep = [(q, k) for q in queues for k, n in enumerate(q) if _clear(n)] if dense else []
            q, at = deep[0] if deep else ((right or left), 0)
            if not deep and unblock_first:
                # the net whose placement frees the most waiting nets (its own waits are
                # broken: on the shifted rows of 24, seed 6, a net's last bend swept the
                # source column of the last net, which then had no way up)
                waiting = [n for qq in queues for n in qq]
                frees = {n: sum(1 for m in waiting if m != n
                                and (waits_for[m] == n or n in swept_by[m])) for n in waiting}
                most = max(frees, key=frees.__getitem__)
                if frees[most]:
                    q = right if most in right else left
                    at = q.index(most)
        name = q.pop(at)
        su, _sv, tu, _tv = frame[name]
        if abs(tu - su) < g.k_turn:  # too little offset for two bends: an S-jog
            if place_jog(name):
                placed.add(name)
            else:
                jog_why = placer.why
                if (place_moving_others(name, jog_paths(name))
                        or any(place_detour(name, v)
                               for v in dict.fromkeys((floor_of(name), track)))):
                    placed.add(name)
                else:
                    plan.left_over[name] = (
                        f"bundle: lateral offset {abs(tu - su) * grid.pitch_um:g} um is below "
                        f"two bend radii, no S-jog fits (last try {jog_why}) and no detour "
                        f"round a column two radii away or the bus's end; routed by search")
            if progress is not None:
                progress(len(placed) + len(plan.left_over), len(names))
            continue
        if place_track(name) or (move_z and (place_moving_others(name, z_paths(name))
                                             or place_high_dogleg(name))):
            placed.add(name)
        else:
            plan.left_over[name] = (f"bundle: no legal track left in the channel (last try "
                                    f"{placer.why or 'none: no track clear of cells and legs'}"
                                    f"); routed by search")
        if progress is not None:
            progress(len(placed) + len(plan.left_over), len(names))
    plan.tracks_used = len(placed) - len(straight)
    full = [n for n, why in plan.left_over.items() if why.startswith("bundle: no legal track")]
    if full:  # say why, when the Z routes provably cannot hold the crossings
        z_nets = [n for n in names if abs(spans[n][1] - spans[n][0]) >= g.k_turn]
        rows = {n: _track_rows(grid, d0, frame[n], ends[n][4], g) for n in z_nets}
        why = z_room_shortfall([spans[n] for n in z_nets], [rows[n] for n in z_nets],
                               names=z_nets, k_cross=g.k_cross, pitch_um=grid.pitch_um)
        plan.shortfall = why
        for n in full if why else ():
            plan.left_over[n] = plan.left_over[n].replace(
                "; routed by search", f"; {why}; routed by search")
    return plan, placer


def longest_crossed_chain(spans: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of a largest set of nets that pairwise cross (each pair in inverted order: a
    longest decreasing run of target positions in source order), in O(n log n).

    Example:
        >>> longest_crossed_chain([(0, 3), (1, 0), (2, 2), (3, 1)])
        [0, 2, 3]
    """
    import bisect

    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], -spans[i][1]))
    tails: list[int] = []  # tails[k]: smallest -target ending a chain of k + 1 (as -w rises)
    tail_at: list[int] = []
    back: dict[int, int] = {}
    for i in order:
        key = -spans[i][1]
        k = bisect.bisect_left(tails, key)
        if k:
            back[i] = tail_at[k - 1]
        if k == len(tails):
            tails.append(key)
            tail_at.append(i)
        else:
            tails[k], tail_at[k] = key, i
    chain = [tail_at[-1]] if tail_at else []
    while chain and chain[-1] in back:
        chain.append(back[chain[-1]])
    return sorted(chain, key=lambda i: spans[i][0])


def z_room_shortfall(spans: Sequence[tuple[int, int]], rows: Sequence[np.ndarray], *,
                     names: Sequence[str], k_cross: int, pitch_um: float) -> str:
    """Why one Z route per net cannot hold a bundle's crossings ("" when this bound does
    not show it).

    In Z routes two nets in inverted order cross exactly once, where the track of one
    crosses a leg of the other, at least ``k_cross`` rows from that leg's bend (the bend's
    arc and the crossing cell's straight arms may not meet). So the tracks of a chain of
    nets that pairwise cross lie ``k_cross`` rows apart, and need ``(len - 1) * k_cross``
    rows between the lowest and the highest track; ``rows[i]`` are the rows net ``i``'s
    track may take (inside its own ports' reach, its run clear of cells and others' stubs).

    Example:
        >>> z_room_shortfall([(0, 40), (20, 20), (40, 0)],
        ...                  [np.arange(10, 20)] * 3, names=["a", "b", "c"], k_cross=9,
        ...                  pitch_um=5.0)[:40]
        'nets a, b, c must pairwise cross, each c'
    """
    chain = longest_crossed_chain(spans)
    if len(chain) < 2:
        return ""
    avail = np.concatenate([rows[i] for i in chain])
    need = (len(chain) - 1) * k_cross
    have = int(avail.max() - avail.min()) if avail.size else -1
    if have >= need:
        return ""
    listed = ", ".join(names[i] for i in chain[:6]) + (" ..." if len(chain) > 6 else "")
    return (f"nets {listed} must pairwise cross, each crossing {k_cross * pitch_um:g} um "
            f"from the crossed net's bend, so their tracks need {need * pitch_um:g} um of "
            f"channel; the channel has {max(have, 0) * pitch_um:g} um for them (one track "
            f"each cannot hold them: they need doglegs or detours)")


def _track_rows(grid: RoutingGrid, d0: int, fr: tuple[int, int, int, int], own: np.ndarray,
                g: _Geometry) -> np.ndarray:
    """Rows (frame v) where a Z route of the net with frame ends ``fr`` may run its track:
    one radius above its source and below its target, the run between its bends and both
    bends' arcs clear of walls other than its own stubs (the corner nodes themselves are
    not claimed), as the planner's own check (``_Placer``) demands. The arcs matter where
    a port sits in its cell: a rightward net's first bend sweeps over the cell's top
    corner. Row-to-bank 12 at 20 um of channel per net (79 um between the cell rows): the
    runs alone leave 45 um of track rows, the arcs 40 um, so no crossing fits (one sits
    45 um from the crossed net's bend)."""
    su, sv, tu, tv = fr
    lo, hi = sorted((su, tu))
    us = np.arange(lo + g.k_start, hi - g.k_start + 1)
    vs = np.arange(sv + g.k_start, tv - g.k_start + 1)
    along = (d0 - 1) % 4 if tu > su else (d0 + 1) % 4  # grid direction of the track
    # every row at once (a row per track, as in ``free_rows``): its run, then both arcs
    ix, iy = np.broadcast_arrays(*_frame_xy(d0, us[None, :], vs[:, None]))
    ok = np.all((ix >= 0) & (ix < grid.nx) & (iy >= 0) & (iy < grid.ny), axis=1)
    parts = [np.where(ok[:, None], iy * grid.nx + ix, 0)]
    for u, din, dout in ((su, d0, along), (tu, along, d0)):
        cx, cy = _frame_xy(d0, np.full_like(vs, u), vs)
        dx_lo, dx_hi, dy_lo, dy_hi, delta = g.arcs[din, dout]
        fits = (cx + dx_lo >= 0) & (cx + dx_hi < grid.nx) & (cy + dy_lo >= 0) & (
            cy + dy_hi < grid.ny)  # else the bend leaves the routing area
        ok &= fits
        parts.append(np.where(fits[:, None], (cy * grid.nx + cx)[:, None] + delta[None, :], 0))
    nodes = np.concatenate(parts, axis=1)
    blocked = grid.wall[nodes] & ~np.isin(nodes, own)
    return vs[ok & ~blocked.any(axis=1)].astype(np.int64)


def _swept_columns(spans: Mapping[str, tuple[int, int]], k_start: int, k_turn: int
                   ) -> dict[str, set[str]]:
    """Net -> the nets that must be placed before it because a bend of theirs sweeps a
    column of its own: the first bend of a Z route (from its source column towards its
    target) sweeps ``k_start`` columns, and a net coming down one of them into its target
    must take its track above that turn; the last bend sweeps ``k_start`` columns before
    the target, and a net going up one of them must leave it below. (Targets shifted by up
    to a radius from the sources put a column in every such sweep.)

    Example:
        >>> _swept_columns({"a": (0, 20), "b": (10, 4)}, k_start=6, k_turn=12)
        {'a': set(), 'b': {'a'}}
    """
    by_target: dict[int, list[str]] = {}
    by_source: dict[int, list[str]] = {}
    for n, (u, w) in spans.items():
        by_target.setdefault(w, []).append(n)
        by_source.setdefault(u, []).append(n)
    out: dict[str, set[str]] = {n: set() for n in spans}
    for a, (u, w) in spans.items():
        if abs(w - u) < k_turn:
            continue  # an S-jog: no bend sweeps past its own columns
        step = 1 if w > u else -1
        for k in range(1, k_start + 1):
            for b in by_target.get(u + step * k, ()):
                if b != a:
                    out[b].add(a)  # b comes down into a column a's first bend sweeps
            for b in by_source.get(w - step * k, ()):
                if b != a:
                    out[a].add(b)  # b goes up a column a's last bend sweeps
    return out


def _cycles(waits_for: dict[str, str | None]) -> list[list[str]]:
    """The cycles of the graph net -> the net it waits for (one edge per net at most; a net
    waiting for itself is no cycle), each as its members in walking order.

    Example:
        >>> _cycles({"a": "b", "b": "a", "c": "c", "d": None, "e": "a"})
        [['a', 'b']]
    """
    state: dict[str, int] = {}  # 1 on the current walk, 2 done
    out: list[list[str]] = []
    for start in waits_for:
        walk: list[str] = []
        n: str | None = start
        while n is not None and n not in state:
            state[n] = 1
            walk.append(n)
            nxt = waits_for.get(n)
            n = None if nxt == n else nxt
        if n is not None and state.get(n) == 1:
            out.append(walk[walk.index(n):])
        for w in walk:
            state[w] = 2
    return out


def _frame_xy(d0: int, us: np.ndarray, vs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid (ix, iy) of frame points (us, vs), vectorised ``_from_frame``."""
    return [(vs, -us), (us, vs), (-vs, us), (-us, -vs)][d0]


def _frame_nodes(d0: int, grid: RoutingGrid, us: np.ndarray, v: int) -> np.ndarray:
    """Grid nodes of frame points (us, v)."""
    ix, iy = _frame_xy(d0, us, np.full_like(us, v))
    return iy * grid.nx + ix


def _frame_nodes_v(d0: int, grid: RoutingGrid, u: int, vs: np.ndarray) -> np.ndarray:
    """Grid nodes of frame points (u, vs): one column of the channel."""
    ix, iy = _frame_xy(d0, np.full_like(vs, u), vs)
    return iy * grid.nx + ix


def _frame_v(d0: int, grid: RoutingGrid, node: int) -> int:
    iy, ix = divmod(node, grid.nx)
    return _to_frame(d0, ix, iy)[1]
