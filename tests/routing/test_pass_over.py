"""route_nets(pass_over=...): a route crosses a cell that draws nothing on its layer (a WDM
bank on the other SiN layer), and still goes around one that does."""

from __future__ import annotations

import gdsfactory as gf
import pytest

from components import CELLS
from qc_pdk.drc import run_drc
from routing.router import Connection, RoutingInputError, route_nets


def _crossing_problem(bank_xs: str) -> tuple[gf.Component, list[Connection]]:
    """A WG1 net from a pin above a bank to a pin below it, straight through the bank's bus."""
    c = gf.Component()
    bank = c.add_ref(CELLS["wdm_demux"](channels=2, cross_section=bank_xs), name="bank")
    bank.move((0.0, 0.0))
    pin = CELLS["straight"](length=5.0, cross_section="strip_wg1")
    x = bank.xmin + 10.0  # west of the first ring: only the bus is under the line
    top = c.add_ref(pin, name="top")
    top.drotate(90)
    top.dmove((x - top.ports["o1"].x, bank.ymax + 60.0 - top.ports["o1"].y))
    bottom = c.add_ref(pin, name="bottom")
    bottom.drotate(-90)
    bottom.dmove((x - bottom.ports["o1"].x, bank.ymin - 60.0 - bottom.ports["o1"].y))
    return c, [Connection("top,o1", "bottom,o1", name="down")]


def test_route_passes_over_a_cell_on_the_other_layer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    c, nets = _crossing_problem("strip_wg2")
    result = route_nets(c, nets, cross_section="strip_wg1", radius_um=65.0, pass_over=["bank"])
    (net,) = result.report.nets
    assert net.routed and net.crossings == 0
    a, b = c.insts["top"].ports["o1"], c.insts["bottom"].ports["o1"]
    assert net.length_um == pytest.approx(abs(a.y - b.y), abs=0.5)  # the straight through
    drc = run_drc(c.write_gds(tmp_path / "over.gds"))
    assert drc.total_violations == 0, [(r.rule, r.count) for r in drc.rules if r.count]


def test_without_pass_over_the_cell_walls_the_route() -> None:
    c, nets = _crossing_problem("strip_wg2")
    (net,) = route_nets(c, nets, cross_section="strip_wg1", radius_um=65.0).report.nets
    a, b = c.insts["top"].ports["o1"], c.insts["bottom"].ports["o1"]
    assert not net.routed or net.length_um > abs(a.y - b.y) + 100.0  # around, not through


def test_a_cell_on_the_routes_layer_still_walls_and_unknown_names_are_refused() -> None:
    c, nets = _crossing_problem("strip_wg1")  # the bank on the route's own layer
    (net,) = route_nets(c, nets, cross_section="strip_wg1", radius_um=65.0,
                        pass_over=["bank"]).report.nets
    a, b = c.insts["top"].ports["o1"], c.insts["bottom"].ports["o1"]
    assert not net.routed or net.length_um > abs(a.y - b.y) + 100.0
    with pytest.raises(RoutingInputError, match="pass_over: no instance named"):
        route_nets(*_crossing_problem("strip_wg2"), cross_section="strip_wg1",
                   radius_um=65.0, pass_over=["nope"])
