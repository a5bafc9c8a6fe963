"""Rectilinear finite-volume grids: graded axes that are fine near the heat sources.

An axis is a sorted array of cell edges in um. ``graded_axis`` keeps every break point (layer
interfaces, polygon edges) as an edge, uses ``fine_um`` spacing inside the focus interval and
lets the spacing grow linearly with the distance from it (a geometric grading) up to
``max_um``.

Example:
    >>> e = graded_axis(breaks_um=[-10.0, 0.0, 10.0], fine_um=0.5, max_um=4.0, focus_um=(-1, 1))
    >>> float(e[0]), float(e[-1]), bool(np.all(np.diff(e) <= 4.0 + 1e-9))
    (-10.0, 10.0, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from components.models.sdict import check_positive

__all__ = ["Grid", "graded_axis"]


def graded_axis(
    *,
    breaks_um: Sequence[float],
    fine_um: float,
    max_um: float,
    focus_um: tuple[float, float] | None = None,
    growth: float = 0.3,
) -> np.ndarray:
    """Cell edges (um) between min(breaks_um) and max(breaks_um), graded away from the focus.

    Args:
        breaks_um: points that must be edges (at least two distinct values).
        fine_um: spacing inside ``focus_um`` (um, > 0).
        max_um: largest spacing (um, >= fine_um).
        focus_um: (lo, hi) interval of fine spacing; None = uniform ``fine_um`` everywhere.
        growth: spacing grows by ``growth`` um per um of distance from the focus.

    Returns:
        sorted float array of edges.
    """
    fine = check_positive("fine_um", fine_um)
    coarse = check_positive("max_um", max_um)
    if coarse < fine:
        raise ValueError(f"max_um must be >= fine_um = {fine}, got {max_um!r}")
    b = np.unique(np.round(np.asarray(breaks_um, dtype=float), 9))
    if b.size < 2:
        raise ValueError(f"breaks_um must hold two distinct values, got {list(breaks_um)!r}")
    edges = [b[:1]]
    for lo, hi in zip(b[:-1], b[1:], strict=True):
        xs = np.linspace(lo, hi, 257)
        if focus_um is None:
            s = np.full_like(xs, fine)
        else:
            f0, f1 = focus_um
            dist = np.maximum(0.0, np.maximum(f0 - xs, xs - f1))
            s = np.minimum(coarse, fine + growth * dist)
        inv = 1.0 / s
        u = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * np.diff(xs))])
        n = max(1, math.ceil(u[-1] - 1e-9))
        pts = np.interp(np.linspace(0.0, u[-1], n + 1), u, xs)
        pts[0], pts[-1] = lo, hi
        edges.append(pts[1:])
    return np.concatenate(edges)


@dataclass(frozen=True)
class Grid:
    """A 3D rectilinear grid of cell edges (um) along x, y, z.

    A 2D cross-section (x, z) is a grid with one cell along y whose width is the unit length
    (1 um): powers are then W per um of length.

    Example:
        >>> g = Grid(np.array([0.0, 1.0, 3.0]), np.array([0.0, 1.0]), np.array([0.0, 2.0]))
        >>> g.shape, g.dx.tolist()
        ((2, 1, 1), [1.0, 2.0])
    """

    xe: np.ndarray
    ye: np.ndarray
    ze: np.ndarray

    def __post_init__(self) -> None:
        for name in ("xe", "ye", "ze"):
            e = np.asarray(getattr(self, name), dtype=float)
            if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
                raise ValueError(f"{name} must be a strictly increasing array of >= 2 edges")
            object.__setattr__(self, name, e)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.xe.size - 1, self.ye.size - 1, self.ze.size - 1)

    @property
    def size(self) -> int:
        nx, ny, nz = self.shape
        return nx * ny * nz

    @property
    def dx(self) -> np.ndarray:
        return np.diff(self.xe)

    @property
    def dy(self) -> np.ndarray:
        return np.diff(self.ye)

    @property
    def dz(self) -> np.ndarray:
        return np.diff(self.ze)

    @property
    def xc(self) -> np.ndarray:
        return 0.5 * (self.xe[1:] + self.xe[:-1])

    @property
    def yc(self) -> np.ndarray:
        return 0.5 * (self.ye[1:] + self.ye[:-1])

    @property
    def zc(self) -> np.ndarray:
        return 0.5 * (self.ze[1:] + self.ze[:-1])

    def volumes_um3(self) -> np.ndarray:
        """Cell volumes in um^3, shape ``self.shape``."""
        return self.dx[:, None, None] * self.dy[None, :, None] * self.dz[None, None, :]
