"""The S-bend model: Bezier curvature against its closed form, loss bounded by arcs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components.models.mode_table import bend_loss_dB
from components.models.s_bend import bezier_s_curvature, s_bend


@pytest.mark.parametrize(("length", "offset"), [(120.0, 8.0), (200.0, -30.0), (60.0, 2.0)])
def test_curvature_matches_the_bezier_closed_form(length: float, offset: float) -> None:
    s, k = bezier_s_curvature(length_um=length, offset_um=offset, samples=4001)
    # at the ends the tangent is along x: kappa = y'' / x'^2 = 6 d / (3 L / 2)^2 = 8 d / (3 L^2)
    assert k[0] == pytest.approx(8 * offset / (3 * length**2), rel=1e-9)
    assert k[-1] == pytest.approx(-8 * offset / (3 * length**2), rel=1e-9)
    assert abs(k[len(k) // 2]) < 1e-9  # inflection in the middle
    chord = math.hypot(length, offset)
    assert chord < s[-1] < length + abs(offset)


def test_loss_is_reciprocal_and_bounded_by_an_arc_at_its_tightest_radius() -> None:
    length, offset = 80.0, 10.0
    sd = s_bend(wl=np.array([1.54, 1.55, 1.56]), length_um=length, offset_um=offset,
                loss_dB_per_cm=0.0)
    assert np.allclose(sd[("o1", "o2")], sd[("o2", "o1")])
    loss_dB = -20 * np.log10(abs(sd[("o1", "o2")][1]))
    s, k = bezier_s_curvature(length_um=length, offset_um=offset)
    r_min = 1 / np.abs(k).max()
    turned_deg = math.degrees(float(np.sum(np.abs(k[1:]) * np.diff(s))))
    bound = bend_loss_dB(radius_um=float(r_min), angle_deg=turned_deg, p=0.0)
    assert 0.0 < loss_dB < bound
    # a gentler S-bend of the same offset radiates less
    gentler = s_bend(length_um=160.0, offset_um=offset, loss_dB_per_cm=0.0)[("o1", "o2")]
    assert abs(complex(gentler)) > abs(complex(sd[("o1", "o2")][1]))
