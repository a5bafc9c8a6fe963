"""`quantacore qec`: the chip's own noise through stim circuits and real decoders."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_qec_of_the_default_chip(tmp_path: Path) -> None:
    out = tmp_path / "q"
    result = runner.invoke(app, ["qec", "--out", str(out), "--shots", "400"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "qec.json").read_text())
    assert report["chip"]["n_qubitrons"] == 16
    assert {p["decoder"] for p in report["points"]} == {"pymatching", "erasure_matching"}
    # the default qubitron loses its photon in most rounds (Purcell factor < 1): at the chip's
    # own rates the logical error per round of a distance-5 memory is no better than d = 3
    at_chip = {p["distance"]: p["p_logical_round"] for p in report["points"]
               if p["scale"] == 1.0 and p["decoder"] == "pymatching"}
    assert at_chip[5] >= 0.5 * at_chip[3]
    for name in ("logical_error_vs_scale.png", "qec_points.csv"):
        assert (out / name).stat().st_size > 0


def test_qec_bad_spec_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: x\narray: {rows: 0}\n")
    result = runner.invoke(app, ["qec", str(spec), "--out", str(tmp_path / "q")])
    assert result.exit_code == 2 and "array.rows" in result.output
    assert not (tmp_path / "q").exists()
