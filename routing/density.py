"""How densely a layout packs its functional cells: qubitrons per mm^2 and area efficiency.

Area efficiency is the footprint (bounding-box area) of the placed *functional* library cells
divided by the area the layout uses (the bounding box of everything drawn but the die outline
and the labels). It is computed from the hierarchy: each distinct cell is sized once and
multiplied by its placements (array instances count every element), so a chip of a million
qubitrons is measured as fast as one tile - the layout is never flattened.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> q = c << CELLS["bond_pad"]()
    >>> d = chip_density(c)
    >>> d.cells_by_kind["bond_pad"], d.area_efficiency
    (1, 1.0)
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

import gdsfactory as gf
import klayout.db as kdb
from pydantic import BaseModel, ConfigDict, Field

from components._wdm import RING_SPACING_UM
from qc_pdk.layers import LAYER

__all__ = ["FUNCTIONAL_CELLS", "DensitySummary", "chip_density"]

#: cell-name prefixes of the functional library cells (``components.CELLS`` keys; gdsfactory
#: names a cell after its function). Left out on purpose: straights, bends, S-bends and tapers,
#: what routes are drawn with - routing is the overhead the metric exposes, not function.
FUNCTIONAL_CELLS: tuple[str, ...] = (
    "qubitron",
    "ring_switch",
    "mzi_switch",
    "wdm_demux",
    "wdm_mux",
    "grating_coupler",
    "edge_coupler",
    "interlayer_coupler",
    "crossing",
    "bond_pad",
    "mmi1x2",
    "mmi2x2",
    "ring_adddrop",
    "ring_allpass",
    "snspd",
    "emitter_site",
)
_NOT_DRAWN = (LAYER.FLOORPLAN, LAYER.TEXT)  # die outline and labels: not "area used"


class DensitySummary(BaseModel):
    """Density of a layout (areas in mm^2, efficiencies as fractions 0..1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    qubitrons: int = Field(ge=0, description="qubitron cells placed")
    used_width_um: float = Field(ge=0, description="width of the bounding box of what is drawn")
    used_height_um: float = Field(ge=0, description="height of that box")
    used_area_mm2: float = Field(ge=0, description="area of that box (die area used)")
    die_area_mm2: float | None = Field(
        default=None, description="die area (given, or the FLOORPLAN outline); None: unknown"
    )
    cell_area_mm2: float = Field(ge=0, description="summed footprint of the functional cells")
    cell_area_by_kind_mm2: dict[str, float] = Field(
        default_factory=dict, description="footprint per functional cell kind"
    )
    cells_by_kind: dict[str, int] = Field(
        default_factory=dict, description="placements per functional cell kind"
    )
    qubitrons_per_mm2: float = Field(ge=0, description="qubitrons / used area")
    area_efficiency: float = Field(ge=0, description="cell area / used area")
    packed_cell_area_mm2: float = Field(
        default=0.0, ge=0,
        description="cell area with every WDM bank counted at its compact length (rings "
        "40 um apart): a bank stretched along a row of cells (tile placement 'column') spans "
        "the row with its bus, which cell_area_mm2 counts in full",
    )
    packed_area_efficiency: float = Field(
        default=0.0, ge=0, description="packed cell area / used area: the stricter figure"
    )
    qubitrons_per_die_mm2: float | None = Field(default=None, description="qubitrons / die area")
    die_area_efficiency: float | None = Field(default=None, description="cell area / die area")


def _kind(name: str) -> str | None:
    return next((k for k in FUNCTIONAL_CELLS if name.startswith(k)), None)


def _bank_stretch_um(info: Any) -> float:
    """How much longer (um) a WDM bank's bus is than the compact bank's: its spacers beyond
    ``components._wdm.RING_SPACING_UM`` (cells made before spacers were recorded: 0)."""
    spacer_um = float(info.get("bus_spacer_um", RING_SPACING_UM))
    channels = len(info.get("channel_wl_nm", ()))
    return max(channels - 1, 0) * max(spacer_um - RING_SPACING_UM, 0.0)


def _layer_index(layout: kdb.Layout, layer: object) -> int | None:
    """The layout's index of a PDK layer (a LayerEnum member or a (layer, datatype) pair)."""
    number = getattr(layer, "layer", None)
    if number is not None:
        pair = (int(number), int(getattr(layer, "datatype")))  # noqa: B009
    else:
        pair = cast(tuple[int, int], layer)
    index: int | None = layout.find_layer(*pair)
    return index


def _layer_box(cell: kdb.Cell, layout: kdb.Layout, layer: object) -> kdb.Box:
    li = _layer_index(layout, layer)
    return kdb.Box() if li is None else cell.bbox(li)


def chip_density(
    chip: gf.Component, *, die_um: tuple[float, float] | None = None
) -> DensitySummary:
    """Qubitrons per mm^2 and area efficiency of ``chip`` (a tile, a block, a whole chip).

    The functional cells are those named in :data:`FUNCTIONAL_CELLS`: the qubitrons and what
    feeds, switches, reads and drives them (ring / MZI switches, WDM banks, fibre and
    interlayer couplers, crossings, heater bond pads). Their footprint is their own bounding
    box (rotation by multiples of 90 degrees keeps it); a functional cell's sub-cells are not
    counted again. Routes (straights, bends, tapers) and bare wiring shapes are overhead.
    Overlapping footprints (a Stokes riser on its qubitron's port) are each counted, which
    overstates the cell area by well under 1 %.

    Args:
        chip: the layout's top cell.
        die_um: (width, height) of the die in um; default: the FLOORPLAN outline's box if the
            top cell draws one, else no die figures.

    Returns:
        a :class:`DensitySummary`; ``used_*`` is the bounding box of every layer but the die
        outline and the labels.

    Example:
        >>> import gdsfactory as gf
        >>> from components import CELLS
        >>> c = gf.Component()
        >>> _ = c.add_ref(CELLS["bond_pad"](), columns=10, rows=1, column_pitch=160.0)
        >>> d = chip_density(c, die_um=(2000.0, 1000.0))
        >>> d.cells_by_kind["bond_pad"], round(d.area_efficiency, 3), d.die_area_efficiency
        (10, 0.526, 0.032)
    """
    layout = chip.kcl.layout
    top = chip.kdb_cell
    dbu = layout.dbu
    kinds = FUNCTIONAL_CELLS

    @cache
    def walk(ci: int) -> tuple[tuple[int, ...], tuple[float, ...], float]:
        """(placements, footprint um^2) per kind under cell ``ci`` and the footprint with
        banks at their compact length (um^2), memoised per cell."""
        cell = layout.cell(ci)
        kind = _kind(cell.name)
        counts = [0] * len(kinds)
        areas = [0.0] * len(kinds)
        if kind is not None:
            i = kinds.index(kind)
            box = cell.dbbox()
            counts[i], areas[i] = 1, box.width() * box.height()
            packed = areas[i]
            if kind in ("wdm_demux", "wdm_mux"):
                packed -= box.height() * _bank_stretch_um(chip.kcl[ci].info)
            return tuple(counts), tuple(areas), packed
        packed = 0.0
        for inst in cell.each_inst():
            times = inst.na * inst.nb if inst.is_regular_array() else 1
            sub_counts, sub_areas, sub_packed = walk(inst.cell_index)
            for i in range(len(kinds)):
                counts[i] += times * sub_counts[i]
                areas[i] += times * sub_areas[i]
            packed += times * sub_packed
        return tuple(counts), tuple(areas), packed

    counts, areas, packed_um2 = walk(top.cell_index())
    skip = set()
    for layer in _NOT_DRAWN:
        li = _layer_index(layout, layer)
        if li is not None:
            skip.add(li)
    used = kdb.Box()
    for li in layout.layer_indexes():
        if li not in skip:
            used += top.bbox(li)  # KLayout's per-layer boxes are hierarchical and cached
    used_d = used.to_dtype(dbu) if not used.empty() else kdb.DBox(0, 0, 0, 0)
    used_mm2 = used_d.width() * used_d.height() * 1e-6
    if die_um is None:
        outline = _layer_box(top, layout, LAYER.FLOORPLAN)
        if not outline.empty():
            box = outline.to_dtype(dbu)
            die_um = (box.width(), box.height())
    die_mm2 = die_um[0] * die_um[1] * 1e-6 if die_um is not None else None
    by_kind = {k: counts[i] for i, k in enumerate(kinds) if counts[i]}
    area_by_kind = {k: round(areas[i] * 1e-6, 6) for i, k in enumerate(kinds) if counts[i]}
    cell_mm2 = sum(areas) * 1e-6
    qubitrons = by_kind.get("qubitron", 0)
    return DensitySummary(
        qubitrons=qubitrons,
        used_width_um=round(used_d.width(), 3),
        used_height_um=round(used_d.height(), 3),
        used_area_mm2=used_mm2,
        die_area_mm2=die_mm2,
        cell_area_mm2=cell_mm2,
        cell_area_by_kind_mm2=area_by_kind,
        cells_by_kind=by_kind,
        qubitrons_per_mm2=qubitrons / used_mm2 if used_mm2 else 0.0,
        area_efficiency=cell_mm2 / used_mm2 if used_mm2 else 0.0,
        packed_cell_area_mm2=packed_um2 * 1e-6,
        packed_area_efficiency=packed_um2 * 1e-6 / used_mm2 if used_mm2 else 0.0,
        qubitrons_per_die_mm2=qubitrons / die_mm2 if die_mm2 else None,
        die_area_efficiency=cell_mm2 / die_mm2 if die_mm2 else None,
    )
