"""2D cross-section of one heater over a waveguide: finite volumes vs scikit-fem (P2 FEM)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.interpolate import RegularGridInterpolator

from thermal.grid import Grid, graded_axis
from thermal.materials import conductivity_W_per_mK
from thermal.problem import HeatSource, Prism, build_problem
from thermal.solver import solve_steady
from thermal.stack import base_layers, level_z_um, stack_breaks_um

skfem = pytest.importorskip("skfem")

HALF_WIDTH_UM = 30.0
P_W_PER_UM = 1e-4  # heater power per um of length
CORE = (-0.4, 0.4, *level_z_um("wg2"))
HEATER = (-1.0, 1.0, *level_z_um("heater"))


def _box(x0: float, x1: float) -> tuple[tuple[float, float], ...]:
    return ((x0, 0.0), (x1, 0.0), (x1, 1.0), (x0, 1.0))


def _fv(xe: np.ndarray, ze: np.ndarray) -> RegularGridInterpolator:
    grid = Grid(xe, np.array([0.0, 1.0]), ze)
    prob = build_problem(
        grid=grid, base_layers=base_layers(),
        prisms=[Prism(polygon_um=_box(*CORE[:2]), zmin_um=CORE[2], zmax_um=CORE[3],
                      material="sin"),
                Prism(polygon_um=_box(*HEATER[:2]), zmin_um=HEATER[2], zmax_um=HEATER[3],
                      material="tin")],
        sources=[HeatSource(polygon_um=_box(*HEATER[:2]), zmin_um=HEATER[2],
                            zmax_um=HEATER[3], power_W=P_W_PER_UM)])
    sol = solve_steady(prob)
    assert sol.solver == "superlu" and sol.balance_error < 1e-9
    return RegularGridInterpolator((grid.xc, grid.zc), sol.rise_K[:, 0, :])


def _skfem(xs: np.ndarray, zs: np.ndarray) -> tuple[object, np.ndarray]:
    from skfem import (
        Basis,
        BilinearForm,
        ElementTriP0,
        ElementTriP2,
        LinearForm,
        MeshTri,
        asm,
        condense,
        solve,
    )
    from skfem.helpers import dot, grad

    mesh = MeshTri.init_tensor(xs, zs)
    basis = Basis(mesh, ElementTriP2())
    cx, cz = mesh.p[:, mesh.t].mean(axis=1)
    k = np.zeros(mesh.t.shape[1])
    for lo, hi, m in base_layers():
        k[(cz >= lo) & (cz <= hi)] = conductivity_W_per_mK(material=m)
    in_core = (cx > CORE[0]) & (cx < CORE[1]) & (cz > CORE[2]) & (cz < CORE[3])
    in_heater = (cx > HEATER[0]) & (cx < HEATER[1]) & (cz > HEATER[2]) & (cz < HEATER[3])
    k[in_core] = conductivity_W_per_mK(material="sin")
    k[in_heater] = conductivity_W_per_mK(material="tin")
    # -div(k grad T) = f in um coordinates: f = P / A_heater(um^2) * 1e6 (W/m^3 -> um scaling)
    area = (HEATER[1] - HEATER[0]) * (HEATER[3] - HEATER[2])
    f = np.where(in_heater, P_W_PER_UM / area * 1e6, 0.0)
    b0 = basis.with_element(ElementTriP0())

    @BilinearForm
    def a(u, v, w):  # type: ignore[no-untyped-def]
        return w.k * dot(grad(u), grad(v))

    @LinearForm
    def rhs(v, w):  # type: ignore[no-untyped-def]
        return w.f * v

    amat = asm(a, basis, k=b0.interpolate(k))
    bvec = asm(rhs, basis, f=b0.interpolate(f))
    sink = basis.get_dofs(lambda x: np.isclose(x[1], zs[0]))
    t = solve(*condense(amat, bvec, D=sink))
    return basis, t


def test_fv_cross_section_agrees_with_scikit_fem() -> None:
    zb = stack_breaks_um()
    xb = [-HALF_WIDTH_UM, HALF_WIDTH_UM, CORE[0], CORE[1], HEATER[0], HEATER[1], -5.0, 5.0]
    xe = graded_axis(breaks_um=xb, fine_um=0.1, max_um=2.0, focus_um=(-1.0, 1.0))
    ze = graded_axis(breaks_um=zb, fine_um=0.1, max_um=1.5, focus_um=(-4.0, 7.0), growth=0.5)
    fv = _fv(xe, ze)
    # independent mesh for the FEM: coarser, P2 elements, same interfaces
    xs = graded_axis(breaks_um=xb, fine_um=0.2, max_um=3.0, focus_um=(-1.0, 1.0), growth=0.4)
    zs = graded_axis(breaks_um=zb, fine_um=0.25, max_um=2.0, focus_um=(-4.0, 7.0), growth=0.6)
    basis, t = _skfem(xs, zs)
    pts = np.array([[0.0, 1.45], [0.3, 1.45], [0.0, 0.15], [10.0, 1.45], [0.0, 3.46]])
    fem = basis.probes(pts.T) @ t  # type: ignore[attr-defined]
    ours = fv(pts)
    np.testing.assert_allclose(ours, fem, rtol=0.03)
