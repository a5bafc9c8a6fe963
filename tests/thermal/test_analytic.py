"""The finite-volume solver against closed-form answers: point source, 1D slab stack."""

from __future__ import annotations

import math

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from thermal.grid import Grid, graded_axis
from thermal.materials import conductivity_W_per_mK
from thermal.problem import HeatSource, build_problem
from thermal.solver import solve_steady


def test_point_source_in_half_space_matches_p_over_2_pi_k_r() -> None:
    # quarter of a half-space: symmetry planes x = 0, y = 0 (adiabatic), adiabatic top z = 0,
    # far faces at 200 um held at the sink; a 1 um cube heater at the origin (a quarter here).
    size = 200.0
    ax = graded_axis(breaks_um=[0.0, 0.5, size], fine_um=0.25, max_um=12.0, focus_um=(0, 0.5))
    az = -ax[::-1]
    grid = Grid(ax, ax, az)
    p_total = 1e-3
    src = HeatSource(polygon_um=((0, 0), (0.5, 0), (0.5, 0.5), (0, 0.5)), zmin_um=-0.5,
                     zmax_um=0.0, power_W=p_total / 4)
    prob = build_problem(grid=grid, base_layers=[(-size, 0.0, "sio2")], sources=[src],
                         sink_faces=("xmax", "ymax", "zmin"))
    sol = solve_steady(prob)
    k = conductivity_W_per_mK(material="sio2")
    f = RegularGridInterpolator((grid.xc, grid.yc, grid.zc), sol.rise_K)
    d = np.array([1.0, 1.0, -1.0]) / math.sqrt(3)
    r1, r2 = 5.0, 20.0
    num = float(f(r1 * d)[0] - f(r2 * d)[0])
    exact = p_total / (2 * math.pi * k) * (1 / (r1 * 1e-6) - 1 / (r2 * 1e-6))
    assert abs(num / exact - 1) < 0.05


def test_slab_stack_matches_series_resistance() -> None:
    layers = [(-14.0, -4.0, "si"), (-4.0, 0.0, "sio2"), (0.0, 0.3, "sin"), (0.3, 3.4, "sio2"),
              (3.4, 3.52, "tin")]
    ze = np.unique(np.concatenate([np.linspace(lo, hi, 4) for lo, hi, _ in layers]))
    grid = Grid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), ze)
    p = 2e-6
    src = HeatSource(polygon_um=((0, 0), (1, 0), (1, 1), (0, 1)), zmin_um=3.4, zmax_um=3.52,
                     power_W=p)
    sol = solve_steady(build_problem(grid=grid, base_layers=layers, sources=[src]))
    area_m2 = 1e-12
    r_series = sum((hi - lo) * 1e-6 / (conductivity_W_per_mK(material=m) * area_m2)
                   for lo, hi, m in layers)
    # every face below the heater carries the whole power: the rise at the centre of the
    # heater's lowest cell is P times the series resistance of the layers below plus half a cell
    t_h = 0.12e-6
    k_tin = conductivity_W_per_mK(material="tin")
    r_below = r_series - t_h / (k_tin * area_m2)
    half_cell = (ze[-3] - ze[-4]) * 1e-6 / 2 / (k_tin * area_m2)
    assert abs(float(sol.rise_K[0, 0, -3]) / (p * (r_below + half_cell)) - 1) < 1e-9
    assert abs(sol.heat_out_W / p - 1) < 1e-9
