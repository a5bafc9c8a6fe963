"""The vectorial bent-mode solver against closed forms (small meshes: the suite stays fast)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from components.models.waveguide_modes import n_sio2, slab_effective_index
from simulation.modes.fem import MeshSpec, solve_mode
from simulation.modes.radial import slab_bent_mode, slab_straight_mode
from simulation.modes.table import PDK_CROSS_SECTIONS, default_table_path

WL = 1.55
SLAB_MESH = MeshSpec(h_core_um=0.04, h_clad_um=0.08, h_far_um=0.15)


@pytest.mark.parametrize("radius_um", [10.0, 20.0])
def test_bent_slab_matches_exact_radial_solution(radius_um: float) -> None:
    # 2D slab (the EIM's lateral slab of the PDK strip): Bessel/Hankel matching is exact
    n_core, n_clad = slab_effective_index(WL), float(n_sio2(WL))
    exact = slab_bent_mode(wl_um=WL, n_core=n_core, n_clad=n_clad, width_um=0.8,
                           radius_um=radius_um)
    fem = solve_mode(wl_um=WL, eps_core=n_core**2, eps_clad=n_clad**2, width_um=0.8,
                     thickness_um=1.0, radius_um=radius_um, slab=True, n_guess=exact.real,
                     mesh=SLAB_MESH)
    assert exact.imag < 0  # it radiates
    assert fem.n_eff.imag == pytest.approx(exact.imag, rel=0.01)  # loss within 1 %
    assert fem.n_eff.real == pytest.approx(exact.real, abs=1e-4)


def test_straight_slab_limit_of_the_radial_solver() -> None:
    # large radii tend to the straight slab (closed-form transcendental equation) as 1/R^2
    n_core, n_clad = 1.7, 1.444
    straight = slab_straight_mode(wl_um=WL, n_core=n_core, n_clad=n_clad, width_um=0.8)
    shift = [slab_bent_mode(wl_um=WL, n_core=n_core, n_clad=n_clad, width_um=0.8,
                            radius_um=r).real - straight for r in (100.0, 200.0)]
    assert 0 < shift[1] < 5e-5
    assert shift[0] / shift[1] == pytest.approx(4.0, rel=0.02)


def test_soi_strip_matches_published_vectorial_index() -> None:
    # 500 x 220 nm Si strip in SiO2, TE0 at 1550 nm: n_eff = 2.44 (fully vectorial, Lumerical
    # MODE; Chrostowski & Hochberg, Silicon Photonics Design, CUP 2015, ch. 3)
    m = solve_mode(wl_um=WL, eps_core=3.476**2, eps_clad=1.444**2, width_um=0.5,
                   thickness_um=0.22, n_guess=2.4,
                   mesh=MeshSpec(h_core_um=0.025, h_clad_um=0.06, h_far_um=0.25,
                                 clad_inner_um=1.2, clad_outer_um=1.2, clad_vertical_um=1.2,
                                 pml_um=0.8))
    assert m.te_fraction > 0.9
    assert m.n_eff.real == pytest.approx(2.44, abs=0.01)


def test_sin_strip_coarse_solve_agrees_with_the_cached_table() -> None:
    table = json.loads(default_table_path().read_text())["cross_sections"]["sin_800x300"]
    m = solve_mode(wl_um=WL, eps_core=1.9963**2, eps_clad=float(n_sio2(WL)) ** 2,
                   width_um=0.8, thickness_um=0.3, radius_um=30.0, n_guess=1.545,
                   mesh=MeshSpec(h_core_um=0.08, h_clad_um=0.15, h_far_um=0.3))
    j = table["radius_um"].index(30.0)
    assert m.n_eff.real == pytest.approx(table["n_eff"][j][1], abs=3e-4)
    assert m.loss_dB_per_um == pytest.approx(table["loss_dB_per_um"][j][1], rel=0.03)
    # the independent check of the issue: 0.16 dB per 90 deg at R = 30 um (3D vectorial)
    assert m.loss_dB_per_um * math.pi / 2 * 30.0 == pytest.approx(0.16, rel=0.05)


def test_cached_table_covers_the_pdk_and_loss_falls_with_radius() -> None:
    data = json.loads(default_table_path().read_text())
    assert set(data["cross_sections"]) == set(PDK_CROSS_SECTIONS)
    for entry in data["cross_sections"].values():
        r = np.asarray(entry["radius_um"])
        assert r.min() <= 10.0 and r.max() >= 100.0
        centre = [row[1] for row in entry["loss_dB_per_um"]]
        resolved = np.array([x for x in centre if x is not None])
        assert len(resolved) >= 10 and np.all(np.diff(resolved) < 0)  # monotonic
        # the bent mode's n_eff rises towards the outside of the bend; n_g > n_eff
        assert all(ng > n[1] for ng, n in zip(entry["n_g"], entry["n_eff"], strict=True))
        assert 1.5 < entry["straight_n_eff"][1] < 1.6 and 1.85 < entry["n_g_straight"] < 1.95
    assert default_table_path().stat().st_size < 20_000
