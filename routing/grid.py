"""The routing grid: a uniform lattice of track nodes with an occupancy-array obstacle index.

Nodes sit every ``pitch_um`` on both axes, with the lattice origin at (0, 0); node ``n`` is
``iy * nx + ix``. Obstacles (cell bounding boxes dilated by a keep-out) are stamped into a
boolean ``wall`` array by slicing, so an obstacle costs O(its area) once and a look-up is O(1):
no all-pairs geometry anywhere.

Euler bends are drawn around *corner* nodes; ``arc_offsets`` gives, for each turn, the nodes
(relative to the corner) that lie within half a pitch of the bend's centreline, i.e. the nodes
the bend occupies. Two waveguides that occupy no common node are at least one pitch apart.

Example:
    >>> g = RoutingGrid.empty(bbox_um=(0, 0, 100, 50), pitch_um=5.0)
    >>> g.nx, g.ny, g.node_at(10.0, 5.0)
    (21, 11, 23)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import gdsfactory as gf
import numpy as np

# Directions: index -> unit step (E, N, W, S); port orientation (deg) -> direction index.
DIRS: tuple[tuple[int, int], ...] = ((1, 0), (0, 1), (-1, 0), (0, -1))
ORIENTATION_TO_DIR: dict[int, int] = {0: 0, 90: 1, 180: 2, 270: 3}
_SNAP_TOL_UM = 1e-3


def _lattice(
    bbox_um: tuple[float, float, float, float], pitch_um: float
) -> tuple[int, int, int, int]:
    """(ix0, iy0, nx, ny) of the lattice nodes inside ``bbox_um``."""
    if pitch_um <= 0:
        raise ValueError(f"pitch_um must be > 0, got {pitch_um}")
    x0, y0, x1, y1 = bbox_um
    ix0, iy0 = math.ceil(x0 / pitch_um - 1e-9), math.ceil(y0 / pitch_um - 1e-9)
    ix1, iy1 = math.floor(x1 / pitch_um + 1e-9), math.floor(y1 / pitch_um + 1e-9)
    nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
    if nx < 2 or ny < 2:
        raise ValueError(f"routing area {bbox_um} is smaller than two pitches ({pitch_um} um)")
    return ix0, iy0, nx, ny


@dataclass
class RoutingGrid:
    """Uniform node lattice over a rectangle; ``wall[n]`` marks nodes no waveguide may use.

    Attributes:
        ix0, iy0: lattice index of the lower-left node (coordinates are ``i * pitch_um``).
        nx, ny: number of nodes along x / y.
        pitch_um: node spacing in um.
        wall: flat boolean array, True where a node is inside an obstacle's keep-out.
        owner: flat int array, ``-1`` or the net allowed to use a reserved node (port stubs).
    """

    ix0: int
    iy0: int
    nx: int
    ny: int
    pitch_um: float
    wall: np.ndarray = field(repr=False)
    owner: np.ndarray = field(repr=False)

    @classmethod
    def empty(cls, *, bbox_um: tuple[float, float, float, float], pitch_um: float) -> RoutingGrid:
        """Grid of all lattice nodes inside ``bbox_um`` = (x0, y0, x1, y1), no obstacles."""
        ix0, iy0, nx, ny = _lattice(bbox_um, pitch_um)
        n = nx * ny
        return cls(ix0, iy0, nx, ny, pitch_um, np.zeros(n, bool), np.full(n, -1, np.int32))

    @classmethod
    def for_area(
        cls, *, bbox_um: tuple[float, float, float, float], pitch_um: float, max_nodes: int,
        block_nodes: int = 50,
    ) -> RoutingGrid:
        """A dense grid over ``bbox_um`` if it has at most ``max_nodes`` nodes, else a
        ``BlockRoutingGrid`` of the same lattice whose walls are ``block_nodes`` square
        blocks made on demand (the dense arrays cost ~50 bytes a node, with the search's)."""
        if cls.is_dense_for(bbox_um=bbox_um, pitch_um=pitch_um, max_nodes=max_nodes):
            return cls.empty(bbox_um=bbox_um, pitch_um=pitch_um)
        ix0, iy0, nx, ny = _lattice(bbox_um, pitch_um)
        wall = BlockWall(nx=nx, ny=ny, block_nodes=block_nodes)
        return BlockRoutingGrid(ix0, iy0, nx, ny, pitch_um, wall, np.zeros(0, np.int32))

    @staticmethod
    def is_dense_for(*, bbox_um: tuple[float, float, float, float], pitch_um: float,
                     max_nodes: int) -> bool:
        """Whether ``for_area`` with these arguments makes a dense grid (not a block one)."""
        _, _, nx, ny = _lattice(bbox_um, pitch_um)
        return nx * ny <= max_nodes

    @property
    def size(self) -> int:
        return self.nx * self.ny

    def xy(self, node: int) -> tuple[float, float]:
        """Coordinates (um) of ``node``."""
        iy, ix = divmod(int(node), self.nx)
        return ((ix + self.ix0) * self.pitch_um, (iy + self.iy0) * self.pitch_um)

    def node_at(self, x_um: float, y_um: float) -> int:
        """Node at (x, y) in um; raises ValueError if the point is off the lattice or outside."""
        fx, fy = x_um / self.pitch_um, y_um / self.pitch_um
        ix, iy = round(fx), round(fy)
        if abs(ix - fx) * self.pitch_um > _SNAP_TOL_UM or abs(iy - fy) * self.pitch_um > (
            _SNAP_TOL_UM
        ):
            raise ValueError(
                f"point ({x_um:g}, {y_um:g}) um is not on the {self.pitch_um:g} um routing grid; "
                f"place cells so their ports lie on multiples of pitch_um"
            )
        ix, iy = ix - self.ix0, iy - self.iy0
        if not (0 <= ix < self.nx and 0 <= iy < self.ny):
            raise ValueError(f"point ({x_um:g}, {y_um:g}) um is outside the routing area")
        return iy * self.nx + ix

    def index_box(
        self, x0: float, y0: float, x1: float, y1: float
    ) -> tuple[int, int, int, int] | None:
        """Index ranges [ix_lo, ix_hi) x [iy_lo, iy_hi) of nodes inside a box (um), or None."""
        p = self.pitch_um
        lo_x = max(math.ceil(x0 / p - 1e-9) - self.ix0, 0)
        hi_x = min(math.floor(x1 / p + 1e-9) - self.ix0 + 1, self.nx)
        lo_y = max(math.ceil(y0 / p - 1e-9) - self.iy0, 0)
        hi_y = min(math.floor(y1 / p + 1e-9) - self.iy0 + 1, self.ny)
        if lo_x >= hi_x or lo_y >= hi_y:
            return None
        return lo_x, hi_x, lo_y, hi_y

    def block_box(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Mark every node inside the box (um) as wall."""
        box = self.index_box(x0, y0, x1, y1)
        if box is not None:
            lx, hx, ly, hy = box
            self.wall.reshape(self.ny, self.nx)[ly:hy, lx:hx] = True


class BlockWall:
    """The ``wall`` of a ``BlockRoutingGrid``: square blocks of ``block_nodes`` x
    ``block_nodes`` nodes, each a small dense bool array made only when something reads or
    writes it. Obstacle boxes are recorded per block they touch and stamped when the block is
    made, so a die-sized area costs memory only where routes go.

    Indexing takes global node numbers (``iy * nx + ix``), an int or an int array, like the
    dense array it stands in for.

    Example:
        >>> w = BlockWall(nx=1000, ny=1000, block_nodes=50)
        >>> w.add_box(10, 20, 0, 5)  # ix in [10, 20), iy in [0, 5)
        >>> bool(w[3 * 1000 + 12]), bool(w[3 * 1000 + 25]), len(w.blocks)
        (True, False, 1)
    """

    def __init__(self, *, nx: int, ny: int, block_nodes: int) -> None:
        self.nx, self.ny, self.b = nx, ny, block_nodes
        self.nbx = -(-nx // block_nodes)
        self.nby = -(-ny // block_nodes)
        self.blocks: dict[int, np.ndarray] = {}
        self.pending: dict[int, list[tuple[int, int, int, int]]] = {}

    def add_box(self, lx: int, hx: int, ly: int, hy: int) -> None:
        """Wall the nodes ix in [lx, hx), iy in [ly, hy) (global indices)."""
        b = self.b
        for by in range(ly // b, (hy - 1) // b + 1):
            for bx in range(lx // b, (hx - 1) // b + 1):
                k = by * self.nbx + bx
                arr = self.blocks.get(k)
                if arr is None:
                    self.pending.setdefault(k, []).append((lx, hx, ly, hy))
                else:
                    self._stamp(arr, bx, by, (lx, hx, ly, hy))

    def boxes_of(self, k: int) -> list[tuple[int, int, int, int]]:
        """Boxes (global index ranges) recorded for block ``k`` and not yet stamped."""
        return self.pending.get(k, [])

    def _stamp(self, arr: np.ndarray, bx: int, by: int, box: tuple[int, int, int, int]) -> None:
        lx, hx, ly, hy = box
        x0, y0 = bx * self.b, by * self.b
        arr[max(ly - y0, 0):max(hy - y0, 0), max(lx - x0, 0):max(hx - x0, 0)] = True

    def block(self, k: int) -> np.ndarray:
        """The (block_nodes, block_nodes) wall array of block ``k`` (made on first use)."""
        arr = self.blocks.get(k)
        if arr is None:
            arr = np.zeros((self.b, self.b), bool)
            by, bx = divmod(k, self.nbx)
            for box in self.pending.pop(k, []):
                self._stamp(arr, bx, by, box)
            self.blocks[k] = arr
        return arr

    def window(self, ix0: int, ix1: int, iy0: int, iy1: int) -> np.ndarray:
        """Dense copy of the walls of ix in [ix0, ix1), iy in [iy0, iy1) as (ny, nx)."""
        out = np.zeros((iy1 - iy0, ix1 - ix0), bool)
        b = self.b
        for by in range(iy0 // b, (iy1 - 1) // b + 1):
            for bx in range(ix0 // b, (ix1 - 1) // b + 1):
                arr = self.block(by * self.nbx + bx)
                x0, y0 = bx * b, by * b
                sx0, sx1 = max(ix0, x0), min(ix1, x0 + b)
                sy0, sy1 = max(iy0, y0), min(iy1, y0 + b)
                out[sy0 - iy0:sy1 - iy0, sx0 - ix0:sx1 - ix0] = arr[sy0 - y0:sy1 - y0,
                                                                     sx0 - x0:sx1 - x0]
        return out

    def _split(self, key: object) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        q = np.asarray(key, np.int64)
        iy, ix = np.divmod(q, self.nx)
        k = (iy // self.b) * self.nbx + ix // self.b
        return q, k, iy % self.b, ix % self.b

    def __getitem__(self, key: object) -> np.ndarray:
        q, k, ly, lx = self._split(key)
        if q.ndim == 0:
            return self.block(int(k))[int(ly), int(lx)]
        out = np.zeros(q.shape, bool)
        for kk in np.unique(k).tolist():
            sel = k == kk
            out[sel] = self.block(kk)[ly[sel], lx[sel]]
        return out

    def __setitem__(self, key: object, value: object) -> None:
        q, k, ly, lx = self._split(key)
        if q.ndim == 0:
            self.block(int(k))[int(ly), int(lx)] = value
            return
        val = np.broadcast_to(np.asarray(value, bool), q.shape)
        for kk in np.unique(k).tolist():
            sel = k == kk
            self.block(kk)[ly[sel], lx[sel]] = val[sel]


@dataclass
class BlockRoutingGrid(RoutingGrid):
    """The node lattice of ``RoutingGrid`` over an area too large for dense arrays: the same
    indexing (``node = iy * nx + ix``, ``xy``, ``node_at``), with ``wall`` a ``BlockWall``
    that stores only the blocks something touched. The search does not run on it directly:
    the corridor router (``routing.corridor_route``) copies small dense windows out of it.

    Example:
        >>> g = RoutingGrid.for_area(bbox_um=(0, 0, 40_000, 25_000), pitch_um=5.0,
        ...                          max_nodes=1_000_000)
        >>> type(g).__name__, g.nx * g.ny, len(g.wall.blocks)
        ('BlockRoutingGrid', 40013001, 0)
    """

    wall: BlockWall = field(repr=False)  # type: ignore[assignment]  # the sparse stand-in

    def block_box(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Mark every node inside the box (um) as wall (recorded, stamped when read)."""
        box = self.index_box(x0, y0, x1, y1)
        if box is not None:
            lx, hx, ly, hy = box
            self.wall.add_box(lx, hx, ly, hy)


@lru_cache(maxsize=64)
def _euler_points(radius_um: float) -> np.ndarray:
    """Centreline of gdsfactory's 90 deg Euler bend (p = 0.5), densified to <= 0.1 um steps;
    it starts at (0, 0) heading east and ends at (R, R) heading north (read-only: cached, as
    every bend table of a routing job starts from it)."""
    pts = np.asarray(gf.path.euler(radius=radius_um, angle=90, p=0.5, use_eff=True).points)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    k = np.maximum(1, np.ceil(seg / 0.1)).astype(int)  # sub-steps of each segment
    owner = np.repeat(np.arange(len(seg)), k)  # the segment each densified point lies on
    t = (np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k) + 1) / k[owner]
    dense = pts[owner] + (pts[owner + 1] - pts[owner]) * t[:, None]
    out = np.vstack([pts[:1], dense])
    out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def euler_length_um(radius_um: float) -> float:
    """Centreline length (um) of the 90 deg Euler bend of effective radius ``radius_um``."""
    pts = _euler_points(radius_um)
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


def _transform(pts: np.ndarray, din: int, dout: int) -> np.ndarray:
    """Map the base left turn (east -> north, corner at origin) onto turn ``din -> dout``."""
    if (din + 1) % 4 != dout:  # right turn: mirror the left turn about the x axis
        pts = pts * np.array([1.0, -1.0])
    c, s = [(1, 0), (0, 1), (-1, 0), (0, -1)][din]
    return pts @ np.array([[c, s], [-s, c]])


@lru_cache(maxsize=256)
def arc_offsets(
    radius_um: float, pitch_um: float, din: int, dout: int
) -> tuple[tuple[int, int], ...]:
    """Nodes (dx, dy, relative to the corner) within half a pitch of a bend ``din -> dout``.

    Example:
        >>> offs = arc_offsets(30.0, 5.0, 0, 1)
        >>> (-6, 0) in offs and (0, 6) in offs and (0, 0) not in offs
        True
    """
    # the other seven turns are the base left turn rotated and mirrored: exact on integer
    # offsets, and 8x cheaper than measuring each (a fresh process builds all eight)
    base = np.array(_left_turn_offsets(radius_um, pitch_um), int)
    return tuple(sorted((int(a), int(b)) for a, b in _transform(base, din, dout)))


@lru_cache(maxsize=64)
def _left_turn_offsets(radius_um: float, pitch_um: float) -> tuple[tuple[int, int], ...]:
    """``arc_offsets`` of the base left turn (east -> north, corner at the origin)."""
    from scipy.spatial import cKDTree

    pts = (_euler_points(radius_um) - np.array([radius_um, 0.0])) / pitch_um
    half = 0.5 + 1e-9
    lo = np.floor(pts.min(axis=0) - 1).astype(int)
    hi = np.ceil(pts.max(axis=0) + 1).astype(int)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0] + 1), np.arange(lo[1], hi[1] + 1))
    cand = np.stack([gx.ravel(), gy.ravel()], axis=1)
    dist, _ = cKDTree(pts).query(cand, distance_upper_bound=half + 1e-9)
    keep = cand[dist <= half]
    return tuple((int(a), int(b)) for a, b in keep)
