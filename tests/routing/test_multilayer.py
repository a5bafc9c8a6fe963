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
from routing.multilayer import COUPLER_PROPERTY, route_nets_multilayer
from routing.router import Connection, RoutingInputError


def _cross() -> tuple[gf.Component, list[Connection]]:
    """Two nets that must cross on one layer: west-east and south-north."""
    c = gf.Component()
    pin = CELLS["straight"](length=5)
    for name, xy, rot in [("w", (0, 0), 0), ("e", (1400, 0), 180),
                          ("s", (700, -700), 90), ("n", (700, 700), 270)]:
        c.add_ref(pin, name=name).drotate(rot).dmove(xy)
    return c, [Connection("w,o2", "e,o2", name="we"), Connection("s,o2", "n,o2", name="sn")]


def _check_drawn(c: gf.Component, conns: list[Connection], tmp_path: Path) -> None:
    """DRC-clean on every layer; the mask joins exactly the requested ports."""
    report = run_drc(c.write_gds(tmp_path / "multilayer.gds"))
    assert report.clean, report.counts()
    want = {frozenset({x.source, x.target}) for x in conns}
    assert drawn_connections(c, endpoints={"w", "e", "s", "n"}) == want
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
