"""S-jog figures without cells: the closed form gives what the drawn gdsfactory S-bend says."""

from __future__ import annotations

import pytest

from quantacore import activate
from routing.port_jog import jog_cell
from routing.sjog import bend_s_figures, shortest_jog_um


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


@pytest.mark.parametrize(("length_um", "offset_um"),
                         [(30.0, 5.0), (55.0, 25.0), (75.0, -55.0), (15.0, 0.7)])
def test_s_bend_figures_are_the_drawn_cells(length_um: float, offset_um: float) -> None:
    cell = jog_cell(offset_um, length_um, "strip")
    assert bend_s_figures(length_um, offset_um, "strip") == (
        float(cell.info["min_bend_radius"]), float(cell.info["length"]))


def _shortest_jog_by_building_cells(offset_um: float, pitch_um: float, radius_um: float,
                                    cross_section: str) -> float:
    """The reference: build gdsfactory's S-bend at each multiple of the pitch and read the
    tightest radius it reports (gdsfactory refuses one under the cross-section's minimum)."""
    for k in range(1, 200):
        try:
            cell = jog_cell(offset_um, k * pitch_um, cross_section)
        except ValueError:
            continue
        if float(cell.info["min_bend_radius"]) >= radius_um:
            return k * pitch_um
    raise AssertionError("no jog found")


@pytest.mark.parametrize(("offset_um", "pitch_um", "radius_um", "cross_section"), [
    (2.5, 5.0, 30.0, "strip"), (10.0, 5.0, 30.0, "strip"), (35.0, 5.0, 30.0, "strip"),
    (0.05, 1.0, 10.0, "strip"), (-7.3, 5.0, 65.0, "strip_wg1"), (12.0, 1.0, 65.0, "strip_wg2"),
])
def test_the_shortest_jog_is_the_one_found_by_building_cells(
        offset_um: float, pitch_um: float, radius_um: float, cross_section: str) -> None:
    assert (shortest_jog_um(offset_um, pitch_um, radius_um, cross_section)
            == _shortest_jog_by_building_cells(offset_um, pitch_um, radius_um, cross_section))


@pytest.mark.parametrize("offset_um", [2.5, 10.0, 35.0])
def test_the_shortest_jog_meets_the_radius_and_one_pitch_less_does_not(offset_um: float
                                                                        ) -> None:
    # its tightest radius meets the routing radius; one pitch shorter does not
    length = shortest_jog_um(offset_um, 5.0, 30.0, "strip")
    assert bend_s_figures(length, offset_um, "strip")[0] >= 30.0
    assert bend_s_figures(length - 5.0, offset_um, "strip")[0] < 30.0
