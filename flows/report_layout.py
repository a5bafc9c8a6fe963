"""The layout as the report draws it: levels of detail read from the hierarchy, never flattened.

A chip is its die, its instances' boxes and its tile arrays (origin, pitch vectors, counts);
a tile is drawn once, as its polygons merged per layer and smoothed to a point budget, with
the positions of its qubitrons and fibre ports. The page's script places copies of the tile's
polygons only where the view is zoomed in, so the data and the work are O(distinct cells),
whatever the number of tiles.

Example:
    >>> import gdsfactory as gf
    >>> c = gf.Component("layout_example")
    >>> _ = c.add_polygon([(0, 0), (10, 0), (10, 2), (0, 2)], layer=(2, 0))
    >>> geo = tile_geometry(c)
    >>> [(layer["name"], len(layer["x"])) for layer in geo["layers"]]
    [('WG2', 6)]
"""

from __future__ import annotations

from typing import Any

import klayout.db as kdb

from qc_pdk.layer_views import LAYER_VIEWS

__all__ = ["MAX_TILE_POINTS", "chip_geometry", "tile_geometry"]

#: polygon vertices of one tile in the page (all layers); the smoothing grows until it fits
MAX_TILE_POINTS = 60_000


def _layer_style(layer: int, datatype: int) -> tuple[str, str]:
    try:
        view = LAYER_VIEWS.get_from_tuple((layer, datatype))
    except (KeyError, ValueError):
        view = None
    if view is None:
        return f"{layer}/{datatype}", "#888888"
    return str(view.name), str(view.fill_color or "#888888")


def _layer_regions(layout: kdb.Layout, cell: kdb.Cell) -> list[tuple[str, str, kdb.Region]]:
    out = []
    for li in layout.layer_indexes():
        region = kdb.Region(cell.begin_shapes_rec(li))
        if region.is_empty():
            continue
        info = layout.get_info(li)
        name, colour = _layer_style(info.layer, info.datatype)
        out.append((name, colour, region.merged()))
    return out


def _outline_xy(region: kdb.Region, dbu: float) -> tuple[list[float | None], list[float | None]]:
    """Hull points of every polygon (holes cut open, so a filled ring draws as a ring), one
    ``None`` between polygons: plotly's ``fill='toself'`` fills each run on its own."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for poly in region.each():
        simple = poly.resolved_holes()
        for pt in simple.each_point_hull():
            xs.append(round(pt.x * dbu, 3))
            ys.append(round(pt.y * dbu, 3))
        first = next(iter(simple.each_point_hull()))
        xs += [round(first.x * dbu, 3), None]
        ys += [round(first.y * dbu, 3), None]
    return xs, ys


def _ring_centre(inst: Any) -> tuple[float, float]:
    """Centre (um, parent coordinates) of the ring a placed qubitron holds (from its ring
    cell's ``ring_centre_um`` info); the placement's box centre when it has none."""
    for sub in inst.cell.insts:
        centre = sub.cell.info.get("ring_centre_um")
        if centre is not None:
            local = sub.dcplx_trans * kdb.DPoint(float(centre[0]), float(centre[1]))
            point = inst.dcplx_trans * local
            return point.x, point.y
    box = inst.dbbox()
    return box.center().x, box.center().y


def tile_geometry(tile: Any, *, max_points: int = MAX_TILE_POINTS) -> dict[str, Any]:
    """One tile (any gdsfactory component) as the page draws it.

    Args:
        tile: the component (its own coordinates, um).
        max_points: vertex budget over all layers; the outline is smoothed (KLayout
            ``Region.smoothed``, from 20 nm up, doubling) until it fits.

    Returns:
        ``{"name", "bbox": [x0, y0, x1, y1], "layers": [{"name", "color", "x", "y"}],
        "sites": [{"name", "kind", "x", "y"}], "points", "smoothing_um"}``, coordinates in
        um; sites are the qubitrons (instances named ``qubitron_*``) and the ports.
    """
    layout = tile.kcl.layout
    cell = layout.cell(tile.cell_index())
    dbu = layout.dbu
    regions = _layer_regions(layout, cell)
    tolerance_dbu = max(1, round(0.02 / dbu))
    while True:
        smoothed = [(n, c, r.smoothed(tolerance_dbu)) for n, c, r in regions]
        points = sum(p.num_points() for _, _, r in smoothed for p in r.each())
        if points <= max_points or tolerance_dbu > round(50.0 / dbu):
            break
        tolerance_dbu *= 2
    layers = []
    for name, colour, region in smoothed:
        xs, ys = _outline_xy(region, dbu)
        layers.append({"name": name, "color": colour, "x": xs, "y": ys})
    sites = []
    for inst in tile.insts:
        if inst.name.startswith("qubitron_"):
            x, y = _ring_centre(inst)
            sites.append({"name": inst.name, "kind": "qubitron", "x": round(x, 3),
                          "y": round(y, 3)})
    sites += [
        {"name": p.name, "kind": "port", "x": round(p.x, 3), "y": round(p.y, 3)}
        for p in tile.ports
    ]
    box = cell.dbbox()
    return {
        "name": tile.name,
        "bbox": [round(v, 3) for v in (box.left, box.bottom, box.right, box.top)],
        "layers": layers,
        "sites": sites,
        "points": points,
        "smoothing_um": tolerance_dbu * dbu,
    }


def chip_geometry(
    chip: Any, *, tile_cell: str, die_um: tuple[float, float] | None = None
) -> dict[str, Any]:
    """The chip's top level: die, arrays of ``tile_cell`` and boxes of its other instances.

    Args:
        chip: the chip component (its top cell).
        tile_cell: name of the tile cell whose placements are drawn at the tile's detail.
        die_um: die width and height (um, die from the origin); default the chip's box.

    Returns:
        ``{"die": [x0, y0, x1, y1], "arrays": [{"origin", "a", "b", "na", "nb"}],
        "boxes": [[x0, y0, x1, y1], ...], "tiles": n}``; an array element (i, j) sits at
        ``origin + i a + j b`` (um) in the tile's own coordinates (placements that rotate or
        mirror the tile are drawn as boxes).
    """
    layout = chip.kcl.layout
    top = layout.cell(chip.cell_index())
    arrays, boxes, tiles = [], [], 0
    for inst in top.each_inst():
        cell = layout.cell(inst.cell_index)
        n = inst.na * inst.nb if inst.is_regular_array() else 1
        trans = inst.dcplx_trans
        plain = trans.is_unity() or (trans.rot() == 0 and not trans.is_mirror()
                                     and trans.mag == 1.0)
        if cell.name == tile_cell:
            tiles += n
        if cell.name == tile_cell and plain:
            a = inst.da if inst.is_regular_array() else kdb.DVector()
            b = inst.db if inst.is_regular_array() else kdb.DVector()
            arrays.append({
                "origin": [round(trans.disp.x, 4), round(trans.disp.y, 4)],
                "a": [round(a.x, 4), round(a.y, 4)],
                "b": [round(b.x, 4), round(b.y, 4)],
                "na": inst.na if inst.is_regular_array() else 1,
                "nb": inst.nb if inst.is_regular_array() else 1,
            })
        else:
            box = inst.dbbox()
            boxes.append([round(v, 3) for v in (box.left, box.bottom, box.right, box.top)])
    if tiles == 0 and layout.cell(tile_cell) is not None:
        # tiles placed deep in a network tree (routing.network): see _tree_placements
        boxes, arrays, tiles = _tree_placements(layout, top, layout.cell(tile_cell))
    chip_box = top.dbbox()
    die = (
        [0.0, 0.0, float(die_um[0]), float(die_um[1])]
        if die_um is not None
        else [chip_box.left, chip_box.bottom, chip_box.right, chip_box.top]
    )
    return {"die": die, "arrays": arrays, "boxes": boxes, "tiles": tiles}


#: a tree chip's view lists at most this many tiles one by one; beyond, whole blocks are boxes
MAX_TREE_TILES = 4096


def _tree_placements(
    layout: kdb.Layout, top: kdb.Cell, tile: kdb.Cell
) -> tuple[list[list[float]], list[dict[str, Any]], int]:
    """Boxes of the network's switch nodes and one plain array entry per tile, opening the
    tree level by level (breadth first, never flattening) while a level holds at most
    ``MAX_TREE_TILES`` placements; the blocks of the last level opened are boxes then.
    Returns (boxes, arrays, tiles placed in total)."""
    counts: dict[int, int] = {}

    def tiles_in(ci: int) -> int:  # memoised per cell: O(distinct cells)
        if ci not in counts:
            cell = layout.cell(ci)
            counts[ci] = 1 if ci == tile.cell_index() else sum(
                inst.size() * tiles_in(inst.cell_index) for inst in cell.each_inst())
        return counts[ci]

    frontier = [(top.cell_index(), kdb.DCplxTrans())]
    boxes: list[list[float]] = []
    while True:
        expandable = [(ci, t) for ci, t in frontier
                      if ci != tile.cell_index() and tiles_in(ci) > 0]
        deeper = [(inst.cell_index, t * inst.dcplx_trans)
                  for ci, t in expandable for inst in layout.cell(ci).each_inst()]
        if not expandable or len(deeper) > MAX_TREE_TILES:
            break
        # the tree's switch nodes at this level are drawn as boxes (its routes are not:
        # thousands of thin pieces would outweigh the page)
        for ci, t in deeper:
            if tiles_in(ci) == 0 and layout.cell(ci).name.startswith("tree_node"):
                box = layout.cell(ci).dbbox().transformed(t)
                boxes.append([round(v, 3) for v in (box.left, box.bottom, box.right, box.top)])
        frontier = [(ci, t) for ci, t in deeper if tiles_in(ci) > 0]
    arrays = []
    for ci, t in frontier:
        if ci == tile.cell_index() and t.rot() == 0 and not t.is_mirror():
            arrays.append({"origin": [round(t.disp.x, 4), round(t.disp.y, 4)],
                           "a": [0.0, 0.0], "b": [0.0, 0.0], "na": 1, "nb": 1})
        else:
            box = layout.cell(ci).dbbox().transformed(t)
            boxes.append([round(v, 3) for v in (box.left, box.bottom, box.right, box.top)])
    return boxes, arrays, tiles_in(top.cell_index())
