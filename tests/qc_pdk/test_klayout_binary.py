"""The installed KLayout application (Debian's 0.28 with `make setup`) opens the toolkit's
masks and runs the exported DRC deck on the default chip, as the README tells designers to;
and arcs drawn by other tools are judged by their real width and radius."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import klayout.db as kdb
import numpy as np
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.gds_file import read_mask
from flows.spec import default_chip
from qc_pdk.drc import run_drc
from qc_pdk.drc_deck import write_drc_deck

KLAYOUT = shutil.which("klayout")
runner = CliRunner()


@pytest.fixture(scope="module")
def default_chip_gds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("chip")
    result = runner.invoke(app, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    name = default_chip().name
    return out / name / f"{name}.gds"


def _items(lyrdb: Path) -> int:
    return lyrdb.read_text().count("<item>")


@pytest.mark.skipif(KLAYOUT is None, reason="the KLayout application is not installed")
def test_klayout_binary_reads_the_default_chip_and_runs_the_deck(
    default_chip_gds: Path, tmp_path: Path
) -> None:
    assert KLAYOUT is not None
    version = subprocess.run([KLAYOUT, "-v"], capture_output=True, text=True, check=True)
    deck = write_drc_deck(tmp_path / "quantacore.drc")
    report = tmp_path / "chip.lyrdb"  # absolute: KLayout 0.28 resolves it beside the input
    run = subprocess.run(
        [KLAYOUT, "-b", "-r", str(deck), "-rd", f"input={default_chip_gds}",
         "-rd", f"report={report}"],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, (version.stdout, run.stdout, run.stderr)
    assert "ERROR" not in run.stdout + run.stderr
    assert _items(report) == 0  # the deck agrees with the engine: the default chip is clean
    assert run_drc(default_chip_gds).clean


def test_mask_has_no_context_cell_and_loss_reads_its_tile(
    default_chip_gds: Path, tmp_path: Path
) -> None:
    layout = kdb.Layout()
    layout.read(str(default_chip_gds))
    assert layout.cell("$$$CONTEXT_INFO$$$") is None
    assert not [m.name for m in layout.each_meta_info() if m.is_persisted()]
    # each cell keeps its own metadata (KLayout 0.28 reads it; `quantacore thermal` needs it)
    assert "kfactory:info" in {m.name for m in layout.top_cell().each_meta_info()}
    component = read_mask(default_chip_gds)
    assert component.info["tiles"] == 4  # the metadata came back from the sidecar
    result = runner.invoke(app, ["loss", str(default_chip_gds), "--out", str(tmp_path / "l")])
    assert result.exit_code == 0, result.output
    assert "paths; wrote" in result.output


def _arc(path: Path, *, radius_um: float, step_deg: float, width_um: float = 0.8) -> Path:
    """A 90 deg arc polygon as another tool draws it: vertices on both edges, end faces."""
    t = np.radians(np.linspace(0.0, 90.0, round(90 / step_deg) + 1))
    outer = np.c_[np.cos(t), np.sin(t)] * (radius_um + width_um / 2)
    inner = (np.c_[np.cos(t), np.sin(t)] * (radius_um - width_um / 2))[::-1]
    layout = kdb.Layout()
    layout.dbu = 0.001
    top = layout.create_cell("ARC")
    poly = kdb.DPolygon([kdb.DPoint(x, y) for x, y in np.r_[outer, inner]])
    top.shapes(layout.layer(2, 0)).insert(poly)
    layout.write(str(path))
    return path


@pytest.mark.parametrize("step_deg", [0.5, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("radius_um", [5.0, 10.0, 15.0, 20.0, 21.0, 25.0])
def test_arcs_from_other_tools_have_no_false_width_violations(
    tmp_path: Path, radius_um: float, step_deg: float
) -> None:
    report = run_drc(_arc(tmp_path / "arc.gds", radius_um=radius_um, step_deg=step_deg))
    assert report.outcome("WG2.W.1").count == 0
    # below the 20 um WG2 bend rule: one marker per arc; at or above it: clean
    assert report.outcome("WG2.R.1").count == (1 if radius_um < 20 else 0)


@pytest.mark.parametrize("step_deg", [0.5, 1.0, 2.0, 5.0])
def test_an_arc_just_under_the_bend_rule_is_flagged(tmp_path: Path, step_deg: float) -> None:
    report = run_drc(_arc(tmp_path / "arc.gds", radius_um=19.9, step_deg=step_deg))
    assert report.outcome("WG2.R.1").count == 1
    assert report.total_violations == 1


@pytest.mark.skipif(KLAYOUT is None, reason="the KLayout application is not installed")
def test_deck_judges_the_arcs_as_the_engine_does(tmp_path: Path) -> None:
    assert KLAYOUT is not None
    deck = write_drc_deck(tmp_path / "quantacore.drc")
    for radius_um, expected in ((19.9, 1), (25.0, 0)):
        gds = _arc(tmp_path / f"arc{radius_um}.gds", radius_um=radius_um, step_deg=1.0)
        report = tmp_path / f"arc{radius_um}.lyrdb"
        subprocess.run(
            [KLAYOUT, "-b", "-r", str(deck), "-rd", f"input={gds}", "-rd", f"report={report}"],
            check=True, capture_output=True, timeout=300,
        )
        assert _items(report) == expected, radius_um


def test_mask_and_sidecar_are_byte_identical_for_identical_inputs(tmp_path: Path) -> None:
    from flows.gds_file import sidecar_path, write_mask
    from routing.chip import chip_layout

    component = chip_layout(default_chip().chip_layout())
    a, b = (tmp_path / "a.gds", tmp_path / "b.gds")
    write_mask(component, a)
    write_mask(component, b)
    assert a.read_bytes() == b.read_bytes()
    assert sidecar_path(a).read_bytes() == sidecar_path(b).read_bytes()
