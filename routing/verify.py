"""The router's own sign-off: every drawn result is measured before it is reported.

From the drawn geometry (KLayout regions of the instances each net placed, not the router's
grid model of them): where a net runs over itself, where two nets overlap outside a crossing
cell, where a route runs over a placed cell; and a hierarchical DRC (``qc_pdk.drc``, deep
mode) of the routed region only: the route instances and the instances they come near,
copied whole (hierarchy kept, nothing flattened or clipped), so the cost follows the routes,
not the die. DRC markers are blamed on the nets whose waveguide they touch; markers that touch
no route are the placed cells' own and are counted apart.

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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb

from qc_pdk.drc import check_layout

# Overlaps thinner than this are rounding where pieces abut at a port, not overlaps.
_SLIVER_UM = 0.01
# How far beyond the routes the DRC region reaches: the largest spacing rule, with room.
_REGION_HALO_UM = 5.0
_BIN_UM = 500.0


@dataclass
class RouteCheck:
    """What the drawn routes were measured to be.

    Attributes:
        overlapping: net -> why it failed the geometric check (self or mutual overlap, or
            runs over a placed cell).
        self_overlaps, mutual_overlaps, cell_overlaps: overlap sites of each kind.
        drc_failed: net -> the DRC rules whose markers touch its waveguide.
        drc_counts: rule -> markers touching some route.
        drc_unattributed: markers in the region touching no route (the placed cells' own).
        region_instances: instances copied into the DRC region (routes and their neighbours).
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
    runtime_s: float = 0.0

    @property
    def failed(self) -> dict[str, str]:
        """Every net that fails its check, with the reason (geometry first)."""
        out = {n: f"self-check: {why}" for n, why in self.drc_failed.items()}
        out.update({n: f"self-check: {why}" for n, why in self.overlapping.items()})
        return dict(sorted(out.items()))


class _Regions:
    """Waveguide-layer region of each instance, from its cell's merged shapes (cached)."""

    def __init__(self, layer_index: int) -> None:
        self.li = layer_index
        self._cells: dict[int, kdb.Region] = {}

    def of(self, inst: gf.ComponentReference) -> kdb.Region:
        ci = inst.cell_index
        reg = self._cells.get(ci)
        if reg is None:
            reg = self._cells[ci] = kdb.Region(inst.cell.begin_shapes_rec(self.li)).merged()
        return reg.transformed(inst.cplx_trans)


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
        drc: also run the hierarchical DRC on the routed region.
    """
    t0 = time.perf_counter()
    out = RouteCheck()
    if not pieces:
        return out
    kcl = component.kcl
    dbu = kcl.dbu
    sliver = max(1, round(_SLIVER_UM / 2 / dbu))
    regions = _Regions(kcl.layer(*layer))
    net_region: dict[str, kdb.Region] = {}
    all_raw = kdb.Region()
    for net, insts in pieces.items():
        raw = kdb.Region()
        for inst in insts:
            raw += regions.of(inst)
        # a net meets itself where two of its own pieces overlap
        own = raw.merged(False, 2).sized(-sliver).sized(sliver)
        if not own.is_empty():
            out.self_overlaps += own.count()
            out.overlapping[net] = f"runs over itself at {_where(own, dbu)}"
        net_region[net] = raw.merged()
        all_raw += net_region[net]
    mutual = all_raw.merged(False, 2).sized(-sliver).sized(sliver)
    if not mutual.is_empty():
        out.mutual_overlaps = mutual.count()
        hit = _nets_touching(net_region, mutual)
        for net, others in hit.items():
            partners = sorted(o for o in others if o != net)
            out.overlapping.setdefault(net, f"overlaps {', '.join(partners)}")
    route_insts = [i for v in pieces.values() for i in v] + list(crossings)
    near = _instances_near(component, route_insts, _REGION_HALO_UM)
    piece_keys = {_key(i) for i in route_insts}
    neighbours = [i for i in near if _key(i) not in piece_keys]
    cells = kdb.Region()
    for inst in neighbours:
        cells += regions.of(inst)
    if not cells.is_empty():
        over = (all_raw & cells).sized(-sliver).sized(sliver)
        if not over.is_empty():
            out.cell_overlaps = over.count()
            for net, _ in _nets_touching(net_region, over).items():
                out.overlapping.setdefault(net, f"runs over a placed cell at {_where(over, dbu)}")
    if drc:
        _drc(component, route_insts, neighbours, net_region, out)
    out.runtime_s = round(time.perf_counter() - t0, 3)
    return out


def _key(inst: gf.ComponentReference) -> tuple[int, str]:
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


def _instances_near(component: gf.Component, insts: Iterable[gf.ComponentReference],
                    halo_um: float) -> list[gf.ComponentReference]:
    """Instances of ``component`` whose box comes within ``halo_um`` of one of ``insts``."""
    bins: dict[tuple[int, int], list[kdb.DBox]] = {}
    for inst in insts:
        b = inst.dbbox().enlarged(halo_um, halo_um)
        for i in range(int(b.left // _BIN_UM), int(b.right // _BIN_UM) + 1):
            for j in range(int(b.bottom // _BIN_UM), int(b.top // _BIN_UM) + 1):
                bins.setdefault((i, j), []).append(b)
    out = []
    for inst in component.insts:
        b = inst.dbbox()
        hit = False
        for i in range(int(b.left // _BIN_UM), int(b.right // _BIN_UM) + 1):
            for j in range(int(b.bottom // _BIN_UM), int(b.top // _BIN_UM) + 1):
                if any(b.touches(r) for r in bins.get((i, j), ())):
                    hit = True
                    break
            if hit:
                break
        if hit:
            out.append(inst)
    return out


def _drc(component: gf.Component, route_insts: Sequence[gf.ComponentReference],
         neighbours: Sequence[gf.ComponentReference], net_region: Mapping[str, kdb.Region],
         out: RouteCheck) -> None:
    """Hierarchical DRC of the routes and their neighbours, copied whole into a scratch
    layout; markers are blamed on the nets they touch."""
    src = component.kcl.layout
    lay = kdb.Layout()
    lay.dbu = src.dbu
    top = lay.create_cell("route_check")
    copies: dict[int, int] = {}
    for inst in [*route_insts, *neighbours]:
        ci = inst.cell_index
        if ci not in copies:
            cell = lay.create_cell(src.cell(ci).name)
            cell.copy_tree(src.cell(ci))
            copies[ci] = cell.cell_index()
        top.insert(kdb.CellInstArray(copies[ci], inst.cplx_trans))
    out.region_instances = len(route_insts) + len(neighbours)
    dbu = src.dbu
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "route_check.gds"
        lay.write(str(path))
        run = check_layout(path, allow_unknown_layers=True, max_listed_per_rule=100_000)
    blamed: dict[str, set[str]] = {}
    for rule in run.report.rules:
        if not rule.count:
            continue
        marks = kdb.Region()
        for v in rule.violations:
            x0, y0, x1, y1 = (round(c / dbu) for c in v.bbox_um)
            marks.insert(kdb.Box(x0, y0, x1, y1).enlarged(2, 2))
        for m in marks.each():
            mark = kdb.Region(m)
            hit = [n for n, reg in net_region.items()
                   if reg.bbox().touches(m.bbox()) and not reg.interacting(mark).is_empty()]
            if hit:
                out.drc_counts[rule.rule] = out.drc_counts.get(rule.rule, 0) + 1
                for n in hit:
                    blamed.setdefault(n, set()).add(rule.rule)
            else:
                out.drc_unattributed += 1
    for n, rules in blamed.items():
        out.drc_failed[n] = f"DRC {', '.join(sorted(rules))} on its waveguide"
