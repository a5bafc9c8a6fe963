"""Thermal kernel of one heater: the 3D temperature rise per mW on a local window.

Heat conduction is linear, so the rise anywhere on the chip is the sum over heaters of each
heater's rise per mW times its power. A heater's rise depends only on what lies within a few
sink depths of it, so it is solved once on a window around the heater (``window_um`` beyond
its resistive region on every side, adiabatic sides, heat sink under the substrate) holding
the heater cell's own metal, the trenches and the coolant channels in the window. Heaters
whose windows hold the same geometry (in their own frame) share one kernel: a repeated tile
costs one solve. Anything beyond the window is taken as zero rise (``edge_fraction`` says how
much was cut).

Example:
    >>> from thermal.layout import HeaterCell
    >>> box = np.array([(-1.0, -5.0), (1.0, -5.0), (1.0, 5.0), (-1.0, 5.0)])
    >>> h = HeaterCell(0, "h", [box], {}, (-1.0, -5.0, 1.0, 5.0))
    >>> k = build_kernel(heater=h, options=KernelOptions(window_um=30, fine_um=1.0, max_um=6))
    >>> bool(k.self_rise_K_per_mW > k.sample_K_per_mW(np.array([[20.0, 0.0]]), z_um=1.45)[0] > 0)
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy.interpolate import RegularGridInterpolator

from thermal.cooling import CoolantChannel
from thermal.grid import Grid, graded_axis
from thermal.layout import METAL_LEVELS, HeaterCell
from thermal.problem import HeatSource, Prism, ThermalProblem, build_problem
from thermal.solver import SteadySolution, solve_steady
from thermal.stack import base_layers, level_material, level_z_um, stack_breaks_um

__all__ = ["Kernel", "KernelOptions", "build_kernel", "kernel_problem", "polygon_area_um2"]

PROBE_MW = 1.0


class KernelOptions(BaseModel):
    """Window and mesh of a kernel solve (um), operating temperature (K), substrate (um)."""

    model_config = ConfigDict(frozen=True)

    window_um: float = 100.0
    fine_um: float = 0.5
    max_um: float = 8.0
    growth: float = 0.35
    z_fine_um: float = 0.4
    z_max_um: float = 3.0
    temperature_K: float = 300.0
    substrate_thickness_um: float | None = None
    include_metal: bool = True
    top_h_W_per_m2K: float = 0.0

    def checked(self) -> KernelOptions:
        for name in ("window_um", "fine_um", "max_um", "z_fine_um", "z_max_um"):
            v = getattr(self, name)
            if not (v > 0 and np.isfinite(v)):
                raise ValueError(f"{name} must be a finite number > 0 um, got {v!r}")
        if not 1.0 <= self.temperature_K <= 400.0:
            raise ValueError(f"temperature_K must be in [1, 400] K, got {self.temperature_K!r}")
        return self


def polygon_area_um2(p: np.ndarray) -> float:
    """Shoelace area of an (N, 2) polygon in um^2."""
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2.0)


@dataclass
class Kernel:
    """Rise per mW (K/mW) at cell centres of ``grid`` for one heater at 1 mW, in its frame."""

    grid: Grid
    rise_K_per_mW: np.ndarray
    solution: SteadySolution
    problem: ThermalProblem
    heater_bbox_um: tuple[float, float, float, float]

    def __post_init__(self) -> None:
        g = self.grid
        f = np.nan_to_num(self.rise_K_per_mW, nan=0.0)
        self._interp = RegularGridInterpolator((g.xc, g.yc, g.zc), f, bounds_error=False,
                                               fill_value=0.0)

    def sample_K_per_mW(self, points_um: np.ndarray, *, z_um: float) -> np.ndarray:
        """Rise per mW at (N, 2) points (heater frame, um) and height ``z_um``; 0 outside."""
        pts = np.asarray(points_um, dtype=float).reshape(-1, 2)
        xyz = np.column_stack([pts, np.full(len(pts), float(z_um))])
        return np.asarray(self._interp(xyz))

    @property
    def self_rise_K_per_mW(self) -> float:
        """Mean rise per mW of the heater's own resistive cells."""
        src = self.problem.q_W > 0
        return float(np.mean(self.rise_K_per_mW[src]))

    @property
    def edge_fraction(self) -> float:
        """Largest rise on the window's side faces over the peak rise (truncation measure)."""
        r = np.nan_to_num(self.rise_K_per_mW)
        side = max(float(np.abs(r[[0, -1], :, :]).max()), float(np.abs(r[:, [0, -1], :]).max()))
        return side / float(r.max())


def _axis(lo: float, hi: float, f0: float, f1: float, extra: Sequence[float],
          o: KernelOptions) -> np.ndarray:
    breaks = [lo, hi, f0, f1] + [v for v in extra if lo < v < hi]
    # along a long heater the field varies slowly: ~24 cells over its length are enough
    fine = min(max(o.fine_um, (f1 - f0) / 24.0), o.max_um)
    return graded_axis(breaks_um=breaks, fine_um=fine, max_um=o.max_um,
                       focus_um=(f0 - 1.0, f1 + 1.0), growth=o.growth)


def kernel_problem(
    *,
    heater: HeaterCell,
    trenches_um: Sequence[np.ndarray] = (),
    channels: Sequence[CoolantChannel] = (),
    options: KernelOptions | None = None,
    power_mW: float = PROBE_MW,
) -> ThermalProblem:
    """The window problem of one heater at ``power_mW`` (geometry in the heater's frame)."""
    o = (options or KernelOptions()).checked()
    x0, y0, x1, y1 = heater.bbox_um
    w = o.window_um
    lo_x, hi_x, lo_y, hi_y = x0 - w, x1 + w, y0 - w, y1 + w
    ex = [v for t in trenches_um for v in (t[:, 0].min(), t[:, 0].max())]
    ey = [v for t in trenches_um for v in (t[:, 1].min(), t[:, 1].max())]
    for ch in channels:
        ex += [ch.xmin_um, ch.xmax_um]
        ey += [ch.ymin_um, ch.ymax_um]
    xe = _axis(lo_x, hi_x, x0, x1, ex, o)
    ye = _axis(lo_y, hi_y, y0, y1, ey, o)
    base = base_layers(substrate_thickness_um=o.substrate_thickness_um)
    zb = stack_breaks_um(substrate_thickness_um=o.substrate_thickness_um)
    ze = graded_axis(breaks_um=zb, fine_um=o.z_fine_um, max_um=o.z_max_um,
                     focus_um=(base[1][0], base[-1][1]), growth=0.5)
    prisms: list[Prism] = []
    if o.include_metal:
        for lv in METAL_LEVELS:
            z0, z1 = level_z_um(lv)
            for p in heater.metal_um.get(lv, []):
                prisms.append(Prism(polygon_um=tuple(map(tuple, p)), zmin_um=z0, zmax_um=z1,
                                    material=level_material(lv)))
    tz0, tz1 = level_z_um("trench")
    for t in trenches_um:
        prisms.append(Prism(polygon_um=tuple(map(tuple, t)), zmin_um=tz0, zmax_um=tz1,
                            material="air"))
    hz0, hz1 = level_z_um("heater")
    areas = np.array([polygon_area_um2(p) for p in heater.resistive_um])
    sources = []
    for p, a in zip(heater.resistive_um, areas, strict=True):
        prisms.append(Prism(polygon_um=tuple(map(tuple, p)), zmin_um=hz0, zmax_um=hz1,
                            material="tin"))
        sources.append(HeatSource(polygon_um=tuple(map(tuple, p)), zmin_um=hz0, zmax_um=hz1,
                                  power_W=power_mW * 1e-3 * a / areas.sum()))
    return build_problem(
        grid=Grid(xe, ye, ze), base_layers=base, prisms=prisms, sources=sources,
        channels=channels, temperature_K=o.temperature_K, top_h_W_per_m2K=o.top_h_W_per_m2K,
    )


def build_kernel(
    *,
    heater: HeaterCell,
    trenches_um: Sequence[np.ndarray] = (),
    channels: Sequence[CoolantChannel] = (),
    options: KernelOptions | None = None,
) -> Kernel:
    """Solve the window problem of ``heater`` at 1 mW and return its kernel.

    Args:
        heater: the heater cell (geometry in its frame).
        trenches_um: TRENCH polygons in the heater's frame (um).
        channels: coolant channels in the heater's frame.
        options: window, mesh, temperature.

    Returns:
        ``Kernel`` (rise per mW on the window grid).
    """
    prob = kernel_problem(heater=heater, trenches_um=trenches_um, channels=channels,
                          options=options)
    sol = solve_steady(prob, rtol=1e-8)
    return Kernel(grid=prob.grid, rise_K_per_mW=sol.rise_K / PROBE_MW, solution=sol,
                  problem=prob, heater_bbox_um=heater.bbox_um)
