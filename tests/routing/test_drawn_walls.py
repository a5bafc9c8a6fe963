"""Walls round earlier routes: a later ``route_nets`` call can neither cross an earlier route
nor come too close to it, and still runs beside it one pitch away."""

from __future__ import annotations

from pathlib import Path

import pytest

from quantacore import activate
from routing.router import Connection, drawn_wall_um, route_nets
from tests.routing.test_router import _drc_clean, _pins


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def test_a_later_call_goes_round_an_earlier_routes_bend(tmp_path: Path) -> None:
    # the earlier route turns north at (300, 0); the later net's straight way up x = 285
    # crosses that bend's arc at y ~ 1.6 um, between two grid nodes: with walls of the
    # spacing alone (0.65 um) the search took it and the sign-off removed the net
    c = _pins("wall_arc", {"a": (0, 0, 0), "b": (300, 300, -90), "p": (285, -150, 90),
                           "q": (285, 150, -90)})
    first = route_nets(c, [Connection("a,o2", "b,o2", name="early")])
    assert first.report.ok
    second = route_nets(c, [Connection("p,o2", "q,o2", name="late")])
    late = second.report.nets[0]
    assert late.routed, late.reason
    assert second.report.check.clean
    assert late.bends == 4  # round the earlier route, not across it
    _drc_clean(c, tmp_path)


def test_a_later_route_still_runs_one_pitch_beside_an_earlier_one(tmp_path: Path) -> None:
    c = _pins("wall_beside", {"a": (0, 0, 0), "b": (400, 0, 0), "p": (0, 5, 0),
                              "q": (400, 5, 0)})
    assert route_nets(c, [Connection("a,o2", "b,o1")]).report.ok
    second = route_nets(c, [Connection("p,o2", "q,o1")])
    assert second.report.ok
    assert second.report.nets[0].bends == 0  # straight along its own track
    _drc_clean(c, tmp_path)


def test_the_wall_reaches_half_a_grid_diagonal_beyond_the_spacing() -> None:
    # width / 2 + space + pitch / sqrt(2) + 0.1 um of slack; under the 4.6 um from an
    # earlier waveguide's edge to the next track at the default 5 um pitch
    wall = drawn_wall_um(pitch_um=5.0, width_um=0.8, space_um=0.25)
    assert 0.4 + 0.25 + 5.0 / 2 < wall < 5.0 - 0.4
