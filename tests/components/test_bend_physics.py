"""Bend and ring losses from the vectorial mode table: curvature integrals, rules, ring Q/FSR."""

from __future__ import annotations

import math

import gdsfactory as gf
import numpy as np
import pytest

from components import CELLS
from components.models.bend import DEFAULT_BEND_RADIUS_UM
from components.models.mode_table import (
    bend_loss_dB,
    curvature_loss_dB,
    euler_curvature_profile,
    euler_min_radius_um,
)
from components.models.ring import ring_loaded_q, ring_round_trip_amplitude
from components.models.waveguide_modes import group_index
from components.resonance import ring_fsr_nm, ring_resonances_nm, wdm_ring_radii_um
from qc_pdk.cross_sections import WG_ROUTING_RADIUS_UM


def test_euler_min_radius_matches_gdsfactory() -> None:
    for r in (20.0, 30.0, 65.0):
        gf_rmin = gf.path.euler(radius=r, angle=90, p=0.5, use_eff=True).info["Rmin"]
        assert euler_min_radius_um(radius_um=r) == pytest.approx(gf_rmin, rel=1e-3)
    assert euler_min_radius_um(radius_um=20.0) / 20.0 == pytest.approx(0.706, abs=1e-3)


def test_euler_loss_is_the_curvature_integral_and_bounded_by_arcs() -> None:
    r = 40.0
    s, k = euler_curvature_profile(radius_um=r, p=0.5, samples=4001)
    assert curvature_loss_dB(s_um=s, curvature_per_um=k) == pytest.approx(
        bend_loss_dB(radius_um=r), rel=1e-3)
    rmin = euler_min_radius_um(radius_um=r)
    euler = bend_loss_dB(radius_um=r)
    # bounds: the Euler path (same angle) radiates more than the arc of its footprint and
    # less than its own length at its tightest curvature
    assert bend_loss_dB(radius_um=r, p=0.0) < euler
    from components.models.mode_table import mode_entry

    entry = mode_entry()
    assert entry is not None
    assert euler < float(entry.loss_dB_per_um(rmin)) * s[-1]
    # a circular arc through the same angle at the Euler bend's minimum radius is the
    # same-minimum-radius bound from the other side (shorter path, all of it at Rmin)
    assert euler < bend_loss_dB(radius_um=rmin, p=0.0) * s[-1] / (rmin * math.pi / 2)


def test_rule_flags_a_20um_footprint_euler_bend() -> None:
    with pytest.raises(ValueError, match="smallest radius of curvature"):
        CELLS["bend_euler"](radius=20.0)
    CELLS["bend_euler"](radius=WG_ROUTING_RADIUS_UM)  # the routing radius passes


def test_routing_radius_meets_the_loss_target() -> None:
    assert DEFAULT_BEND_RADIUS_UM == WG_ROUTING_RADIUS_UM
    assert bend_loss_dB(radius_um=WG_ROUTING_RADIUS_UM) < 0.01  # dB per 90 deg, 3D, 1550 nm


def test_fsr_from_group_index_matches_resonance_spacing() -> None:
    for r in (30.0, 50.0):
        res = ring_resonances_nm(radius_um=r, wl_min_nm=1540.0, wl_max_nm=1560.0)
        mid = 0.5 * (res[1:] + res[:-1])
        k = int(np.argmin(abs(mid - 1550.0)))
        fsr = ring_fsr_nm(radius_um=r, wl_nm=float(mid[k]))
        assert float(np.diff(res)[k]) == pytest.approx(fsr, rel=1e-3)


def test_intrinsic_q_from_round_trip_loss_matches_closed_form() -> None:
    # Q_i = pi n_g L sqrt(a) / (wl (1 - a)) with a the round-trip amplitude (Bogaerts 2012);
    # the issue's figures: R = 30 um ~1e4, R = 40 um ~7.5e4 (3D bend loss, 1550 nm)
    for r, q_issue in ((30.0, 1.0e4), (40.0, 7.5e4)):
        a = ring_round_trip_amplitude(radius_um=r)
        ng = float(group_index(1.55, radius_um=r))  # the arcs' bent-mode n_g
        closed = math.pi * ng * 2 * math.pi * r * math.sqrt(a) / (
            1.55 * (1 - a))
        q = ring_loaded_q(radius_um=r, gap_um=50.0, gap_drop_um=float("inf"))
        assert q == pytest.approx(closed, rel=1e-6)
        assert q == pytest.approx(q_issue, rel=0.15)


def test_wdm_channels_land_on_the_grid() -> None:
    radii = wdm_ring_radii_um(centre_nm=1550.0, spacing_nm=0.8, channels=4, radius_um=50.0)
    grid = 1548.8 + 0.8 * np.arange(4)
    found = []
    for r, g in zip(radii, grid, strict=True):
        res = ring_resonances_nm(radius_um=float(r), wl_min_nm=g - 1.0, wl_max_nm=g + 1.0)
        found.append(float(res[np.argmin(abs(res - g))]))
    spacing = np.diff(found)
    assert np.all(abs(spacing - 0.8) < 0.02 * 0.8)
    assert np.all(abs(np.array(found) - grid) < 0.02 * 0.8)


def test_bent_mode_index_exceeds_straight_and_relaxes_with_radius() -> None:
    """The mode table's bent n_eff (centreline) lies above the straight one, by less at larger
    radii, continuous across the table's end (100 um) and relaxing to it as 1/R^2 beyond;
    radius <= 0 is refused."""
    from components.models.waveguide_modes import effective_index

    straight = float(effective_index(1.55))
    bent = [float(effective_index(1.55, radius_um=r)) for r in (20.0, 30.0, 50.0, 100.0)]
    assert all(b > straight for b in bent)
    assert all(a > b for a, b in zip(bent, bent[1:], strict=False))
    assert 3e-4 < bent[2] - straight < 1e-3  # 50 um: 6e-4, 0.12 FSR of resonance shift
    at_end = float(effective_index(1.55, radius_um=100.0)) - straight
    just_beyond = float(effective_index(1.55, radius_um=100.0 + 1e-9)) - straight
    assert just_beyond == pytest.approx(at_end, rel=1e-6)
    assert float(effective_index(1.55, radius_um=200.0)) - straight == pytest.approx(
        at_end / 4, rel=1e-9)
    assert float(effective_index(1.55, radius_um=1e6)) == pytest.approx(straight, abs=1e-10)
    with pytest.raises(ValueError, match="radius_um"):
        effective_index(1.55, radius_um=0.0)
