"""The router's own sign-off: every drawn result is measured before it is reported.

From the drawn geometry (KLayout regions of the instances each net placed, not the router's
grid model of them): where a net runs over itself, where two nets overlap outside a crossing
cell, where a route runs over a placed cell; and a DRC (``qc_pdk.drc``: deep mode, or flat
for a small region) of the routed region only. That region is the routes plus a halo
(``halo_um``): the route instances are copied whole (their hierarchy kept; merged into one
cell for a flat check), everything else in the layout only
where it lies inside the halo (``RecursiveShapeIterator`` with the halo as its region, then
``Region & halo``), so the cost follows the routes, not the cells or the die. Only the rules
on the routes' own layers run: a route cannot cause a violation on a layer it does not draw.
DRC markers are blamed on the nets whose waveguide they touch; markers near the routes that
touch no route are the placed cells' own and are counted apart.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> s = CELLS["straight"](length=10)
    >>> a, b = c.add_ref(s), c.add_ref(s)
    >>> _ = b.dmove((5, 0))  # half of b lies on a
    >>> sorted(check_routes(c, {"n1": [a], "n2": [b]}, crossings=[], layer=(1, 0)).failed.items())
    [('n1', 'self-check: overlaps n2'), ('n2', 'self-check: overlaps n1')]
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb

from qc_pdk.drc import _Checker, check_layout, reach_um
from qc_pdk.layers import layer_by_name
from qc_pdk.rules import RULES, DesignRule

# Overlaps thinner than this are rounding where pieces abut at a port, not overlaps.
_SLIVER_UM = 0.01
# Routed regions of at most this many route instances are DRC-checked flat (see ``_drc``).
# Measured: 8 nets (121 instances) flat 15 ms vs deep 56 ms for the space rule; random 16
# nets (167 instances) flat 1.0 s vs deep 0.3 s: KLayout's flat space check is slow inside
# the large polygons that crossing cells join the routes into, the deep mode's is not.
FLAT_CHECK_MAX_INSTANCES = 150


@dataclass
class RouteCheck:
    """What the drawn routes were measured to be.

    Attributes:
        overlapping: net -> why it failed the geometric check (self or mutual overlap, or
            runs over a placed cell).
        self_overlaps, mutual_overlaps, cell_overlaps: overlap sites of each kind.
        drc_failed: net -> the DRC rules whose markers touch its waveguide.
        drc_counts: rule -> markers touching some route.
        drc_unattributed: markers within the largest rule distance of the routes that touch
            no route (the placed cells' own).
        region_instances: instances with geometry in the checked region (routes and the
            instances their halo reaches).
        halo_um: how far beyond the routes the DRC region reaches.
        runtime_s: wall time of the whole check.
    """

    overlapping: dict[str, str] = field(default_factory=dict)
    self_overlaps: int = 0
    mutual_overlaps: int = 0
    cell_overlaps: int = 0
    drc_failed: dict[str, str] = field(default_factory=dict)
    drc_counts: dict[str, int] = field(default_factory=dict)
    drc_unattributed: int = 0
    region_instances: int = 0
    halo_um: float = 0.0
    runtime_s: float = 0.0

    @property
    def failed(self) -> dict[str, str]:
        """Every net that fails its check, with the reason (geometry first)."""
        out = {n: f"self-check: {why}" for n, why in self.drc_failed.items()}
        out.update({n: f"self-check: {why}" for n, why in self.overlapping.items()})
        return dict(sorted(out.items()))


class _Regions:
    """Each route instance's region on a layer, from its cell's merged shapes (cached per
    cell and layer: the routes are a few library cells placed many times)."""

    def __init__(self, layout: kdb.Layout) -> None:
        self.layout = layout
        self._cells: dict[tuple[int, int], kdb.Region] = {}

    def cell(self, ci: int, li: int) -> kdb.Region:
        """The cell's merged shapes on layer index ``li``, in its own coordinates."""
        reg = self._cells.get((ci, li))
        if reg is None:
            reg = self._cells[ci, li] = kdb.Region(
                self.layout.cell(ci).begin_shapes_rec(li)).merged()
        return reg

    def of(self, inst: gf.ComponentReference, li: int) -> kdb.Region:
        """``inst``'s shapes on layer index ``li``, placed."""
        return self.cell(inst.cell_index, li).transformed(inst.cplx_trans)


def rules_for_layers(layers: Sequence[str]) -> tuple[DesignRule, ...]:
    """The rules a drawing on ``layers`` (PDK names) can break: those naming one of them.

    Example:
        >>> sorted(r.name for r in rules_for_layers(["WG1"]))[:3]
        ['EMITTER.IN.1', 'GRID.1', 'TRENCH.WG1.1']
    """
    return tuple(r for r in RULES if r.kind == "grid" or set(r.layers) & set(layers))


def rule_reach_um(rules: Sequence[DesignRule]) -> float:
    """How far from a shape a rule of ``rules`` looks (um): the largest width, space,
    separation or enclosure value, or the bend-radius rule's measuring window.

    Example:
        >>> rule_reach_um(rules_for_layers(["WG1"]))  # the 20 um bend rule's 5 um window
        5.0
    """
    return max((reach_um(r) for r in rules), default=0.0)


def halo_um(rules: Sequence[DesignRule]) -> float:
    """The DRC region's reach beyond the routes (um): twice the rules' reach plus 1 um.

    Geometry cut at the halo's edge can raise false markers (slivers, a bend window that
    runs off the cut), which reach at most one rule distance inward; a marker that can touch
    a route depends on geometry within one rule distance of it. Twice the reach keeps the
    two apart, so every marker on a route is the one a DRC of the whole layout gives.

    Example:
        >>> halo_um(rules_for_layers(["WG1"]))
        11.0
    """
    return 2 * rule_reach_um(rules) + 1.0


def check_routes(
    component: gf.Component,
    pieces: Mapping[str, Sequence[gf.ComponentReference]],
    *,
    crossings: Sequence[gf.ComponentReference],
    layer: tuple[int, int],
    drc: bool = True,
) -> RouteCheck:
    """Measure the drawn routes of ``component``.

    Args:
        component: the component the routes were drawn into.
        pieces: net -> the instances that net placed (straights, bends, jogs), crossing cells
            excluded.
        crossings: the crossing cells (shared by two nets each).
        layer: the routes' waveguide layer.
        drc: also run the hierarchical DRC on the routed region (the routes and a halo).

    Returns:
        ``RouteCheck``; ``failed`` names each net that must not be reported routed.
    """
    t0 = time.perf_counter()
    out = RouteCheck()
    if not pieces:
        return out
    kcl = component.kcl
    dbu = kcl.dbu
    sliver = max(1, round(_SLIVER_UM / 2 / dbu))
    li = kcl.layer(*layer)
    regions = _Regions(kcl.layout)
    net_raw: dict[str, kdb.Region] = {}
    all_raw = kdb.Region()
    all_raw.merged_semantics = False  # raw pieces: the overlap tests below select among them
    for net, insts in pieces.items():
        raw = kdb.Region()
        for inst in insts:
            raw += regions.of(inst, li)
        net_raw[net] = raw
        all_raw += raw
    # pieces covering one spot twice, of one net or of two: one merge stands for the
    # per-net ones on a clean result (an opening of the union is empty only if each net's
    # is)
    if not all_raw.merged(False, 2).sized(-sliver).sized(sliver).is_empty():
        _overlaps(net_raw, sliver, dbu, out)
    net_region = _MergedOnDemand(net_raw)  # merged once each, when something is blamed
    route_insts = [i for v in pieces.values() for i in v] + list(crossings)
    layers = _route_layers(kcl.layout, route_insts)
    rules = rules_for_layers(layers) if drc else ()
    out.halo_um = halo_um(rules) if drc else 2 * _SLIVER_UM
    zone = _boxes_around(route_insts, out.halo_um, dbu)
    near, out.region_instances = _near_routes(component, route_insts, zone)
    out.region_instances += len(route_insts)
    cells = near.get(li, kdb.Region())
    if not cells.is_empty():
        # only the route pieces that touch a cell take part: the same intersection, without
        # merging every route (row-to-bank 64: 127 -> 1 ms)
        touching = all_raw.interacting(cells)
        touching.merged_semantics = True
        over = (touching & cells).sized(-sliver).sized(sliver)
        if not over.is_empty():
            out.cell_overlaps = over.count()
            for net, _ in _nets_touching(net_region, over).items():
                out.overlapping.setdefault(net, f"runs over a placed cell at {_where(over, dbu)}")
    if drc:
        inner = _boxes_around(route_insts, rule_reach_um(rules), dbu)
        _drc(component, route_insts, near, net_region, inner, rules, out, regions)
    out.runtime_s = round(time.perf_counter() - t0, 3)
    return out


class _MergedOnDemand(Mapping[str, kdb.Region]):
    """Each net's region merged on first use (a test against an unmerged region merges it
    again every time: one per DRC marker)."""

    def __init__(self, raw: Mapping[str, kdb.Region]) -> None:
        self.raw = raw
        self.merged: dict[str, kdb.Region] = {}

    def __getitem__(self, net: str) -> kdb.Region:
        reg = self.merged.get(net)
        if reg is None:
            reg = self.merged[net] = self.raw[net].merged()
        return reg

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)


def _overlaps(net_region: Mapping[str, kdb.Region], sliver: int, dbu: float,
              out: RouteCheck) -> None:
    """Where a net runs over itself (two of its own pieces overlap) and where two nets
    overlap, into ``out``."""
    merged: dict[str, kdb.Region] = {}
    all_nets = kdb.Region()
    for net, raw in net_region.items():
        own = raw.merged(False, 2).sized(-sliver).sized(sliver)
        if not own.is_empty():
            out.self_overlaps += own.count()
            out.overlapping[net] = f"runs over itself at {_where(own, dbu)}"
        merged[net] = raw.merged()
        all_nets += merged[net]
    mutual = all_nets.merged(False, 2).sized(-sliver).sized(sliver)
    if not mutual.is_empty():
        out.mutual_overlaps = mutual.count()
        for net, others in _nets_touching(merged, mutual).items():
            partners = sorted(o for o in others if o != net)
            out.overlapping.setdefault(net, f"overlaps {', '.join(partners)}")


def _key(inst: gf.ComponentReference | kdb.Instance) -> tuple[int, str]:
    return inst.cell_index, str(inst.cplx_trans)


def _where(region: kdb.Region, dbu: float) -> str:
    b = region.bbox()
    return f"({b.center().x * dbu:.2f}, {b.center().y * dbu:.2f}) um"


def _nets_touching(net_region: Mapping[str, kdb.Region],
                   marks: kdb.Region) -> dict[str, set[str]]:
    """Net -> the other nets sharing one of the ``marks`` polygons with it."""
    touch: dict[int, set[str]] = {}
    polys = list(marks.each())
    for net, reg in net_region.items():
        bb = reg.bbox()
        for k, p in enumerate(polys):
            if bb.touches(p.bbox()) and not reg.interacting(kdb.Region(p)).is_empty():
                touch.setdefault(k, set()).add(net)
    out: dict[str, set[str]] = {}
    for nets in touch.values():
        for n in nets:
            out.setdefault(n, set()).update(nets)
    return out


def _route_layers(layout: kdb.Layout, insts: Sequence[gf.ComponentReference]) -> list[str]:
    """PDK names of the layers the route cells draw on."""
    names = {v: k for k, v in layer_by_name().items()}
    cells = {i.cell_index for i in insts}
    out = set()
    for li in layout.layer_indexes():
        info = layout.get_info(li)
        name = names.get((info.layer, info.datatype))
        if name is not None and any(
                not layout.cell(ci).begin_shapes_rec(li).at_end() for ci in cells):
            out.add(name)
    return sorted(out)


def _boxes_around(insts: Sequence[gf.ComponentReference], reach_um: float,
                  dbu: float) -> kdb.Region:
    """The instances' boxes grown by ``reach_um``, merged: the region a rule of that reach
    can see from the routes (boxes, not outlines: far cheaper to grow and to search, and a
    route piece fills most of its box)."""
    d = round(reach_um / dbu)
    out = kdb.Region()
    for inst in insts:
        out.insert(inst.instance.bbox().enlarged(d, d))
    return out.merged()


def _near_routes(component: gf.Component, route_insts: Sequence[gf.ComponentReference],
                 zone: kdb.Region) -> tuple[dict[int, kdb.Region], int]:
    """Everything but the routes inside ``zone``, per layer index, cut to ``zone``; and how
    many instances (array members apart) contributed.

    The iterator descends only into instances that reach the zone, so a large neighbour
    (a tile, an array of tiles) costs its shapes near the routes, not its size. What is cut
    out is flat, but never more than the halo holds.
    """
    layout = component.kcl.layout
    top = layout.cell(component.cell_index())
    route_cells = {i.cell_index for i in route_insts}
    route_keys = {_key(i) for i in route_insts}
    polys: dict[int, list[kdb.Polygon]] = {}
    neighbours: set[tuple[int, str, int, int]] = set()
    it = kdb.RecursiveShapeIterator(layout, top, list(layout.layer_indexes()), zone, False)
    it.shape_flags = kdb.Shapes.SPolygons | kdb.Shapes.SBoxes | kdb.Shapes.SPaths
    # a cell placed only as these routes is not entered at all (walking its shapes to skip
    # them one by one was most of this function's time); the rest are skipped per instance
    it.unselect_cells(_placed_only_as(layout, top, route_insts))
    while not it.at_end():
        path = it.path()
        if path:
            head = path[0]
            inst = head.inst()
            ci = inst.cell_index
            if ci in route_cells and _key(inst) in route_keys:
                it.next()
                continue
            neighbours.add((*_key(inst), head.ia(), head.ib()))
        polys.setdefault(it.layer(), []).append(it.shape().polygon.transformed(it.trans()))
        it.next()
    near = {}
    for li, ps in polys.items():
        reg = kdb.Region()
        for p in ps:
            reg.insert(p)
        near[li] = reg & zone
    return near, len(neighbours)


def _placed_only_as(layout: kdb.Layout, top: kdb.Cell,
                    insts: Sequence[gf.ComponentReference]) -> list[int]:
    """Indices of the cells whose every placement in the layout is one of ``insts`` (all in
    ``top``): no other cell and no other instance of ``top`` holds them."""
    count: dict[int, int] = {}
    for i in insts:
        count[i.cell_index] = count.get(i.cell_index, 0) + 1
    out = []
    top_ci = top.cell_index()
    for ci, n in count.items():
        cell = layout.cell(ci)
        if cell.parent_cells() != 1:
            continue
        placed = 0
        for pi in cell.each_parent_inst():
            if pi.parent_cell_index() != top_ci:
                break
            placed += pi.child_inst().size()
        else:
            if placed == n:
                out.append(ci)
    return out


def _drc(component: gf.Component, route_insts: Sequence[gf.ComponentReference],
         near: Mapping[int, kdb.Region], net_region: Mapping[str, kdb.Region],
         inner: kdb.Region, rules: Sequence[DesignRule], out: RouteCheck,
         regions: _Regions) -> None:
    """DRC of the routed region; markers are blamed on the nets they touch.

    Every rule but the bend radius runs hierarchically on the route instances (copied whole)
    and the rest of the layout inside the halo. The bend radius is measured where a route
    meets other geometry (within the halo of a cell's or an earlier route's shapes on the
    rule's layer): elsewhere a route's outline is its library pieces' outlines (each
    DRC-clean by the cell tests) joined end to end at their ports, and any other meeting of
    two pieces is an overlap the extraction above already fails. The curvature measurement
    is Python over every concave vertex (``qc_pdk.bend_radius``), so running it on the whole
    network of routes was most of the check's time.

    A small routed region (at most ``FLAT_CHECK_MAX_INSTANCES`` route instances) is checked
    flat, in process: the same rules on the same engine (``qc_pdk.drc``'s checker), its
    shapes merged once per layer; the deep mode's set-up and the file round trip were most
    of a small problem's sign-off (8 nets: 60 of 75 ms). Larger regions stay deep (see
    ``FLAT_CHECK_MAX_INSTANCES`` for why).
    """
    src = component.kcl.layout
    dbu = src.dbu
    deep = len(route_insts) > FLAT_CHECK_MAX_INSTANCES
    lay = (_hierarchical_copy(src, route_insts, near) if deep
           else _flat_copy(src, route_insts, near, regions))
    flat_rules = [r for r in rules if r.kind != "bend_radius"]
    markers = _markers(lay, flat_rules, keep=None, deep=deep)
    pdk = layer_by_name()
    nobend = src.layer(*pdk["NOBEND"])
    for r in rules:
        if r.kind != "bend_radius":
            continue
        li = src.layer(*pdk[r.layer])
        cells = near.get(li, kdb.Region())
        if cells.is_empty():
            continue
        reach = round(rule_reach_um([r]) / dbu)
        junctions = cells.extents(round(out.halo_um / dbu)).merged()
        bend_lay = kdb.Layout()
        bend_lay.dbu = dbu
        flat = bend_lay.create_cell("route_junctions")
        for lj in (li, nobend):
            shapes = near.get(lj, kdb.Region()).dup()
            for inst in route_insts:
                shapes += regions.of(inst, lj)
            (shapes & junctions).insert_into(bend_lay, flat.cell_index(),
                                            bend_lay.layer(src.get_info(lj)))
        # a marker within the rule's window of the cells is real; further out it can only
        # be the cut at the junction region's edge
        markers += _markers(bend_lay, [r], keep=cells.extents(reach), deep=False)
    blamed: dict[str, set[str]] = {}
    # markers touching no route, tested against the routes' reach in one call: one call per
    # marker scanned the whole merged region each time (655 markers of the halo's cut edges
    # cost 2.6 s on 96 nets)
    loose = kdb.Region()
    loose.merged_semantics = False  # one polygon per marker, even where markers overlap
    for rule, m in markers:
        mark = kdb.Region(m)
        hit = [n for n, reg in net_region.items()
               if reg.bbox().touches(m) and not reg.interacting(mark).is_empty()]
        if hit:
            out.drc_counts[rule] = out.drc_counts.get(rule, 0) + 1
            for n in hit:
                blamed.setdefault(n, set()).add(rule)
        else:
            loose.insert(m)
    if not loose.is_empty():
        out.drc_unattributed += loose.interacting(inner).count()
    for n, rules_hit in blamed.items():
        out.drc_failed[n] = f"DRC {', '.join(sorted(rules_hit))} on its waveguide"


def _hierarchical_copy(src: kdb.Layout, route_insts: Sequence[gf.ComponentReference],
                       near: Mapping[int, kdb.Region]) -> kdb.Layout:
    """The route instances (their cells copied whole, hierarchy kept) and the halo's shapes,
    as a layout of their own."""
    lay = kdb.Layout()
    lay.dbu = src.dbu
    top = lay.create_cell("route_check")
    copies: dict[int, int] = {}
    for inst in route_insts:
        ci = inst.cell_index
        if ci not in copies:
            cell = lay.create_cell(src.cell(ci).name)
            cell.copy_tree(src.cell(ci))
            copies[ci] = cell.cell_index()
        top.insert(kdb.CellInstArray(copies[ci], inst.cplx_trans))
    halo_cell = lay.create_cell("halo")
    for li, reg in near.items():
        reg.insert_into(lay, halo_cell.cell_index(), lay.layer(src.get_info(li)))
    top.insert(kdb.CellInstArray(halo_cell.cell_index(), kdb.Trans()))
    return lay


def _flat_copy(src: kdb.Layout, route_insts: Sequence[gf.ComponentReference],
               near: Mapping[int, kdb.Region], regions: _Regions) -> kdb.Layout:
    """The same content as ``_hierarchical_copy`` in one cell (flat)."""
    lay = kdb.Layout()
    lay.dbu = src.dbu
    top = lay.create_cell("route_check")
    layers = list(src.layer_indexes())
    drawn: dict[int, list[int]] = {}  # cell -> the layers it draws on
    flat: dict[int, kdb.Region] = {li: reg.dup() for li, reg in near.items()}
    for inst in route_insts:
        ci = inst.cell_index
        if ci not in drawn:
            cell = src.cell(ci)
            drawn[ci] = [li for li in layers if not cell.begin_shapes_rec(li).at_end()]
        for li in drawn[ci]:
            flat.setdefault(li, kdb.Region()).insert(regions.of(inst, li))
    for li, reg in flat.items():
        if not reg.is_empty():
            reg.insert_into(lay, top.cell_index(), lay.layer(src.get_info(li)))
    return lay


def _markers(lay: kdb.Layout, rules: Sequence[DesignRule], keep: kdb.Region | None,
             deep: bool) -> list[tuple[str, kdb.Box]]:
    """(rule, marker box) of every violation of ``rules`` in ``lay`` (its single top cell),
    the boxes grown by 2 database units so that a marker on an edge touches the shape; only
    markers touching ``keep`` when it is given. ``deep``: hierarchical, through a file and
    ``check_layout``; else flat, in process, on ``qc_pdk.drc``'s checker."""
    if not rules:
        return []
    boxes: list[tuple[str, kdb.Box]] = []
    if deep:
        with tempfile.TemporaryDirectory() as d:
            # OASIS: the halo's cut polygons may exceed GDS's 8191-point record limit
            path = Path(d) / "route_check.oas"
            lay.write(str(path))
            # KLayout's own merge: the scratch layout is one level of many small route cells
            # (nothing joined across a deep tree), where finding the junctions of every
            # instance (compose=True) cost 40x the check (110 s on 64 nets)
            run = check_layout(path, rules=rules, allow_unknown_layers=True,
                               max_listed_per_rule=100_000, compose=False)
        for rule in run.report.rules:
            for v in rule.violations:
                x0, y0, x1, y1 = (round(c / lay.dbu) for c in v.bbox_um)
                boxes.append((rule.rule, kdb.Box(x0, y0, x1, y1)))
    else:
        checker = _Checker(layout=lay, top=lay.top_cells()[0], deep=False, dss=None)
        # each layer's region read once and merged once (KLayout then knows it is merged;
        # a space check on the unmerged shapes took 3 x as long)
        for name, (ln, dt) in layer_by_name().items():
            li = lay.find_layer(ln, dt)
            if li is not None:
                checker.regions[name] = checker.read(li).merged()
        for r in rules:
            for coll in checker.check(r):
                boxes += [(r.name, item.bbox()) for item in coll.each()]
    out = []
    for rule_name, b in boxes:
        box = b.enlarged(2, 2)
        if keep is None or not keep.interacting(kdb.Region(box)).is_empty():
            out.append((rule_name, box))
    return out
