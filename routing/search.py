"""A* search for one net on the routing grid, with bends and crossings as macro moves.

State = (node, heading); every state the search stands in is *free*: the last bend lies at
least two bend radii behind, so a bend may start here. Moves:

* **straight**: one node ahead.
* **turn** (left / right) with its corner at the current node: the Euler bend's nodes are
  occupied and the search jumps ``ceil(2R / pitch)`` nodes along the new heading, so
  consecutive corners are always >= 2R apart and every bend fits.
* **cross**: the node ahead is a straight of exactly one other net running perpendicular;
  a crossing cell goes there and the search jumps ``R + crossing half-length`` past it, so no
  bend starts inside the crossing's arms.

Costs are insertion loss in dB (length x propagation loss, bend loss, crossing loss) plus the
negotiated-congestion penalty ``pen`` of every occupied node (PathFinder present + history).
The heuristic is the Manhattan distance times the propagation loss (admissible), times
``heuristic_weight``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from routing.grid import DIRS, RoutingGrid, arc_offsets, euler_length_um

H_KIND, V_KIND, BEND_KIND = 0, 1, 2


@dataclass(frozen=True)
class SearchParams:
    """Geometry and loss figures of the search (lengths in um, losses in dB)."""

    radius_um: float
    loss_dB_per_um: float
    bend_loss_dB: float
    crossing_loss_dB: float
    crossing_half_um: float
    space_um: float
    width_um: float = 0.8
    heuristic_weight: float = 1.0
    max_expansions: int = 2_000_000


@dataclass
class Occupancy:
    """Per-node counts of the committed nets: ``occ`` all uses, ``occ_h`` / ``occ_v`` straight
    runs along x / y; ``pen`` the congestion penalty (dB) of using the node."""

    occ: np.ndarray
    occ_h: np.ndarray
    occ_v: np.ndarray
    pen: np.ndarray
    # committed bends by bucket of their corner: (corner node, din, dout, net)
    arcs: dict[tuple[int, int], list[tuple[int, int, int, str]]] = field(default_factory=dict)
    arc_penalty_dB: float = 0.0
    bucket_nodes: int = 16

    @classmethod
    def zeros(cls, n: int, bucket_nodes: int = 16) -> Occupancy:
        return cls(np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32),
                   np.zeros(n, float), bucket_nodes=bucket_nodes)

    def arcs_near(self, node: int, nx: int) -> list[tuple[int, int, int, str]]:
        """Committed bends whose corners lie in the 3 x 3 buckets around ``node``."""
        iy, ix = divmod(node, nx)
        bx, by = ix // self.bucket_nodes, iy // self.bucket_nodes
        out: list[tuple[int, int, int, str]] = []
        for ky in (by - 1, by, by + 1):
            for kx in (bx - 1, bx, bx + 1):
                out.extend(self.arcs.get((kx, ky), ()))
        return out

    def add_arc(self, node: int, din: int, dout: int, net: str, nx: int, sign: int) -> None:
        iy, ix = divmod(node, nx)
        key = (ix // self.bucket_nodes, iy // self.bucket_nodes)
        if sign > 0:
            self.arcs.setdefault(key, []).append((node, din, dout, net))
        else:
            self.arcs[key].remove((node, din, dout, net))


_CLASH_RES_UM = 0.1


@lru_cache(maxsize=200_000)
def arcs_clash(
    dx: int, dy: int, oa: tuple[int, int], ob: tuple[int, int], radius_um: float,
    pitch_um: float, min_sep_um: float,
) -> bool:
    """True if bend ``ob`` cornering (dx, dy) nodes from bend ``oa`` comes within
    ``min_sep_um`` of it (centreline to centreline): clashes the node claims may miss.

    Looks the shifted points of ``ob`` up in a distance bitmap of ``oa`` (0.1 um pixels).
    """
    if abs(dx) * pitch_um > 2.2 * radius_um or abs(dy) * pitch_um > 2.2 * radius_um:
        return False
    near, x0, y0 = _clash_bitmap(radius_um, min_sep_um, *oa)
    b = _arc_polyline(radius_um, *ob) + np.array([dx * pitch_um, dy * pitch_um])
    ix = np.floor((b[:, 0] - x0) / _CLASH_RES_UM).astype(int)
    iy = np.floor((b[:, 1] - y0) / _CLASH_RES_UM).astype(int)
    ok = (ix >= 0) & (iy >= 0) & (ix < near.shape[1]) & (iy < near.shape[0])
    return bool(near[iy[ok], ix[ok]].any())


@lru_cache(maxsize=64)
def _clash_bitmap(
    radius_um: float, min_sep_um: float, din: int, dout: int
) -> tuple[np.ndarray, float, float]:
    from scipy.ndimage import distance_transform_edt

    pts = _arc_polyline(radius_um, din, dout)
    pad = min_sep_um + 2 * _CLASH_RES_UM
    x0, y0 = pts[:, 0].min() - pad, pts[:, 1].min() - pad
    nxp = int(math.ceil((pts[:, 0].max() + pad - x0) / _CLASH_RES_UM)) + 1
    nyp = int(math.ceil((pts[:, 1].max() + pad - y0) / _CLASH_RES_UM)) + 1
    img = np.ones((nyp, nxp), bool)
    img[((pts[:, 1] - y0) / _CLASH_RES_UM).astype(int),
        ((pts[:, 0] - x0) / _CLASH_RES_UM).astype(int)] = False
    dist = distance_transform_edt(img) * _CLASH_RES_UM
    return dist < min_sep_um + _CLASH_RES_UM, x0, y0  # pixel margin keeps it conservative


@lru_cache(maxsize=16)
def _arc_polyline(radius_um: float, din: int, dout: int) -> np.ndarray:
    from routing.grid import _euler_points, _transform

    pts = _euler_points(radius_um) - np.array([radius_um, 0.0])
    return _transform(pts, din, dout)


def min_turns(du: int, dv: int, heading: int, arrive: int) -> int:
    """Fewest 90 deg turns from ``heading`` to a point (du, dv) nodes away entered along
    ``arrive`` (a lower bound: it ignores bend size).

    Example:
        >>> min_turns(10, 0, 0, 0), min_turns(10, 5, 0, 1), min_turns(-3, 0, 0, 0)
        (0, 1, 4)
    """
    # rotate so the heading is east: u ahead, v to the left
    u, v = [(du, dv), (dv, -du), (-du, -dv), (-dv, du)][heading]
    a = (arrive - heading) % 4
    if a == 0:
        return 0 if v == 0 and u > 0 else (2 if u > 0 else 4)
    if a == 2:
        return 2 if v != 0 else 4
    if a == 1:
        return 1 if u > 0 and v > 0 else 3
    return 1 if u > 0 and v < 0 else 3


@dataclass
class Found:
    """A path: vertices (start port node, corner nodes, end port node) and crossing centres."""

    vertices: list[int]
    crossings: list[int]
    cost_dB: float
    expansions: int


class _Geometry:
    """Grid constants of the macro moves, computed once per (grid, params)."""

    def __init__(self, grid: RoutingGrid, prm: SearchParams) -> None:
        p = grid.pitch_um
        self.nx, self.ny = grid.nx, grid.ny
        self.step = (1, grid.nx, -1, -grid.nx)
        self.k_turn = math.ceil(2 * prm.radius_um / p - 1e-9)
        self.k_start = math.ceil(prm.radius_um / p - 1e-9)
        self.k_cross = math.ceil((prm.radius_um + prm.crossing_half_um) / p - 1e-9)
        self.arm = math.ceil((prm.crossing_half_um + prm.space_um) / p - 1e-9)
        self.gap = max(math.ceil((2 * prm.crossing_half_um + prm.space_um) / p - 1e-9) - 1, 0)
        arc_len = euler_length_um(prm.radius_um)
        self.turn_cost = prm.loss_dB_per_um * (self.k_turn * p + arc_len - 2 * prm.radius_um)
        self.turn_cost += prm.bend_loss_dB
        # per bend: node offsets and their extent as plain ints (checked per expansion, so
        # no numpy reductions in the search loop)
        self.arcs: dict[tuple[int, int], tuple[int, int, int, int, np.ndarray]] = {}
        for din in range(4):
            for dout in ((din + 1) % 4, (din + 3) % 4):
                offs = np.array(arc_offsets(prm.radius_um, p, din, dout), int)
                dx, dy = offs[:, 0], offs[:, 1]
                self.arcs[din, dout] = (
                    int(dx.min()), int(dx.max()), int(dy.min()), int(dy.max()),
                    dy * grid.nx + dx,
                )
        self._runs: dict[tuple[int, int], np.ndarray] = {}

    def run_offsets(self, d: int, k: int) -> np.ndarray:
        """Node offsets 1..k steps along direction ``d`` (cached)."""
        offs = self._runs.get((d, k))
        if offs is None:
            offs = self._runs[d, k] = self.step[d] * np.arange(1, k + 1)
        return offs

    def arc_nodes(self, node: int, din: int, dout: int) -> np.ndarray | None:
        """Nodes of the bend cornering at ``node``; None if it leaves the grid."""
        dx_lo, dx_hi, dy_lo, dy_hi, delta = self.arcs[din, dout]
        iy, ix = divmod(node, self.nx)
        if ix + dx_lo < 0 or ix + dx_hi >= self.nx:
            return None
        if iy + dy_lo < 0 or iy + dy_hi >= self.ny:
            return None
        return node + delta


def _geometry(grid: RoutingGrid, prm: SearchParams) -> _Geometry:
    key = (grid.nx, grid.ny, grid.pitch_um, prm)
    cache = getattr(grid, "_geom_cache", None)
    if cache is None or cache[0] != key:
        cache = (key, _Geometry(grid, prm))
        grid._geom_cache = cache  # type: ignore[attr-defined]
    return cache[1]


def is_crossable(occ: Occupancy, g: _Geometry, node: int, heading: int) -> bool:
    """True if a net heading ``heading`` may cross the committed straight at ``node``."""
    horizontal = heading in (0, 2)
    other = occ.occ_v if horizontal else occ.occ_h
    if occ.occ[node] != 1 or other[node] != 1:
        return False
    sx, sy = g.step[0], g.step[1]
    along_other = sy if horizontal else sx
    along_mine = sx if horizontal else sy
    n_all = occ.occ.size
    for j in range(1, g.arm + 1):  # the other net's arms must be plain straights of its own
        for q in (node + j * along_other, node - j * along_other):
            if not (0 <= q < n_all) or occ.occ[q] != 1 or other[q] != 1:
                return False
    for j in range(1, g.gap + 1):  # no other crossing so close that the cells would overlap
        for q in (node + j * along_other, node - j * along_other,
                  node + j * along_mine, node - j * along_mine):
            if 0 <= q < n_all and occ.occ_h[q] > 0 and occ.occ_v[q] > 0:
                return False
    return True


def arc_clashes(
    occ: Occupancy, grid: RoutingGrid, prm: SearchParams, node: int, din: int, dout: int,
    net: str | None,
) -> list[str] | int:
    """Committed bends of other nets that a bend (node, din -> dout) would come too close to:
    their count when ``net`` is None (search), else their nets' names."""
    nx = grid.nx
    iy, ix = divmod(node, nx)
    sep = prm.width_um + prm.space_um + 0.1
    hits = []
    for other, a, b, name in occ.arcs_near(node, nx):
        if name == net:
            continue
        oy, ox = divmod(other, nx)
        if arcs_clash(ox - ix, oy - iy, (din, dout), (a, b), prm.radius_um, grid.pitch_um, sep):
            hits.append(name)
    return len(hits) if net is None else hits


def astar(
    grid: RoutingGrid,
    occ: Occupancy,
    prm: SearchParams,
    *,
    source: int,
    source_dir: int,
    target: int,
    target_dir: int,
    window: tuple[int, int, int, int] | None = None,
) -> Found | None:
    """Cheapest path from port node ``source`` (leaving along ``source_dir``) into port node
    ``target`` (whose port faces ``target_dir``); None if no path exists in ``window``.

    ``window`` = (ix_lo, ix_hi, iy_lo, iy_hi), inclusive index bounds the path stays inside.
    Walls of ``grid`` must already exclude this net's own reserved port stubs.
    """
    g = _geometry(grid, prm)
    nx = grid.nx
    wx0, wx1, wy0, wy1 = window or (0, grid.nx - 1, 0, grid.ny - 1)
    wall, pen = grid.wall, occ.pen
    arrive = (target_dir + 2) % 4
    ty, tx = divmod(target, nx)
    unit = prm.loss_dB_per_um * grid.pitch_um
    hw = prm.heuristic_weight * unit
    step_cost = unit
    cross_base = prm.crossing_loss_dB + unit * (g.k_cross + 1)

    def inside(ix: int, iy: int) -> bool:
        return wx0 <= ix <= wx1 and wy0 <= iy <= wy1

    def run(node: int, d: int, k: int) -> np.ndarray | None:
        """Nodes 1..k ahead of ``node`` along ``d`` (None if one is outside or a wall)."""
        iy, ix = divmod(node, nx)
        ex, ey = ix + DIRS[d][0] * k, iy + DIRS[d][1] * k
        if not inside(ex, ey):
            return None
        idx = node + g.run_offsets(d, k)
        if wall[idx].any():
            return None
        return idx

    def hits_target(node: int, d: int, k: int) -> int:
        """Steps from ``node`` to the target along ``d`` if it lies 1..k ahead, else 0."""
        if d != arrive:
            return 0
        iy, ix = divmod(node, nx)
        if d in (0, 2):
            j = (tx - ix) * DIRS[d][0]
            return j if iy == ty and 1 <= j <= k else 0
        j = (ty - iy) * DIRS[d][1]
        return j if ix == tx and 1 <= j <= k else 0

    # start: the first bend may begin one radius from the port
    if source == target:
        raise ValueError("source and target are the same node")
    j = hits_target(source, source_dir, g.k_start)
    if j:
        if run(source, source_dir, j) is None:
            return None
        return Found([source, target], [], unit * j, 0)
    idx = run(source, source_dir, g.k_start)
    if idx is None:
        return None
    start_node = int(idx[-1])
    s0 = start_node * 4 + source_dir
    g0 = unit * g.k_start + float(pen[idx].sum())
    best: dict[int, float] = {s0: g0}
    parent: dict[int, tuple[int, int, int]] = {s0: (-1, 0, -1)}
    heap: list[tuple[float, int, int]] = []
    counter = 0

    def h(node: int, d: int) -> float:
        iy, ix = divmod(node, nx)
        turns = min_turns(tx - ix, ty - iy, d, arrive)
        return hw * (abs(ix - tx) + abs(iy - ty)) + turns * prm.bend_loss_dB

    heapq.heappush(heap, (g0 + h(start_node, source_dir), counter, s0))
    goal_cost, goal_parent = math.inf, None
    closed: set[int] = set()
    expansions = 0
    while heap:
        f, _, s = heapq.heappop(heap)
        if f >= goal_cost:
            break
        if s in closed:
            continue
        closed.add(s)
        expansions += 1
        if expansions > prm.max_expansions:
            break
        gs = best[s]
        node, d = divmod(s, 4)

        def push(
            node2: int, d2: int, cost: float, move: int, extra: int, s: int = s
        ) -> None:
            nonlocal counter
            s2 = node2 * 4 + d2
            if cost < best.get(s2, math.inf):
                best[s2] = cost
                parent[s2] = (s, move, extra)
                counter += 1
                heapq.heappush(heap, (cost + h(node2, d2), counter, s2))

        # straight (or the final approach into the target)
        iy, ix = divmod(node, nx)
        nxt = node + g.step[d]
        if inside(ix + DIRS[d][0], iy + DIRS[d][1]) and not wall[nxt]:
            if nxt == target and d == arrive:
                c = gs + step_cost
                if c < goal_cost:
                    goal_cost, goal_parent = c, (s, 0, -1)
            else:
                push(nxt, d, gs + step_cost + pen[nxt], 0, -1)
                if occ.occ[nxt] and is_crossable(occ, g, nxt, d):
                    jdx = run(nxt, d, g.k_cross)
                    if jdx is not None and not (jdx == target).any():
                        c = gs + cross_base + float(pen[jdx].sum())
                        push(int(jdx[-1]), d, c, 2, nxt)
        # bends with the corner here
        for d2 in ((d + 1) % 4, (d + 3) % 4):
            arc = g.arc_nodes(node, d, d2)
            if arc is None or wall[arc].any():
                continue
            arc_pen = float(pen[arc].sum()) + occ.arc_penalty_dB * arc_clashes(
                occ, grid, prm, node, d, d2, None)
            jt = hits_target(node, d2, g.k_turn)
            if jt and jt * grid.pitch_um >= prm.radius_um - 1e-9:
                jdx = run(node, d2, jt)
                if jdx is not None:
                    c = gs + g.turn_cost + arc_pen + float(pen[jdx[:-1]].sum())
                    if c < goal_cost:
                        goal_cost, goal_parent = c, (s, 1, node)
                continue
            jdx = run(node, d2, g.k_turn)
            if jdx is None or (jdx == target).any():
                continue
            c = gs + g.turn_cost + arc_pen + float(pen[jdx].sum())
            push(int(jdx[-1]), d2, c, 1, node)
    if goal_parent is None:
        return None
    vertices, crossings = [target], []
    s, move, extra = goal_parent
    while True:
        if move == 1:
            vertices.append(extra)
        elif move == 2:
            crossings.append(extra)
        if s == s0:
            break
        s, move, extra = parent[s]
    vertices.append(source)
    vertices.reverse()
    crossings.reverse()
    return Found(vertices, crossings, goal_cost, expansions)
