"""Loss budget: totals and breakdowns against closed forms; `quantacore loss` outputs."""

from __future__ import annotations

import json

import gdsfactory as gf
import klayout.db as kdb
import numpy as np
import pytest
import skrf
from typer.testing import CliRunner

from flows.cli import app
from quantacore import activate
from simulation.loss_budget import loss_budget

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def pdk():
    return activate()


def _route(name: str, length_um: float, n_bends: int) -> gf.Component:
    c = gf.Component(name)
    prev = c << gf.components.straight(length=length_um)
    first = prev
    for k in range(n_bends):
        b = c << gf.components.bend_euler(radius=30.0)
        b.connect("o1", prev.ports["o2"], mirror=bool(k % 2))
        prev = b
    c.add_port("in", port=first.ports["o1"])
    c.add_port("out", port=prev.ports["o2"])
    return c


def test_breakdown_matches_closed_form() -> None:
    report = loss_budget(_route("route_1cm_4bends", 10_000.0, 4))
    p = report.path("in", "out")
    models = gf.get_active_pdk().models  # the calibrated models the loss budget uses
    bend = models["bend_euler"](wl=1.55, radius_um=30.0, length_um=49.911)
    bend_dB = -20 * np.log10(abs(bend[("o1", "o2")]))
    assert p.breakdown_dB["propagation"] == pytest.approx(0.1, abs=1e-6)  # 1 cm at 0.1 dB/cm
    assert p.breakdown_dB["bend"] == pytest.approx(4 * bend_dB, abs=1e-6)
    assert p.insertion_loss_dB == pytest.approx(0.1 + 4 * bend_dB, abs=1e-6)
    assert abs(p.other_dB) < 1e-6
    assert p.counts == {"bend": 4, "propagation": 1}
    assert p.length_um == pytest.approx(10_000 + 4 * 49.911, abs=0.01)


def test_paths_are_sorted_worst_first() -> None:
    c = gf.Component("two_routes")
    a = c << _route("short_route", 100.0, 0)
    b = c << _route("long_route", 5000.0, 2)
    b.move((0, 200))
    for prefix, ref in (("a_", a), ("b_", b)):
        c.add_ports(ref.ports, prefix=prefix)
    losses = [p.insertion_loss_dB for p in loss_budget(c).paths]
    assert losses == sorted(losses, reverse=True)
    assert len(losses) == 4  # two routes, both directions


def test_cli_writes_json_csv_touchstone_png(tmp_path) -> None:
    gds = _route("route_cli", 2000.0, 2).write_gds(tmp_path / "route.gds")
    out = tmp_path / "loss"
    result = runner.invoke(app, ["loss", str(gds), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "loss.json").read_text())
    assert {(p["input"], p["output"]) for p in data["paths"]} == {("in", "out"), ("out", "in")}
    assert len(list((out / "paths").glob("*.csv"))) == 2
    (touchstone,) = out.glob("*.s2p")
    net = skrf.Network(str(touchstone))
    total = data["paths"][0]["insertion_loss_dB"]
    centre = np.argmin(abs(net.f - 299_792_458.0 / 1.55e-6))
    assert -20 * np.log10(abs(net.s[centre, 1, 0])) == pytest.approx(total, abs=1e-3)
    assert np.allclose(net.s[:, 0, 1], net.s[:, 1, 0])  # reciprocal
    assert (out / "transmission.png").stat().st_size > 0
    assert (out / "loss_breakdown.png").stat().st_size > 0


def _plain_gds(path):
    ly = kdb.Layout()
    ly.create_cell("TOP").shapes(ly.layer(1, 0)).insert(kdb.Box(0, 0, 10000, 800))
    ly.write(str(path))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.write_text("junk"), p)[1], "not a GDSII or OASIS"),
        (_plain_gds, "no optical circuit"),
    ],
    ids=["missing", "not-gds", "no-metadata"],
)
def test_bad_input_exit_2_nothing_written(tmp_path, make, message) -> None:
    out = tmp_path / "loss"
    result = runner.invoke(app, ["loss", str(make(tmp_path / "in.gds")), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_loss_of_a_chip_spec_analyses_its_tile(tmp_path) -> None:
    spec = tmp_path / "chip.yaml"
    spec.write_text("name: small\narray: {rows: 1, columns: 2, tile_columns: 2}\n")
    out = tmp_path / "loss"
    result = runner.invoke(app, ["loss", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "loss.json").read_text())
    assert {d["input"] for d in data["detectors"]} >= {"fibre_pump_in"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: small\narray: {rows: 0}\n")
    result = runner.invoke(app, ["loss", str(bad), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2 and "array.rows" in result.output
