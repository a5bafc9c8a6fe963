"""The 3D stacking planner: layer assignment, interlayer couplers, routing per layer."""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import gdsfactory as gf
import pytest

from components import CELLS
from qc_pdk.drc import run_drc
from routing.connectivity import drawn_connections
from routing.layer_plan import (
    LayerCosts,
    PlanNet,
    crossing_conflicts,
    solve_exact,
    solve_heuristic,
)
from routing.layer_workers import LayerJob, route_layers
from routing.multilayer import COUPLER_PROPERTY, route_nets_multilayer
from routing.router import ROUTE_PROPERTY, Connection, RoutingInputError, route_nets


def _cross() -> tuple[gf.Component, list[Connection]]:
    """Two nets that must cross on one layer: west-east and south-north."""
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    for name, xy, rot in [("w", (0, 0), 0), ("e", (1400, 0), 180),
                          ("s", (700, -700), 90), ("n", (700, 700), 270)]:
        c.add_ref(pin, name=name).drotate(rot).dmove(xy)
    return c, [Connection("w,o2", "e,o2", name="we"), Connection("s,o2", "n,o2", name="sn")]


def _check_drawn(c: gf.Component, conns: list[Connection], tmp_path: Path,
                 endpoints: frozenset[str] = frozenset("wesn")) -> None:
    """DRC-clean on every layer; the mask joins exactly the requested ports."""
    report = run_drc(c.write_gds(tmp_path / "multilayer.gds"))
    assert report.clean, report.counts()
    want = {frozenset({x.source, x.target}) for x in conns}
    assert drawn_connections(c, endpoints=endpoints) == want
    # a layer change sits on a straight stretch: no coupler overlaps a bend or a crossing
    couplers = [i for i in c.insts if i.instance.property(COUPLER_PROPERTY) is not None]
    turns = [i for i in c.insts if i.cell.name.startswith(("bend", "crossing"))
             or (i.name or "").startswith("xing_")]
    for a in couplers:
        for b in turns:
            assert (a.dbbox() & b.dbbox()).empty(), (a.name, b.name)


@pytest.mark.parametrize(("coupler_dB", "crossings", "changes"),
                         [(0.30, 0, 2), (0.45, 1, 0)])
def test_layer_change_only_when_two_couplers_cost_less_than_a_crossing(
        coupler_dB: float, crossings: int, changes: int, tmp_path: Path) -> None:
    c, conns = _cross()
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=coupler_dB)  # threshold at 0.385 dB
    res = route_nets_multilayer(c, conns, layers=("WG1", "WG2"), costs=costs)
    rep = res.report
    assert rep.routed == 2 and rep.clean
    assert (rep.total_crossings, rep.layer_changes) == (crossings, changes)
    moved = [n for n in rep.nets if n.couplers]
    assert len(moved) == changes // 2
    for n in moved:  # its loss carries both couplers (and their short leads) on its route
        assert n.insertion_loss_dB == pytest.approx(n.route_insertion_loss_dB + 2 * coupler_dB,
                                                    abs=1e-3)
    _check_drawn(c, conns, tmp_path)


def test_third_layer_through_two_couplers_per_end(tmp_path: Path) -> None:
    c, conns = _cross()
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=0.1)
    # WG2 is not offered: the moved net climbs two steps to WG3 at each end
    res = route_nets_multilayer(c, conns, layers=("WG1", "WG3"), costs=costs)
    assert (res.report.total_crossings, res.report.layer_changes) == (0, 4)
    assert {n.layer for n in res.report.nets} == {"WG1", "WG3"}
    _check_drawn(c, conns, tmp_path)


def _convex_chords(n: int) -> tuple[list[PlanNet], dict[tuple[int, int], int]]:
    pts = [(1000 * math.cos(2 * math.pi * a / n), 1000 * math.sin(2 * math.pi * a / n))
           for a in range(n)]
    pairs = list(itertools.combinations(range(n), 2))
    conf = crossing_conflicts([[pts[a], pts[b]] for a, b in pairs])
    return [PlanNet(f"{a}-{b}", ("WG1", "WG1")) for a, b in pairs], conf


@pytest.mark.parametrize(("n", "one_page", "two_pages"), [(6, 15, 3), (8, 70, 18)])
def test_convex_complete_graph_matches_book_crossing_numbers(n: int, one_page: int,
                                                              two_pages: int) -> None:
    """K_n with nodes in convex position: C(n, 4) crossings on one layer; on two layers the
    2-page book crossing number, which equals Z(n) = 1/4 [n/2][(n-1)/2][(n-2)/2][(n-3)/2]
    for these n (Abrego et al., DCG 2012)."""
    nets, conf = _convex_chords(n)
    assert sum(conf.values()) == math.comb(n, 4) == one_page
    z = (n // 2) * ((n - 1) // 2) * ((n - 2) // 2) * ((n - 3) // 2) // 4
    assert z == two_pages
    free = LayerCosts(crossing_dB=1.0, coupler_dB=1e-6)
    heur = solve_heuristic(nets, conf, ("WG1", "WG2"), free)
    assert heur.crossings == two_pages
    if n == 6:
        exact = solve_exact(nets, conf, ("WG1", "WG2"), free, time_limit_s=30)
        assert exact.optimal and exact.crossings == two_pages


@pytest.mark.parametrize("seed", range(12))
def test_heuristic_agrees_with_exact_on_small_random_problems(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(5, 10)
    layers = ("WG1", "WG2", "WG3")[: rng.choice((2, 3))]
    nets = [PlanNet(f"n{i}", (rng.choice(layers[:2]), "WG1")) for i in range(n)]
    conf = {(i, j): rng.randint(1, 3) for i in range(n) for j in range(i + 1, n)
            if rng.random() < 0.4}
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=rng.uniform(0.01, 0.5))
    exact = solve_exact(nets, conf, layers, costs, time_limit_s=30)
    heur = solve_heuristic(nets, conf, layers, costs)
    assert exact.optimal
    assert heur.cost_dB >= exact.cost_dB - 1e-9  # nothing beats a proven optimum
    assert heur.cost_dB <= exact.cost_dB * 1.05 + 1e-9


def test_forbidden_layers_are_respected() -> None:
    nets = [PlanNet("a", ("WG1", "WG1")), PlanNet("b", ("WG1", "WG1"), frozenset({"WG1"}))]
    costs = LayerCosts(crossing_dB=1.0, coupler_dB=0.0)
    for solve in (solve_exact, solve_heuristic):
        plan = solve(nets, {(0, 1): 1}, ("WG1", "WG2"), costs)
        assert plan.layer_of == {"a": "WG2", "b": "WG1"}


def test_bad_inputs_are_named() -> None:
    c, conns = _cross()
    with pytest.raises(RoutingInputError, match="'M1' is not a waveguide layer"):
        route_nets_multilayer(c, conns, layers=("WG1", "M1"))
    with pytest.raises(RoutingInputError, match="distinct"):
        route_nets_multilayer(c, conns, layers=("WG1", "WG1"))
    with pytest.raises(RoutingInputError, match="no instance 'x'"):
        route_nets_multilayer(c, [Connection("x,o1", "w,o2")])
    with pytest.raises(ValueError, match="coupler_dB"):
        LayerCosts(crossing_dB=0.77, coupler_dB=-1)
    with pytest.raises(RoutingInputError, match="workers=0"):
        route_nets_multilayer(c, conns, workers=0)
    with pytest.raises(RoutingInputError, match="search_crossing_dB=-0.1"):
        route_nets_multilayer(c, conns, search_crossing_dB=-0.1)
    with pytest.raises(ValueError, match="repeat a layer"):
        route_layers(c, [LayerJob("WG1", ()), LayerJob("WG1", ())], workers=2)
    with pytest.raises(ValueError, match="right above"):
        CELLS["interlayer_coupler"](cross_section_lower="strip_wg1",
                                    cross_section_upper="strip_wg3")


_CROSS_SPEC = """
name: crossing_pair
instances:
  w: {cell: straight, settings: {length: 5}, x: 0, y: 0}
  e: {cell: straight, settings: {length: 5}, x: 1400, y: 0, rotation: 180}
  s: {cell: straight, settings: {length: 5}, x: 700, y: -700, rotation: 90}
  n: {cell: straight, settings: {length: 5}, x: 700, y: 700, rotation: 270}
connections:
  - {from: "w,o2", to: "e,o2", name: we}
  - {from: "s,o2", to: "n,o2", name: sn}
"""


def test_route_command_plans_layers_and_compares_with_planar(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from flows.cli import app

    spec = tmp_path / "cross.yaml"
    spec.write_text(_CROSS_SPEC)
    out = tmp_path / "r"
    result = CliRunner().invoke(app, ["route", str(spec), "--layers", "WG1,WG2", "--out",
                                      str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "route.json").read_text())
    assert report["layers"] == ["WG1", "WG2"]
    assert (report["total_crossings"], report["layer_changes"]) == (0, 2)
    assert report["planar"]["crossings"] == 1  # the same nets on one layer must cross
    assert report["total_insertion_loss_dB"] < report["planar"]["total_insertion_loss_dB"]
    assert report["kept"] == "multilayer"  # the better of the two is what the mask holds
    assert (out / "crossing_pair.gds").exists() and (out / "route.png").exists()
    for bad in ("WG1,M1", "WG1,WG1", ""):
        bad_out = tmp_path / f"bad{len(bad)}"
        result = CliRunner().invoke(app, ["route", str(spec), "--layers", bad, "--out",
                                          str(bad_out)])
        assert result.exit_code == 2, (bad, result.output)
        assert "layer" in result.output and not bad_out.exists()


def test_layers_routed_in_parallel_processes_draw_what_one_process_draws(tmp_path: Path) -> None:
    """The two layers' passes forked side by side: the same report and the same pieces as
    one after the other, drawn back into the parent's component (and clean, connected)."""
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=0.1)
    runs = {}
    for workers in (1, 2):
        c, conns = _cross()
        rep = route_nets_multilayer(c, conns, layers=("WG1", "WG2"), costs=costs,
                                    workers=workers).report
        assert [s.nets for s in rep.per_layer] == [1, 1]  # one net per layer: two passes
        pieces = sorted((i.cell.name, str(i.dcplx_trans), str(i.instance.property(ROUTE_PROPERTY)))
                        for i in c.insts if i.instance.property(ROUTE_PROPERTY) is not None)
        runs[workers] = (rep.model_dump(exclude={"runtime_s", "per_layer"}), pieces)
        _check_drawn(c, conns, tmp_path)
    assert runs[1][1] and runs[1] == runs[2]


def test_a_layer_whose_pieces_cannot_be_redrawn_is_routed_again_here(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """If the parent cannot re-make a child's cell under the child's name, that layer is
    routed again in the parent (nothing half drawn), so the result is still whole."""
    import routing.layer_workers as lw

    def refuse(component: object, piece: object) -> None:
        raise lw._Unresolved("test: no such factory")

    monkeypatch.setattr(lw, "_cell", refuse)
    c, conns = _cross()
    rep = route_nets_multilayer(c, conns, layers=("WG1", "WG2"), workers=2,
                                costs=LayerCosts(crossing_dB=0.77, coupler_dB=0.1)).report
    assert (rep.routed, rep.total_crossings, rep.layer_changes) == (2, 0, 2) and rep.clean
    _check_drawn(c, conns, tmp_path)


def _back_to_back() -> tuple[gf.Component, list[Connection]]:
    """ab runs straight; cd's ports face away from each other, so cd needs a U-turn round
    the cells: impossible in a 10 um margin, easy in 40 um (30 um bends)."""
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    c.add_ref(pin, name="a")
    c.add_ref(pin, name="b").drotate(180).dmove((600, 0))
    c.add_ref(pin, name="c").drotate(180).dmove((0, 300))
    c.add_ref(pin, name="d").dmove((600, 300))
    pin2 = CELLS["straight"](length=5, cross_section="strip_wg2")
    c.add_ref(pin2, name="e").dmove((0, -300))
    c.add_ref(pin2, name="f").drotate(180).dmove((600, -300))
    return c, [Connection("a,o2", "b,o2", name="ab"), Connection("c,o2", "d,o2", name="cd")]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_layer_left_unrouted_is_retried_and_the_better_pass_kept(workers: int,
                                                                     tmp_path: Path) -> None:
    base = {"cross_section": "strip_wg1", "margin_um": 10.0}
    drawn = {}
    for retry_margin_um, routed in [(40.0, 2), (20.0, 1)]:
        c, conns = _back_to_back()
        # a second layer's job (ef, on WG2) so that two workers really fork
        other = LayerJob("WG2", (Connection("e,o2", "f,o2", name="ef"),),
                         {"cross_section": "strip_wg2"})
        jobs = [LayerJob("WG1", tuple(conns), base, retry={"margin_um": retry_margin_um})]
        out = route_layers(c, jobs + ([other] if workers > 1 else []), workers=workers)
        got = out["WG1"]
        assert got.retried and got.report.routed == routed
        # the kept pass's options, and only its pieces drawn (a failed net draws nothing)
        assert got.options["margin_um"] == (retry_margin_um if routed == 2 else 10.0)
        ends = frozenset("abcdef")
        want = {frozenset({x.source, x.target}) for x in conns[:routed]}
        if workers > 1:
            assert out["WG2"].report.routed == 1 and not out["WG2"].retried
            want.add(frozenset({"e,o2", "f,o2"}))
        assert drawn_connections(c, endpoints=ends) == want
        drawn[routed] = sorted((i.cell.name, str(i.dcplx_trans)) for i in c.insts
                               if i.instance.property(ROUTE_PROPERTY) is not None)
    c, conns = _back_to_back()  # the restored first pass is exactly a lone first pass
    route_nets(c, conns, **base)
    if workers > 1:
        route_nets(c, [Connection("e,o2", "f,o2", name="ef")], cross_section="strip_wg2")
    assert drawn[1] == sorted((i.cell.name, str(i.dcplx_trans)) for i in c.insts
                              if i.instance.property(ROUTE_PROPERTY) is not None)


def _facing_rows(depth_um: float, top: str = "strip_wg1") -> tuple[gf.Component,
                                                                    list[Connection]]:
    """A bundle of four nets from a row of ports facing north to a reversed row facing south
    ``depth_um`` above (its ports on ``top``'s layer): six inverted pairs, so planar
    routing crosses six times."""
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    pin_top = CELLS["straight"](length=5, cross_section=top)
    for i in range(4):
        c.add_ref(pin, name=f"a{i}").drotate(90).dmove((150 * i, -5))
        c.add_ref(pin_top, name=f"b{i}").drotate(-90).dmove((150 * i, depth_um + 5))
    return c, [Connection(f"a{i},o2", f"b{3 - i},o2", name=f"n{i}", bundle="bus")
               for i in range(4)]


@pytest.mark.parametrize(("depth_um", "moves"), [(600.0, False), (1200.0, True)])
def test_coupler_chains_never_take_a_bundles_channel(depth_um: float, moves: bool,
                                                      tmp_path: Path) -> None:
    """Chains stand in the channel between facing rows on every layer. Where the two rows'
    chains (4 um lead + 310 um coupler each side) would leave less than the bundle's tracks
    need, the plan keeps the bundle planar and so matches the planar routing exactly; in a
    deep channel it moves nets to WG2 and beats the planar loss."""
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=0.1)
    c, conns = _facing_rows(depth_um)
    planar = route_nets(c, conns, cross_section="strip_wg1",
                        search_crossing_dB=0.77).report
    assert planar.total_crossings == 6 and planar.routed == 4
    c, conns = _facing_rows(depth_um)
    rep = route_nets_multilayer(c, conns, layers=("WG1", "WG2"), costs=costs).report
    assert rep.routed == 4 and rep.clean
    if moves:
        assert rep.layer_changes > 0 and rep.total_crossings < 6
        assert rep.total_insertion_loss_dB < planar.total_insertion_loss_dB
    else:
        assert rep.layer_changes == 0 and rep.total_crossings == 6
        assert rep.total_insertion_loss_dB == pytest.approx(planar.total_insertion_loss_dB)
    _check_drawn(c, conns, tmp_path, frozenset({*(f"a{i}" for i in range(4)),
                                                *(f"b{i}" for i in range(4))}))


def test_a_bundle_between_two_layers_still_climbs_in_a_shallow_channel(tmp_path: Path) -> None:
    """The channel limit keeps same-layer bundles planar; a net whose ends sit on WG1 and
    WG2 must climb once whatever the channel, and does (one coupler per net). At 710 um the
    two rows' chains (2 x 314 um) fit but leave less than the bundle's tracks need (86 um)."""
    costs = LayerCosts(crossing_dB=0.77, coupler_dB=0.1)
    c, conns = _facing_rows(710.0)  # all on WG1: the limit bites, the bundle stays planar
    assert route_nets_multilayer(c, conns, layers=("WG1", "WG2"),
                                 costs=costs).report.layer_changes == 0
    c, conns = _facing_rows(710.0, top="strip_wg2")
    rep = route_nets_multilayer(c, conns, layers=("WG1", "WG2"), costs=costs).report
    assert rep.routed == 4 and rep.clean and rep.layer_changes == 4
    assert all(n.couplers == 1 for n in rep.nets)
    _check_drawn(c, conns, tmp_path, frozenset({*(f"a{i}" for i in range(4)),
                                                *(f"b{i}" for i in range(4))}))
