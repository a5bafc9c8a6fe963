"""The PDK contract: `quantacore pdk --json`, layer stack, cross-sections, materials, .lyp."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import gdsfactory as gf
import pytest
from typer.testing import CliRunner

from flows.cli import app
from qc_pdk.layer_stack import LAYER_STACK
from qc_pdk.layer_views import write_lyp
from qc_pdk.materials import MATERIALS
from qc_pdk.rules import RULES
from quantacore import activate

runner = CliRunner()


def test_pdk_json_contract() -> None:
    result = runner.invoke(app, ["pdk", "--json"])
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["layers"]["WG1"] == [1, 0] and d["layers"]["WG2"] == [2, 0]
    assert all(isinstance(v, list) and len(v) == 2 for v in d["layers"].values())
    assert [r["name"] for r in d["rules"]] == [r.name for r in RULES]
    for r in d["rules"]:
        assert {"name", "kind", "layers", "value", "unit", "reason"} <= set(r)
        assert r["reason"]
    for name in ("strip", "strip_wg1", "strip_wg2", "heater_metal", "metal1", "metal2", "nanowire"):
        assert d["cross_sections"][name]["min_bend_radius_um"] > 0


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("quantacore")
    out = subprocess.run([str(exe), "pdk", "--json"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["name"] == "quantacore"


def test_layer_stack_has_two_sin_layers_with_oxide_between() -> None:
    sin = sorted(
        (lvl.zmin, lvl.thickness) for lvl in LAYER_STACK.layers.values() if lvl.material == "sin"
    )
    assert len(sin) >= 2
    (z1, t1), (z2, _) = sin[:2]
    assert z2 > z1 + t1  # oxide gap between the waveguide layers
    materials = {lvl.material for lvl in LAYER_STACK.layers.values()}
    assert {"sio2", "tin", "al", "nbn"} <= materials


def test_every_material_figure_has_a_source() -> None:
    for m in MATERIALS.values():
        assert m.source_n and m.source_dn_dT and m.source_thermal_conductivity


def test_waveguide_cross_sections_follow_the_rule_table() -> None:
    activate()
    for name in ("strip_wg1", "strip_wg2"):
        xs = gf.get_cross_section(name)
        assert xs.radius_min == 20.0
        assert xs.width >= 0.5


def test_euler_bend_below_the_minimum_radius_is_refused() -> None:
    activate()
    with pytest.raises(ValueError, match="radius_min"):
        gf.components.bend_euler(radius=12.0, cross_section="strip_wg1")


def test_lyp_lists_every_layer(tmp_path) -> None:
    text = write_lyp(tmp_path / "q.lyp").read_text()
    for name in ("WG1", "WG2", "HEATER", "NW", "EMITTER", "TRENCH"):
        assert f"<name>{name}</name>" in text


def test_lyp_and_deck_written_from_cli(tmp_path) -> None:
    result = runner.invoke(
        app, ["pdk", "--lyp", str(tmp_path / "q.lyp"), "--drc-deck", str(tmp_path / "q.drc")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "q.lyp").stat().st_size > 0
    assert "WG1.R.1" in (tmp_path / "q.drc").read_text()
