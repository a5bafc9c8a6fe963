"""A thermal problem on a grid: material per cell, heat sources, coolant cells, boundaries.

Geometry is given as prisms (an xy polygon in um extruded over [zmin_um, zmax_um]) of named
materials (``thermal.materials.MATERIAL_NAMES``), painted in order onto horizontal base
layers; later prisms win. Cells are assigned by their centre. Heat sources are prisms with a
power in W spread over the cells whose centres they hold (by volume). Coolant channels
(``thermal.cooling.CoolantChannel``) remove their cells from the solid; the walls become
convective boundaries.

Example:
    >>> from thermal.grid import Grid
    >>> g = Grid(np.linspace(0, 4, 5), np.linspace(0, 1, 2), np.linspace(0, 2, 3))
    >>> p = build_problem(grid=g, base_layers=[(0.0, 2.0, "sio2")],
    ...     sources=[HeatSource(polygon_um=[(1, 0), (2, 0), (2, 1), (1, 1)],
    ...                         zmin_um=1.0, zmax_um=2.0, power_W=1e-3)])
    >>> float(p.q_W.sum())
    0.001
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.path import Path as MplPath
from pydantic import BaseModel, ConfigDict

from thermal.cooling import CoolantChannel
from thermal.grid import Grid
from thermal.materials import (
    MATERIAL_NAMES,
    conductivity_W_per_mK,
    heat_capacity_J_per_m3K,
)

__all__ = ["SINK_FACES", "HeatSource", "Prism", "ThermalProblem", "build_problem", "cells_in"]

SINK_FACES = ("xmin", "xmax", "ymin", "ymax", "zmin", "zmax")
Polygon = Sequence[tuple[float, float]]


class Prism(BaseModel):
    """An xy polygon (um) extruded over [zmin_um, zmax_um], filled with ``material``."""

    model_config = ConfigDict(frozen=True)

    polygon_um: tuple[tuple[float, float], ...]
    zmin_um: float
    zmax_um: float
    material: str


class HeatSource(BaseModel):
    """An xy polygon (um) over [zmin_um, zmax_um] dissipating ``power_W`` uniformly."""

    model_config = ConfigDict(frozen=True)

    polygon_um: tuple[tuple[float, float], ...]
    zmin_um: float
    zmax_um: float
    power_W: float


@dataclass
class ThermalProblem:
    """Cell arrays of a problem (shape ``grid.shape``) and its boundary conditions.

    ``k_W_per_mK`` conductivity, ``rho_cp_J_per_m3K`` heat capacity, ``q_W`` power per cell,
    ``fluid`` True for coolant cells with wall coefficient ``fluid_h_W_per_m2K`` and
    temperature rise ``fluid_rise_K`` above the sink; ``sink_faces`` are held at
    ``sink_temperature_K``; ``top_h_W_per_m2K`` > 0 makes zmax convective to the sink.
    """

    grid: Grid
    k_W_per_mK: np.ndarray
    rho_cp_J_per_m3K: np.ndarray
    q_W: np.ndarray
    material: np.ndarray
    sink_temperature_K: float = 300.0
    sink_faces: tuple[str, ...] = ("zmin",)
    top_h_W_per_m2K: float = 0.0
    fluid: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0), dtype=bool))
    fluid_h_W_per_m2K: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    fluid_rise_K: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))

    def __post_init__(self) -> None:
        shape = self.grid.shape
        if self.fluid.shape != shape:
            self.fluid = np.zeros(shape, dtype=bool)
            self.fluid_h_W_per_m2K = np.zeros(shape)
            self.fluid_rise_K = np.zeros(shape)
        bad = [f for f in self.sink_faces if f not in SINK_FACES]
        if bad or not self.sink_faces:
            raise ValueError(f"sink_faces must be a non-empty subset of {SINK_FACES}, got "
                             f"{self.sink_faces!r}")

    @property
    def total_power_W(self) -> float:
        return float(self.q_W[~self.fluid].sum())


def _xy_mask(grid: Grid, polygon_um: Polygon) -> np.ndarray:
    pts = np.asarray(polygon_um, dtype=float)
    if pts.ndim != 2 or pts.shape[0] < 3 or pts.shape[1] != 2:
        raise ValueError(f"polygon_um must be >= 3 (x, y) points, got {polygon_um!r}")
    mask = np.zeros(grid.shape[:2], dtype=bool)
    xc, yc = grid.xc, grid.yc
    i0, i1 = np.searchsorted(xc, pts[:, 0].min()), np.searchsorted(xc, pts[:, 0].max(), "right")
    j0, j1 = np.searchsorted(yc, pts[:, 1].min()), np.searchsorted(yc, pts[:, 1].max(), "right")
    if i1 <= i0 or j1 <= j0:
        return mask
    xx, yy = np.meshgrid(xc[i0:i1], yc[j0:j1], indexing="ij")
    inside = MplPath(pts).contains_points(np.column_stack([xx.ravel(), yy.ravel()]), radius=1e-9)
    mask[i0:i1, j0:j1] = inside.reshape(xx.shape)
    return mask


def cells_in(grid: Grid, polygon_um: Polygon, zmin_um: float, zmax_um: float) -> np.ndarray:
    """Boolean mask (grid.shape) of the cells whose centre lies in the prism.

    Example:
        >>> g = Grid(np.linspace(0, 4, 5), np.array([0.0, 1.0]), np.array([0.0, 1.0, 2.0]))
        >>> int(cells_in(g, [(0, 0), (2, 0), (2, 1), (0, 1)], 0.0, 1.0).sum())
        2
    """
    if not zmax_um > zmin_um:
        raise ValueError(f"zmax_um must be > zmin_um = {zmin_um}, got {zmax_um!r}")
    zsel = (grid.zc >= zmin_um) & (grid.zc <= zmax_um)
    return _xy_mask(grid, polygon_um)[:, :, None] & zsel[None, None, :]


def build_problem(
    *,
    grid: Grid,
    base_layers: Sequence[tuple[float, float, str]],
    prisms: Sequence[Prism] = (),
    sources: Sequence[HeatSource] = (),
    channels: Sequence[CoolantChannel] = (),
    temperature_K: float = 300.0,
    sink_faces: tuple[str, ...] = ("zmin",),
    top_h_W_per_m2K: float = 0.0,
) -> ThermalProblem:
    """Paint materials, sources and coolant onto ``grid`` and return the problem.

    Args:
        grid: the grid.
        base_layers: (zmin_um, zmax_um, material) horizontal layers covering the grid's z range.
        prisms: material prisms painted in order over the base layers.
        sources: heat sources (W).
        channels: coolant channels (convective walls).
        temperature_K: operating (sink) temperature in K: sets k(T), rho c_p(T).
        sink_faces: grid faces held at ``temperature_K``.
        top_h_W_per_m2K: convective coefficient of the top face (0 = adiabatic).

    Returns:
        a ``ThermalProblem``.

    Raises:
        ValueError: unknown material, a source that covers no cell centre, z ranges reversed.
    """
    names = list(MATERIAL_NAMES)
    mat = np.full(grid.shape, -1, dtype=np.int16)
    zc = grid.zc
    for zmin, zmax, m in base_layers:
        if m not in names:
            raise ValueError(f"base_layers material must be one of {names}, got {m!r}")
        mat[:, :, (zc >= zmin) & (zc <= zmax)] = names.index(m)
    if np.any(mat < 0):
        raise ValueError("base_layers must cover the grid's whole z range")
    for p in prisms:
        if p.material not in names:
            raise ValueError(f"prism material must be one of {names}, got {p.material!r}")
        mat[cells_in(grid, p.polygon_um, p.zmin_um, p.zmax_um)] = names.index(p.material)
    k_tab = np.array([conductivity_W_per_mK(material=m, temperature_K=temperature_K)
                      for m in names])
    c_tab = np.array([heat_capacity_J_per_m3K(material=m, temperature_K=temperature_K)
                      for m in names])
    q = np.zeros(grid.shape)
    vol = grid.volumes_um3()
    for s in sources:
        if not (s.power_W >= 0 and np.isfinite(s.power_W)):
            raise ValueError(f"power_W of a heat source must be >= 0, got {s.power_W!r}")
        cells = cells_in(grid, s.polygon_um, s.zmin_um, s.zmax_um)
        if not cells.any():
            raise ValueError(
                f"heat source polygon_um={s.polygon_um} z=[{s.zmin_um}, {s.zmax_um}] holds no "
                "cell centre: refine the grid"
            )
        q[cells] += s.power_W * vol[cells] / vol[cells].sum()
    prob = ThermalProblem(
        grid=grid, k_W_per_mK=k_tab[mat], rho_cp_J_per_m3K=c_tab[mat], q_W=q, material=mat,
        sink_temperature_K=float(temperature_K), sink_faces=tuple(sink_faces),
        top_h_W_per_m2K=float(top_h_W_per_m2K),
    )
    for ch in channels:
        box = [(ch.xmin_um, ch.ymin_um), (ch.xmax_um, ch.ymin_um), (ch.xmax_um, ch.ymax_um),
               (ch.xmin_um, ch.ymax_um)]
        cells = cells_in(grid, box, ch.zmin_um, ch.zmax_um)
        prob.fluid |= cells
        prob.fluid_h_W_per_m2K[cells] = ch.h()
        t_f = temperature_K if ch.fluid_temperature_K is None else ch.fluid_temperature_K
        prob.fluid_rise_K[cells] = float(t_f) - float(temperature_K)
    if np.any(prob.fluid & (q > 0)):
        raise ValueError("channels must not overlap heat sources")
    return prob
