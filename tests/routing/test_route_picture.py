"""route.png: the layout with every unrouted net drawn as a flyline between its ports."""

from __future__ import annotations

from pathlib import Path

import gdsfactory as gf
import matplotlib.pyplot as plt
import numpy as np
import pytest

from components import CELLS
from quantacore import activate
from routing.multilayer import MultiLayerNet, MultiLayerReport
from routing.route_picture import KIND_COLOURS, flyline_kind, flylines, write_route_png
from routing.router import Connection, route_nets


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def _offset_pair() -> tuple[gf.Component, list[Connection]]:
    """Two facing pins 40 um apart with a 10 um offset: too short for the two bends of an
    offset, so no legal path (and no cut: nothing proves it)."""
    c = gf.Component()
    pin = CELLS["straight"](length=20)
    c.add_ref(pin, name="a")
    c.add_ref(pin, name="b").dmove((60, 10))
    return c, [Connection("a,o2", "b,o1", name="short")]


def _walled(gap_um: float, n: int) -> tuple[gf.Component, list[Connection]]:
    """A wall with one gap of ``gap_um``; ``n`` nets must pass it (a cut proves how many)."""
    c = gf.Component()
    half = CELLS["straight"](length=400)
    for name, y0 in (("wall_s", -400 - gap_um / 2), ("wall_n", gap_um / 2)):
        c.add_ref(half, name=name).drotate(90).dmove((300, y0))
    pin = CELLS["straight"](length=20)
    conns = []
    for k in range(n):
        y = (k - (n - 1) / 2) * 60
        c.add_ref(pin, name=f"a{k}").dmove((0, y))
        c.add_ref(pin, name=f"b{k}").dmove((580, y))
        conns.append(Connection(f"a{k},o2", f"b{k},o1", name=f"n{k}"))
    return c, conns


def _pixels_near(png: Path, colour: str, tol: int = 40) -> int:
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    image = (plt.imread(png)[..., :3] * 255).astype(int)
    return int((np.abs(image - rgb).max(axis=-1) <= tol).sum())


def test_an_unrouted_net_is_a_flyline_between_its_ports(tmp_path: Path) -> None:
    c, conns = _offset_pair()
    rep = route_nets(c, conns, margin_um=0.0).report
    assert rep.unrouted
    (line,) = flylines(c, rep)
    assert line.name == "short" and line.kind == "not found"
    assert line.source_xy_um == pytest.approx((20.0, 0.0))
    assert line.target_xy_um == pytest.approx((60.0, 10.0))
    assert "no path" in line.reason
    drawn = write_route_png(c, rep, tmp_path / "route.png", width_px=600, height_px=400)
    # the same layout with the net counted routed: no flyline, none of its colour
    routed = rep.model_copy(update={"nets": [n.model_copy(update={"routed": True})
                                             for n in rep.nets]})
    clean = write_route_png(c, routed, tmp_path / "clean.png", width_px=600, height_px=400)
    assert flylines(c, routed) == []
    assert _pixels_near(drawn, KIND_COLOURS["not found"]) > 50
    assert _pixels_near(clean, KIND_COLOURS["not found"]) == 0


def test_nets_a_cut_proves_unroutable_are_drawn_as_proven() -> None:
    c, conns = _walled(gap_um=20.0, n=5)  # the gap holds 3 tracks; 5 nets must cross it
    rep = route_nets(c, conns, margin_um=0.0, check_drc=False).report
    lines = flylines(c, rep)
    assert len(lines) == len(rep.unrouted) >= 2
    assert {f.kind for f in lines} == {"proven"}
    assert all(f.source_xy_um[0] == pytest.approx(20.0) for f in lines)


def test_a_multilayer_report_names_its_nets_ports_through_the_connections() -> None:
    c, conns = _offset_pair()
    nets = [MultiLayerNet(name="short", layer="WG2", couplers=2, routed=False,
                          reason="no legal routing: a cut 0 tracks wide"),
            MultiLayerNet(name="fine", layer="WG1", couplers=0, routed=True),
            # book mode: the plan chose the ports (here the other way round)
            MultiLayerNet(name="book", layer="WG3", couplers=4, routed=False,
                          ports=["b,o1", "a,o2"])]
    report = MultiLayerReport.model_construct(nets=nets)
    lines = {f.name: f for f in flylines(c, report, conns)}
    assert set(lines) == {"short", "book"}
    assert lines["short"].kind == "proven"
    assert lines["short"].source_xy_um == pytest.approx((20.0, 0.0))
    assert lines["book"].kind == "not found"
    assert lines["book"].source_xy_um == pytest.approx((60.0, 10.0))
    # without the connections, only the book-mode net can be placed
    assert [f.name for f in flylines(c, report)] == ["book"]


@pytest.mark.parametrize(
    ("reason", "removed", "kind"),
    [("no legal routing: a cut 3 tracks wide ...", False, "proven"),
     ("overlaps net n2 at (10, 20)", True, "removed"),
     (None, False, "not found"),
     ("no path", False, "not found")],
)
def test_flyline_kind_follows_the_reason(reason: str | None, removed: bool, kind: str) -> None:
    assert flyline_kind(reason, removed=removed) == kind
