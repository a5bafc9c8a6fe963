"""evaluate_qec on chip tables: a bad qubitron, outputs, the sinter engine, a real table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from control.qec.collect import chip_noise_source, collect_local, collect_sinter, make_tasks
from control.qec.layout import ChipGrid
from control.qec.report import QecReport, evaluate_qec, write_qec_outputs

from ._helpers import chip_table

GRID = ChipGrid(rows=2, columns=8, tile_columns=4)


def test_one_bad_qubitron_raises_the_logical_error_rate() -> None:
    """q0011 sits under data qubits of the d=3 patch (grid cells (1, 3), (3, 3), (5, 5) of
    the repeated 2 x 8 chip). (A lossy qubitron under a boundary measure qubit, e.g. q0005,
    hardly matters: its heralded erasures only randomise one stabiliser's outcome.)"""
    good, bad = chip_table(16), chip_table(16, bad=11, bad_erasure=0.2)
    counts: dict[tuple[str, str], int] = {}
    for name, t in (("good", good), ("bad", bad)):
        for p in collect_local(chip_noise_source(t, GRID), distances=(3,), scales=(1.0,),
                               max_shots=8000, seed=21):
            counts[(name, p.decoder)] = p.errors
    for dec in ("pymatching", "erasure_matching"):
        # measured ~4.5x (erasure-aware) and ~7x (plain); 2.5x with > 50 errors is many sigma
        assert counts[("good", dec)] > 50
        assert counts[("bad", dec)] > 2.5 * counts[("good", dec)]


def test_report_shows_the_bad_qubitron_and_writes_outputs(tmp_path: Path) -> None:
    rep = evaluate_qec(chip_table(16, bad=11), grid=GRID, distances=(3, 5),
                       scales=(0.5, 1.0, 2.0), max_shots=3000, max_errors=300, seed=2,
                       target_logical_error=1e-6)
    bad = [e for e in rep.per_qubit_noise if e.qubitron == "q0011"]
    assert {(e.x, e.y) for e in bad} == {(1, 1), (3, 3), (5, 5)}
    assert all(e.p_erasure == 0.5 and e.role == "data" for e in bad)
    assert max(e.p_erasure for e in rep.per_qubit_noise if e.qubitron != "q0011") == 0.01
    assert len(rep.points) == 2 * 3 * 2  # distances x scales x decoders
    assert rep.chip_distance is None and rep.notes  # a 2 x 8 chip holds no d=3 patch
    assert set(rep.threshold_margin) == {"pymatching", "erasure_matching"}
    assert rep.erasure_gain and all(g is None or g >= 1 for _, _, g in rep.erasure_gain)
    files = write_qec_outputs(rep, tmp_path / "qec")
    for path in files.values():
        assert path.stat().st_size > 0
    again = QecReport.model_validate_json(files["json"].read_text())
    assert again == rep
    assert "properties" in json.loads(files["schema"].read_text())
    assert not list((tmp_path / "qec").glob(".*"))  # no temporary files left


def test_logical_qubits_on_a_large_chip() -> None:
    grid = ChipGrid(rows=16, columns=32, tile_columns=8)
    t = chip_table(grid.n_qubitrons, p_erasure=0.002, p_pauli=0.001, p_measurement=0.001)
    rep = evaluate_qec(t, grid=grid, distances=(3, 5), scales=(0.5, 1.0), max_shots=20_000,
                       max_errors=None, seed=3, decoders=("erasure_matching",),
                       target_logical_error=1e-4)
    rec = next(r for r in rep.recommendations if r.scale == 1.0)
    assert rec.distance is not None and rec.lambda_factor is not None
    assert rec.qubitrons_per_logical == 2 * rec.distance**2 - 1
    assert rec.logical_qubits_on_chip == grid.patches(rec.distance)
    assert rep.chip_distance == 5
    assert rep.chip_logical_error_round["erasure_matching"] is not None


def test_sinter_engine_is_resumable(tmp_path: Path) -> None:
    tasks = make_tasks(chip_noise_source(chip_table(16), GRID), distances=(3,), scales=(1.0,))
    resume = tmp_path / "resume.csv"
    first = collect_sinter(tasks, max_shots=2000, max_errors=None, save_resume_filepath=resume)
    assert {p.decoder for p in first} == {"pymatching", "erasure_matching"}
    assert all(p.shots == 2000 for p in first)
    assert resume.read_text().count("\n") >= 2
    again = collect_sinter(tasks, max_shots=2000, max_errors=None, save_resume_filepath=resume)
    assert [(p.decoder, p.shots, p.errors) for p in again] == [
        (p.decoder, p.shots, p.errors) for p in first
    ]  # nothing left to sample: read back from the resume file


def test_real_noise_table_end_to_end() -> None:
    from control.noise import noise_table

    t = noise_table(pump_power_mW=2e-7, stokes_power_mW=2e-7, loaded_q=1e5,
                    detector_path_loss_dB=[0.5, 0.5, 0.5, 6.0])
    rep = evaluate_qec(t, grid=ChipGrid(rows=1, columns=4, tile_columns=4), distances=(3,),
                       scales=(1.0, 0.01), max_shots=1000, seed=1)
    worst = max(rep.per_qubit_noise, key=lambda e: e.p_erasure)
    assert worst.qubitron == "q0003"  # the qubitron behind 6 dB of detector path loss


def test_bad_arguments() -> None:
    t = chip_table(16)
    with pytest.raises(ValueError, match="target_logical_error"):
        evaluate_qec(t, target_logical_error=2.0)
    with pytest.raises(ValueError, match="grid"):
        evaluate_qec(t, grid=ChipGrid(rows=1, columns=4, tile_columns=4))
    with pytest.raises(ValueError, match="engine"):
        evaluate_qec(t, engine="nope", distances=(3,), scales=(1.0,), max_shots=10)  # type: ignore[arg-type]
