"""Merged-polygon rules checked per distinct cell plus its junctions, never by a global merge.

Width and bend radius are judged on *merged* polygons. KLayout's deep mode merges a layer by
hierarchical clusters: a polygon touching shapes of its parent cell is merged in the parent, and
so on up, so a waveguide network joined from the fibre through every tree level to every tile
becomes one flat polygon in the top cell (3.4 and 6.6 million vertices on WG1 and WG2 of the
4,096-qubitron switch-tree chip) and the check grows with the tiles. Both rules are local,
though: their result at a point depends on the merged shapes within a reach (the rule's distance;
the bend window), and on the far ends of long straight edges leaving it (the bend check measures
a vertex through the outline vertices about a window away). So here:

1. every cell's own shapes are merged and checked once, in the cell (``local``); markers touching
   the cell's junction zone (``qc_pdk.drc_junctions``) are dropped;
2. in each cell, the shapes of the cell and everything below it inside a window round the
   junction zone (four reaches, grown along long edges to their far ends: ``window_for``) are
   merged and checked; markers touching the zone are kept;
3. a marker of a cell that touches the junction zone of an ancestor on one of its instance paths
   is dropped on that path: the ancestor's window, which sees the parent's shapes, reports it.

Outside every junction zone on its path, a marker's neighbourhood holds one cell's own shapes
only, so the local check gives the full check's marker; inside a zone the window holds the whole
layout the marker depends on. So every violation of the full merged check is reported, and
nothing else. Where a marker runs through a junction its pieces may be cut differently (a width
marker along a too-narrow line crossing a cell boundary can come as the cells' piece and the
window's; a tight stretch leaving a window is reported as far as the window). The result is a
deep KLayout collection: markers no ancestor's junction can touch stay in their cell (stored once,
counted per placement); the others are lifted into each parent placement, dropped where the
parent's zone touches them and judged again there (``context_zones``, ``_place``): work per
distinct cell and instance, not per placement, unless a marker truly differs between placements.

Area (``merged_area_below``) is not local; it is found from the same per-cell merged pieces:
a merged polygon under the limit is made only of pieces under it, touching no larger piece.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import klayout.db as kdb

from qc_pdk.drc_junctions import junction_zone, subtree_shapes_within, window_for

Markers = kdb.Region | kdb.EdgePairs
# a rule's check on one flat, merged region (cell coordinates): its markers
FlatCheck = Callable[[kdb.Region], Markers]


class MagnifiedInstanceError(ValueError):
    """A placement scales its cell: distances differ between placements (KLayout's variants)."""


def all_cells(top: kdb.Cell) -> list[int]:
    """The top cell and every cell below it, parents before children."""
    layout = top.layout()
    below = set(top.called_cells())
    return [ci for ci in layout.each_cell_top_down() if ci in below or ci == top.cell_index()]


def refuse_magnified(top: kdb.Cell) -> None:
    """Raise ``MagnifiedInstanceError`` when an instance below ``top`` is magnified."""
    layout = top.layout()
    for ci in all_cells(top):
        for inst in layout.cell(ci).each_inst():
            if abs(inst.cplx_trans.mag - 1.0) > 1e-12:
                raise MagnifiedInstanceError(f"instance of {layout.cell(inst.cell_index).name} "
                                             f"in {layout.cell(ci).name} is magnified")


@dataclass
class Junctions:
    """Junction zones and window shapes of one layer, per cell (cell coordinates)."""

    reach: int
    zones: dict[int, kdb.Region] = field(default_factory=dict)
    windows: dict[int, kdb.Region] = field(default_factory=dict)


def layer_junctions(top: kdb.Cell, li: int, reach: int) -> Junctions:
    """Junction zones of every cell below ``top`` on layer ``li`` and their window shapes.

    ``reach`` (database units) is the largest interaction distance of the rules to be checked.
    """
    layout = top.layout()
    out = Junctions(reach=reach)
    for ci in all_cells(top):
        cell = layout.cell(ci)
        zone = junction_zone(layout, cell, li, reach)
        if zone.is_empty():
            continue
        out.zones[ci] = zone
        out.windows[ci] = subtree_shapes_within(
            layout, cell, li, window_for(layout, cell, li, zone, reach)
        )
    return out


def _single(item: kdb.EdgePair | kdb.Polygon) -> Markers:
    one = kdb.EdgePairs([item]) if isinstance(item, kdb.EdgePair) else kdb.Region(item)
    if isinstance(one, kdb.Region):
        one.merged_semantics = False
    return one


def _touches(item: kdb.EdgePair | kdb.Polygon, zone: kdb.Region) -> bool:
    return not _single(item).interacting(zone).is_empty()


def _unmerged(markers: Markers) -> Markers:
    """Markers as separate items (overlapping marker boxes are not one marker)."""
    if isinstance(markers, kdb.Region):
        markers.merged_semantics = False
    return markers


def context_zones(top: kdb.Cell, zones: dict[int, kdb.Region]) -> dict[int, kdb.Region]:
    """Per cell, the junction zones of its ancestors on every instance path, in its coordinates
    and clipped to its bounding box: a marker of the cell touching it may be dropped in some
    placement. Built top-down, one instance of a distinct parent at a time."""
    layout = top.layout()
    out: dict[int, kdb.Region] = {}
    for ci in all_cells(top):
        above = kdb.Region()
        for region in (zones.get(ci), out.get(ci)):
            if region is not None:
                above += region
        if above.is_empty():
            continue
        # the array members near the zones only (KLayout's instance tree, not every member)
        it = kdb.RecursiveInstanceIterator(layout, layout.cell(ci), above, True)
        it.max_depth = 0
        while not it.at_end():
            child = it.inst_cell()
            t = it.current_inst_element().specific_cplx_trans()
            child_box = child.bbox().enlarged(_TOUCH_DBU, _TOUCH_DBU)
            near = above & kdb.Region(child_box.transformed(t))
            if not near.is_empty():
                pieces = out.setdefault(child.cell_index(), kdb.Region())
                pieces += near.transformed(t.inverted())
            it.next()
    return {ci: r.merged() for ci, r in out.items() if not r.is_empty()}


# markers are tested against zones widened by this (database units) where a cell's box clips them
_TOUCH_DBU = 10


def _element_transformations(
    arr: kdb.CellInstArray, window: kdb.Box, child_box: kdb.Box
) -> Iterator[kdb.ICplxTrans]:
    """Transformations of the array's elements whose box meets ``window`` (parent coordinates)."""
    base = kdb.ICplxTrans(arr.cplx_trans)
    for ia in range(arr.na if arr.is_regular_array() else 1):
        for ib in range(arr.nb if arr.is_regular_array() else 1):
            shift = arr.a * ia + arr.b * ib if arr.is_regular_array() else kdb.Vector()
            t = kdb.ICplxTrans(kdb.Trans(shift)) * base
            if child_box.transformed(t).overlaps(window):
                yield t


def compose_check(
    top: kdb.Cell,
    li: int,
    junctions: Junctions,
    check: FlatCheck,
    dss: kdb.DeepShapeStore,
    waiver_li: int | None = None,
) -> Markers:
    """Run ``check`` on layer ``li`` below ``top`` per distinct cell plus junctions.

    Args:
        top: the checked cell.
        li: layer index of the rule's layer.
        junctions: ``layer_junctions(top, li, reach)`` with ``reach`` at least the rule's.
        check: the rule on one flat merged region; returns edge pairs or polygons.
        dss: the deep shape store the result is to live in.
        waiver_li: a layer whose shapes waive the markers they touch: those waived by shapes of
            the marker's own cell or below are dropped at once (they are waived wherever the cell
            is placed); the caller still applies the waiver of the parents' shapes.

    Returns:
        A deep collection (the type ``check`` returns) with the full merged check's markers.
    """
    layout = top.layout()
    found: dict[int, list[Markers]] = {}
    edge_pairs = False
    for ci in all_cells(top):
        cell = layout.cell(ci)
        zone = junctions.zones.get(ci)
        own = kdb.Region(cell.shapes(li))
        if not own.is_empty():
            local = _unmerged(check(own.merged()))
            found.setdefault(ci, []).append(local if zone is None else local.not_interacting(zone))
        if zone is not None:
            window = _unmerged(check(junctions.windows[ci])).interacting(zone)
            found.setdefault(ci, []).append(window)
        for markers in found.get(ci, []):
            edge_pairs = edge_pairs or isinstance(markers, kdb.EdgePairs)
    kept = layout.layer()
    try:
        _place(top, found, kept, junctions.zones, waiver_li)
        it = top.begin_shapes_rec(kept)
        return kdb.EdgePairs(it, dss) if edge_pairs else kdb.Region(it, dss)
    finally:
        layout.delete_layer(kept)


def _waived_below(cell: kdb.Cell, markers: Markers, waiver_li: int | None) -> Markers:
    """Markers less those touching waiver shapes of the cell or below (waived in every
    placement of the cell)."""
    if waiver_li is None or markers.is_empty():
        return markers
    waivers = subtree_shapes_within(cell.layout(), cell, waiver_li, kdb.Region(markers.bbox()))
    return markers if waivers.is_empty() else markers.not_interacting(waivers)


def _place(
    top: kdb.Cell,
    found: dict[int, list[Markers]],
    kept: int,
    zones: dict[int, kdb.Region],
    waiver_li: int | None,
) -> None:
    """Write each cell's markers to layer ``kept``: in the cell when no ancestor's junction zone
    can touch them; else lifted into each parent placement (dropped where the parent's zone
    touches them), and judged again there."""
    layout = top.layout()
    inside = set(all_cells(top))
    context = context_zones(top, zones)
    lifted: dict[int, list[kdb.EdgePair | kdb.Polygon]] = {}
    for ci in reversed(all_cells(top)):  # children before parents
        cell = layout.cell(ci)
        collections = found.get(ci, [])
        if ci in lifted:
            collections = [*collections, _collection(lifted.pop(ci))]
        items = [i for m in collections for i in _waived_below(cell, m, waiver_li).each()]
        if not items:
            continue
        above = context.get(ci)
        for item in items:
            if above is None or ci == top.cell_index() or not _touches(item, above):
                cell.shapes(kept).insert(item)
                continue
            for parent in cell.each_parent_inst():
                pi = parent.parent_cell_index()
                if pi not in inside:
                    continue
                parent_zone = zones.get(pi)
                inst = parent.child_inst()
                for t in _element_transformations(inst.cell_inst, _ALL, cell.bbox()):
                    copy = item.transformed(t)
                    if parent_zone is None or not _touches(copy, parent_zone):
                        lifted.setdefault(pi, []).append(copy)


def _collection(items: list[kdb.EdgePair | kdb.Polygon]) -> Markers:
    out: Markers = kdb.EdgePairs() if isinstance(items[0], kdb.EdgePair) else kdb.Region()
    for item in items:
        out.insert(item)  # type: ignore[arg-type]  # items are all of the collection's kind
    return _unmerged(out)


_ALL = kdb.Box(-(2**31) + 1, -(2**31) + 1, 2**31 - 1, 2**31 - 1)


def merged_area_below(
    top: kdb.Cell, li: int, area_dbu2: int, dss: kdb.DeepShapeStore
) -> kdb.Region:
    """Merged polygons on ``li`` with area under ``area_dbu2`` (deep region), without merging
    the layer across the hierarchy.

    Each cell's own shapes are merged in the cell (pieces). A merged polygon contains its pieces,
    so one under the limit is made only of pieces under it and touches no piece at or over it;
    conversely a cluster of small pieces touching no larger piece is a whole merged polygon.
    A small piece already joined, in its own cell and below, to a polygon at or over the limit
    counts as large (parents only add to it). Only the remaining small pieces are merged
    hierarchically (KLayout), and only they are measured.
    """
    layout = top.layout()
    small_li, big_li = layout.layer(), layout.layer()
    inside = set(all_cells(top))
    try:
        for ci in all_cells(top):
            cell = layout.cell(ci)
            own = kdb.Region(cell.shapes(li))
            if not own.is_empty():
                pieces = own.merged()
                cell.shapes(big_li).insert(pieces.with_area(0, area_dbu2, True))
                for piece in pieces.with_area(0, area_dbu2, False).each():
                    whole = _joined_within_cell(top, inside, cell, li, piece, area_dbu2)
                    cell.shapes(big_li if whole else small_li).insert(piece)
        # read back as fresh deep layers: the small pieces get merged across the hierarchy
        small = kdb.Region(top.begin_shapes_rec(small_li), dss)
        big = kdb.Region(top.begin_shapes_rec(big_li), dss)
    finally:
        layout.delete_layer(small_li)
        layout.delete_layer(big_li)
    if small.is_empty():
        return small
    big.merged_semantics = False  # touching any big piece is enough: no need to merge them
    clusters = small.merged()
    if not big.is_empty():
        clusters = clusters.not_interacting(big)
    return clusters.with_area(0, area_dbu2, False)


def _joined_within_cell(
    top: kdb.Cell, inside: set[int], cell: kdb.Cell, li: int, piece: kdb.Polygon, area_dbu2: int
) -> bool:
    """Whether ``piece`` of the cell's own shapes is joined to a polygon of at least
    ``area_dbu2`` by the shapes near it in the cell and below, or else the same in every
    placement of the cell in its parents (``inside``: the cells below ``top``), and theirs up to
    ``top`` (gdsfactory draws a short straight as a cell, wrapped in another). Gives up (False)
    after ``_JOIN_BUDGET`` placements."""
    budget = [_JOIN_BUDGET]

    def joined(owner: kdb.Cell, here: kdb.Polygon) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if _joined_below(owner, li, here, area_dbu2):
            return True
        parents = list(owner.each_parent_inst())
        if not parents or owner.cell_index() == top_index:
            return False
        for parent in parents:
            if parent.parent_cell_index() not in inside:
                continue  # a parent outside the checked cell
            above = owner.layout().cell(parent.parent_cell_index())
            for t in _element_transformations(parent.child_inst().cell_inst, _ALL, owner.bbox()):
                if not joined(above, here.transformed(t)):
                    return False
        return True

    top_index = top.cell_index()
    return joined(cell, piece)


# placements of a small piece looked at before it is left to KLayout's merge of small pieces
_JOIN_BUDGET = 64


def _joined_below(cell: kdb.Cell, li: int, piece: kdb.Polygon, area_dbu2: int) -> bool:
    grow = 2 * math.isqrt(area_dbu2) + 1
    near = subtree_shapes_within(
        cell.layout(), cell, li, kdb.Region(piece.bbox().enlarged(grow, grow))
    )
    return near.interacting(kdb.Region(piece)).area() >= area_dbu2
