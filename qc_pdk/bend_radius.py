"""Minimum bend-radius check on waveguide polygons.

KLayout has no built-in curvature check, so this measures it from polygon vertices: on every
concave stretch of a waveguide outline (the inside edge of a bend, the hole of a ring, a sharp
inner corner) the radius through a vertex and the outline points ``window_um`` before and after
it is the local radius of the inside edge. A centreline radius R of a waveguide of width w
gives an inside-edge radius R - w/2.

The check is local to a polygon, so it runs once per cell on the cell's own merged shapes and
keeps the layout's hierarchy (a million instances of a ring cost one ring).

Example:
    >>> import numpy as np
    >>> t = np.linspace(0, np.pi / 2, 50)
    >>> inner = np.c_[10 * np.cos(t), 10 * np.sin(t)][::-1]          # inside edge, R = 10
    >>> outer = np.c_[11 * np.cos(t), 11 * np.sin(t)]                # outside edge
    >>> outline = np.r_[outer, inner]
    >>> len(tight_stretches([outline], min_inner_radius_um=12.0, window_um=1.0)) > 0
    True
    >>> tight_stretches([outline], min_inner_radius_um=9.0, window_um=1.0)
    []
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# Vertices snap to a 1 nm grid, so a radius measured through vertices a window apart carries a
# relative error of about dbu / sagitta (0.1 % for a 0.25 R window at R = 20 um); flag radii
# more than 0.25 % under the limit, so a 19.9 um arc fails a 20 um rule and a 20 um one passes.
RADIUS_TOLERANCE = 0.0025
# A convex turn sharper than this ends a smooth stretch (the corner of a waveguide end face).
_CONVEX_BREAK_RAD = 0.2


def _signed_area(points: np.ndarray) -> float:
    x, y = points[:, 0], points[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def _circumradii(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Radius of the circle through each row's three points (inf where they are collinear)."""
    ab = np.linalg.norm(b - a, axis=1)
    bc = np.linalg.norm(c - b, axis=1)
    ca = np.linalg.norm(a - c, axis=1)
    twice_area = np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1])
                        - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = ab * bc * ca / (2.0 * twice_area)
    return np.where(twice_area < 1e-12, np.inf, r)


def _contour_tight_stretches(
    points: np.ndarray, is_hole: bool, min_inner_radius_um: float, window_um: float
) -> list[tuple[float, float, float, float]]:
    n = len(points)
    if n < 3:
        return []
    area = _signed_area(points)
    if area == 0:
        return []
    prev_pts, next_pts = np.roll(points, 1, axis=0), np.roll(points, -1, axis=0)
    d_in, d_out = points - prev_pts, next_pts - points
    cross = d_in[:, 0] * d_out[:, 1] - d_in[:, 1] * d_out[:, 0]
    dot = (d_in * d_out).sum(axis=1)
    turn = np.arctan2(cross, dot)  # signed turning angle per vertex
    # Concave w.r.t. the solid: turning against a hull's orientation, with a hole's orientation.
    sense = np.sign(area) * (-1.0 if is_hole else 1.0)
    concave = turn * sense < -1e-9
    if not concave.any():
        return []
    breaks = np.flatnonzero(turn * sense > _CONVEX_BREAK_RAD)
    # Rotate so the contour starts at a break (or anywhere on a smooth closed loop like a ring).
    start = int(breaks[0]) if len(breaks) else 0
    order = np.r_[np.arange(start, n), np.arange(0, start)]
    pts, conc = points[order], concave[order]
    is_break = np.zeros(n, bool)
    if len(breaks):
        is_break[(breaks - start) % n] = True
    closed_loop = not len(breaks)
    limit = min_inner_radius_um * (1.0 - RADIUS_TOLERANCE)
    tight: list[tuple[float, float, float, float]] = []
    # Walk each smooth run between breaks (the whole loop when there are none).
    run_starts = np.flatnonzero(is_break).tolist() or [0]
    for k, rs in enumerate(run_starts):
        re_ = run_starts[k + 1] if k + 1 < len(run_starts) else n
        if closed_loop:
            # Pad a closed loop with wrap-around points so windows never hit an artificial end.
            idx = np.r_[np.arange(n), np.arange(n), np.arange(n)]
            run = pts[idx]
            run_conc = conc[idx]
            centre = range(n, 2 * n)
        else:
            idx = np.arange(rs, re_ + 1) % n
            run = pts[idx]
            run_conc = conc[idx]
            centre = range(1, len(idx) - 1)
        seg = np.linalg.norm(np.diff(run, axis=0), axis=1)
        cum = np.r_[0.0, np.cumsum(seg)]
        # every concave vertex at once (a loop per vertex was most of a chip's DRC time)
        ci = np.array([i for i in centre if run_conc[i]], dtype=int)
        s_i = cum[ci]
        # Outline vertices (not points interpolated on chords, which lie inside the true
        # curve) about one window before and after: an arc drawn by any tool measures its own
        # radius, however coarse its chords.
        ia = np.maximum(np.searchsorted(cum, s_i - window_um, side="right") - 1, 0)
        ic = np.minimum(np.searchsorted(cum, s_i + window_um, side="left"), len(cum) - 1)
        a, v, c = run[ia], run[ci], run[ic]
        # The stretch must be concave over the whole window, not just at the vertex: a 1 nm
        # grid dent on a convex outline is not an inside bend.
        turn_w = (v[:, 0] - a[:, 0]) * (c[:, 1] - v[:, 1]) - (v[:, 1] - a[:, 1]) * (
            c[:, 0] - v[:, 0])
        tight_here = (turn_w * sense < 0) & (_circumradii(a, v, c) < limit)
        flagged = ci[tight_here].tolist()
        boxes = [np.array(t) for t in zip(a[tight_here], v[tight_here], c[tight_here],
                                          strict=True)]
        # One marker per stretch of tight vertices (gaps shorter than a window, where 1 nm snapping
        # makes a single vertex look straight, do not split it).
        groups: list[list[np.ndarray]] = []
        last = None
        for i, pts3 in zip(flagged, boxes, strict=True):
            if last is None or cum[i] - cum[last] > window_um:
                groups.append([])
            groups[-1].append(pts3)
            last = i
        if closed_loop and len(groups) > 1:
            # A loop has no first vertex: a stretch running over the one it was walked from is
            # one stretch (else where the outline happens to start would split the marker).
            loop_um = cum[2 * n] - cum[n]
            if cum[flagged[0]] + loop_um - cum[flagged[-1]] <= window_um:
                groups[0] += groups.pop()
        tight += [_bbox(g) for g in groups]
    return tight


def _bbox(groups: Sequence[np.ndarray]) -> tuple[float, float, float, float]:
    allp = np.vstack(groups)
    x0, y0 = allp.min(axis=0)
    x1, y1 = allp.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


def tight_stretches(
    contours: Sequence[npt.ArrayLike],
    *,
    min_inner_radius_um: float,
    window_um: float,
    holes: Sequence[npt.ArrayLike] = (),
) -> list[tuple[float, float, float, float]]:
    """Bounding boxes (x0, y0, x1, y1 in um) of outline stretches curving tighter than allowed.

    Args:
        contours: polygon hulls, each (N, 2) vertices in um (either orientation).
        min_inner_radius_um: smallest allowed radius of a concave outline stretch (um).
        window_um: half-length of outline over which the radius is measured (um).
        holes: polygon holes, (N, 2) arrays in um.

    Returns:
        One box per offending stretch; empty when the outline is smooth enough.
    """
    out: list[tuple[float, float, float, float]] = []
    for c in contours:
        out += _contour_tight_stretches(np.asarray(c, float), False, min_inner_radius_um, window_um)
    for h in holes:
        out += _contour_tight_stretches(np.asarray(h, float), True, min_inner_radius_um, window_um)
    return out
