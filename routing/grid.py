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
        if pitch_um <= 0:
            raise ValueError(f"pitch_um must be > 0, got {pitch_um}")
        x0, y0, x1, y1 = bbox_um
        ix0, iy0 = math.ceil(x0 / pitch_um - 1e-9), math.ceil(y0 / pitch_um - 1e-9)
        ix1, iy1 = math.floor(x1 / pitch_um + 1e-9), math.floor(y1 / pitch_um + 1e-9)
        nx, ny = ix1 - ix0 + 1, iy1 - iy0 + 1
        if nx < 2 or ny < 2:
            raise ValueError(f"routing area {bbox_um} is smaller than two pitches ({pitch_um} um)")
        n = nx * ny
        return cls(ix0, iy0, nx, ny, pitch_um, np.zeros(n, bool), np.full(n, -1, np.int32))

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


@lru_cache(maxsize=64)
def _euler_points(radius_um: float) -> np.ndarray:
    """Centreline of gdsfactory's 90 deg Euler bend (p = 0.5), densified to <= 0.1 um steps;
    it starts at (0, 0) heading east and ends at (R, R) heading north."""
    pts = np.asarray(gf.path.euler(radius=radius_um, angle=90, p=0.5, use_eff=True).points)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    out = [pts[:1]]
    for a, b, s in zip(pts[:-1], pts[1:], seg, strict=True):
        k = max(1, math.ceil(s / 0.1))
        t = np.linspace(0, 1, k + 1)[1:, None]
        out.append(a + (b - a) * t)
    return np.vstack(out)


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
    base = _euler_points(radius_um) - np.array([radius_um, 0.0])  # corner at the origin
    pts = _transform(base, din, dout) / pitch_um
    half = 0.5 + 1e-9
    lo = np.floor(pts.min(axis=0) - 1).astype(int)
    hi = np.ceil(pts.max(axis=0) + 1).astype(int)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0] + 1), np.arange(lo[1], hi[1] + 1))
    cand = np.stack([gx.ravel(), gy.ravel()], axis=1)
    d2 = ((cand[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    keep = cand[d2 <= half * half]
    return tuple(sorted((int(a), int(b)) for a, b in keep))
