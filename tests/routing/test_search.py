"""The net search on its own: legal crossings, and hard mode never shares a node."""

from __future__ import annotations

import pytest

from quantacore import activate
from routing.claims import legal_crossing, path_claims
from routing.grid import RoutingGrid
from routing.search import (
    Found,
    Occupancy,
    SearchParams,
    astar,
    clash_offsets,
)

PRM = SearchParams(radius_um=30.0, loss_dB_per_um=1e-5, bend_loss_dB=0.336,
                   crossing_loss_dB=0.766, crossing_half_um=6.0, space_um=0.25)


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def _board(rows_um: list[float]) -> tuple[RoutingGrid, Occupancy]:
    """A 400 um square with committed horizontal nets wall to wall at ``rows_um``."""
    grid = RoutingGrid.empty(bbox_um=(0, 0, 400, 400), pitch_um=5.0)
    occ = Occupancy.zeros(grid, bucket_nodes=14, clash_offsets=clash_offsets(30.0, 5.0, 1.15))
    for y in rows_um:
        nodes, kinds = path_claims(grid, PRM, Found([grid.node_at(0, y), grid.node_at(400, y)],
                                                    [], 0.0, 0))
        occ.commit(f"row{y:g}", nodes, kinds, [], +1)
    return grid, occ


def _vertical(grid: RoutingGrid, occ: Occupancy, hard: bool) -> Found | None:
    return astar(grid, occ, PRM, source=grid.node_at(200, 0), source_dir=1,
                 target=grid.node_at(200, 400), target_dir=3, hard=hard)


def test_crossing_a_committed_straight_is_one_legal_crossing() -> None:
    grid, occ = _board([200.0])
    found = _vertical(grid, occ, hard=True)
    assert found is not None and found.vertices == [grid.node_at(200, 0), grid.node_at(200, 400)]
    assert found.crossings == [grid.node_at(200, 200)]
    occ.commit("vertical", *path_claims(grid, PRM, found), [], +1)
    assert legal_crossing(occ, grid, PRM, grid.node_at(200, 200))


def test_hard_mode_refuses_what_negotiation_may_share() -> None:
    # two nets one pitch apart: no crossing cell fits, so only sharing gets through
    grid, occ = _board([200.0, 205.0])
    assert _vertical(grid, occ, hard=True) is None
    occ.pen[:] = 0.1 * occ.occ
    soft = _vertical(grid, occ, hard=False)
    assert soft is not None
    nodes, _ = path_claims(grid, PRM, soft)
    assert (occ.occ[nodes] > 0).any()  # it shares, at a price, for negotiation to resolve
