"""A system of identical dies: wafer packing from geometry, system counts from the die."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.system import dies_per_wafer, system_summary

USABLE_R_MM = 150.0 - 3.0  # 300 mm wafer, 3 mm edge exclusion


@given(w=st.floats(1.0, 200.0), h=st.floats(1.0, 200.0))
@settings(max_examples=60, deadline=None)
def test_dies_never_exceed_the_usable_area_and_orientation_does_not_matter(
    w: float, h: float
) -> None:
    n = dies_per_wafer(width_mm=w, height_mm=h)
    assert n * w * h <= math.pi * USABLE_R_MM**2
    assert n == dies_per_wafer(width_mm=h, height_mm=w)


def test_small_dies_fill_the_disc_and_large_ones_are_counted_exactly() -> None:
    # 1 mm dies: the count approaches the usable area (losses only along the rim)
    n = dies_per_wafer(width_mm=1.0, height_mm=1.0)
    assert 0.97 < n / (math.pi * USABLE_R_MM**2) < 1.0
    # a square die fits once exactly when its diagonal is within the usable diameter
    side = 2 * USABLE_R_MM / math.sqrt(2)
    assert dies_per_wafer(width_mm=side - 0.01, height_mm=side - 0.01) == 1
    assert dies_per_wafer(width_mm=side + 0.01, height_mm=side + 0.01) == 0
    # 100 mm squares: 2 x 2 has its corners at 141.4 mm from the centre (fits r = 147),
    # two side by side at 111.8 mm (fit r = 140, where 2 x 2 does not)
    assert dies_per_wafer(width_mm=100.0, height_mm=100.0) == 4
    assert dies_per_wafer(width_mm=100.0, height_mm=100.0, edge_mm=10.0) == 2


def test_more_edge_exclusion_never_gives_more_dies() -> None:
    counts = [dies_per_wafer(width_mm=22.0, height_mm=31.0, edge_mm=e) for e in (0, 3, 10, 30)]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"width_mm": 0.0, "height_mm": 1.0}, "die size"),
        ({"width_mm": 1.0, "height_mm": 1.0, "edge_mm": 150.0}, "edge_mm"),
    ],
)
def test_bad_wafer_inputs_name_the_parameter(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dies_per_wafer(**kwargs)


def test_system_counts_scale_the_die_and_cold_stages_hold_whole_dies() -> None:
    die: dict[str, Any] = {
        "qubitrons_per_die": 4096, "fibres_per_die": 3, "die_um": (100_000.0, 70_000.0),
        "detection_min": 0.32, "cooling_power_W": 1.0,
        "logical_qubits_per_die": {"pymatching": 7, "union_find": None}}
    s = system_summary(dies=256, heat_load_W=0.3, **die)
    assert (s.qubitrons, s.fibres) == (256 * 4096, 768)
    assert s.logical_qubits == {"pymatching": 7 * 256, "union_find": None}
    assert s.heat_load_W == pytest.approx(256 * 0.3)
    assert s.cooling_stages == math.ceil(256 / 3)  # three 0.3 W dies per 1 W stage
    assert s.wafers == math.ceil(256 / s.dies_per_wafer)
    assert s.wafer_area_used == pytest.approx(
        256 * 100 * 70 / (s.wafers * math.pi * 150**2), rel=1e-3)
    assert s.detection_min == 0.32  # the same mask on every die
    # a die hotter than one stage takes stages of its own
    assert system_summary(dies=5, heat_load_W=2.5, **die).cooling_stages == 5 * 3
    with pytest.raises(ValueError, match="system.dies"):
        system_summary(dies=0, heat_load_W=0.3, **die)
