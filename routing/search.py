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
The heuristic adds three lower bounds: Manhattan distance x propagation loss (weighted by
``heuristic_weight``), the fewest turns x bend loss (the larger of what the bend geometry
allows and what the walls force, ``astar_kernel.turn_field``) and the penalties any path
must still pay (``astar_kernel.penalty_field``, weighted by ``penalty_weight``). In ``hard``
mode other nets' nodes may only be crossed legally. The loop itself runs compiled
(``routing.astar_kernel``).
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from platformdirs import user_cache_dir

from routing.astar_kernel import astar_kernel, bend_type
from routing.grid import RoutingGrid, arc_offsets, euler_length_um

H_KIND, V_KIND, BEND_KIND = 0, 1, 2
# the backward probe (``SearchParams.hard_probe_expansions``) runs only in windows of at
# least this many states (4 a node): in smaller ones a failed forward search costs little
# more than the probe (row-to-bank 12 at 20 um/net: ~1,200 legal searches in windows of
# 36,000-860,000 states; a failed one took 16 ms on average, a probe 25 ms). Each state
# is expanded once, by the first path to reach it, so neither walk is complete; on small
# boards, where a wrong answer is likelier, the forward search answers alone.
PROBE_MIN_STATES = 1_000_000


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
    cross_section: str = "strip"  # what S-jogs are drawn with (their shape and claims)
    # weight of the congestion-penalty bound in the A* heuristic (1 = admissible). Measured
    # on random nets among obstacles (tests.routing.problems.random_pairs): 64 nets 2x
    # faster at 2 with the same loss (235 vs 237 dB total); 4 is no faster than 2
    penalty_weight: float = 2.0
    # a legal (``hard``) search that fails expands every state it can reach: on a crowded
    # board most of the grid (row-to-bank 64 at 25 um/net: 20 failures, 23 s of a 57 s
    # run). Such a net is boxed in at one end, and on those runs at the target's: the same
    # search backwards from the target ran out of states within this many expansions
    # (all 20 in 0.3 s together), so in windows of ``PROBE_MIN_STATES`` or more it runs
    # first and its running out answers for the forward search. That holds only if the
    # backward walk allows whatever the forward one does: legality is geometry, but the
    # search lets a crossing come closer before a bend than after one, so the probe runs
    # with ``cross_after_bend`` (without it, all_to_all 12 lost 2 of 24 legal searches
    # to the probe, and took 5 min instead of 70 s). 0: off
    hard_probe_expansions: int = 20_000


@dataclass
class Occupancy:
    """Per-node counts of the committed nets: ``occ`` all uses, ``occ_h`` / ``occ_v`` straight
    runs along x / y; ``pen`` the congestion penalty (dB) of using the node; ``clash[b, n]`` the
    number of committed bends a bend of type ``b`` (``bend_type``) cornering at ``n`` would
    come too close to."""

    occ: np.ndarray
    occ_h: np.ndarray
    occ_v: np.ndarray
    pen: np.ndarray
    clash: np.ndarray
    nx: int
    ny: int
    # committed bends by bucket of their corner: (corner node, din, dout, net)
    arcs: dict[tuple[int, int], list[tuple[int, int, int, str]]] = field(default_factory=dict)
    arc_penalty_dB: float = 0.0
    bucket_nodes: int = 16
    # clash_offsets[b_committed][b_candidate] = (dx, dy) from candidate corner to committed one
    clash_offsets: tuple[tuple[np.ndarray, ...], ...] = ()
    # states expanded by every search run against this board, found or not (``astar``): the
    # work a negotiation spent, deterministic where its time is not
    search_expansions: int = 0

    @classmethod
    def zeros(
        cls, grid: RoutingGrid, bucket_nodes: int = 16,
        clash_offsets: tuple[tuple[np.ndarray, ...], ...] = (),
    ) -> Occupancy:
        n = grid.size
        # int16: a node is never near 32767 committed bends, and the array is 8 x the grid
        return cls(np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n, np.int32),
                   np.zeros(n, float), np.zeros((8, n), np.int16), grid.nx, grid.ny,
                   bucket_nodes=bucket_nodes, clash_offsets=clash_offsets)

    def has_penalties(self) -> bool:
        """True once any node carries a penalty or a committed net."""
        return bool(self.pen.any() or self.occ.any())

    def __post_init__(self) -> None:
        # per committed bend type: every (candidate type, dx, dy) it clashes with, flat
        self._clash_flat = []
        for row in self.clash_offsets:
            cand = np.concatenate([np.full(len(o), k, np.int64) for k, o in enumerate(row)])
            offs = np.concatenate(row) if row else np.zeros((0, 2), np.int64)
            self._clash_flat.append((cand, offs[:, 0], offs[:, 1]))

    def commit(
        self, net: str, nodes: np.ndarray, kinds: np.ndarray,
        bends: list[tuple[int, int, int]], sign: int,
    ) -> None:
        """Add (``sign`` +1) or remove (-1) a path's claimed nodes (distinct, as
        ``path_claims`` gives them) and its bends."""
        # distinct nodes: a plain indexed add (np.add.at, which allows repeats, is ~10x slower)
        self.occ[nodes] += sign
        self.occ_h[nodes[kinds == H_KIND]] += sign
        self.occ_v[nodes[kinds == V_KIND]] += sign
        for corner, din, dout in bends:
            self.add_arc(corner, din, dout, net, self.nx, sign)

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
        """Commit (``sign`` +1) or remove (-1) a bend and update the clash counts around it."""
        iy, ix = divmod(node, nx)
        key = (ix // self.bucket_nodes, iy // self.bucket_nodes)
        if sign > 0:
            self.arcs.setdefault(key, []).append((node, din, dout, net))
        else:
            self.arcs[key].remove((node, din, dout, net))
        if not self.clash_offsets:
            return
        cand, dx, dy = self._clash_flat[bend_type(din, dout)]
        cx, cy = ix - dx, iy - dy
        ok = (cx >= 0) & (cx < self.nx) & (cy >= 0) & (cy < self.ny)
        self.clash[cand[ok], cy[ok] * self.nx + cx[ok]] += sign  # pairs are distinct


_CLASH_RES_UM = 0.1


def arcs_clash(
    dx: int, dy: int, oa: tuple[int, int], ob: tuple[int, int], radius_um: float,
    pitch_um: float, min_sep_um: float,
) -> bool:
    """True if bend ``ob`` cornering (dx, dy) nodes from bend ``oa`` comes within
    ``min_sep_um`` of it (centreline to centreline): clashes the node claims may miss.
    A look-up in ``clash_offsets``."""
    sets = _clash_sets(radius_um, pitch_um, min_sep_um)
    return (dx, dy) in sets[bend_type(*ob)][bend_type(*oa)]


@lru_cache(maxsize=16)
def _clash_sets(
    radius_um: float, pitch_um: float, min_sep_um: float
) -> tuple[tuple[frozenset[tuple[int, int]], ...], ...]:
    return tuple(tuple(frozenset(map(tuple, o.tolist())) for o in row)
                 for row in clash_offsets(radius_um, pitch_um, min_sep_um))


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


@lru_cache(maxsize=16)
def clash_offsets(
    radius_um: float, pitch_um: float, min_sep_um: float
) -> tuple[tuple[np.ndarray, ...], ...]:
    """For each committed bend type and each candidate bend type, the corner offsets (dx, dy)
    in nodes (committed corner minus candidate corner) at which the committed bend comes
    within ``min_sep_um`` of the candidate, as int arrays of shape (k, 2): the committed
    bend's points, shifted, looked up in a distance bitmap of the candidate (0.1 um pixels),
    vectorised over all offsets within 2.2 radii at once.

    The table takes ~0.5 s to build, a third of a small routing job, so it is kept on disk
    (``clash_cache_dir``), keyed by its inputs and by a hash of the bend's drawn centreline
    (a new gdsfactory Euler bend makes a new key).

    Example:
        >>> offs = clash_offsets(30.0, 5.0, 1.15)
        >>> len(offs), len(offs[0]), bool((offs[0][0] == (0, 0)).all(axis=1).any())
        (8, 8, True)
    """
    path = _clash_cache_path(radius_um, pitch_um, min_sep_um)
    if path is not None:
        cached = _read_clash_cache(path)
        if cached is not None:
            return cached
    out = _build_clash_offsets(radius_um, pitch_um, min_sep_um)
    if path is not None:
        _write_clash_cache(path, out)
    return out


def clash_cache_dir() -> Path | None:
    """Where bend clash tables are kept: ``$QUANTACORE_CACHE_DIR`` or the user cache folder
    (``platformdirs``); None when ``QUANTACORE_CACHE_DIR`` is empty (no disk cache).

    Example:
        >>> clash_cache_dir() is None or clash_cache_dir().name == "clash"
        True
    """
    env = os.environ.get("QUANTACORE_CACHE_DIR")
    if env is not None:
        return Path(env) / "clash" if env else None
    return Path(user_cache_dir("quantacore")) / "clash"


def _clash_cache_path(radius_um: float, pitch_um: float, min_sep_um: float) -> Path | None:
    folder = clash_cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256()
    h.update(repr((_CLASH_CACHE_VERSION, radius_um, pitch_um, min_sep_um,
                   _CLASH_RES_UM)).encode())
    h.update(np.ascontiguousarray(_arc_polyline(radius_um, 0, 1)).tobytes())
    return folder / f"clash_{h.hexdigest()[:24]}.npz"


def _read_clash_cache(path: Path) -> tuple[tuple[np.ndarray, ...], ...] | None:
    """The cached table, or None when missing or unreadable (then it is rebuilt)."""
    try:
        with np.load(path) as z:
            flat, counts = z["offsets"].astype(np.int64), z["counts"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if counts.shape != (64,) or flat.shape != (int(counts.sum()), 2):
        return None
    parts = np.split(flat, np.cumsum(counts)[:-1])
    return tuple(tuple(parts[8 * b + a] for a in range(8)) for b in range(8))


def _write_clash_cache(path: Path, table: tuple[tuple[np.ndarray, ...], ...]) -> None:
    """Write the table atomically (temporary name, then rename); a read-only or full disk
    only costs the rebuild next time."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".clash_", suffix=".npz")
        # one array and its split points: 64 arrays in the archive took 6 ms to read, most
        # of a small routing job's set-up
        parts = [np.asarray(o, np.int32).reshape(-1, 2) for row in table for o in row]
        with os.fdopen(fd, "wb") as f:
            np.savez(f, offsets=np.concatenate(parts),
                     counts=np.array([len(o) for o in parts], np.int64))
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# bump when the table's construction changes (the key covers its inputs, not its code)
_CLASH_CACHE_VERSION = 2


def _build_clash_offsets(
    radius_um: float, pitch_um: float, min_sep_um: float
) -> tuple[tuple[np.ndarray, ...], ...]:
    """``clash_offsets`` computed (no cache)."""
    k = int(math.floor(2.2 * radius_um / pitch_um + 1e-9))
    rng = np.arange(-k, k + 1)
    gx, gy = np.meshgrid(rng, rng)
    shifts = np.stack([gx.ravel(), gy.ravel()], axis=1)
    turns = [(din, dout) for din in range(4) for dout in ((din + 1) % 4, (din + 3) % 4)]
    out = []
    for ob in turns:  # committed
        pts = _arc_polyline(radius_um, *ob)
        row = []
        for oa in turns:  # candidate
            near, x0, y0 = _clash_bitmap(radius_um, min_sep_um, *oa)
            bx = pts[None, :, 0] + shifts[:, None, 0] * pitch_um
            by = pts[None, :, 1] + shifts[:, None, 1] * pitch_um
            ix = np.floor((bx - x0) / _CLASH_RES_UM).astype(np.int64)
            iy = np.floor((by - y0) / _CLASH_RES_UM).astype(np.int64)
            ok = (ix >= 0) & (iy >= 0) & (ix < near.shape[1]) & (iy < near.shape[0])
            hit = np.zeros(ix.shape, bool)
            hit[ok] = near[iy[ok], ix[ok]]
            row.append(shifts[hit.any(axis=1)].astype(np.int64))
        out.append(tuple(row))
    return tuple(out)


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
        self.arm = math.ceil((prm.crossing_half_um + prm.space_um) / p - 1e-9)
        # after a crossing, the next bend's nodes (one radius before its corner) must stay
        # off the crossing's arm nodes, or the crossing is not legal
        self.k_cross = max(math.ceil((prm.radius_um + prm.crossing_half_um) / p - 1e-9),
                           self.k_start + self.arm + 1)
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
        # the same bends as flat arrays for the compiled search, indexed by bend_type
        self.arc_box = np.zeros((8, 4), np.int64)
        self.arc_count = np.zeros(8, np.int64)
        longest = max(len(v[4]) for v in self.arcs.values())
        self.arc_delta = np.zeros((8, longest), np.int64)
        span = max(max(x1 - x0, y1 - y0) for x0, x1, y0, y1, _ in self.arcs.values()) + 1
        self.arc_mask = np.zeros((8, span, span), np.bool_)
        for (din, dout), (x0, x1, y0, y1, delta) in self.arcs.items():
            b = bend_type(din, dout)
            self.arc_box[b] = (x0, x1, y0, y1)
            self.arc_count[b] = len(delta)
            self.arc_delta[b, : len(delta)] = delta
            for ox, oy in arc_offsets(prm.radius_um, p, din, dout):
                self.arc_mask[b, oy - y0, ox - x0] = True
        # bends of one path that come too close to each other, as a dense table
        # clash_tab[b_earlier, b_new, dy + kc, dx + kc] (offset = earlier corner - new corner)
        near = clash_offsets(prm.radius_um, p, prm.width_um + prm.space_um + 0.1)
        self.kc = int(math.floor(2.2 * prm.radius_um / p + 1e-9))
        side = 2 * self.kc + 1
        self.clash_tab = np.zeros((8, 8, side, side), np.bool_)
        for b_old, row in enumerate(near):
            for b_new, o in enumerate(row):
                self.clash_tab[b_old, b_new, o[:, 1] + self.kc, o[:, 0] + self.kc] = True

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

    def path_arc_nodes(self, node: int, din: int, dout: int) -> np.ndarray:
        """Nodes of a bend of a found path (which never leaves the grid)."""
        arc = self.arc_nodes(node, din, dout)
        if arc is None:
            raise ValueError(f"bend at node {node} ({din} -> {dout}) leaves the routing grid")
        return arc


def _geometry(grid: RoutingGrid, prm: SearchParams) -> _Geometry:
    key = (grid.nx, grid.ny, grid.pitch_um, prm)
    cache = getattr(grid, "_geom_cache", None)
    if cache is None or cache[0] != key:
        cache = (key, _Geometry(grid, prm))
        grid._geom_cache = cache  # type: ignore[attr-defined]
    return cache[1]


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
    hard: bool = False,
) -> Found | None:
    """Cheapest path from port node ``source`` (leaving along ``source_dir``) into port node
    ``target`` (whose port faces ``target_dir``); None if no path exists in ``window``.
    ``hard``: only legal crossings of committed nets, no shared nodes, no clashing bends;
    in a window of ``PROBE_MIN_STATES`` or more, a backward search from the target with
    ``prm.hard_probe_expansions`` expansions runs first, and None is returned at once when
    it runs out of states (the net is boxed in at the target).

    ``window`` = (ix_lo, ix_hi, iy_lo, iy_hi), inclusive index bounds the path stays inside.
    Walls of ``grid`` must already exclude this net's own reserved port stubs. The loop runs
    compiled (``routing.astar_kernel``).
    """
    if source == target:
        raise ValueError("source and target are the same node")
    g = _geometry(grid, prm)
    wx0, wx1, wy0, wy1 = window or (0, grid.nx - 1, 0, grid.ny - 1)
    unit = prm.loss_dB_per_um * grid.pitch_um
    # the penalty bound is zero on an empty board; skip its window-wide Dijkstra there
    use_field = occ.has_penalties()

    def run(src: int, src_dir: int, dst: int, dst_dir: int, budget: int,
            probe: bool) -> tuple:
        return astar_kernel(
            grid.nx, grid.ny, grid.wall, occ.pen, occ.occ, occ.occ_h, occ.occ_v, occ.clash,
            float(occ.arc_penalty_dB), g.arc_box, g.arc_delta, g.arc_count, g.arc_mask,
            g.clash_tab, g.kc, g.k_turn, g.k_start, g.k_cross, g.arm, g.gap,
            unit, prm.heuristic_weight * unit, prm.bend_loss_dB, g.turn_cost,
            prm.crossing_loss_dB, int(src), int(src_dir), int(dst), int(dst_dir),
            int(wx0), int(wx1), int(wy0), int(wy1), int(budget),
            # a probe runs until it finds a way or runs out: no use for the penalty bound
            prm.radius_um / grid.pitch_um, bool(hard), bool(use_field and not probe),
            float(prm.penalty_weight), probe,
        )

    states = (wx1 - wx0 + 1) * (wy1 - wy0 + 1) * 4
    if hard and 0 < prm.hard_probe_expansions and states >= PROBE_MIN_STATES:
        budget = min(prm.hard_probe_expansions, prm.max_expansions)
        cost, expansions, _, _ = run(target, target_dir, source, source_dir, budget, True)
        occ.search_expansions += int(expansions)
        if not math.isfinite(cost) and expansions <= budget:
            return None  # boxed in at the target: the backward search ran out of states
    cost, expansions, verts, xings = run(source, source_dir, target, target_dir,
                                         prm.max_expansions, False)
    occ.search_expansions += int(expansions)
    if not math.isfinite(cost):
        return None
    return Found(verts.tolist(), xings.tolist(), float(cost), int(expansions))
