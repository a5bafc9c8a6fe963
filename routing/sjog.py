"""S-bend jogs inside a route: a small lateral offset without two 90 deg bends.

Two Euler bends need a lateral offset of at least two radii; nets on a bus whose ports are
offset by less (a neighbour move on a 50 um bus with 30 um bends) take an S-bend instead:
gdsfactory's ``bend_s`` (a Bezier curve whose tightest radius still meets the routing
radius), the same cell the off-grid port jogs use. In a path a jog is a segment between two
vertices that differ in both coordinates; the path heads the same way before and after it,
along the segment's longer axis.

Example:
    >>> from quantacore import activate; _ = activate()
    >>> jog_nodes(lateral_nodes=6, pitch_um=5.0, radius_um=30.0, cross_section="strip")
    12
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from routing.grid import RoutingGrid

if TYPE_CHECKING:
    from routing.search import SearchParams


def is_jog(a: int, b: int, nx: int) -> bool:
    """True if the path segment from node ``a`` to node ``b`` is an S-jog (not on one line)."""
    ay, ax = divmod(a, nx)
    by, bx = divmod(b, nx)
    return ax != bx and ay != by


# gdsfactory's bend_s draws its Bezier with this many points (its default, which
# ``jog_cell`` keeps); its tightest radius and length are measured on them
_BEND_S_NPOINTS = 99


@lru_cache(maxsize=1024)
def bend_s_figures(length_um: float, offset_um: float, cross_section: str) -> tuple[float, float]:
    """(tightest radius, centreline length) in um of the S-bend ``jog_cell(offset_um,
    length_um, cross_section)``, computed as gdsfactory's ``bend_s`` computes its
    ``min_bend_radius`` and ``length`` (same points, same functions) without building the
    cell: a cell costs milliseconds (gdsfactory's ``@cell``), and the shortest jog is
    searched over many lengths.

    Example:
        >>> bend_s_figures(30.0, 5.0, "strip")[0] >= 30.0
        True
    """
    import gdsfactory as gf
    from gdsfactory.components.bends.bend_s import bezier_curve
    from gdsfactory.functions import curvature

    t = np.linspace(0, 1, _BEND_S_NPOINTS)
    ctrl = ((0.0, 0.0), (length_um / 2, 0.0), (length_um / 2, offset_um), (length_um, offset_um))
    pts = bezier_curve(t, ctrl)
    peak = float(np.max(np.abs(curvature(pts, t))))
    radius = math.inf if peak == 0 else float(gf.snap.snap_to_grid(1 / peak))
    return radius, float(gf.Path(pts).length())


@lru_cache(maxsize=256)
def shortest_jog_um(offset_um: float, pitch_um: float, radius_um: float,
                    cross_section: str) -> float:
    """Shortest multiple of the pitch over which an S-bend of ``offset_um`` keeps its tightest
    radius at or above ``radius_um`` (and the cross-section's own minimum, below which
    gdsfactory refuses the cell), found without building cells (``bend_s_figures``)."""
    import gdsfactory as gf

    xs = gf.get_cross_section(cross_section)
    floor = max(radius_um, float(xs.radius_min or xs.radius or 0.0))
    for k in range(1, 200):
        length = k * pitch_um
        if bend_s_figures(length, offset_um, cross_section)[0] >= floor:
            return length
    raise ValueError(f"no S-bend jog of {offset_um:g} um fits a {radius_um:g} um radius")


@lru_cache(maxsize=256)
def jog_nodes(*, lateral_nodes: int, pitch_um: float, radius_um: float,
              cross_section: str) -> int:
    """Length along the heading (in nodes) of the shortest S-jog of ``lateral_nodes``."""
    return round(shortest_jog_um(abs(lateral_nodes) * pitch_um, pitch_um, radius_um,
                                 cross_section) / pitch_um)


def jog_reach_um(pitch_um: float, sep_um: float) -> float:
    """How far from its centreline an S-jog claims grid nodes (um): half a grid diagonal plus
    the centreline separation ``sep_um`` (width + space + margin).

    Every other piece (straight, Euler bend, jog) claims nodes within half a pitch of its
    centreline, so each of its points has a claimed node within half a grid diagonal. A jog
    that claims every node within this reach therefore shares a node with any piece that
    comes within ``sep_um`` of it: a half-pitch claim alone lets two curves cross between
    the nodes unseen (a jog through an Euler bend on the 48-net shuffled bus did).

    Example:
        >>> round(jog_reach_um(5.0, 1.15), 3)
        4.686
    """
    return pitch_um * math.sqrt(0.5) + sep_um


@lru_cache(maxsize=256)
def jog_offsets(length_nodes: int, lateral_nodes: int, pitch_um: float,
                cross_section: str, reach_um: float | None = None) -> tuple[tuple[int, int], ...]:
    """Nodes (along, left) relative to the jog's start that lie within ``reach_um`` (default
    half a pitch) of its centreline, heading along +along and shifting ``lateral_nodes`` to
    the left."""
    pts = jog_centreline_um(length_nodes * pitch_um, lateral_nodes * pitch_um, cross_section)
    pts = pts / pitch_um
    reach = 0.5 if reach_um is None else reach_um / pitch_um
    pad = int(np.ceil(reach)) + 1
    lo = np.floor(pts.min(axis=0) - pad).astype(int)
    hi = np.ceil(pts.max(axis=0) + pad).astype(int)
    gx, gy = np.meshgrid(np.arange(lo[0], hi[0] + 1), np.arange(lo[1], hi[1] + 1))
    cand = np.stack([gx.ravel(), gy.ravel()], axis=1)
    d2 = ((cand[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2).min(axis=1)
    keep = cand[d2 <= (reach + 1e-9) ** 2]
    return tuple(sorted((int(a), int(b)) for a, b in keep))


@lru_cache(maxsize=256)
def jog_centreline_um(length_um: float, offset_um: float, cross_section: str) -> np.ndarray:
    """The jog cell's centreline (from its polygon-free Bezier), densified to <= 0.1 um."""
    from gdsfactory.components.bends.bend_s import bezier_curve

    ctrl = ((0.0, 0.0), (length_um / 2, 0.0), (length_um / 2, offset_um), (length_um, offset_um))
    n = max(50, int(np.hypot(length_um, offset_um) / 0.1))
    return bezier_curve(np.linspace(0, 1, n), ctrl)


def jog_cell_length_um(length_nodes: int, lateral_nodes: int, pitch_um: float,
                       cross_section: str) -> float:
    """Centreline length (um) of the drawn jog."""
    return bend_s_figures(length_nodes * pitch_um, lateral_nodes * pitch_um, cross_section)[1]


def jog_frame(a: int, b: int, nx: int, heading: int) -> tuple[int, int]:
    """(length along ``heading``, lateral offset to the left) in nodes of the jog a -> b."""
    ay, ax = divmod(a, nx)
    by, bx = divmod(b, nx)
    dx, dy = bx - ax, by - ay
    ux, uy = ((1, 0), (0, 1), (-1, 0), (0, -1))[heading]
    return dx * ux + dy * uy, -dx * uy + dy * ux


def jog_heading(a: int, b: int, nx: int) -> int:
    """The heading through a jog: along its longer axis."""
    ay, ax = divmod(a, nx)
    by, bx = divmod(b, nx)
    dx, dy = bx - ax, by - ay
    if abs(dx) >= abs(dy):
        return 0 if dx > 0 else 2
    return 1 if dy > 0 else 3


def jog_claim_nodes(a: int, b: int, nx: int, pitch_um: float, cross_section: str,
                    sep_um: float = 0.0) -> np.ndarray:
    """Grid nodes the jog from ``a`` to ``b`` occupies: within ``jog_reach_um`` of its
    centreline (half a pitch when ``sep_um`` is 0)."""
    h = jog_heading(a, b, nx)
    length, lateral = jog_frame(a, b, nx, h)
    reach = jog_reach_um(pitch_um, sep_um) if sep_um > 0 else None
    offs = np.array(jog_offsets(length, lateral, pitch_um, cross_section, reach), np.int64)
    ux, uy = ((1, 0), (0, 1), (-1, 0), (0, -1))[h]
    dx = offs[:, 0] * ux - offs[:, 1] * uy
    dy = offs[:, 0] * uy + offs[:, 1] * ux
    return a + dy * nx + dx


def jog_turn_deg(length_um: float, offset_um: float, cross_section: str) -> float:
    """Total turning angle (deg) of the jog: out to its steepest tangent and back."""
    pts = jog_centreline_um(length_um, offset_um, cross_section)
    d = np.diff(pts, axis=0)
    return float(2 * np.degrees(np.max(np.abs(np.arctan2(d[:, 1], d[:, 0])))))


def path_length_um(grid: RoutingGrid, prm: SearchParams,
                   vertices: list[int]) -> tuple[float, float]:
    """(Manhattan length of the path's straight segments + its S-jogs' length, the jogs'
    total turning in degrees); the caller takes off what its bends cut from the corners."""
    nx, p = grid.nx, grid.pitch_um
    total, turn = 0.0, 0.0
    for a, b in zip(vertices[:-1], vertices[1:], strict=True):
        if is_jog(a, b, nx):
            along, left = jog_frame(a, b, nx, jog_heading(a, b, nx))
            total += jog_cell_length_um(along, left, p, prm.cross_section)
            turn += jog_turn_deg(along * p, left * p, prm.cross_section)
            continue
        (ax, ay), (bx, by) = grid.xy(a), grid.xy(b)
        total += abs(bx - ax) + abs(by - ay)
    return total, turn
