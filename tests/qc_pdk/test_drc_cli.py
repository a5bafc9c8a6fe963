"""`quantacore drc`: reports, marker database, exit codes and bad input."""

from __future__ import annotations

import json

import klayout.db as kdb
import klayout.rdb as rdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.showcase import pdk_showcase
from qc_pdk.rules import rule
from tests.qc_pdk.rule_layouts import violating_layout

runner = CliRunner()


def _lyrdb_items(path) -> int:
    db = rdb.ReportDatabase("")
    db.load(str(path))
    return db.num_items()


def test_clean_layout_exit_0(tmp_path) -> None:
    gds = pdk_showcase().write_gds(tmp_path / "showcase.gds")
    result = runner.invoke(app, ["drc", str(gds), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "drc.json").read_text())
    assert report["total_violations"] == 0
    assert _lyrdb_items(tmp_path / "out" / "drc.lyrdb") == 0


def test_violations_exit_1_and_lyrdb_matches_json(tmp_path) -> None:
    gds, _ = violating_layout(rule("WG1.S.1"), tmp_path / "space.gds")
    result = runner.invoke(app, ["drc", str(gds), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "out" / "drc.json").read_text())
    by_rule = {r["rule"]: r for r in report["rules"]}
    assert by_rule["WG1.S.1"]["count"] == 1
    assert by_rule["WG1.S.1"]["violations"][0]["bbox_um"]
    assert report["total_violations"] == sum(r["count"] for r in report["rules"])
    assert _lyrdb_items(tmp_path / "out" / "drc.lyrdb") == sum(
        r["hierarchical_count"] for r in report["rules"]
    )


def test_default_out_dir_next_to_file(tmp_path) -> None:
    gds, _ = violating_layout(rule("WG1.W.1"), tmp_path / "narrow.gds")
    assert runner.invoke(app, ["drc", str(gds)]).exit_code == 1
    assert (tmp_path / "narrow_drc" / "drc.json").exists()


def _corrupt(path):
    good = bytes.fromhex("000600020258")  # a valid HEADER record, then garbage
    path.write_bytes(good + b"\xff" * 64)
    return path


def _two_tops(path):
    ly = kdb.Layout()
    for name in ("A", "B"):
        ly.create_cell(name).shapes(ly.layer(1, 0)).insert(kdb.Box(0, 0, 1000, 1000))
    ly.write(str(path))
    return path


def _foreign_layer(path):
    ly = kdb.Layout()
    ly.create_cell("TOP").shapes(ly.layer(123, 7)).insert(kdb.Box(0, 0, 1000, 1000))
    ly.write(str(path))
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "no such file"),
        (lambda p: (p.write_bytes(b""), p)[1], "empty"),
        (lambda p: (p.write_text("not a layout"), p)[1], "not a GDSII or OASIS"),
        (_corrupt, "corrupt"),
        (_two_tops, "several top cells"),
        (_foreign_layer, "123/7"),
    ],
    ids=["missing", "empty", "text", "corrupt", "two-tops", "foreign-layer"],
)
def test_bad_input_exit_2_and_nothing_written(tmp_path, make, message) -> None:
    gds = make(tmp_path / "bad.gds")
    out = tmp_path / "out"
    result = runner.invoke(app, ["drc", str(gds), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_foreign_layers_can_be_allowed(tmp_path) -> None:
    gds = _foreign_layer(tmp_path / "foreign.gds")
    result = runner.invoke(
        app, ["drc", str(gds), "--out", str(tmp_path / "o"), "--allow-unknown-layers"]
    )
    assert result.exit_code == 0, result.output


def test_top_option_picks_a_cell(tmp_path) -> None:
    gds = _two_tops(tmp_path / "two.gds")
    result = runner.invoke(app, ["drc", str(gds), "--top", "A", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(app, ["drc", str(gds), "--top", "C", "--out", str(tmp_path / "o2")])
    assert bad.exit_code == 2 and "no cell named" in bad.output
