"""Density metrics: closed form on known boxes, a real tile, the networked default chip."""

from __future__ import annotations

import gdsfactory as gf
import klayout.db as kdb
import pytest

from components import CELLS
from qc_pdk.layers import LAYER
from routing.density import FUNCTIONAL_CELLS, chip_density


def _footprint_um2(cell: gf.Component) -> float:
    return float(cell.xsize * cell.ysize)


def test_closed_form_on_a_synthetic_hierarchical_layout() -> None:
    pad, gc = CELLS["bond_pad"](), CELLS["grating_coupler"]()
    block = gf.Component()
    _ = block << pad
    g = block << gc
    g.move((500.0, 0.0))
    route = block << CELLS["straight"](length=300.0)  # a route: overhead, not a cell
    route.move((100.0, 200.0))
    top = gf.Component()
    top.add_ref(block, columns=3, rows=2, column_pitch=2000.0, row_pitch=1000.0)
    top.add_polygon([(-500, -500), (8000, -500), (8000, 3000), (-500, 3000)],
                    layer=LAYER.FLOORPLAN)
    d = chip_density(top)
    assert d.cells_by_kind == {"bond_pad": 6, "grating_coupler": 6}
    cell_um2 = 6 * (_footprint_um2(pad) + _footprint_um2(gc))
    assert d.cell_area_mm2 == pytest.approx(cell_um2 * 1e-6, rel=1e-9)
    # the used box spans the array, not the die outline
    width_um = 2 * 2000.0 + block.xsize
    height_um = 1000.0 + block.ysize
    assert (d.used_width_um, d.used_height_um) == pytest.approx((width_um, height_um), abs=1e-3)
    assert d.area_efficiency == pytest.approx(cell_um2 / (width_um * height_um), rel=1e-6)
    assert d.die_area_mm2 == pytest.approx(8.5 * 3.5)  # read from the FLOORPLAN outline
    assert d.die_area_efficiency == pytest.approx(cell_um2 * 1e-6 / (8.5 * 3.5), rel=1e-6)
    assert d.qubitrons == 0 and d.qubitrons_per_mm2 == 0.0
    # a given die wins over the outline
    assert chip_density(top, die_um=(1e4, 1e4)).die_area_mm2 == pytest.approx(100.0)


def _flat_count(tile: gf.Component) -> tuple[dict[str, int], float]:
    """Independent check: every functional placement visited by KLayout's recursive
    instance iterator (fine for one tile), its footprint summed."""
    layout = tile.kcl.layout
    it = kdb.RecursiveInstanceIterator(layout, tile.kdb_cell)
    counts: dict[str, int] = {}
    area_um2 = 0.0
    functional = tuple(FUNCTIONAL_CELLS)
    while not it.at_end():
        cell = layout.cell(it.inst_cell().cell_index())
        inside = any(layout.cell(e.inst().cell_index).name.startswith(functional)
                     for e in it.path())  # a functional cell's sub-cells are part of it
        if cell.name.startswith(functional) and not inside:
            kind = next(k for k in FUNCTIONAL_CELLS if cell.name.startswith(k))
            counts[kind] = counts.get(kind, 0) + 1
            box = cell.dbbox()
            area_um2 += box.width() * box.height()
        it.next()
    return counts, area_um2


@pytest.fixture(scope="module")
def tile() -> gf.Component:
    from flows.spec import default_chip
    from routing.tile import chip_tile

    return chip_tile(default_chip().tile_design())


def test_real_tile_density_matches_a_flat_walk_and_its_cells(tile: gf.Component) -> None:
    d = chip_density(tile)
    n = tile.info["qubitrons"]
    assert d.qubitrons == n
    assert d.cells_by_kind["ring_switch"] == n
    assert d.cells_by_kind["bond_pad"] == 4 * n  # one per heater line
    assert d.cells_by_kind["wdm_demux"] == 2 and d.cells_by_kind["wdm_mux"] == 1
    counts, area_um2 = _flat_count(tile)
    assert counts == d.cells_by_kind
    assert d.cell_area_mm2 == pytest.approx(area_um2 * 1e-6, rel=1e-9)
    assert (d.used_width_um, d.used_height_um) == pytest.approx(
        (tile.xsize, tile.ysize), abs=1e-3
    )
    assert d.qubitrons_per_mm2 == pytest.approx(n / (tile.xsize * tile.ysize * 1e-6))
    assert 0.0 < d.area_efficiency < 1.0
    assert d.die_area_mm2 is None  # a tile has no die outline


def test_networked_default_chip_counts_every_placement() -> None:
    from flows.spec import default_chip
    from routing.chip import chip_layout
    from routing.tile import chip_tile

    spec = default_chip()
    layout = spec.chip_layout()
    chip = chip_layout(layout)
    d = chip_density(chip)
    tiles = chip.info["tiles"]
    assert d.qubitrons == spec.n_qubitrons == tiles * layout.tile.qubitrons
    assert d.die_area_mm2 == pytest.approx(spec.die.width_um * spec.die.height_um * 1e-6)
    tile_d = chip_density(chip_tile(layout.placed_tile()))
    # the network adds switches and three fibre couplers on top of the tiles' cells
    assert d.cells_by_kind["grating_coupler"] == 3
    assert d.cell_area_mm2 > tiles * tile_d.cell_area_mm2
    for kind, count in tile_d.cells_by_kind.items():
        assert d.cells_by_kind[kind] >= tiles * count, kind
    # the tree and its channels are overhead on top of the tiles
    assert d.used_area_mm2 > tiles * tile_d.used_area_mm2
    assert d.die_area_mm2 is not None
    assert d.qubitrons_per_die_mm2 == pytest.approx(d.qubitrons / d.die_area_mm2)
