"""The bend-radius measurement (qc_pdk.bend_radius) on outlines given as vertex arrays."""

from __future__ import annotations

import numpy as np
import pytest

from qc_pdk.bend_radius import tight_stretches


@pytest.mark.parametrize("start_deg", [0.0, 5.0, 90.0])
def test_tight_stretch_over_a_loops_first_vertex_is_one_marker(start_deg: float) -> None:
    """A hole shaped as an ellipse (radius of curvature 2.5 um at the ends of its long axis,
    160 um at the ends of its short one) has two tight stretches wherever its outline starts."""
    t = np.radians(start_deg) + np.linspace(0, 2 * np.pi, 720, endpoint=False)
    hole = np.c_[40 * np.cos(t), 10 * np.sin(t)]
    hull = np.array([(-60.0, -30.0), (60.0, -30.0), (60.0, 30.0), (-60.0, 30.0)])
    stretches = tight_stretches([hull], holes=[hole], min_inner_radius_um=20.0, window_um=1.0)
    assert len(stretches) == 2
    centres = sorted((x0 + x1) / 2 for x0, _, x1, _ in stretches)
    assert centres[0] < -30 and centres[1] > 30  # one at each end of the long axis
