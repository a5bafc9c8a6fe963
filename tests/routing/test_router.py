"""The router: DRC-clean layouts, exact connectivity, known answers, WDM, specs, determinism."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import gdsfactory as gf
import networkx as nx
import pytest
from gdsfactory.get_netlist import get_netlist
from typer.testing import CliRunner

from components import CELLS
from flows.cli import app
from flows.route_job import run_route
from qc_pdk.drc import run_drc
from qc_pdk.errors import InputError
from quantacore import activate
from routing.negotiate import NegotiationParams
from routing.router import Connection, route_nets
from routing.spec import load_spec
from routing.wdm import assign_channels

_INTERNAL = {"o1": "o3", "o3": "o1", "o2": "o4", "o4": "o2"}  # crossing through-paths


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def _pins(name: str, placements: dict[str, tuple[float, float, int]]) -> gf.Component:
    c = gf.Component(name)
    s = CELLS["straight"](length=20)
    for inst, (x, y, rot) in placements.items():
        r = c.add_ref(s, name=inst)
        r.drotate(rot)
        r.dmove((x, y))
    return c


def _crossing_case(name: str) -> tuple[gf.Component, list[Connection]]:
    c = _pins(name, {"a": (0, 0, 90), "b": (200, 0, 90), "A": (0, 400, -90),
                     "B": (200, 400, -90)})
    return c, [Connection("a,o2", "B,o2"), Connection("b,o2", "A,o2")]


def _drc_clean(c: gf.Component, tmp_path: Path) -> None:
    path = c.write_gds(tmp_path / f"{c.name}.gds")
    report = run_drc(path)
    assert report.clean, report.counts()


def _connected_pairs(c: gf.Component, endpoints: set[str]) -> set[frozenset[str]]:
    """Endpoint pairs joined through route cells (straights, bends, crossing through-paths)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = get_netlist(c, instance_namer=lambda i: i.name, on_dangling_port="ignore")
    g = nx.Graph()
    g.add_nodes_from(endpoints)
    for n in net["nets"]:
        g.add_edge(n["p1"], n["p2"])
    for inst in c.insts:
        if inst.name in {e.split(",")[0] for e in endpoints}:
            continue
        names = [p.name for p in inst.ports]
        if inst.name.startswith("xing_"):
            for p in ("o1", "o2"):
                g.add_edge(f"{inst.name},{p}", f"{inst.name},{_INTERNAL[p]}")
        else:
            g.add_edge(f"{inst.name},{names[0]}", f"{inst.name},{names[1]}")
    pairs = set()
    for comp in nx.connected_components(g):
        ends = comp & endpoints
        if len(ends) > 1:
            pairs.add(frozenset(ends))
    return pairs


def test_clear_straight_path_has_no_bends_and_is_clean(tmp_path: Path) -> None:
    c = _pins("straight_case", {"a": (0, 0, 0), "b": (300, 0, 0)})
    res = route_nets(c, [Connection("a,o2", "b,o1")])
    net = res.report.nets[0]
    assert (net.bends, net.crossings, net.length_um) == (0, 0, 280.0)
    _drc_clean(c, tmp_path)
    assert _connected_pairs(c, {"a,o2", "b,o1"}) == {frozenset({"a,o2", "b,o1"})}


def test_two_nets_that_must_cross_get_exactly_one_crossing_cell(tmp_path: Path) -> None:
    c, conns = _crossing_case("cross_case")
    res = route_nets(c, conns, margin_um=0)
    assert res.report.routed == 2 and res.report.total_crossings == 1
    assert sum(i.name.startswith("xing_") for i in c.insts) == 1
    assert [n.crossings for n in res.report.nets] == [1, 1]
    _drc_clean(c, tmp_path)
    ends = {"a,o2", "B,o2", "b,o2", "A,o2"}
    assert _connected_pairs(c, ends) == {frozenset({"a,o2", "B,o2"}), frozenset({"b,o2", "A,o2"})}


def test_same_input_gives_the_same_gds_bytes(tmp_path: Path) -> None:
    blobs = []
    for k in range(2):
        c, conns = _crossing_case("det_case")
        route_nets(c, conns, margin_um=0)
        blobs.append(c.write_gds(tmp_path / f"d{k}.gds").read_bytes())
        c.delete()  # free the name for the second, identical build
    assert blobs[0] == blobs[1]


def test_port_buried_in_an_obstacle_fails_clearly() -> None:
    c = _pins("buried", {"a": (0, 0, 0), "b": (300, 0, 0)})
    blocker = c.add_ref(CELLS["ring_switch"](), name="blocker")
    blocker.dmove((300, -50))
    with pytest.raises(ValueError, match="buried inside instance 'blocker'"):
        route_nets(c, [Connection("a,o2", "b,o1")])


def test_radius_under_the_pdk_minimum_fails_clearly() -> None:
    c = _pins("small_radius", {"a": (0, 0, 0), "b": (300, 100, 0)})
    with pytest.raises(ValueError, match="minimum bend radius"):
        route_nets(c, [Connection("a,o2", "b,o1")], radius_um=25.0)


def test_offset_too_short_for_two_bends_is_reported_unroutable() -> None:
    c = _pins("no_room", {"a": (0, 0, 0), "b": (60, 10, 0)})
    res = route_nets(c, [Connection("a,o2", "b,o1")], margin_um=0)
    assert res.report.unrouted == ["a,o2->b,o1"]
    assert "Euler bends" in (res.report.nets[0].reason or "")


def test_wdm_channels_are_minimal_on_shared_waveguides() -> None:
    assert assign_channels({"x": "w", "y": "w", "z": "w", "u": "v"}) == (
        {"u": 0, "x": 0, "y": 1, "z": 2}, 3)
    c = _pins("wdm", {"a": (0, 0, 0), "b": (300, 0, 0)})
    conns = [Connection("a,o2", "b,o1", name=f"ch{k}") for k in range(3)]
    res = route_nets(c, conns)
    assert res.report.channels_used == 3 and res.report.routed == 3
    assert sorted(-1 if n.channel is None else n.channel for n in res.report.nets) == [0, 1, 2]
    assert sum(1 for i in c.insts if i.name not in ("a", "b")) == 1  # one shared waveguide


def test_fixed_channels_that_clash_are_rejected() -> None:
    with pytest.raises(ValueError, match="both ask for channel 1"):
        assign_channels({"x": "w", "y": "w"}, fixed={"x": 1, "y": 1})


_SPEC = """
name: demo
instances:
  a: {cell: straight, settings: {length: 20}}
  b: {cell: straight, settings: {length: 20}, x: 300}
connections:
  - {from: "a,o2", to: "b,o1"}
"""


def test_route_job_writes_report_and_exit_codes(tmp_path: Path) -> None:
    spec = tmp_path / "ok.yaml"
    spec.write_text(_SPEC)
    assert run_route(spec, tmp_path / "out") == 0
    assert {"demo.gds", "route.json", "route.png"} <= {p.name for p in (tmp_path / "out").iterdir()}
    report = json.loads((tmp_path / "out" / "route.json").read_text())
    assert report["check"]["failed"] == {} and report["check"]["drc_checked"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(_SPEC.replace("x: 300", "x: 60, y: 10") + "settings: {margin_um: 0}\n")
    assert run_route(bad, tmp_path / "out2") == 1
    assert "Euler bends" in (tmp_path / "out2" / "route.json").read_text()


def test_the_spec_sets_the_routers_effort_on_incomplete_problems(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(_SPEC + "settings: {shuffle_rounds: 5, retry_max_expansions: 1000}\n")
    options = load_spec(spec).settings.router_options()
    assert options["schedule"] == NegotiationParams(shuffle_rounds=5, retry_max_expansions=1000)
    spec.write_text(_SPEC + "settings: {retry_max_expansions: null}\n")
    assert load_spec(spec).settings.router_options()["schedule"].retry_max_expansions is None
    spec.write_text(_SPEC)
    assert load_spec(spec).settings.router_options()["schedule"] == NegotiationParams()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("cell: straight, settings: {length: 20}}", "cell: nope}"), "instances.a.cell"),
        (("x: 300}", "x: 300, rotation: 45}"), "instances.b.rotation"),
        (('{from: "a,o2", to: "b,o1"}', '{from: "a,o2", too: "b,o1"}'), "connections.0"),
        (("x: 300}", "x: 300}\nsettings: {shuffle_rounds: -1}"), "settings.shuffle_rounds"),
        (("x: 300}", "x: 300}\nsettings: {retry_max_expansions: -5}"),
         "settings.retry_max_expansions"),
    ],
)
def test_spec_errors_name_the_field(tmp_path: Path, edit: tuple[str, str], field: str) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(_SPEC.replace(*edit))
    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        load_spec(spec)
    # through the command: one line naming the field, exit 2, and no output folder
    result = CliRunner().invoke(app, ["route", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and field in result.output, result.output
    assert not (tmp_path / "out").exists()


def test_off_grid_ports_join_the_grid_with_s_bend_jogs(tmp_path: Path) -> None:
    # a: 2.3 um off its track sideways and 1.7 um along; b: off along its axis only
    c = _pins("off_grid", {"a": (1.7, 2.3, 0), "b": (401.2, 150.0, 0)})
    res = route_nets(c, [Connection("a,o2", "b,o1")])
    net = res.report.nets[0]
    assert net.routed and net.bends == 2
    assert sum(i.cell.name.startswith("bend_s") for i in c.insts) == 1
    _drc_clean(c, tmp_path)
    assert _connected_pairs(c, {"a,o2", "b,o1"}) == {frozenset({"a,o2", "b,o1"})}


def test_ports_closer_than_the_pitch_are_rejected_by_name() -> None:
    c = _pins("too_close", {"a": (0, 0, 0), "b": (0, 1.5, 0), "c": (300, 0, 0),
                            "d": (300, 100, 0)})
    with pytest.raises(ValueError, match="'a,o2' and 'b,o2' join the routing grid"):
        route_nets(c, [Connection("a,o2", "c,o1"), Connection("b,o2", "d,o1")])


@pytest.mark.slow
def test_nets_left_unrouted_in_the_default_margin_get_a_wider_routing_area(
        tmp_path: Path) -> None:
    # row-to-bank 12 (seed 3) at 20 um of channel per net: 79 um between the cell rows, no
    # crossing fits there, so the nets that must cross detour round the rows; 4 radii of
    # margin route 10/12, the second try in 8 radii all 12, signed off clean
    from tests.routing.problems import row_to_bank
    from tests.routing.test_signoff import _signed_off

    c, conns, _ = row_to_bank(12, seed=3, channel_um_per_net=20)
    cells = c.dbbox()
    res = route_nets(c, conns)
    _signed_off(c, conns, res, tmp_path)
    grown = c.dbbox()
    assert grown.bottom < cells.bottom - 4 * 30.0 or grown.top > cells.top + 4 * 30.0 \
        or grown.left < cells.left - 4 * 30.0 or grown.right > cells.right + 4 * 30.0


@pytest.mark.slow
def test_shuffled_orders_are_spent_in_the_wider_area_where_tight_channels_complete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # row-to-bank 12 (seed 8) at 20 um of channel per net: with 2 shuffled orders in each
    # area one net was left. The default area now tries the failed-first rounds only, the
    # wider one the shuffles too, and the third shuffle there routes all 12
    import routing.router as router
    from tests.routing.problems import row_to_bank
    from tests.routing.test_signoff import _signed_off

    shuffles: list[int] = []
    negotiate = router.negotiate

    def spied(grid, tasks, prm, schedule, *args, **kwargs):  # type: ignore[no-untyped-def]
        shuffles.append(schedule.shuffle_rounds)
        return negotiate(grid, tasks, prm, schedule, *args, **kwargs)

    monkeypatch.setattr(router, "negotiate", spied)
    c, conns, _ = row_to_bank(12, seed=8, channel_um_per_net=20)
    res = route_nets(c, conns)
    assert shuffles == [0, NegotiationParams().shuffle_rounds]
    _signed_off(c, conns, res, tmp_path)
