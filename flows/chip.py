"""The chip cell: qubitron tiles placed as one real array instance inside the die outline.

Example:
    >>> from flows.spec import default_chip
    >>> c = chip_component(default_chip())
    >>> c.info["tiles"], c.info["qubitrons"]
    (4, 16)
"""

from __future__ import annotations

import gdsfactory as gf

from flows.spec import ChipSpec, SpecError
from flows.tile import chip_tile
from qc_pdk import LAYER

TILE_MARGIN_UM = 150.0


@gf.cell
def chip_component(spec: ChipSpec) -> gf.Component:
    """All tiles of ``spec`` as one array instance of the routed tile cell, with the die outline.

    Raises:
        SpecError: the array does not fit in ``die``.
    """
    tile = chip_tile(spec)
    rows, cols = spec.tiles
    pitch_x, pitch_y = spec.array.tile_pitch_um or (
        tile.xsize + TILE_MARGIN_UM,
        tile.ysize + TILE_MARGIN_UM,
    )
    if pitch_x < tile.xsize or pitch_y < tile.ysize:
        raise SpecError(
            f"array.tile_pitch_um {pitch_x, pitch_y} is smaller than the tile "
            f"({tile.xsize:.1f} x {tile.ysize:.1f} um)"
        )
    width, height = cols * pitch_x, rows * pitch_y
    if width > spec.die.width_um or height > spec.die.height_um:
        raise SpecError(
            f"die: the {rows} x {cols} tile array needs {width:.0f} x {height:.0f} um, more than "
            f"die.width_um x die.height_um = {spec.die.width_um:.0f} x {spec.die.height_um:.0f} um"
        )
    c = gf.Component()
    ref = c.add_ref(tile, columns=cols, rows=rows, column_pitch=pitch_x, row_pitch=pitch_y)
    ref.move(
        (
            -tile.xmin + (spec.die.width_um - width) / 2,
            -tile.ymin + (spec.die.height_um - height) / 2,
        )
    )
    c.add_polygon(
        [
            (0, 0),
            (spec.die.width_um, 0),
            (spec.die.width_um, spec.die.height_um),
            (0, spec.die.height_um),
        ],
        layer=LAYER.FLOORPLAN,
    )
    c.add_label(
        spec.name, position=(spec.die.width_um / 2, spec.die.height_um - 50), layer=LAYER.TEXT
    )
    c.info["tiles"] = rows * cols
    c.info["qubitrons"] = spec.n_qubitrons
    c.info["tile_cell"] = tile.name
    c.info["tile_pitch_um"] = (pitch_x, pitch_y)
    return c
