"""Junction zones: where, inside one cell, shapes of two different *sources* come close.

A cell's sources on a layer are its own shapes and each of its child instances (each element of
an array whose elements come close to each other; the elements of a sparser array never meet,
so such an array is one source). The junction zone of a cell (in its own coordinates, database
units) is every point within ``reach`` of shapes from two different sources, widened by three
times ``reach``: a result that differs from the whole layout's lies within ``reach`` (and an
outline edge) of those points, and a marker grouped with it (a bend stretch) within ``reach``
more, so both touch the zone.

Why it matters (``qc_pdk.drc_compose``): a point outside the junction zones of every cell on its
instance path sees, within ``reach``, the own shapes of one cell only, so a check whose result at
a point depends on shapes within ``reach`` (width, bend radius) gives there, on that cell's own
merged shapes, what it gives on the whole merged layout. Only the zones need the shapes of
several cells together, and those are found per distinct cell: their number follows the
distinct cells and their instances, not the placements.

Nothing is flattened: a cell's children are read only inside the boxes where two sources'
bounding boxes (on the layer, widened by twice the reach) overlap.
"""

from __future__ import annotations

from dataclasses import dataclass

import klayout.db as kdb

# array element offsets (in pitches) checked for elements meeting their neighbours
_NEIGHBOUR_STEPS = [(i, j) for i in range(-2, 3) for j in range(-2, 3) if (i, j) != (0, 0)]

SourceKey = tuple[object, ...]


@dataclass(frozen=True)
class _Source:
    key: SourceKey
    box: kdb.Box  # bounding box on the layer, cell coordinates


def _inst_key(inst: kdb.Instance) -> SourceKey:
    # identical placements of one cell are one source (same shapes)
    return (inst.cell_index, str(inst.cell_inst))


def _elements_meet(child_box: kdb.Box, arr: kdb.CellInstArray, reach: int) -> bool:
    """Whether two elements of a regular array come within ``2 * reach`` of each other."""
    if not arr.is_regular_array() or arr.size() <= 1:
        return False
    b0 = child_box.transformed(arr.cplx_trans).enlarged(2 * reach, 2 * reach)
    for i, j in _NEIGHBOUR_STEPS:
        if (i and arr.na <= abs(i)) or (j and arr.nb <= abs(j)):
            continue
        if b0.overlaps(b0.moved(arr.a * i + arr.b * j)):
            return True
    return False


def dense_array_keys(layout: kdb.Layout, cell: kdb.Cell, li: int, reach: int) -> set[SourceKey]:
    """Keys of the cell's array instances whose elements meet (each element is a source)."""
    out: set[SourceKey] = set()
    for inst in cell.each_inst():
        arr = inst.cell_inst
        if arr.is_regular_array() and _elements_meet(layout.cell(inst.cell_index).bbox(li),
                                                     arr, reach):
            out.add(_inst_key(inst))
    return out


def _sources(layout: kdb.Layout, cell: kdb.Cell, li: int, dense: set[SourceKey]) -> list[_Source]:
    out: list[_Source] = []
    own = cell.shapes(li)
    if not own.is_empty():
        out.append(_Source(key=(), box=kdb.Region(own).bbox()))
    for inst in cell.each_inst():
        child_box = layout.cell(inst.cell_index).bbox(li)
        if child_box.empty():
            continue
        key, arr = _inst_key(inst), inst.cell_inst
        if key in dense:
            base = child_box.transformed(arr.cplx_trans)
            for ia in range(arr.na):
                for ib in range(arr.nb):
                    out.append(_Source(key=(*key, ia, ib), box=base.moved(arr.a * ia + arr.b * ib)))
        else:
            out.append(_Source(key=key, box=inst.bbox_per_layer(li)))
    return out


def _query_region(sources: list[_Source], own: kdb.Region, reach: int) -> kdb.Region:
    """Where two sources' widened boxes overlap (own shapes: near the shapes, not their box)."""
    grown = sorted(
        ((s.box.enlarged(2 * reach, 2 * reach), s) for s in sources), key=lambda bs: bs[0].left
    )
    near_own = own.sized(2 * reach) if not own.is_empty() else kdb.Region()
    boxes = kdb.Region()
    for k, (ba, sa) in enumerate(grown):
        for bb, sb in grown[k + 1:]:
            if bb.left > ba.right:
                break  # sorted by left edge: no later box reaches back
            if not ba.overlaps(bb):
                continue
            overlap = ba & bb
            if sa.key == () or sb.key == ():
                boxes += near_own & kdb.Region(overlap)
            else:
                boxes.insert(overlap)
    return boxes


def _source_of(it: kdb.RecursiveShapeIterator, dense: set[SourceKey]) -> SourceKey:
    path = it.path()
    if not path:
        return ()
    first = path[0]
    key = _inst_key(first.inst())
    return (*key, first.ia(), first.ib()) if key in dense else key


def junction_zone(layout: kdb.Layout, cell: kdb.Cell, li: int, reach: int) -> kdb.Region:
    """The cell's junction zone on layer ``li`` (cell coordinates, database units).

    Args:
        layout: the layout holding ``cell``.
        cell: the cell whose sources are compared.
        li: layer index.
        reach: interaction distance in database units (the largest distance at which a shape
            changes a rule's result at a point).

    Returns:
        Points within ``reach`` of two sources, widened by ``3 * reach``; empty when no two
        sources come that close.
    """
    dense = dense_array_keys(layout, cell, li, reach)
    sources = _sources(layout, cell, li, dense)
    if len(sources) < 2:
        return kdb.Region()
    own = kdb.Region(cell.shapes(li))
    query = _query_region(sources, own, reach)
    if query.is_empty():
        return kdb.Region()
    groups: dict[SourceKey, kdb.Region] = {}
    it = kdb.RecursiveShapeIterator(layout, cell, li, query)
    while not it.at_end():
        shape = it.shape()
        if shape.is_polygon() or shape.is_box() or shape.is_path():
            poly = shape.polygon.transformed(it.trans())
            groups.setdefault(_source_of(it, dense), kdb.Region()).insert(poly)
        it.next()
    # union over source pairs of (a near) & (b near) = union over b of (b near) & (earlier near)
    zone, seen = kdb.Region(), kdb.Region()
    for region in groups.values():
        near = region.sized(reach)
        if not seen.is_empty():
            zone += near & seen
        seen += near
    return zone.sized(3 * reach).merged() if not zone.is_empty() else zone


def _subtree_shapes(
    layout: kdb.Layout, cell: kdb.Cell, li: int, region: kdb.Region
) -> kdb.Region:
    """Shapes on ``li`` of ``cell`` and everything below it that overlap ``region`` (whole,
    cell coordinates)."""
    out = kdb.Region()
    it = kdb.RecursiveShapeIterator(layout, cell, li, region)
    while not it.at_end():
        shape = it.shape()
        if shape.is_polygon() or shape.is_box() or shape.is_path():
            out.insert(shape.polygon.transformed(it.trans()))
        it.next()
    return out


def subtree_shapes_within(
    layout: kdb.Layout, cell: kdb.Cell, li: int, window: kdb.Region
) -> kdb.Region:
    """Shapes on ``li`` of ``cell`` and everything below it that overlap ``window``, whole and
    merged (cell coordinates): inside the window, the layout exactly as the whole chip has it
    there, provided no shape of a parent comes near. Not clipped: a boolean AND with the window
    snaps edge crossings to the grid differently from the whole layout's merge, which moved a
    vertex of an arc by 1 nm and split a width marker in two."""
    return _subtree_shapes(layout, cell, li, window).merged()


# rounds of growth along long edges: a marker's vertex, the far end of its long edge, and the
# far end of that vertex's other long edge (its measuring vertex) are what a window must hold
_LONG_EDGE_ROUNDS = 3


def window_for(
    layout: kdb.Layout, cell: kdb.Cell, li: int, zone: kdb.Region, reach: int
) -> kdb.Region:
    """The region whose shapes decide every marker that touches ``zone`` (cell coordinates).

    The zone widened by four reaches holds every point a marker touching it depends on, except
    where an edge at least ``reach`` long leaves it: the bend check measures a vertex through
    the outline vertices about a window away, which on a straight edge is its far end, however
    far. So the window grows along such edges (from the zone, then from their far ends) to
    take in their far ends and the shapes round them.
    """
    window = zone.sized(4 * reach)
    relevant = zone.sized(2 * reach)
    for _ in range(_LONG_EDGE_ROUNDS):
        edges = _subtree_shapes(layout, cell, li, window).merged().edges()
        leaving = edges.with_length(reach, None, False).interacting(relevant).not_inside(window)
        if leaving.is_empty():
            break
        ends = kdb.Region()
        for edge in leaving.each():
            for p in (edge.p1, edge.p2):
                ends.insert(kdb.Box(p, p).enlarged(4 * reach, 4 * reach))
        window = (window + leaving.extended(reach, reach, reach, reach, False) + ends).merged()
        relevant = ends
    return window
