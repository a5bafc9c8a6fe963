"""Hierarchical DRC: arrays are checked once per cell, counted per instance, never flattened."""

from __future__ import annotations

import klayout.db as kdb
import klayout.rdb as rdb

from qc_pdk.drc import check_layout, write_drc_outputs


def _array_of_bad_cells(path, nx: int, ny: int):
    """nx x ny array of a cell holding one too-narrow WG1 line and one too-tight ring."""
    ly = kdb.Layout()
    ly.dbu = 0.001
    cell = ly.create_cell("BAD")
    wg = ly.layer(1, 0)
    cell.shapes(wg).insert(kdb.DBox(0, 0, 20, 0.3))  # WG1.W.1
    ring = kdb.DPolygon.ellipse(kdb.DBox(-10.4, 40 - 10.4, 10.4, 40 + 10.4), 512)
    hole = kdb.DPolygon.ellipse(kdb.DBox(-9.6, 40 - 9.6, 9.6, 40 + 9.6), 512)
    cell.shapes(wg).insert(kdb.Region(ring.to_itype(ly.dbu)) - kdb.Region(hole.to_itype(ly.dbu)))
    top = ly.create_cell("TOP")
    pitch = 100_000  # dbu
    top.insert(
        kdb.CellInstArray(
            cell.cell_index(), kdb.Trans(), kdb.Vector(pitch, 0), kdb.Vector(0, pitch), nx, ny
        )
    )
    ly.write(str(path))
    return path


def test_array_violations_counted_per_instance_but_stored_once(tmp_path) -> None:
    gds = _array_of_bad_cells(tmp_path / "arr.gds", 40, 25)
    run = check_layout(gds)
    width, bend = run.report.outcome("WG1.W.1"), run.report.outcome("WG1.R.1")
    assert (width.count, bend.count) == (1000, 1000)
    assert (width.hierarchical_count, bend.hierarchical_count) == (1, 1)
    # locations are in top-cell coordinates of distinct instances
    assert len({v.bbox_um for v in width.violations}) == len(width.violations) == 1000
    _, lyrdb = write_drc_outputs(run, tmp_path / "out")
    db = rdb.ReportDatabase("")
    db.load(str(lyrdb))
    assert db.num_items() == sum(o.hierarchical_count for o in run.report.rules) == 2


def test_deep_and_flat_agree_on_an_array(tmp_path) -> None:
    gds = _array_of_bad_cells(tmp_path / "arr.gds", 3, 4)
    assert (
        check_layout(gds).report.counts()
        == check_layout(gds, deep=False).report.counts()
        == {
            "WG1.W.1": 12,
            "WG1.R.1": 12,
        }
    )


def test_listing_is_capped_but_counts_are_exact(tmp_path) -> None:
    gds = _array_of_bad_cells(tmp_path / "arr.gds", 50, 50)
    o = check_layout(gds, max_listed_per_rule=10).report.outcome("WG1.W.1")
    assert o.count == 2500 and len(o.violations) == 10 and not o.listed_all


def test_routing_radius_euler_bend_and_ring_are_clean(tmp_path) -> None:
    import gdsfactory as gf

    from quantacore import activate

    activate()
    c = gf.Component("bends")
    c << gf.components.bend_euler(radius=30.0, cross_section="strip_wg1")
    r = c << gf.components.ring_single(radius=30.0, gap=0.3, cross_section="strip_wg2")
    r.move((100, 0))
    assert check_layout(c.write_gds(tmp_path / "bends.gds")).report.clean
