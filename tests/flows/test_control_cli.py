"""`quantacore control` and the build's control section: drive, noise table, timing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from components.resonance import wdm_grid_nm
from flows.cli import app
from flows.control_job import run_control
from flows.spec import ChipSpec, default_chip
from routing.tile import chip_tile
from simulation.probes import delivered_transmission

runner = CliRunner()


def test_control_command_writes_the_noise_table_and_schedule(tmp_path: Path) -> None:
    out = tmp_path / "ctl"
    result = runner.invoke(app, ["control", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "noise_table.csv").open()))
    assert [r["qubitron"] for r in rows] == [f"qubitron_{k}" for k in range(4)]
    for r in rows:
        for name in ("p_erasure", "p_pauli_x", "p_measurement", "p_idle"):
            assert 0.0 <= float(r[name]) <= 1.0
    timing = json.loads((out / "timing.json").read_text())
    assert set(timing["pump_arrival_ns"]) == {r["qubitron"] for r in rows}
    assert (out / "schedule.png").stat().st_size > 0


def test_each_qubitron_is_driven_on_its_own_channel() -> None:
    """The pump reaching qubitron k through the drawn tile peaks on WDM channel k (the demux
    isolates the others by > 15 dB): the mask joins channel k to qubitron k."""
    spec = default_chip()
    tile = chip_tile(spec.tile_design())
    n = spec.array.tile_columns
    grid = wdm_grid_nm(centre_nm=1550.0, spacing_nm=spec.wdm.spacing_nm, channels=n) * 1e-3
    for source, port in (("fibre_pump_in", "o1"), ("fibre_stokes_in", "o3")):
        for k in range(n):
            t = delivered_transmission(tile, source=source, probes={"q": f"qubitron_{k},{port}"},
                                       wl=grid)["q"]
            power = np.abs(t) ** 2
            assert int(np.argmax(power)) == k, (source, k, power)
            others = np.delete(power, k)
            assert 10 * np.log10(power[k] / others.max()) > 15.0


def test_more_drive_power_transfers_more(tmp_path: Path) -> None:
    weak = ChipSpec.model_validate({**default_chip().model_dump(),
                                    "control": {"pump_power_mW": 1e-7, "stokes_power_mW": 1e-7}})
    s_weak, _ = run_control(weak, tmp_path / "weak")
    s_strong, _ = run_control(default_chip(), tmp_path / "strong")
    assert s_weak.transfer_efficiency_min < s_strong.transfer_efficiency_min
    assert s_weak.p_pauli_max > s_strong.p_pauli_max


def test_control_bad_spec_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("name: x\ncontrol: {pump_power_mW: -1}\n")
    result = runner.invoke(app, ["control", str(spec), "--out", str(tmp_path / "c")])
    assert result.exit_code == 2 and "control.pump_power_mW" in result.output
    assert not (tmp_path / "c").exists()


def test_control_section_shows_skew_before_and_after_matching_and_the_detuning(
    tmp_path: Path,
) -> None:
    spec = default_chip()
    # the compact placement's fan-outs differ by ~0.5 mm: matching has work to do (the
    # default column placement's straight drops are within fs of each other)
    tile = chip_tile(spec.tile_design().model_copy(
        update={"max_pump_skew_ps": 1.0, "placement": "compact"}))
    detuning = {"qubitron_1": 0.05}  # nm: ~1.6 linewidths of the loaded ring
    summary, table = run_control(
        spec, tmp_path / "ctl", tile=tile, ring_detuning_nm=detuning,
        detuning_source={"qubitron_1": "thermal tuning: untunable (test)"},
    )
    assert summary.pump_skew_before_matching_ps is not None
    assert summary.pump_skew_before_matching_ps > 1.0 > summary.pump_skew_ps
    assert summary.length_match is not None and summary.length_match["bound_ps"] == 1.0
    assert summary.ring_detuning_pm["qubitron_1"] == 50.0
    assert summary.ring_detuning_pm["qubitron_0"] == 0.0
    assert summary.detuning_source["qubitron_1"] == "thermal tuning: untunable (test)"
    assert summary.detuning_source["qubitron_0"].startswith("not analysed")
    rows = {r.qubitron: r for r in table.rows}
    assert rows["qubitron_1"].cavity_factor < 0.5
    assert rows["qubitron_1"].purcell_factor < rows["qubitron_0"].purcell_factor
    assert rows["qubitron_1"].p_erasure > rows["qubitron_0"].p_erasure
    written = json.loads((tmp_path / "ctl" / "noise_table.json").read_text())
    assert written["rows"][1]["detuning_source"] == "thermal tuning: untunable (test)"
