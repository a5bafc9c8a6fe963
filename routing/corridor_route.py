"""Detailed routing inside each net's corridor: memory and time follow the routes, not the die.

For a routing area above the router's node budget (``route_nets(max_grid_nodes=...)``) the
track grid is a ``BlockRoutingGrid`` (walls in blocks made on demand) and nets go in two
levels, as production routers do:

1. **Global** (``routing.global_route``): every net's path of g-cells, with edge capacities
   and negotiated congestion, so nets spread over the free channels.
2. **Detailed**, net by net in routing order: waypoints are placed on the global path in the
   middle of straight stretches of g-cells (every ``stride_cells``), each on a free track that
   runs straight through it (the port's track on the first and last stretch, so a straight
   net stays straight). Between consecutive waypoints the compiled A* of ``routing.search``
   runs on a small dense window copied out of the block grid: the g-cells of the global path
   between them plus ``margin_cells`` around. A waypoint is a port for both windows (a free
   straight of one bend radius on each side), so consecutive bends stay two radii apart
   across it. The search runs in ``hard`` mode: committed nets may only be crossed legally
   (a crossing cell), so every net is legal when committed; its pieces are committed at once,
   so later windows see them (a net never meets itself across windows either).

The committed occupancy lives in a ``Board``: per g-cell block small int8 arrays, made when a
route first enters the block. Peak memory is the board's touched blocks plus one window.

Congestion is resolved at the global level first. A net whose window has no legal way is
searched again in a wider window, then in its whole corridor's bounding box at once; a net
still without a way rips up the routed nets in its corridor, goes first, and they follow
(everything is put back if one of them then fails); only then is it reported unrouted, with
the reason. Waypoint tracks are chosen so their straight runs on clear of pins and routes,
and on a net's last stretch only on the target's track or two radii beside it (the two
bends onto it fit), since a lateral step smaller than that has no legal shape in the search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.claims import bends_of, path_claims, self_conflicts
from routing.global_route import GCellGraph, GlobalNet, GlobalParams, global_route
from routing.grid import BlockRoutingGrid, RoutingGrid
from routing.negotiate import NegotiationResult, NetTask
from routing.search import Found, Occupancy, SearchParams, _geometry, astar, clash_offsets


@dataclass
class Board:
    """Committed routes on a block grid: per block (3, b, b) int8 counts of all uses /
    straight along x / straight along y, and the committed bends by block of their corner.
    Blocks are made when a route first enters them.

    Example:
        >>> board = Board(nx=1000, b=50, nbx=20)
        >>> board.commit("n", np.array([5, 6, 7]), np.array([0, 0, 0], np.int8), [], +1)
        >>> board.used(np.array([6, 60])).tolist(), len(board.occ)
        ([True, False], 1)
    """

    nx: int
    b: int
    nbx: int
    occ: dict[int, np.ndarray] = field(default_factory=dict)
    bends: dict[int, list[tuple[int, int, int, str]]] = field(default_factory=dict)

    def _split(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        iy, ix = np.divmod(nodes, self.nx)
        return (iy // self.b) * self.nbx + ix // self.b, iy % self.b, ix % self.b

    def _block(self, k: int) -> np.ndarray:
        arr = self.occ.get(k)
        if arr is None:
            arr = self.occ[k] = np.zeros((3, self.b, self.b), np.int8)
        return arr

    def commit(self, name: str, nodes: np.ndarray, kinds: np.ndarray,
               bends: Sequence[tuple[int, int, int]], sign: int) -> None:
        """Add (``sign`` +1) or remove (-1) a path's claims (global nodes) and bends."""
        from routing.search import H_KIND, V_KIND

        k, ly, lx = self._split(nodes)
        for kk in np.unique(k).tolist():
            sel = k == kk
            arr = self._block(kk)
            np.add.at(arr[0], (ly[sel], lx[sel]), sign)
            for row, kind in ((1, H_KIND), (2, V_KIND)):
                s2 = sel & (kinds == kind)
                np.add.at(arr[row], (ly[s2], lx[s2]), sign)
        for corner, din, dout in bends:
            (kc,), _, _ = self._split(np.array([corner]))
            lst = self.bends.setdefault(int(kc), [])
            if sign > 0:
                lst.append((corner, din, dout, name))
            else:
                lst.remove((corner, din, dout, name))

    def used(self, nodes: np.ndarray) -> np.ndarray:
        """True where a committed route uses a node (global nodes)."""
        k, ly, lx = self._split(nodes)
        out = np.zeros(nodes.shape, bool)
        for kk in np.unique(k).tolist():
            arr = self.occ.get(kk)
            if arr is not None:
                sel = k == kk
                out[sel] = arr[0, ly[sel], lx[sel]] > 0
        return out

    def window(self, ix0: int, ix1: int, iy0: int, iy1: int) -> np.ndarray:
        """(3, iy1 - iy0, ix1 - ix0) int32 copy of the counts of a window (half-open)."""
        out = np.zeros((3, iy1 - iy0, ix1 - ix0), np.int32)
        b = self.b
        for by in range(iy0 // b, (iy1 - 1) // b + 1):
            for bx in range(ix0 // b, (ix1 - 1) // b + 1):
                arr = self.occ.get(by * self.nbx + bx)
                if arr is None:
                    continue
                x0, y0 = bx * b, by * b
                sx0, sx1 = max(ix0, x0), min(ix1, x0 + b)
                sy0, sy1 = max(iy0, y0), min(iy1, y0 + b)
                out[:, sy0 - iy0:sy1 - iy0, sx0 - ix0:sx1 - ix0] = arr[
                    :, sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0]
        return out

    def crossing_nodes(self) -> list[int]:
        """Nodes used by exactly two routes, one straight along x and one along y: where
        the search crossed a committed net (hard mode crosses only legally)."""
        out: list[np.ndarray] = []
        for k, arr in self.occ.items():
            ly, lx = np.nonzero((arr[0] == 2) & (arr[1] == 1) & (arr[2] == 1))
            if ly.size:
                by, bx = divmod(k, self.nbx)
                out.append((by * self.b + ly) * self.nx + bx * self.b + lx)
        return sorted(np.concatenate(out).tolist()) if out else []

    def bends_in(self, ix0: int, ix1: int, iy0: int, iy1: int
                 ) -> list[tuple[int, int, int, str]]:
        """Committed bends whose corners lie in the window (global corner nodes)."""
        b, out = self.b, []
        for by in range(iy0 // b, (iy1 - 1) // b + 1):
            for bx in range(ix0 // b, (ix1 - 1) // b + 1):
                for e in self.bends.get(by * self.nbx + bx, ()):
                    iy, ix = divmod(e[0], self.nx)
                    if ix0 <= ix < ix1 and iy0 <= iy < iy1:
                        out.append(e)
        return out


@dataclass(frozen=True)
class CorridorParams:
    """Detailed routing in corridors.

    Attributes:
        stride_cells: g-cells between waypoints along a straight stretch (window length).
        margin_cells: g-cells around the global path a window includes; ``retry_margin_cells``
            on the second try of a window that found no legal path.
        tracks_per_net: free tracks a net takes from a g-cell edge's capacity.
        max_window_nodes: largest window (nodes) searched at once: a net whose corridor's
            bounding box is smaller is searched in it without waypoints (and a net whose
            windows failed, in the box with the wider margin).
        max_victims: most routed nets a failed net may rip up in its corridor's box (they
            are routed again after it; all is put back if one of them then fails).
        global_params: the global router's congestion schedule.
    """

    stride_cells: int = 6
    margin_cells: int = 1
    retry_margin_cells: int = 3
    tracks_per_net: int = 2
    max_window_nodes: int = 1_000_000
    max_victims: int = 12
    global_params: GlobalParams = field(default_factory=GlobalParams)


@dataclass
class _Waypoint:
    node: int  # global node
    heading: int  # the way the route runs through it
    state: int  # index into the global path


class _Net:
    """One net's detailed routing: waypoints, windows, the pieces committed so far."""

    def __init__(self, task: NetTask, path: list[tuple[int, int]]) -> None:
        self.t, self.path = task, path
        self.pieces: list[tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]] = []
        self.pieces_bends: list[tuple[int, int, int]] = []
        self.vertices: list[int] = [task.source]
        self.crossings: list[int] = []
        self.cost = 0.0
        self.expansions = 0


class CorridorRouter:
    """Routes ``NetTask``s on a ``BlockRoutingGrid`` in two levels (see the module doc)."""

    def __init__(self, grid: BlockRoutingGrid, prm: SearchParams,
                 params: CorridorParams | None = None) -> None:
        self.grid, self.prm = grid, prm
        self.cp = params or CorridorParams()
        w = grid.wall
        self.b = w.b
        self.board = Board(grid.nx, w.b, w.nbx)
        self.geo = _geometry(grid, prm)
        sep = prm.width_um + prm.space_um + 0.1  # the same margin as arc_clashes
        self.clash = clash_offsets(prm.radius_um, grid.pitch_um, sep)
        self.k_start = self.geo.k_start
        self.committed: dict[str, list[tuple[np.ndarray, np.ndarray, list]]] = {}

    # ------------------------------------------------------------------ waypoints
    def _lateral(self, node: int, heading: int) -> int:
        iy, ix = divmod(node, self.grid.nx)
        return iy if heading in (0, 2) else ix

    def _waypoint(self, cell: int, heading: int, pref: int | None, own: NetTask,
                  state: int, ahead: int, to_target: bool = False) -> _Waypoint | None:
        """A free track through the middle of ``cell`` along ``heading``: the one nearest
        ``pref`` whose straight also runs clear ``ahead`` nodes on (past pins and routes in
        its way), else the nearest free one. ``to_target``: the straight must run clear to
        the target, on its track or two radii or more beside it (room for the two bends onto
        it), else there is no waypoint here."""
        g, b = self.grid, self.b
        cy, cx = divmod(cell, self.board.nbx)
        horiz = heading in (0, 2)
        lo = (cy if horiz else cx) * b
        hi = min(lo + b, g.ny if horiz else g.nx)
        lim = g.nx if horiz else g.ny
        along = min((cx if horiz else cy) * b + b // 2, lim - 1)
        centre = (lo + hi - 1) // 2
        want = pref if pref is not None and lo <= pref < hi else centre
        # room on both sides for a bend or a crossing of another net, so the waypoint never
        # forces a detour (a crossing must not end on it)
        k = max(self.k_start, self.geo.k_cross) + self.geo.arm + 1
        if along - k < 0 or along + k >= lim:
            return None
        sign = 1 if heading in (0, 1) else -1
        a0 = max(min(along - k, along + sign * ahead), 0)
        a1 = min(max(along + k, along + sign * ahead), lim - 1) + 1
        if horiz:
            blocked = self.grid.wall.window(a0, a1, lo, hi)
            blocked |= self.board.window(a0, a1, lo, hi)[0] > 0
        else:
            blocked = (self.grid.wall.window(lo, hi, a0, a1)
                       | (self.board.window(lo, hi, a0, a1)[0] > 0)).T
        mine = own.stub_nodes
        my_y, my_x = np.divmod(mine, g.nx)
        my_lat, my_al = (my_y, my_x) if horiz else (my_x, my_y)
        sel = (my_lat >= lo) & (my_lat < hi) & (my_al >= a0) & (my_al < a1)
        own_ok = blocked.copy()
        own_ok[my_lat[sel] - lo, my_al[sel] - a0] = False  # its own port's way is its own
        near = np.asarray(blocked[:, along - k - a0:along + k + 1 - a0].any(axis=1))
        far = np.asarray(own_ok.any(axis=1))
        ok = ~near
        if to_target:
            lats = np.arange(lo, hi)
            ok &= ~far & ((lats == want) | (np.abs(lats - want) >= 2 * self.k_start))
        free = np.nonzero(ok)[0] + lo
        if free.size == 0:
            return None
        lat = int(min(free.tolist(), key=lambda v: (bool(far[v - lo]), abs(v - want), v)))
        node = lat * g.nx + along if horiz else along * g.nx + lat
        return _Waypoint(node, heading, state)

    def _straight_states(self, net: _Net) -> list[int]:
        """Indices of global-path states in the middle of a straight stretch: entered and
        left along the same heading, away from the ports' g-cells."""
        p = net.path
        cells = [c for c, _ in p]
        first, last = cells[0], cells[-1]
        out = []
        for i in range(1, len(p) - 1):
            c, d = p[i]
            if c in (first, last):
                continue
            if p[i - 1][0] == c or p[i + 1][0] == c:  # a turn happens in this cell
                continue
            if p[i + 1][1] != d or p[i - 1][1] != d:
                continue
            out.append(i)
        return out

    # ------------------------------------------------------------------ windows
    def _window(self, net: _Net, a: int, b: int, margin: int,
                extra_nodes: int = 0) -> tuple[int, int, int, int]:
        """Node ranges [ix0, ix1) x [iy0, iy1) of the g-cells of states a..b plus
        ``margin`` g-cells and ``extra_nodes`` nodes."""
        cells = [c for c, _ in net.path[a:b + 1]]
        cys, cxs = np.divmod(np.array(cells), self.board.nbx)
        g, bn, e = self.grid, self.b, extra_nodes
        nbx, nby = self.grid.wall.nbx, self.grid.wall.nby
        x0 = max(max(int(cxs.min()) - margin, 0) * bn - e, 0)
        x1 = min((min(int(cxs.max()) + margin, nbx - 1) + 1) * bn + e, g.nx)
        y0 = max(max(int(cys.min()) - margin, 0) * bn - e, 0)
        y1 = min((min(int(cys.max()) + margin, nby - 1) + 1) * bn + e, g.ny)
        return x0, x1, y0, y1

    def _search(self, net: _Net, src: int, src_dir: int, dst: int, dst_dir: int,
                box: tuple[int, int, int, int]) -> Found | None:
        """A* (hard) from ``src`` to ``dst`` inside the window ``box``; global nodes out."""
        g, prm = self.grid, self.prm
        x0, x1, y0, y1 = box
        w, h = x1 - x0, y1 - y0
        wall = g.wall.window(x0, x1, y0, y1).ravel()

        def local(q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            iy, ix = np.divmod(q, g.nx)
            inside = (ix >= x0) & (ix < x1) & (iy >= y0) & (iy < y1)
            return (iy[inside] - y0) * w + (ix[inside] - x0), inside

        own, _ = local(net.t.stub_nodes)
        wall[own] = False
        lg = RoutingGrid(g.ix0 + x0, g.iy0 + y0, w, h, g.pitch_um, wall, np.zeros(0, np.int32))
        occ = Occupancy.zeros(lg, bucket_nodes=self.geo.k_turn + 2, clash_offsets=self.clash)
        counts = self.board.window(x0, x1, y0, y1).reshape(3, -1)
        occ.occ[:], occ.occ_h[:], occ.occ_v[:] = counts[0], counts[1], counts[2]
        last = net.pieces_bends[-1] if net.pieces_bends else None
        for corner, din, dout, name in self.board.bends_in(x0, x1, y0, y1):
            if name == net.t.name and (corner, din, dout) == last:
                continue  # the bend the new piece adjoins (the search knows it is 2R away)
            cy, cx = divmod(corner, g.nx)
            occ.add_arc((cy - y0) * w + cx - x0, din, dout, name, w, +1)
        (ls, lt), ok = local(np.array([src, dst], np.int64))
        if not ok.all():
            return None
        wall[[ls, lt]] = False
        found = astar(lg, occ, prm, source=int(ls), source_dir=src_dir, target=int(lt),
                      target_dir=dst_dir, hard=True)
        if found is None:
            return None

        def glob(q: list[int]) -> list[int]:
            return [(v // w + y0) * g.nx + v % w + x0 for v in q]

        nodes, kinds = path_claims(lg, prm, found)
        bends = [((c // w + y0) * g.nx + c % w + x0, a, b) for c, a, b in
                 bends_of(lg, found.vertices)]
        gnodes = np.array(glob(nodes.tolist()), np.int64)
        net.pieces.append((gnodes, kinds, bends))
        net.pieces_bends.extend(bends)
        self.board.commit(net.t.name, gnodes, kinds, bends, +1)
        return Found(glob(found.vertices), glob(found.crossings), found.cost_dB,
                     found.expansions)

    def _rip(self, net: _Net) -> None:
        for nodes, kinds, bends in net.pieces:
            self.board.commit(net.t.name, nodes, kinds, bends, -1)
        net.pieces.clear()
        net.pieces_bends.clear()
        net.vertices[1:] = []
        net.crossings.clear()

    # ------------------------------------------------------------------ one net
    def route_net(self, task: NetTask, path: list[tuple[int, int]]) -> Found | str:
        """The net's detailed path (global nodes), committed; or why there is none.

        A net whose corridor's bounding box is within ``CorridorParams.max_window_nodes`` is
        searched there at once; a longer one window by window between waypoints. If that
        finds no legal way, the net is ripped up and searched once in its corridor's box
        with the wider margin, when that box is within the budget."""
        net = _Net(task, path)
        box = self._window(net, 0, len(path) - 1, self.cp.margin_cells)
        if (box[1] - box[0]) * (box[3] - box[2]) <= self.cp.max_window_nodes:
            # a short net: one search over its whole corridor's box, like the dense router;
            # first in the dense router's window (the ports' box and a margin: the search
            # floods the window's penalty bound, so a smaller window is faster)
            m = 2 * self.geo.k_turn + 4
            (sy, sx), (ty, tx) = divmod(task.source, self.grid.nx), divmod(task.target,
                                                                          self.grid.nx)
            tight = (max(min(sx, tx) - m, 0), min(max(sx, tx) + m + 1, self.grid.nx),
                     max(min(sy, ty) - m, 0), min(max(sy, ty) + m + 1, self.grid.ny))
            found = None
            for w in (tight, box):
                found = self._search(net, task.source, task.source_dir, task.target,
                                     task.target_dir, w)
                if found is not None:
                    self._extend(net, found)
                    break
            stuck = task.source if found is None else None
        else:
            stuck = self._pieces(net)
        if stuck is not None:
            self._rip(net)
            box = self._window(net, 0, len(path) - 1, self.cp.retry_margin_cells)
            if (box[1] - box[0]) * (box[3] - box[2]) <= self.cp.max_window_nodes:
                found = self._search(net, task.source, task.source_dir, task.target,
                                     task.target_dir, box)
                if found is not None:
                    self._extend(net, found)
                    stuck = None
        if stuck is not None:
            cx, cy = self.grid.xy(stuck)
            return (f"no legal path in its corridor from ({cx:g}, {cy:g}) um: the g-cells "
                    f"of its global route are full (other nets' waveguides, cells)")
        verts = _merge_straight(net.vertices, self.grid.nx)
        out = Found(verts, net.crossings, net.cost, net.expansions)
        if self_conflicts(self.grid, self.prm, out):
            self._rip(net)
            return "its corridor pieces meet each other (a self-overlap across windows)"
        self.committed[task.name] = net.pieces
        return out

    def uncommit(self, name: str) -> list[tuple[np.ndarray, np.ndarray, list]]:
        """Remove a routed net from the board; its pieces (to put back with ``recommit``)."""
        pieces = self.committed.pop(name)
        for nodes, kinds, bends in pieces:
            self.board.commit(name, nodes, kinds, bends, -1)
        return pieces

    def recommit(self, name: str, pieces: list[tuple[np.ndarray, np.ndarray, list]]) -> None:
        """Put a net's pieces back on the board."""
        for nodes, kinds, bends in pieces:
            self.board.commit(name, nodes, kinds, bends, +1)
        self.committed[name] = pieces

    def repair(self, task: NetTask, path: list[tuple[int, int]], routed: Sequence[NetTask],
               paths: dict[str, list[tuple[int, int]]]) -> dict[str, Found] | None:
        """Route a failed net after ripping up the routed nets inside its corridor's box
        (at most ``CorridorParams.max_victims``), then route those again. Returns the new
        paths of the net and the victims, or None (the board is then as before)."""
        net = _Net(task, path)
        x0, x1, y0, y1 = self._window(net, 0, len(path) - 1, self.cp.margin_cells)
        victims = []
        for t in routed:
            for nodes, _, _ in self.committed.get(t.name, []):
                iy, ix = np.divmod(nodes, self.grid.nx)
                if ((ix >= x0) & (ix < x1) & (iy >= y0) & (iy < y1)).any():
                    victims.append(t)
                    break
        if not victims or len(victims) > self.cp.max_victims:
            return None
        saved = {t.name: self.uncommit(t.name) for t in victims}
        out: dict[str, Found] = {}
        for t, p in [(task, path)] + [(v, paths[v.name]) for v in victims]:
            found = self.route_net(t, p)
            if isinstance(found, str):
                for name in out:
                    self.uncommit(name)
                for name, pieces in saved.items():
                    self.recommit(name, pieces)
                return None
            out[t.name] = found
        return out

    @staticmethod
    def _extend(net: _Net, found: Found) -> None:
        net.vertices.extend(found.vertices[1:])
        net.crossings.extend(found.crossings)
        net.cost += found.cost_dB
        net.expansions += found.expansions

    def _pieces(self, net: _Net) -> int | None:
        """Route ``net`` window by window (pieces committed); the node where it got stuck,
        or None when it reached the target."""
        task, path = net.t, net.path
        cand = self._straight_states(net)
        stride = self.cp.stride_cells
        last_state, cur, cur_dir = 0, task.source, task.source_dir
        cur_lat = self._lateral(task.source, task.source_dir)
        arrive = (task.target_dir + 2) % 4
        tail = self._tail_start(path, arrive)
        tgt_lat = self._lateral(task.target, arrive)
        pos = 0
        while True:
            wp = None
            remaining = [i for i in cand[pos:] if i > last_state]
            if len(path) - 1 - last_state > stride and remaining:
                ahead = [i for i in remaining if i - last_state <= stride]
                pick = ahead[-1] if ahead else remaining[0]
                pos = cand.index(pick) + 1
                c, d = path[pick]
                if pick >= tail and d == arrive:
                    pref: int | None = tgt_lat
                elif d % 2 == cur_dir % 2:
                    pref = cur_lat
                else:
                    pref = None
                if pick >= tail and d == arrive:  # look ahead to the target
                    ty, tx = divmod(task.target, self.grid.nx)
                    cyy, cxx = divmod(c, self.board.nbx)
                    mid = (cxx if d % 2 == 0 else cyy) * self.b + self.b // 2
                    look = abs((tx if d % 2 == 0 else ty) - mid) - self.k_start - 1
                else:
                    look = self.b
                wp = self._waypoint(c, d, pref, task, pick, max(look, 0),
                                    to_target=pick >= tail and d == arrive)
                if wp is None:
                    continue  # no free track there: the next candidate
            if wp is None:
                dst, dst_dir, end_state = task.target, task.target_dir, len(path) - 1
            else:
                dst, dst_dir, end_state = wp.node, (wp.heading + 2) % 4, wp.state
            found = None
            for margin in (self.cp.margin_cells, self.cp.retry_margin_cells):
                box = self._window(net, last_state, end_state, margin)
                found = self._search(net, cur, cur_dir, dst, dst_dir, box)
                if found is not None:
                    break
            if found is None:
                return cur
            self._extend(net, found)
            if wp is None:
                return None
            last_state, cur, cur_dir = wp.state, wp.node, wp.heading
            cur_lat = self._lateral(wp.node, wp.heading)

    @staticmethod
    def _tail_start(path: list[tuple[int, int]], arrive: int) -> int:
        """First state of the last straight stretch (heading ``arrive`` to the target)."""
        i = len(path) - 1
        while i > 0 and path[i - 1][1] == arrive:
            i -= 1
        return i


def _merge_straight(vertices: list[int], nx: int) -> list[int]:
    """Drop vertices in the middle of a straight line (the waypoints between windows)."""
    out = [vertices[0]]
    for v, w in zip(vertices[1:-1], vertices[2:], strict=True):
        u = out[-1]
        uy, ux = divmod(u, nx)
        vy, vx = divmod(v, nx)
        wy, wx = divmod(w, nx)
        collinear = (uy == vy == wy and (vx - ux) * (wx - vx) > 0) or (
            ux == vx == wx and (vy - uy) * (wy - vy) > 0)
        if not collinear:
            out.append(v)
    out.append(vertices[-1])
    return out


def route_corridors(
    grid: BlockRoutingGrid,
    tasks: Sequence[NetTask],
    prm: SearchParams,
    *,
    params: CorridorParams | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    bundles: Sequence[Sequence[str]] = (),
) -> NegotiationResult:
    """Route ``tasks`` (in routing order) globally, then each in its corridor.

    Args:
        grid: the block grid, cells' keep-outs and every task's reserved stubs walled.
        tasks: the nets (port nodes on ``grid``).
        prm: the search's geometry and prices.
        params: corridor options (``CorridorParams``).
        progress: ``(1, nets_done, nets)`` after each net.
        bundles: bundled nets; on a block grid they are searched like the others (the
            channel planner needs the dense grid), noted in ``bundle_notes``.

    Returns:
        A ``NegotiationResult`` on ``grid``'s node numbers, as ``negotiate`` returns on the
        dense grid (paths, claims, crossing nodes, unrouted nets with reasons).

    Example (through the router, which calls it above its node budget):
        >>> import gdsfactory as gf
        >>> from components import CELLS
        >>> from routing.router import Connection, route_nets
        >>> c = gf.Component()
        >>> a = c.add_ref(CELLS["straight"](length=20), name="a")
        >>> b = c.add_ref(CELLS["straight"](length=20), name="b")
        >>> _ = b.move((220, 100))
        >>> rep = route_nets(c, [Connection(source="a,o2", target="b,o1")], max_grid_nodes=0,
        ...                  check_drc=False).report
        >>> rep.routed, rep.nets[0].bends, rep.check.clean
        (1, 2, True)
    """
    cp = params or CorridorParams()
    graph = GCellGraph.from_grid(grid, tracks_per_net=cp.tracks_per_net)
    nets = [GlobalNet(t.name, t.source, t.source_dir, t.target, t.target_dir) for t in tasks]
    groute = global_route(graph, nets, loss_dB_per_um=prm.loss_dB_per_um,
                          bend_loss_dB=prm.bend_loss_dB, params=cp.global_params)
    router = CorridorRouter(grid, prm, cp)
    res = NegotiationResult()
    res.iterations = groute.iterations
    for names in bundles:
        for n in names:
            res.bundle_notes[n] = ("routed in corridors: the routing area exceeds "
                                   "max_grid_nodes, and the channel planner needs a dense grid")
    for k, t in enumerate(tasks):
        path = groute.paths.get(t.name)
        if path is None:
            res.unrouted[t.name] = groute.unrouted[t.name]
        else:
            out = router.route_net(t, path)
            if isinstance(out, str):
                res.unrouted[t.name] = out
            else:
                res.paths[t.name] = out
        if progress is not None:
            progress(1, k + 1, len(tasks))
    # repair: a net left without a legal way rips up the nets in its corridor's box, goes
    # first, and they follow; if any of them then fails, everything is put back as it was
    by_name = {t.name: t for t in tasks}
    for t in tasks:
        if t.name in res.paths or t.name not in groute.paths:
            continue
        res.iterations += 1
        fixed = router.repair(t, groute.paths[t.name], [by_name[n] for n in res.paths],
                              {n: groute.paths[n] for n in res.paths})
        if fixed is not None:
            res.unrouted.pop(t.name, None)
            res.paths.update(fixed)
    for name, found in res.paths.items():
        res.claims[name] = path_claims(grid, prm, found)
        res.expansions += found.expansions
    res.crossing_nodes = router.board.crossing_nodes()
    return res
