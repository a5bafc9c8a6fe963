"""The chip cell: qubitron tiles placed as one real array instance inside the die outline.

Example:
    >>> from routing.tile import TileDesign
    >>> c = chip_layout(ChipLayout(name="demo", tile=TileDesign(), rows=2, columns=2,
    ...                            die_width_um=6000, die_height_um=5000))
    >>> c.info["tiles"], c.info["qubitrons"]
    (4, 16)
"""

from __future__ import annotations

import hashlib

import gdsfactory as gf
from pydantic import BaseModel, ConfigDict, Field

from qc_pdk import LAYER
from qc_pdk.errors import InputError
from routing.network import (
    NetworkDesign,
    block,
    cross_section_of,
    distinct_blocks,
    tree_levels,
)
from routing.tile import NETWORK_PORTS, TileDesign, chip_tile, fibre_coupler

TILE_MARGIN_UM = 150.0


class PlacementError(InputError):
    """The tiles do not fit (the message names the spec field to change)."""


class ChipLayout(BaseModel):
    """Where the tiles go: ``rows`` x ``columns`` tiles on a die (lengths in um)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    tile: TileDesign
    rows: int = Field(ge=1)
    columns: int = Field(ge=1)
    tile_pitch_um: tuple[float, float] | None = None
    die_width_um: float = Field(gt=0)
    die_height_um: float = Field(gt=0)
    network: NetworkDesign = NetworkDesign(topology="none")

    def placed_tile(self) -> TileDesign:
        """The tile design the chip places: without fibre couplers under a switch tree."""
        if self.network.topology == "switch_tree":
            return self.tile.model_copy(update={"io_coupler": "none"})
        return self.tile


def chip_layout(layout: ChipLayout) -> gf.Component:
    """All tiles as one array instance of the routed tile cell, with the die outline.

    The cell is named after the layout's name and a digest of its content: gdsfactory names a
    cell from its arguments, and would give two layouts of one name (two sweep points, say)
    one cell name.

    Raises:
        PlacementError: the array does not fit in the die, or the pitch is below the tile size.
    """
    digest = hashlib.sha256(layout.model_dump_json().encode()).hexdigest()[:8]
    return _chip_layout(layout=layout, content=digest)


@gf.cell
def _chip_layout(layout: ChipLayout, content: str) -> gf.Component:
    if layout.network.topology == "switch_tree":
        return _networked_chip(layout)
    tile = chip_tile(layout.tile)
    rows, cols = layout.rows, layout.columns
    pitch_x, pitch_y = layout.tile_pitch_um or (
        tile.xsize + TILE_MARGIN_UM,
        tile.ysize + TILE_MARGIN_UM,
    )
    if pitch_x < tile.xsize or pitch_y < tile.ysize:
        raise PlacementError(
            f"array.tile_pitch_um {pitch_x, pitch_y} is smaller than the tile "
            f"({tile.xsize:.1f} x {tile.ysize:.1f} um)"
        )
    width, height = cols * pitch_x, rows * pitch_y
    die_w, die_h = layout.die_width_um, layout.die_height_um
    if width > die_w or height > die_h:
        raise PlacementError(
            f"die: the {rows} x {cols} tile array needs {width:.0f} x {height:.0f} um, more than "
            f"die.width_um x die.height_um = {die_w:.0f} x {die_h:.0f} um"
        )
    c = gf.Component()
    ref = c.add_ref(tile, columns=cols, rows=rows, column_pitch=pitch_x, row_pitch=pitch_y)
    ref.move((-tile.xmin + (die_w - width) / 2, -tile.ymin + (die_h - height) / 2))
    c.add_polygon([(0, 0), (die_w, 0), (die_w, die_h), (0, die_h)], layer=LAYER.FLOORPLAN)
    c.add_label(layout.name, position=(die_w / 2, die_h - 50), layer=LAYER.TEXT)
    c.info["tiles"] = rows * cols
    c.info["qubitrons"] = rows * cols * layout.tile.qubitrons
    c.info["tile_cell"] = tile.name
    c.info["tile_pitch_um"] = (pitch_x, pitch_y)
    return c


def _networked_chip(layout: ChipLayout) -> gf.Component:
    """The tiles joined by the switch trees (``routing.network``), three fibre couplers at
    the trees' roots, centred on the die."""
    if layout.tile_pitch_um is not None:
        raise PlacementError("array.tile_pitch_um: the switch-tree network places the tiles "
                             "itself; leave the pitch unset or use network.topology: none")
    tile = layout.placed_tile()
    inner = tree_with_fibres(tile, layout.rows, layout.columns, layout.network,
                             layout.tile.io_coupler)
    die_w, die_h = layout.die_width_um, layout.die_height_um
    if inner.xsize > die_w or inner.ysize > die_h:
        raise PlacementError(
            f"die: the {layout.rows} x {layout.columns} tiles with their network need "
            f"{inner.xsize:.0f} x {inner.ysize:.0f} um, more than die.width_um x "
            f"die.height_um = {die_w:.0f} x {die_h:.0f} um"
        )
    c = gf.Component()
    ref = c.add_ref(inner, name="chip")
    ref.move(((die_w - inner.xsize) / 2 - inner.xmin, (die_h - inner.ysize) / 2 - inner.ymin))
    for port in ref.ports:
        c.add_port(port.name, port=port)
    c.add_polygon([(0, 0), (die_w, 0), (die_w, die_h), (0, die_h)], layer=LAYER.FLOORPLAN)
    c.add_label(layout.name, position=(die_w / 2, die_h - 50), layer=LAYER.TEXT)
    c.info["tiles"] = layout.rows * layout.columns
    c.info["qubitrons"] = layout.rows * layout.columns * layout.tile.qubitrons
    c.info["tile_cell"] = chip_tile(tile).name
    c.info["network"] = {
        "topology": "switch_tree",
        "node": layout.network.node,
        "switches": layout.network.switches_for(tiles=layout.rows * layout.columns),
        "fibres": len(NETWORK_PORTS),
        "levels": tree_levels(rows=layout.rows, columns=layout.columns),
        "distinct_blocks": distinct_blocks(rows=layout.rows, columns=layout.columns),
        "fibre_cell": inner.name,  # the tree ("network") and its fibre couplers
    }
    return c


@gf.cell
def tree_with_fibres(
    tile: TileDesign, rows: int, columns: int, network: NetworkDesign, coupler: str
) -> gf.Component:
    """The switch trees over ``rows`` x ``columns`` tiles (instance ``network``) with a fibre
    coupler of kind ``coupler`` at each root; ports ``fibre_pump_in``, ``fibre_stokes_in``,
    ``fibre_out``. A cell of its own (cached, named from its arguments): the loss stage
    finds it by name and solves it cut at the tree."""
    c = gf.Component()
    root = c.add_ref(block(tile, rows, columns, network), name="network")
    for name in NETWORK_PORTS:
        port = root.ports[name]
        fibre = c.add_ref(fibre_coupler(coupler, cross_section_of(port)), name=f"io_{name}")
        fibre.connect("o1", port)
        c.add_port(f"fibre_{name}", port=fibre.ports["o2"])
    return c
