"""The net search on its own: legal crossings, and hard mode never shares a node."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_the_bend_clash_table_is_kept_on_disk_and_read_back_unchanged(
        tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from routing import search

    monkeypatch.setenv("QUANTACORE_CACHE_DIR", str(tmp_path))
    args = (30.0, 5.0, 1.15)
    built = search._build_clash_offsets(*args)
    first = search.clash_offsets.__wrapped__(*args)  # past the in-process cache
    files = list((tmp_path / "clash").glob("clash_*.npz"))
    assert len(files) == 1
    again = search.clash_offsets.__wrapped__(*args)  # now from the file
    for table in (first, again):
        for row_b, row_t in zip(built, table, strict=True):
            for a, b in zip(row_b, row_t, strict=True):
                assert np.array_equal(a, b)
    # other inputs, another file; a damaged file is rebuilt, not trusted
    search.clash_offsets.__wrapped__(25.0, 5.0, 1.15)
    assert len(list((tmp_path / "clash").glob("clash_*.npz"))) == 2
    files[0].write_bytes(b"not a table")
    assert search._read_clash_cache(files[0]) is None
    rebuilt = search.clash_offsets.__wrapped__(*args)
    assert all(np.array_equal(a, b) for ra, rb in zip(built, rebuilt, strict=True)
               for a, b in zip(ra, rb, strict=True))
    monkeypatch.setenv("QUANTACORE_CACHE_DIR", "")
    assert search.clash_cache_dir() is None


def test_the_turn_field_counts_the_turns_the_walls_force() -> None:
    from routing.astar_kernel import _UNREACHED, turn_field

    grid = RoutingGrid.empty(bbox_um=(0, 0, 300, 300), pitch_um=5.0)
    target = grid.node_at(250, 150)  # entered heading east
    full = (0, grid.nx - 1, 0, grid.ny - 1)

    def turns(g: RoutingGrid, x: float, y: float, heading: int) -> int:
        tf = turn_field(g.nx, g.wall, target, 0, *full)
        return int(tf[g.node_at(x, y) * 4 + heading])

    assert turns(grid, 50, 150, 0) == 0  # straight on
    assert turns(grid, 50, 100, 0) == 2  # an S (the geometry's bound says the same)
    assert turns(grid, 50, 150, 2) == 2  # facing away: a U
    # a wall across the straight line: going round it costs turns no geometric bound sees
    grid.block_box(148, 120, 152, 180)
    assert turns(grid, 50, 150, 0) == 4
    # boxed in: the target cannot be reached at all
    walled = RoutingGrid.empty(bbox_um=(0, 0, 300, 300), pitch_um=5.0)
    walled.block_box(20, 20, 100, 30)
    walled.block_box(20, 70, 100, 80)
    walled.block_box(20, 20, 30, 80)
    walled.block_box(90, 20, 100, 80)
    tf = turn_field(walled.nx, walled.wall, target, 0, *full)
    assert tf[walled.node_at(60, 50) * 4 + 1] == _UNREACHED


def test_the_turn_bound_keeps_the_search_optimal_and_cuts_its_work() -> None:
    # a wall between the ports: with penalty_weight 1 the search stays exact (the turn field
    # is a lower bound), and it expands fewer states than the geometric bound alone allowed
    from dataclasses import replace

    grid = RoutingGrid.empty(bbox_um=(0, 0, 600, 600), pitch_um=5.0)
    grid.block_box(290, 100, 310, 500)
    occ = Occupancy.zeros(grid, bucket_nodes=14, clash_offsets=clash_offsets(30.0, 5.0, 1.15))
    s, t = grid.node_at(50, 300), grid.node_at(550, 300)
    exact = replace(PRM, penalty_weight=1.0)
    found = astar(grid, occ, exact, source=s, source_dir=0, target=t, target_dir=2)
    assert found is not None
    assert len(found.vertices) - 2 == 4  # over or under the wall: four bends
    assert found.expansions < 5_000  # 8,808 with the geometric turn bound alone (same path)


@pytest.mark.parametrize(("radius_um", "pitch_um"), [(30.0, 5.0), (10.0, 1.0), (65.0, 5.0),
                                                    (47.3, 3.3)])
def test_every_turn_claims_the_nodes_within_half_a_pitch_of_its_drawn_centreline(
        radius_um: float, pitch_um: float) -> None:
    # arc_offsets derives seven turns from the left turn by symmetry: each must be the set
    # measured directly on that turn's own transformed centreline
    from routing.grid import _euler_points, _transform, arc_offsets

    base = _euler_points(radius_um) - np.array([radius_um, 0.0])
    for din in range(4):
        for dout in ((din + 1) % 4, (din + 3) % 4):
            pts = _transform(base, din, dout) / pitch_um
            lo, hi = np.floor(pts.min(axis=0)) - 1, np.ceil(pts.max(axis=0)) + 1
            want = {(ix, iy) for ix in range(int(lo[0]), int(hi[0]) + 1)
                    for iy in range(int(lo[1]), int(hi[1]) + 1)
                    if (((pts - (ix, iy)) ** 2).sum(axis=1).min() <= (0.5 + 1e-9) ** 2)}
            assert set(arc_offsets(radius_um, pitch_um, din, dout)) == want, (din, dout)


class _KernelCalls:
    """Records each run of the compiled search (source node, budget, expansions) and runs
    the real kernel."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from routing import search

        self.runs: list[tuple[int, int, int]] = []
        real = search.astar_kernel

        def spy(*args, **kwargs):
            out = real(*args, **kwargs)
            self.runs.append((int(args[25]), int(args[33]), int(out[1])))
            return out

        monkeypatch.setattr(search, "astar_kernel", spy)


def _ringed_target_board() -> tuple[RoutingGrid, Occupancy, int, int]:
    """A 600 um board whose target port (facing west) sits inside a closed ring of committed
    nets, doubled one pitch apart (no crossing cell fits between): walls alone would not do,
    the search's turn bound already knows a target the walls cut off."""
    grid = RoutingGrid.empty(bbox_um=(0, 0, 600, 600), pitch_um=5.0)
    occ = Occupancy.zeros(grid, bucket_nodes=14, clash_offsets=clash_offsets(30.0, 5.0, 1.15))
    for k, (a, b) in enumerate(
            [((380, y), (520, y)) for y in (230, 235, 365, 370)]
            + [((x, 230), (x, 370)) for x in (380, 385, 515, 520)]):
        nodes, kinds = path_claims(grid, PRM, Found([grid.node_at(*a), grid.node_at(*b)],
                                                    [], 0.0, 0))
        occ.commit(f"ring{k}", nodes, kinds, [], +1)
    return grid, occ, grid.node_at(100, 300), grid.node_at(450, 300)


def test_a_legal_search_boxed_in_at_its_target_fails_on_the_backward_probe_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from routing import search

    monkeypatch.setattr(search, "PROBE_MIN_STATES", 0)  # the small board gets the probe
    grid, occ, s, t = _ringed_target_board()
    calls = _KernelCalls(monkeypatch)
    assert astar(grid, occ, PRM, source=s, source_dir=0, target=t, target_dir=2,
                 hard=True) is None
    ((start, budget, probe_expansions),) = calls.runs  # the forward search never ran
    assert (start, budget) == (t, PRM.hard_probe_expansions)
    calls.runs.clear()
    no_probe = replace(PRM, hard_probe_expansions=0)
    assert astar(grid, occ, no_probe, source=s, source_dir=0, target=t, target_dir=2,
                 hard=True) is None
    ((start, _, forward_expansions),) = calls.runs
    assert start == s
    assert forward_expansions > 10 * probe_expansions  # the whole board outside the ring
    # the probe is for legal searches only: a soft one runs forward and shares the ring
    calls.runs.clear()
    assert astar(grid, occ, PRM, source=s, source_dir=0, target=t, target_dir=2) is not None
    assert [r[0] for r in calls.runs] == [s]


@settings(max_examples=30, deadline=None)
@given(walls=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11), st.integers(1, 4),
                                st.integers(1, 4)), max_size=6),
       nets=st.lists(st.tuples(st.booleans(), st.integers(0, 90), st.integers(0, 70),
                               st.integers(8, 50)), max_size=14))
def test_the_backward_probe_never_changes_what_a_legal_search_finds(
        walls: list[tuple[int, int, int, int]],
        nets: list[tuple[bool, int, int, int]]) -> None:
    # random walls and committed nets (straights, crossable one at a time) on a 600 um
    # board, ports facing each other across it: with or without the probe the legal search
    # returns the same path, or none both times
    from dataclasses import replace

    from routing import search

    grid = RoutingGrid.empty(bbox_um=(0, 0, 600, 600), pitch_um=5.0)
    s, t = grid.node_at(40, 300), grid.node_at(560, 300)
    for i, j, w, h in walls:
        x0, y0 = 50 + 40 * i, 60 + 40 * j
        grid.block_box(x0, y0, min(x0 + 20 * w, 540), min(y0 + 20 * h, 580))
    occ = Occupancy.zeros(grid, bucket_nodes=14, clash_offsets=clash_offsets(30.0, 5.0, 1.15))
    for k, (horizontal, at, start, length) in enumerate(nets):
        a = (60 + 5 * start, 60 + 5 * at) if horizontal else (80 + 5 * at, 5 * start)
        b = ((min(a[0] + 5 * length, 560), a[1]) if horizontal
             else (a[0], min(a[1] + 5 * length, 600)))
        nodes, kinds = path_claims(grid, PRM, Found([grid.node_at(*a), grid.node_at(*b)],
                                                    [], 0.0, 0))
        occ.commit(f"net{k}", nodes, kinds, [], +1)
    keep = search.PROBE_MIN_STATES
    try:
        search.PROBE_MIN_STATES = 0
        probed = astar(grid, occ, PRM, source=s, source_dir=0, target=t, target_dir=2,
                       hard=True)
    finally:
        search.PROBE_MIN_STATES = keep
    plain = astar(grid, occ, replace(PRM, hard_probe_expansions=0), source=s, source_dir=0,
                  target=t, target_dir=2, hard=True)
    assert (probed is None) == (plain is None)
    if plain is not None:
        assert probed is not None and probed.vertices == plain.vertices


def test_the_backward_probe_finds_a_crossing_that_lands_on_a_bend_walked_backwards(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the forward search crosses a row and lands on its last corner (the crossing 45 um
    # before the bend, allowed); walked backwards that crossing comes 45 um after a bend,
    # inside the bend's 60 um exit run. The probe allows it (``cross_after_bend``), so it
    # does not run out and the forward search answers; without it the probe would run out
    # at once and the net would be refused a path it has.
    from routing import search
    from routing.astar_kernel import astar_kernel

    monkeypatch.setattr(search, "PROBE_MIN_STATES", 0)
    grid = RoutingGrid.empty(bbox_um=(0, 80, 400, 300), pitch_um=5.0)  # no room below
    occ = Occupancy.zeros(grid, bucket_nodes=14, clash_offsets=clash_offsets(30.0, 5.0, 1.15))
    nodes, kinds = path_claims(grid, PRM, Found([grid.node_at(0, 150), grid.node_at(400, 150)],
                                                [], 0.0, 0))
    occ.commit("row", nodes, kinds, [], +1)
    s, t = grid.node_at(300, 200), grid.node_at(40, 100)  # s faces south, t faces east
    found = astar(grid, occ, PRM, source=s, source_dir=3, target=t, target_dir=0, hard=True)
    assert found is not None
    assert [grid.xy(v) for v in found.vertices] == [(300, 200), (300, 100), (40, 100)]
    assert [grid.xy(x) for x in found.crossings] == [(300, 150)]

    g = search._geometry(grid, PRM)

    def backward(cross_after_bend: bool) -> tuple:
        return astar_kernel(
            grid.nx, grid.ny, grid.wall, occ.pen, occ.occ, occ.occ_h, occ.occ_v, occ.clash,
            0.0, g.arc_box, g.arc_delta, g.arc_count, g.arc_mask, g.clash_tab, g.kc,
            g.k_turn, g.k_start, g.k_cross, g.arm, g.gap, PRM.loss_dB_per_um * 5.0,
            PRM.loss_dB_per_um * 5.0, PRM.bend_loss_dB, g.turn_cost, PRM.crossing_loss_dB,
            t, 0, s, 3, 0, grid.nx - 1, 0, grid.ny - 1, 20_000, PRM.radius_um / 5.0, True,
            False, 1.0, cross_after_bend)

    cost, _, verts, xings = backward(cross_after_bend=True)
    assert [grid.xy(v) for v in verts] == [(40, 100), (300, 100), (300, 200)]
    assert [grid.xy(x) for x in xings] == [(300, 150)]
    cost, expansions, _, _ = backward(cross_after_bend=False)
    assert not np.isfinite(cost) and expansions < 20_000  # ran out: a wrong "none"


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), bends=st.integers(1, 9))
def test_the_self_hit_box_queries_agree_with_the_node_by_node_definition(
        seed: int, bends: int) -> None:
    # the kernel asks "how far may this run go" (_ray_first_hit) and "does this bend land on
    # the path" (_arc_self_hit) once per piece of the path; both must answer what testing
    # every node against the path's pieces answers, on any chain of bend records (runs that
    # may cross and overlap, as a search's candidate would if it were not checked)
    from routing import search
    from routing.astar_kernel import _NO_HIT, _arc_self_hit, _ray_first_hit

    grid = RoutingGrid.empty(bbox_um=(0, 0, 600, 600), pitch_um=5.0)
    g = search._geometry(grid, PRM)
    nx, k_r = grid.nx, g.k_start
    rng = np.random.default_rng(seed)
    dx, dy = (1, 0, -1, 0), (0, 1, 0, -1)
    sx, sy = int(rng.integers(30, 90)), int(rng.integers(30, 90))
    source, d = sy * nx + sx, int(rng.integers(0, 4))
    corner = (sx, sy)
    n = bends
    rec_corner = np.empty(n, np.int64)
    rec_type = np.empty(n, np.int64)
    rec_parent = np.empty(n, np.int64)
    rec_bb = np.empty((n, 4), np.int64)
    box = [sx, sx, sy, sy]
    for i in range(n):
        run = int(rng.integers(g.k_turn, 40))
        x = min(max(corner[0] + dx[d] * run, 15), nx - 16)
        y = min(max(corner[1] + dy[d] * run, 15), grid.ny - 16)
        if i > 0:  # the arc of the bend before this run's end is claimed from here on
            px, py = corner
            t = rec_type[i - 1]
            box = [min(box[0], px + g.arc_box[t, 0]), max(box[1], px + g.arc_box[t, 1]),
                   min(box[2], py + g.arc_box[t, 2]), max(box[3], py + g.arc_box[t, 3])]
        box = [min(box[0], x), max(box[1], x), min(box[2], y), max(box[3], y)]
        side = int(rng.integers(0, 2))
        rec_corner[i], rec_type[i], rec_parent[i] = y * nx + x, 2 * d + side, i - 1
        rec_bb[i] = box
        corner, d = (x, y), (d + 1) % 4 if side == 0 else (d + 3) % 4
    args = (source, nx, k_r, rec_corner, rec_type, rec_parent, rec_bb, g.arc_box, g.arc_mask)

    def _self_hit(q: int, r: int) -> bool:
        """Is node q claimed by the path ending with record r (bend r's own arc left out)?"""
        qx, qy = q % nx, q // nx
        while r >= 0:
            par = int(rec_parent[r])
            a = int(rec_corner[par]) if par >= 0 else source
            e = int(rec_corner[r])
            ax, ay, ex, ey = a % nx, a // nx, e % nx, e // nx
            n = abs(ex - ax) + abs(ey - ay)
            for j in range(k_r if par >= 0 else 0, n - k_r + 1):  # the run's straight nodes
                if (ax + np.sign(ex - ax) * j, ay + np.sign(ey - ay) * j) == (qx, qy):
                    return True
            if par >= 0:  # the arc of the bend before r
                t, c = int(rec_type[par]), int(rec_corner[par])
                u, v = qx - c % nx - g.arc_box[t, 0], qy - c // nx - g.arc_box[t, 2]
                h, w = g.arc_mask[t].shape
                if 0 <= u < w and 0 <= v < h and g.arc_mask[t, v, u]:
                    return True
            r = par
        return False
    last = n - 1
    for ray in range(4):
        first = _ray_first_hit(int(rec_corner[last]), ray, last, *args)
        cx, cy = corner
        expect = _NO_HIT
        for j in range(1, 200):
            qx, qy = cx + dx[ray] * j, cy + dy[ray] * j
            if not (0 <= qx < nx and 0 <= qy < grid.ny):
                break
            if _self_hit(qy * nx + qx, last):
                expect = j
                break
        if expect == _NO_HIT:  # nothing on the board: nothing beyond it either
            assert first == _NO_HIT or not (0 <= cx + dx[ray] * first < nx
                                            and 0 <= cy + dy[ray] * first < grid.ny)
        else:
            assert first == expect
    for _ in range(40):
        b = int(rng.integers(0, 8))
        near = int(rec_corner[int(rng.integers(0, n))])  # bends around the path's corners
        x = min(max(near % nx + int(rng.integers(-12, 13)), 15), nx - 16)
        y = min(max(near // nx + int(rng.integers(-12, 13)), 15), grid.ny - 16)
        offsets = [int(o) for o in g.arc_delta[b, : g.arc_count[b]]]
        node = y * nx + x
        expect_hit = any(_self_hit(node + o, last) for o in offsets)
        assert _arc_self_hit(node, b, last, *args) == expect_hit
