"""`quantacore cells` and `quantacore cell`: listing, gallery, one cell, bad parameters."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app
from qc_pdk.drc import run_drc

runner = CliRunner()


def test_cells_lists_every_cell_with_parameters() -> None:
    from components import CELLS

    result = runner.invoke(app, ["cells"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for name in CELLS:
        assert name in result.output
    assert "radius=50.0" in result.output  # qubitron default (R = 50 um, gap 0.5 um)


def test_cells_gallery_writes_gds_and_png(tmp_path) -> None:
    gds = tmp_path / "gallery.gds"
    result = runner.invoke(app, ["cells", "--gallery", str(gds)])
    assert result.exit_code == 0, result.output
    assert gds.stat().st_size > 0 and gds.with_suffix(".png").stat().st_size > 0
    assert run_drc(gds).clean


def test_cell_qubitron_with_parameter(tmp_path) -> None:
    out = tmp_path / "x.gds"
    result = runner.invoke(app, ["cell", "qubitron", "-p", "radius=40", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".png").exists()
    assert "resonance_wl_nm" in result.output
    assert run_drc(out).clean


def test_bad_cell_requests_exit_2_and_write_nothing(tmp_path) -> None:
    for args, message in (
        (["cell", "nope"], "unknown cell 'nope'"),
        (["cell", "qubitron", "-p", "radius=10"], "radius"),
        (["cell", "qubitron", "-p", "foo=1"], "no parameter 'foo'"),
        (["cell", "qubitron", "-p", "radius"], "key=value"),
    ):
        out = tmp_path / "bad.gds"
        result = runner.invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
        assert not out.exists() and not list(tmp_path.iterdir())
