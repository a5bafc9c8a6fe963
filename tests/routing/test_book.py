"""The 3D planner's book mode: pages (layer, side) for nets between nodes in convex position."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import gdsfactory as gf
import numpy as np
import pytest

from components import CELLS
from qc_pdk.drc import run_drc
from qc_pdk.errors import InputError
from qc_pdk.layers import LAYER
from routing.book_plan import (
    chord_conflicts,
    colour_pages,
    convex_rotation_genus,
    page_conflicts,
    row_order,
    zigzag_pages,
)
from routing.book_route import BookInputError
from routing.connectivity import drawn_connections
from routing.layer_workers import LayerJob, route_layers
from routing.multilayer import COUPLER_PROPERTY, route_nets_multilayer
from routing.router import Connection, RoutingInputError


def _complete(n: int) -> list[tuple[int, int]]:
    return [(a, b) for a in range(n) for b in range(a + 1, n)]


def _ring(n: int, radius_um: float = 1500.0, pitch_um: float = 45.0
          ) -> tuple[gf.Component, list[Connection], dict[str, list[str]]]:
    """K_n between n nodes on a ring, each with a row of n - 1 ports facing into the ring and
    a twin row behind it facing out (``bench_router.all_to_all(ports="both")`` in small)."""
    c = gf.Component()
    pin = CELLS["straight"](length=5.0)
    units = [(1, 0), (0, 1), (-1, 0), (0, -1)]
    groups: dict[str, list[str]] = {}
    body = gf.Component()  # the node between its two rows, so no route runs through it
    half = pitch_um * (n - 1) / 2
    body.add_polygon([(-6, -half), (0, -half), (0, half), (-6, half)], layer=LAYER.DEVREC)
    for a in range(n):
        ang = 2 * math.pi * a / n
        cx, cy = (round(radius_um * math.cos(ang) / 5) * 5,
                  round(radius_um * math.sin(ang) / 5) * 5)
        facing = max(range(4), key=lambda f: -(units[f][0] * cx + units[f][1] * cy))
        (fx, fy), (ex, ey) = units[facing], (-units[facing][1], units[facing][0])
        c.add_ref(body, name=f"body{a}").drotate(90 * facing).dmove((cx, cy))
        for k in range(n - 1):
            off = pitch_um * (k - (n - 2) / 2)
            front = c.add_ref(pin, name=f"v{a}_{k}").drotate(90 * facing)
            front.dmove((cx + ex * off, cy + ey * off))
            back = c.add_ref(pin, name=f"u{a}_{k}").drotate(90 * facing + 180)
            back.dmove((cx + ex * off - 6 * fx, cy + ey * off - 6 * fy))
            groups.setdefault(f"n{a}", []).extend([f"v{a}_{k},o2", f"u{a}_{k},o2"])
    nets = [Connection(f"n{a}", f"n{b}", name=f"{a}-{b}") for a, b in _complete(n)]
    return c, nets, groups


@pytest.mark.parametrize("n", range(4, 15))
def test_the_zigzag_construction_puts_k_n_on_its_book_thickness_without_conflicts(n: int) -> None:
    pages = zigzag_pages(_complete(n), n_nodes=n)
    assert len(set(pages)) == math.ceil(n / 2)
    assert page_conflicts(_complete(n), pages) == 0
    # and fewer pages cannot do it: n // 2 diameters (or near-diameters) pairwise interleave
    diameters = [(a, a + n // 2) for a in range(n // 2)]
    assert len(chord_conflicts(diameters)) == len(diameters) * (len(diameters) - 1) // 2


def test_a_row_serves_its_chords_in_the_nesting_order() -> None:
    # from node 0 of 8: far ends counter-clockwise 1, 2, ... 7; parallel chords to node 3
    far = [(10, 5), (11, 1), (12, 3), (13, 3), (14, 7)]
    assert row_order(0, far, n_nodes=8) == [11, 12, 13, 10, 14]
    # the other end of the parallel pair takes it the other way round, so the two nest
    assert row_order(3, [(12, 0), (13, 0)], n_nodes=8) == [13, 12]


@pytest.mark.parametrize("seed", range(4))
def test_exact_and_heuristic_page_colourings_agree_on_small_cases(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([6, 7, 8])
    chords = rng.sample(_complete(n), 14)
    pages = rng.choice([2, 3, 4])
    unary = np.array([[rng.uniform(0, 0.1) for _ in range(pages)] for _ in chords])
    exact = colour_pages(chords, n_nodes=n, unary=unary, crossing_dB=0.23, solver="exact")
    heur = colour_pages(chords, n_nodes=n, unary=unary, crossing_dB=0.23, solver="heuristic")
    assert exact.lower_bound_dB is not None or exact.conflicts > 0
    assert heur.conflicts == exact.conflicts
    assert heur.cost_dB == pytest.approx(exact.cost_dB, abs=1e-6)
    # and both meet the book: enough pages means no conflict
    if pages >= math.ceil(n / 2):
        assert exact.conflicts == 0


def test_crossings_first_against_the_cheapest_loss() -> None:
    # two interleaving chords; the second page costs more than a crossing
    chords = [(0, 2), (1, 3)]
    unary = np.array([[0.0, 0.5], [0.0, 0.5]])
    first = colour_pages(chords, n_nodes=4, unary=unary, crossing_dB=0.23)
    cheap = colour_pages(chords, n_nodes=4, unary=unary, crossing_dB=0.23, crossings_first=False)
    assert (first.conflicts, first.cost_dB) == (0, 0.5)
    assert (cheap.conflicts, cheap.cost_dB) == (1, 0.23)


@pytest.mark.parametrize("n", [5, 6])
def test_one_row_per_node_holds_at_most_2n_minus_3_chords_on_a_layer(n: int) -> None:
    """The argument for the single-row K12 (``routing.book_plan``): with every node's routes
    leaving in the circular order of their far ends, a crossing-free layer is a genus-0
    subset of chords; exhaustively, none has more than 2n - 3 (the inside page's bound)."""
    edges = _complete(n)
    best = 0

    def grow(k: int, chosen: list[tuple[int, int]]) -> None:
        nonlocal best
        best = max(best, len(chosen))
        if len(chosen) + len(edges) - k <= best:
            return
        for j in range(k, len(edges)):
            chosen.append(edges[j])
            if convex_rotation_genus(chosen, n_nodes=n) == 0:  # genus only grows with edges
                grow(j + 1, chosen)
            chosen.pop()

    grow(0, [])
    assert best == 2 * n - 3
    # while ports on both sides give a layer two pages: 2 x (2n - 3) crossing-free chords
    assert len(zigzag_pages(edges, n_nodes=n)) == len(edges)


def test_k6_on_two_layers_routes_every_net_without_a_crossing(tmp_path: Path) -> None:
    c, nets, groups = _ring(6)
    res = route_nets_multilayer(c, nets, layers=("WG1", "WG2"), port_groups=groups)
    rep = res.report
    assert rep.book is not None and rep.book.page_conflicts == 0
    assert rep.routed == 15 and rep.clean and rep.total_crossings == 0
    assert sum(rep.book.nets_per_page.values()) == 15
    # each net got two ports of its own nodes, no port twice
    used = [p for n in rep.nets for p in (n.ports or [])]
    assert len(used) == len(set(used)) == 30
    for n in rep.nets:
        a, b = n.name.split("-")
        assert n.ports is not None and n.ports[0] in groups[f"n{a}"]
        assert n.ports[1] in groups[f"n{b}"]
        assert n.page is not None and n.page.startswith(n.layer)
    # DRC-clean on every layer; the mask joins exactly the planned ports, through couplers
    drc = run_drc(c.write_gds(tmp_path / "k6.gds"))
    assert drc.clean, drc.counts()
    pins = {i.name for i in c.insts if (i.name or "")[:1] in "uv" and "_" in (i.name or "")}
    want = {frozenset(n.ports or []) for n in rep.nets}
    assert drawn_connections(c, endpoints=pins) == want
    # a layer change sits on a straight stretch, never on a bend or a crossing
    couplers = [i for i in c.insts if i.instance.property(COUPLER_PROPERTY) is not None]
    assert len([i for i in couplers if not (i.name or "").endswith("_lead")]) \
        == rep.layer_changes
    turns = [i for i in c.insts if i.cell.name.startswith(("bend", "crossing"))]
    for a_inst, b_inst in itertools.product(couplers, turns):
        assert (a_inst.dbbox() & b_inst.dbbox()).empty(), (a_inst.name, b_inst.name)


def test_a_later_stage_goes_around_the_earlier_routes_never_across() -> None:
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    for name, xy, rot in [("w", (0, 0), 0), ("e", (1000, 0), 180),
                          ("s", (500, -500), 90), ("n", (500, 500), 270)]:
        c.add_ref(pin, name=name).drotate(rot).dmove(xy)
    job = LayerJob("WG1", (Connection("w,o2", "e,o2", name="we"),),
                   {"cross_section": "strip_wg1", "search_crossing_dB": 0.23},
                   stages=((Connection("s,o2", "n,o2", name="sn"),),))
    rep = route_layers(c, [job], workers=1)["WG1"].report
    assert (rep.routed, rep.total_crossings) == (2, 0)
    sn = next(n for n in rep.nets if n.name == "sn")
    # round an end of the west-east route (about 500 um out and back), not straight across
    assert sn.length_um > 990 + 2 * 450 and sn.bends >= 4
    # the stages' pieces are marked as routes again afterwards
    assert all(i.instance.property("qc_route") is not None
               for i in c.insts if i.name not in {"w", "e", "s", "n"})


def test_bad_port_groups_are_named() -> None:
    c, nets, groups = _ring(4, radius_um=800)
    with pytest.raises(RoutingInputError, match="not a port group"):
        route_nets_multilayer(c, [Connection("n0", "n9", name="x")], port_groups=groups)
    with pytest.raises(RoutingInputError, match="names .* repeat"):
        route_nets_multilayer(c, [Connection("n0", "n1"), Connection("n0", "n1")],
                              port_groups=groups)
    with pytest.raises(RoutingInputError, match="bundle"):
        route_nets_multilayer(c, [Connection("n0", "n1", bundle="b")], port_groups=groups)
    with pytest.raises(RoutingInputError, match="crossing_pairs"):
        route_nets_multilayer(c, nets, port_groups=groups, crossing_pairs=[])
    # a node with too few ports on either side for its three nets
    short = dict(groups, n0=groups["n0"][:4:2])
    with pytest.raises(BookInputError, match="no page is open"):
        route_nets_multilayer(c, nets, port_groups=short)
    shared = dict(groups, n1=groups["n1"] + [groups["n0"][0]])
    with pytest.raises(RoutingInputError, match="in groups"):
        route_nets_multilayer(c, nets, port_groups=shared)
    # a node inside the others' hull: not in convex position
    c.add_ref(CELLS["straight"](length=5), name="mid")
    inner = dict(groups, n9=["mid,o2"])
    with pytest.raises(BookInputError, match="convex position") as e:
        route_nets_multilayer(c, [*nets, Connection("n0", "n9", name="0-9")],
                              port_groups=inner)
    assert isinstance(e.value, InputError)


def test_a_layer_whose_stages_leave_nets_unrouted_is_routed_in_its_other_order() -> None:
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    for name, xy, rot in [("w", (0, 0), 0), ("e", (1000, 0), 180),
                          ("s", (500, -500), 90), ("n", (500, 500), 270)]:
        c.add_ref(pin, name=name).drotate(rot).dmove(xy)
    we, sn = Connection("w,o2", "e,o2", name="we"), Connection("s,o2", "n,o2", name="sn")
    # no room round the pins: after west-east, south-north has no way; together they cross
    options = {"cross_section": "strip_wg1", "margin_um": 0.0}
    job = LayerJob("WG1", (we,), options, stages=((sn,),), other_order=((we, sn),))
    out = route_layers(c, [job], workers=1)["WG1"]
    assert out.retried and (out.report.routed, out.report.total_crossings) == (2, 1)
    assert drawn_connections(c, endpoints={"w", "e", "s", "n"}) == {
        frozenset({"w,o2", "e,o2"}), frozenset({"s,o2", "n,o2"})}
    alone = gf.Component()
    for name, xy, rot in [("w", (0, 0), 0), ("e", (1000, 0), 180),
                          ("s", (500, -500), 90), ("n", (500, 500), 270)]:
        alone.add_ref(pin, name=name).drotate(rot).dmove(xy)
    first = route_layers(alone, [LayerJob("WG1", (we,), options, stages=((sn,),))],
                         workers=1)["WG1"]
    assert first.report.routed == 1 and first.report.unrouted == ["sn"]
