"""Bundle routing with crossings: the channel plan meets the inversion bound, legally."""

from __future__ import annotations

from pathlib import Path

import gdsfactory as gf
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from components import CELLS
from quantacore import activate
from routing.channel import _from_frame, _Placer, _to_frame, _track_rows, order_tracks
from routing.grid import RoutingGrid
from routing.router import Connection, route_nets
from routing.search import Found, Occupancy, SearchParams, _geometry
from tests.routing.test_router import _connected_pairs, _drc_clean

COLUMN_UM = 120.0
CHANNEL_UM = 700.0


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def _inversions(perm: list[int]) -> int:
    return sum(1 for i in range(len(perm)) for j in range(i + 1, len(perm)) if perm[i] > perm[j])


def _rows(name: str, perm: list[int], target_shift_um: float = 0.0) -> tuple[gf.Component,
                                                                         list[Connection]]:
    """Pins facing north at x = i * COLUMN_UM, pins facing south across the channel; net i
    goes to target perm[i]."""
    c = gf.Component(name)
    pin = CELLS["straight"](length=20)
    for i in range(len(perm)):
        s = c.add_ref(pin, name=f"s{i}")
        s.drotate(90)
        s.dmove((i * COLUMN_UM, 0))
        t = c.add_ref(pin, name=f"t{i}")
        t.drotate(-90)
        t.dmove((i * COLUMN_UM + target_shift_um, CHANNEL_UM))
    conns = [Connection(f"s{i},o2", f"t{p},o2", name=f"n{i}", bundle="bus")
             for i, p in enumerate(perm)]
    return c, conns


def _check(c: gf.Component, conns: list[Connection], res, tmp_path: Path) -> None:
    assert res.report.unrouted == []
    _drc_clean(c, tmp_path)
    ends = {e for cn in conns for e in (cn.source, cn.target)}
    assert _connected_pairs(c, ends) == {frozenset({cn.source, cn.target}) for cn in conns}


def test_track_order_stacks_each_direction_so_no_extra_crossings() -> None:
    # rightward nets: larger source lower; leftward: smaller source lower; straights first
    spans = [(0, 5), (1, 3), (4, 4), (6, 2), (7, 0)]
    assert order_tracks(spans) == [2, 1, 0, 3, 4]


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(perm=st.permutations(list(range(5))))
# the two orders of five (of 120) whose one cycle of waiting nets was broken beside the bus
# at 8 crossings while 120 um columns were counted dense
@example(perm=[2, 3, 4, 0, 1])
@example(perm=[3, 4, 0, 1, 2])
def test_permuted_bus_gets_exactly_the_inversion_count_of_crossings(
    perm: list[int], tmp_path: Path
) -> None:
    name = "perm_" + "".join(map(str, perm))
    c, conns = _rows(name, list(perm))
    res = route_nets(c, conns)
    assert all(n.planner == "channel" for n in res.report.nets), res.report.bundle_notes
    assert res.report.total_crossings == _inversions(list(perm))
    assert res.report.crossing_lower_bound == _inversions(list(perm))  # reported by itself
    _check(c, conns, res, tmp_path)
    c.delete()


def test_swap_on_shared_columns_needs_a_dogleg_and_one_crossing(tmp_path: Path) -> None:
    # each net's source column is the other's target column: no pair of Z routes fits
    c, conns = _rows("swap", [1, 0])
    res = route_nets(c, conns)
    assert all(n.planner == "channel" for n in res.report.nets)
    assert res.report.total_crossings == 1
    assert sorted(n.bends for n in res.report.nets) == [2, 4]  # one Z, one dogleg
    _check(c, conns, res, tmp_path)


def test_parallel_bus_without_inversions_is_evenly_pitched(tmp_path: Path) -> None:
    c, conns = _rows("even_bus", [0, 1, 2, 3], target_shift_um=300.0)
    res = route_nets(c, conns)
    assert res.report.total_crossings == 0
    assert all(n.planner == "channel" and n.bends == 2 for n in res.report.nets)
    tracks = sorted({round(i.dcplx_trans.disp.y, 3) for i in c.insts
                     if i.cell.name.startswith("bend_euler") and i.dcplx_trans.angle == 0})
    gaps = {round(b - a, 3) for a, b in zip(tracks[:-1], tracks[1:], strict=True)}
    assert len(tracks) == 4 and len(gaps) == 1, tracks
    _check(c, conns, res, tmp_path)


def test_bundle_that_is_not_a_channel_falls_back_to_search_with_a_reason(
    tmp_path: Path,
) -> None:
    c = gf.Component("not_channel")
    pin = CELLS["straight"](length=20)
    for nm, (x, y, rot) in {"a": (0, 0, 0), "b": (400, 200, 90), "p": (0, 400, 0),
                            "q": (400, 600, 90)}.items():
        r = c.add_ref(pin, name=nm)
        r.drotate(rot)
        r.dmove((x, y))
    conns = [Connection("a,o2", "b,o1", bundle="x"), Connection("p,o2", "q,o1", bundle="x")]
    res = route_nets(c, conns)
    assert all(n.planner == "search" for n in res.report.nets)
    assert all("do not face each other" in r for r in res.report.bundle_notes.values())
    _check(c, conns, res, tmp_path)


def test_track_rows_count_only_rows_whose_bends_clear_the_cells() -> None:
    # the source port sits at the left edge of its own cell, its stub running up through
    # it: a rightward Z's first bend sweeps over the cell's top corner, so the rows just
    # above the cell, whose runs are clear, still hold no Z; the rows of the room bound
    # are exactly those the planner's own cell check accepts
    grid = RoutingGrid.empty(bbox_um=(0, 0, 400, 300), pitch_um=5.0)
    prm = SearchParams(radius_um=30.0, loss_dB_per_um=1e-5, bend_loss_dB=0.3,
                       crossing_loss_dB=0.8, crossing_half_um=6.0, space_um=0.25)
    grid.block_box(100, 0, 200, 150)  # the source's cell
    grid.block_box(250, 250, 350, 300)  # the target's cell, its port on the bottom edge
    s, t = grid.node_at(100, 50), grid.node_at(300, 250)
    own = np.array([grid.node_at(100, y) for y in range(50, 155, 5)] + [t], np.int64)
    rows = _track_rows(grid, 1, (20, 10, 60, 50), own, _geometry(grid, prm))
    placer = _Placer(grid, prm, Occupancy.zeros(grid))
    clear = [v for v in range(16, 45) if placer.clear_of_cells(Found(
        [s, grid.node_at(100, 5 * v), grid.node_at(300, 5 * v), t], [], 0.0, 0), own)]
    assert rows.tolist() == clear
    assert clear[0] > 31  # row 31 (155 um): the run clears the cell (150 um), a bend not


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(d0=st.integers(0, 3), source=st.tuples(st.integers(5, 75), st.integers(5, 75)),
       up=st.integers(13, 45), side=st.integers(12, 45).flatmap(
           lambda k: st.sampled_from([k, -k])),
       boxes=st.lists(st.tuples(*[st.integers(0, 400)] * 2, *[st.integers(5, 60)] * 2),
                      max_size=12))
def test_track_rows_are_the_rows_the_placer_accepts(d0, source, up, side, boxes) -> None:
    # any facing, any cells: the room bound's rows are exactly the Z routes whose track run
    # and bends the planner's own cell check lets through (the legs are the net's own here)
    grid = RoutingGrid.empty(bbox_um=(0, 0, 400, 400), pitch_um=5.0)
    prm = SearchParams(radius_um=30.0, loss_dB_per_um=1e-5, bend_loss_dB=0.3,
                       crossing_loss_dB=0.8, crossing_half_um=6.0, space_um=0.25)
    for x, y, w, h in boxes:
        grid.block_box(x, y, x + w, y + h)
    g = _geometry(grid, prm)
    su, sv = _to_frame(d0, *source)
    tu, tv = su + side, sv + up  # a Z fits: two radii across, two radii up

    def node(u: int, v: int) -> int:
        ix, iy = _from_frame(d0, u, v)
        return iy * grid.nx + ix if 0 <= ix < grid.nx and 0 <= iy < grid.ny else -1

    if node(tu, tv) < 0:
        return  # the target is off the grid
    own = np.array([node(u, v) for u in (su, tu) for v in range(sv, tv + 1)], np.int64)
    placer = _Placer(grid, prm, Occupancy.zeros(grid))

    def accepted(v: int) -> bool:
        found = Found([node(su, sv), node(su, v), node(tu, v), node(tu, tv)], [], 0.0, 0)
        try:
            return placer.clear_of_cells(found, own)
        except ValueError:  # a bend leaves the routing area
            return False

    rows = _track_rows(grid, d0, (su, sv, tu, tv), own, g)
    assert rows.tolist() == [v for v in range(sv + g.k_start, tv - g.k_start + 1) if accepted(v)]
