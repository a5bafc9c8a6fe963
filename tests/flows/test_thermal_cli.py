"""`quantacore thermal` on a layout and on a spec, and the build's thermal section."""

from __future__ import annotations

import json
from pathlib import Path

import gdsfactory as gf
import numpy as np
from typer.testing import CliRunner

from components import CELLS
from flows.cli import app

runner = CliRunner()


def test_thermal_of_one_switch_tunes_its_ring(tmp_path: Path) -> None:
    c = gf.Component("one_switch")
    c << CELLS["ring_switch"]()
    gds = tmp_path / "one_switch.gds"
    c.write_gds(gds)
    out = tmp_path / "th"
    # heaters only red-shift: a ring fabricated red of its channel goes up one FSR (~611 mW)
    args = ["thermal", str(gds), "--out", str(out), "--temperature-k", "300"]
    result = runner.invoke(app, [*args, "--max-heater-power-mw", "400"])
    assert result.exit_code == 1, result.output
    result = runner.invoke(app, [*args, "--max-heater-power-mw", "1000"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "thermal.json").read_text())
    assert report["n_heaters"] == 1 and report["n_rings"] == 1
    tuning = json.loads((out / "tuning.json").read_text())
    ring = tuning["rings"][0]
    assert abs(ring["tuned_shift_nm"] - (report["rings"][0]["fsr_nm"] * ring["wrapped_fsr"]
                                         - ring["offset_nm"])) < 0.05
    assert np.load(out / "crosstalk.npy").shape == (1, 1)
    assert (out / "temperature_wg2.png").stat().st_size > 0


def test_thermal_of_a_spec_at_4_K_reports_what_cannot_be_tuned(tmp_path: Path) -> None:
    spec = tmp_path / "chip.yaml"
    spec.write_text(
        "name: cold\narray: {rows: 1, columns: 4, tile_columns: 4}\n"
        "die: {width_um: 6000, height_um: 3000}\nthermal: {temperature_K: 4, electronics: "
        "[{name: cmos, xmin_um: 0, ymin_um: 0, xmax_um: 6000, ymax_um: 3000, power_mW: 50}]}\n"
    )
    out = tmp_path / "th"
    result = runner.invoke(app, ["thermal", str(spec), "--out", str(out)])
    assert result.exit_code == 1, result.output  # thermo-optic tuning fails at 4 K
    report = json.loads((out / "thermal.json").read_text())
    assert report["stage"] == "4K" and report["n_heaters"] == 8  # qubitron + switch heaters
    assert not report["within_budget"]
    assert report["area_source_power_mW"] == 50.0  # the electronics block counts in the load
    assert all(r["area_source_rise_K"] > 0 for r in report["rings"])  # and warms every ring


def test_thermal_bad_input_exit_2_and_nothing_written(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: x\nthermal: {temperature_K: 0.1}\n")
    out = tmp_path / "th"
    result = runner.invoke(app, ["thermal", str(spec), "--out", str(out)])
    assert result.exit_code == 2 and "thermal.temperature_K" in result.output
    assert not out.exists()
