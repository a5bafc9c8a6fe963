"""Hierarchical design-rule check of a GDS/OASIS file against the QuantaCore rule table.

Every rule of ``qc_pdk.rules.RULES`` runs on KLayout's engine in deep (hierarchical) mode: a
cell is checked once however often it is placed, so an array of a million rings costs little
more than one ring. ``deep=False`` runs the same rules flat (for comparison and benchmarks).

The rules judged on merged polygons (width, area, bend radius) are checked per distinct cell
plus the junctions between cells (``qc_pdk.drc_compose``): KLayout's hierarchical merge puts a
net joined across cells (a waveguide from the fibre through every tree level to every tile) into
the top cell as one flat polygon, so its time grew with the tiles. ``compose=False`` keeps
KLayout's merge (the peer in ``benchmarks/bench_drc_hierarchy.py``).

Example:
    >>> import gdsfactory as gf, tempfile, pathlib
    >>> from qc_pdk.drc import run_drc
    >>> c = gf.Component("too_narrow")
    >>> _ = c.add_polygon([(0, 0), (10, 0), (10, 0.3), (0, 0.3)], layer=(1, 0))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "narrow.gds"
    >>> _ = c.write_gds(path)
    >>> report = run_drc(path)
    >>> report.clean, report.outcome("WG1.W.1").count
    (False, 1)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import klayout.db as kdb
from pydantic import BaseModel

from qc_pdk.bend_radius import tight_stretches
from qc_pdk.cross_sections import WG_WIDTH_UM
from qc_pdk.drc_compose import (
    Junctions,
    MagnifiedInstanceError,
    all_cells,
    compose_check,
    layer_junctions,
    merged_area_below,
    refuse_magnified,
)
from qc_pdk.errors import InputError
from qc_pdk.layers import layer_by_name
from qc_pdk.rules import RULES, DesignRule

MAX_LISTED_PER_RULE = 1000
_GDS_MAGIC = b"\x00\x06\x00\x02"  # HEADER record of a GDSII stream
_OASIS_MAGIC = b"%SEMI-OASIS\r\n"
# Half-length (in units of the rule radius) of the outline window the bend radius is measured on.
_BEND_WINDOW_FRACTION = 0.25
# Added to a layer's largest rule reach when finding its junctions (covers the 1 nm snapping of
# transformed shapes and the polygonal sizing of the zones).
_JUNCTION_MARGIN_UM = 0.1
# Rule kinds judged on merged polygons: checked per distinct cell plus junctions in deep mode
# (``qc_pdk.drc_compose``), not by KLayout's hierarchical merge, which flattens connected nets.
COMPOSED_KINDS = ("width", "area", "bend_radius")
# layouts reusing their instances at least this often are checked composed by default
# (``composition_pays``)
COMPOSE_MIN_REUSE = 20
# Width checks ignore edges meeting at this angle or more: a polygonal arc (chords up to 20 deg)
# meets its end face at just under 90 deg, which is no constriction; a real neck has facing edges.
WIDTH_IGNORE_ANGLE_DEG = 80.0

Collection = kdb.Region | kdb.EdgePairs


class DrcInputError(InputError):
    """The file cannot be checked: missing, not GDS/OASIS, no cells, or foreign layers."""


class Violation(BaseModel):
    """One violation marker: bounding box (x0, y0, x1, y1) in um, top-cell coordinates."""

    bbox_um: tuple[float, float, float, float]


class RuleOutcome(BaseModel):
    """Result of one rule: flat count, count of distinct markers in the hierarchy, locations."""

    rule: str
    kind: str
    layers: list[str]
    value: float
    unit: str
    reason: str
    count: int
    hierarchical_count: int
    violations: list[Violation]
    listed_all: bool


class DrcReport(BaseModel):
    """The DRC result of one file (what ``drc.json`` holds)."""

    file: str
    top_cell: str
    dbu_um: float
    mode: str
    runtime_s: float
    total_violations: int
    rules: list[RuleOutcome]

    @property
    def clean(self) -> bool:
        return self.total_violations == 0

    def outcome(self, rule_name: str) -> RuleOutcome:
        for o in self.rules:
            if o.rule == rule_name:
                return o
        raise KeyError(f"rule {rule_name!r} not in this report")

    def counts(self) -> dict[str, int]:
        """``{rule: flat count}`` for rules with violations."""
        return {o.rule: o.count for o in self.rules if o.count}


@dataclass
class _Checker:
    layout: kdb.Layout
    top: kdb.Cell
    deep: bool
    dss: kdb.DeepShapeStore | None
    regions: dict[str, kdb.Region] = field(default_factory=dict)
    # the file's own layers, fixed before any scratch layer is added to the layout
    source_layers: list[int] = field(default_factory=list)
    # deep mode: merged-polygon rules per distinct cell plus junctions (False: KLayout's merge)
    compose: bool = True
    junctions: dict[tuple[int, int], Junctions] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.source_layers = list(self.layout.layer_indexes())
        if self.deep and self.compose:
            try:
                refuse_magnified(self.top)
            except MagnifiedInstanceError:
                self.compose = False  # distances differ per placement: KLayout's variants

    def layer_index(self, name: str) -> int | None:
        layer, datatype = layer_by_name()[name]
        return self.layout.find_layer(layer, datatype)

    def read(self, li: int) -> kdb.Region:
        """Layer ``li`` below the top cell: hierarchical in deep mode, else flat."""
        shapes = self.top.begin_shapes_rec(li)
        return kdb.Region(shapes) if self.dss is None else kdb.Region(shapes, self.dss)

    def region(self, name: str) -> kdb.Region:
        if name not in self.regions:
            li = self.layer_index(name)
            self.regions[name] = kdb.Region() if li is None else self.read(li)
        return self.regions[name]

    def union(self, names: Sequence[str]) -> kdb.Region:
        out = self.region(names[0])
        for n in names[1:]:
            out = out + self.region(n)
        return out

    def dbu_len(self, um: float) -> int:
        return round(um / self.layout.dbu)

    def check(self, r: DesignRule) -> list[Collection]:
        if r.kind == "grid":
            return self._grid(r)
        a = self.region(r.layer)
        if a.is_empty():
            return []
        d = self.dbu_len(r.value)
        if self.deep and self.compose and r.kind in COMPOSED_KINDS:
            return [self._composed(r)]
        if r.kind == "width":
            return [_width_markers(a, d)]
        if r.kind == "space":
            return [a.space_check(d)]
        if r.kind == "area":
            area_dbu2 = round(r.value / self.layout.dbu**2)
            return [a.merged().with_area(0, area_dbu2, False)]
        if r.kind == "bend_radius":
            return [self._bend_radius(r, a)]
        b = self.union(r.other)
        if r.kind == "separation":
            return [] if b.is_empty() else [a.separation_check(b, d)]
        if r.kind == "enclosure":
            # Too-small margins, plus shapes sticking out of (or entirely off) the encloser.
            return [a.enclosed_check(b, d), a - b]
        if r.kind == "inside":
            return [a.not_inside(b)]
        raise ValueError(f"rule {r.name}: unsupported kind {r.kind!r}")  # pragma: no cover

    def _grid(self, r: DesignRule) -> list[Collection]:
        g = self.dbu_len(r.value)
        if g <= 1:  # every vertex is on a grid of one database unit by construction
            return []
        out: list[Collection] = []
        for li in self.source_layers:
            region = self.read(li)
            if not region.is_empty():
                out.append(region.grid_check(g, g))
        return out

    def _composed(self, r: DesignRule) -> Collection:
        """A merged-polygon rule per distinct cell plus junctions (``qc_pdk.drc_compose``)."""
        li = self.layer_index(r.layer)
        assert li is not None and self.dss is not None  # check() returned on an empty layer
        if r.kind == "area":
            return merged_area_below(self.top, li, round(r.value / self.layout.dbu**2), self.dss)
        reach = self.dbu_len(_layer_reach_um(r) + _JUNCTION_MARGIN_UM)
        if (li, reach) not in self.junctions:
            self.junctions[(li, reach)] = layer_junctions(self.top, li, reach)
        dbu, d = self.layout.dbu, self.dbu_len(r.value)
        if r.kind == "width":
            return compose_check(self.top, li, self.junctions[(li, reach)],
                                 lambda merged: _width_markers(merged, d), self.dss)
        waiver_li = self.layer_index("NOBEND")
        markers = compose_check(self.top, li, self.junctions[(li, reach)],
                                lambda merged: _bend_markers(merged, r, dbu), self.dss,
                                waiver_li=waiver_li)
        waived = self.region("NOBEND")
        return markers if waived.is_empty() else markers.not_interacting(waived)

    def _bend_radius(self, r: DesignRule, wg: kdb.Region) -> kdb.Region:
        """The bend rule on KLayout's merge (``compose=False`` and flat mode)."""
        dbu = self.layout.dbu
        merged = wg.merged()
        if self.deep:
            # Write the hierarchical merge back, check each cell's own polygons once, and read
            # the markers back as a hierarchical region.
            merged_li = self.layout.layer()
            marker_li = self.layout.layer()
            merged.insert_into(self.layout, self.top.cell_index(), merged_li)
            for ci in all_cells(self.top):
                cell = self.layout.cell(ci)
                for shape in cell.shapes(merged_li).each():
                    for box in _bend_marker_boxes(shape.polygon, r, dbu):
                        cell.shapes(marker_li).insert(box)
            markers = self.read(marker_li)
            self.layout.delete_layer(merged_li)
        else:
            markers = _bend_markers(merged, r, dbu)
        waived = self.region("NOBEND")
        return markers if waived.is_empty() else markers.not_interacting(waived)


def _width_markers(merged: kdb.Region, d: int) -> kdb.EdgePairs:
    return merged.width_check(d, False, kdb.Metrics.Euclidian, WIDTH_IGNORE_ANGLE_DEG)


def _bend_marker_boxes(poly: kdb.Polygon, r: DesignRule, dbu: float) -> Iterator[kdb.Box]:
    """Boxes (database units) round the stretches of ``poly`` bending tighter than rule ``r``."""
    hull = [(p.x * dbu, p.y * dbu) for p in poly.each_point_hull()]
    holes = [[(p.x * dbu, p.y * dbu) for p in poly.each_point_hole(h)] for h in range(poly.holes())]
    for x0, y0, x1, y1 in tight_stretches(
        [hull],
        holes=holes,
        min_inner_radius_um=r.value - WG_WIDTH_UM / 2,
        window_um=_BEND_WINDOW_FRACTION * r.value,
    ):
        yield kdb.Box(round(x0 / dbu), round(y0 / dbu), round(x1 / dbu), round(y1 / dbu))


def _bend_markers(merged: kdb.Region, r: DesignRule, dbu: float) -> kdb.Region:
    out = kdb.Region()
    for poly in merged.each():
        for box in _bend_marker_boxes(poly, r, dbu):
            out.insert(box)
    return out


def reach_um(r: DesignRule) -> float:
    """How far (um) a shape can be from a point and still change rule ``r``'s result there:
    the distance of a width, space, separation or enclosure rule, the bend-radius rule's
    measuring window, 0 for the rest (area, grid).

    Example:
        >>> reach_um(DesignRule(name="X", layer="WG1", kind="bend_radius", value=20.0,
        ...                     reason="example"))
        5.0
    """
    if r.kind == "bend_radius":
        return _BEND_WINDOW_FRACTION * r.value
    return r.value if r.kind in ("width", "space", "separation", "enclosure") else 0.0


def _layer_reach_um(r: DesignRule) -> float:
    """The largest reach of the composed rules on ``r``'s layer (one set of junctions serves
    them all)."""
    return max(
        [reach_um(r)]
        + [reach_um(o) for o in RULES if o.layer == r.layer and o.kind in ("width", "bend_radius")]
    )


def read_layout_file(path: Path) -> kdb.Layout:
    """Read a GDSII/OASIS file; ``DrcInputError`` with a clear message when it is not one."""
    if not path.exists():
        raise DrcInputError(f"{path}: no such file")
    if not path.is_file():
        raise DrcInputError(f"{path}: not a file")
    with path.open("rb") as f:
        head = f.read(16)
    if not head:
        raise DrcInputError(f"{path}: file is empty (expected GDSII or OASIS)")
    if not (head.startswith(_GDS_MAGIC) or head.startswith(_OASIS_MAGIC)):
        raise DrcInputError(f"{path}: not a GDSII or OASIS file")
    layout = kdb.Layout()
    try:
        layout.read(str(path))
    except RuntimeError as e:
        raise DrcInputError(f"{path}: corrupt layout file ({str(e).splitlines()[0]})") from None
    return layout


def _pick_top(layout: kdb.Layout, path: Path, top_cell: str | None) -> kdb.Cell:
    if top_cell is not None:
        cell = layout.cell(top_cell)
        if cell is None:
            raise DrcInputError(f"{path}: no cell named {top_cell!r}")
        return cell
    tops = layout.top_cells()
    if not tops:
        raise DrcInputError(f"{path}: layout contains no cells")
    if len(tops) > 1:
        names = ", ".join(sorted(c.name for c in tops))
        raise DrcInputError(f"{path}: several top cells ({names}); choose one with --top")
    return tops[0]


def _check_layers(layout: kdb.Layout, top: kdb.Cell, path: Path) -> None:
    known = set(layer_by_name().values())
    foreign = []
    for li in layout.layer_indexes():
        info = layout.get_info(li)
        if (info.layer, info.datatype) not in known and not top.begin_shapes_rec(li).at_end():
            foreign.append(f"{info.layer}/{info.datatype}")
    if foreign:
        raise DrcInputError(
            f"{path}: layers not in the QuantaCore layer map: {', '.join(sorted(foreign))} "
            "(see `quantacore pdk --json`; --allow-unknown-layers checks the rest)"
        )


def _violation(b: kdb.Box, dbu: float) -> Violation:
    return Violation(
        bbox_um=tuple(round(v * dbu, 4) for v in (b.left, b.bottom, b.right, b.top))  # type: ignore[arg-type]
    )


def _listed(coll: Collection, checker: _Checker, limit: int) -> list[Violation]:
    dbu = checker.layout.dbu
    out: list[Violation] = []
    if checker.deep:
        li = checker.layout.layer()
        coll.insert_into(checker.layout, checker.top.cell_index(), li)
        it = checker.top.begin_shapes_rec(li)
        while not it.at_end() and len(out) < limit:
            out.append(_violation(it.shape().bbox().transformed(it.trans()), dbu))
            it.next()
        checker.layout.delete_layer(li)
        return out
    for item in coll.each():
        if len(out) >= limit:
            break
        out.append(_violation(item.bbox(), dbu))
    return out


@dataclass
class DrcRun:
    """A finished check: the report plus KLayout's result collections (for the marker file)."""

    report: DrcReport
    results: dict[str, list[Collection]]
    checker: _Checker

    def write_lyrdb(self, path: str | Path) -> Path:
        """Write a KLayout marker database; items keep the hierarchy in deep mode."""
        import klayout.rdb as rdb

        path = Path(path)
        db = rdb.ReportDatabase("QuantaCore DRC")
        db.generator = "quantacore drc"
        db.original_file = self.report.file
        db.top_cell_name = self.report.top_cell
        rdb_top = db.create_cell(self.report.top_cell)
        trans = kdb.CplxTrans(self.checker.layout.dbu)  # database units -> um
        for outcome in self.report.rules:
            cat = db.create_category(outcome.rule)
            cat.description = (
                f"{outcome.kind} {'/'.join(outcome.layers)} >= {outcome.value} {outcome.unit}: "
                f"{outcome.reason}"
            )
            flat = not self.checker.deep
            for coll in self.results[outcome.rule]:
                # one overload per collection type
                if isinstance(coll, kdb.Region):
                    cat.scan_collection(rdb_top, trans, coll, flat)
                else:
                    cat.scan_collection(rdb_top, trans, coll, flat)
        db.save(str(path))
        return path


def composition_pays(top: kdb.Cell) -> bool:
    """True when ``top``'s instances are reused at least ``COMPOSE_MIN_REUSE`` times: cell
    placements in the flattened layout over instances stored in its distinct cells.

    KLayout's merge flattens a net joined across a reused hierarchy (the switch tree: reuse 83
    at 512 qubitrons, 571 at 4,096, where it took 54 s vs 6.6 s composed). In a layout of
    little reuse (a routed top cell of a few hundred route instances: 1.9; the default chip:
    5.4) it merges in a second or two, where finding the junctions of every instance costs more
    (measured: 32 routed nets 13.5 s composed, 64 nets 110 s vs 2.7 s merged)."""
    layout = top.layout()
    flat: dict[int, int] = {}
    for ci in layout.each_cell_bottom_up():
        flat[ci] = sum(i.size() * (1 + flat[i.cell_index]) for i in layout.cell(ci).each_inst())
    stored = sum(layout.cell(ci).child_instances()
                 for ci in all_cells(top))
    return flat[top.cell_index()] >= COMPOSE_MIN_REUSE * max(1, stored)


def check_layout(
    path: str | Path,
    *,
    top_cell: str | None = None,
    deep: bool = True,
    rules: Sequence[DesignRule] = RULES,
    allow_unknown_layers: bool = False,
    max_listed_per_rule: int = MAX_LISTED_PER_RULE,
    threads: int | None = None,
    file_label: str | Path | None = None,
    compose: bool | None = None,
) -> DrcRun:
    """Run every rule on the layout in ``path`` and keep KLayout's results.

    Args:
        path: GDSII or OASIS file.
        top_cell: cell to check; default the single top cell.
        deep: hierarchical (True, default) or flat (False) processing.
        rules: rules to run; default the whole PDK table.
        allow_unknown_layers: check a file with layers outside the PDK map instead of failing.
        max_listed_per_rule: how many violation locations to list per rule (counts are exact).
        threads: KLayout worker threads (default: all cores).
        file_label: the file name the report records (default ``path``); a job that checks a
            temporary file before renaming it into place gives the final name.
        compose: deep mode only: check the merged-polygon rules (width, area, bend radius) per
            distinct cell plus the junctions between cells (``qc_pdk.drc_compose``), or
            (False) on KLayout's hierarchical merge, which flattens nets joined across cells.
            Default (None): composed when the layout reuses its instances at least
            ``COMPOSE_MIN_REUSE`` times (see :func:`composition_pays`).

    Raises:
        DrcInputError: the file cannot be checked (message says why).
    """
    path = Path(path)
    t0 = time.perf_counter()
    layout = read_layout_file(path)
    top = _pick_top(layout, path, top_cell)
    if not allow_unknown_layers:
        _check_layers(layout, top, path)
    dss = None
    if deep:
        dss = kdb.DeepShapeStore()
        dss.threads = threads or os.cpu_count() or 1
    if compose is None:
        compose = composition_pays(top)
    checker = _Checker(layout=layout, top=top, deep=deep, dss=dss, compose=compose)
    outcomes: list[RuleOutcome] = []
    results: dict[str, list[Collection]] = {}
    for r in rules:
        colls = checker.check(r)
        results[r.name] = colls
        count = sum(c.count() for c in colls)
        hier = sum(c.hier_count() if deep else c.count() for c in colls)
        listed: list[Violation] = []
        for c in colls:
            if count and len(listed) < max_listed_per_rule:
                listed += _listed(c, checker, max_listed_per_rule - len(listed))
        outcomes.append(
            RuleOutcome(
                rule=r.name,
                kind=r.kind,
                layers=list(r.layers),
                value=r.value,
                unit=r.unit,
                reason=r.reason,
                count=count,
                hierarchical_count=hier,
                violations=listed,
                listed_all=len(listed) == count,
            )
        )
    report = DrcReport(
        file=str(path if file_label is None else file_label),
        top_cell=top.name,
        dbu_um=layout.dbu,
        mode="deep" if deep else "flat",
        runtime_s=round(time.perf_counter() - t0, 4),
        total_violations=sum(o.count for o in outcomes),
        rules=outcomes,
    )
    return DrcRun(report=report, results=results, checker=checker)


def run_drc(path: str | Path, **kwargs: object) -> DrcReport:
    """Check ``path`` (see ``check_layout`` for options) and return the report only."""
    return check_layout(path, **kwargs).report  # type: ignore[arg-type]


def write_drc_outputs(run: DrcRun, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``out_dir/drc.json`` and ``out_dir/drc.lyrdb``; returns both paths.

    Files are written under temporary names and renamed, so an interrupted run leaves no
    half-written report.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, rdb_path = out / "drc.json", out / "drc.lyrdb"
    tmp_json, tmp_rdb = out / ".drc.json.tmp", out / ".drc.lyrdb.tmp"
    tmp_json.write_text(run.report.model_dump_json(indent=2))
    run.write_lyrdb(tmp_rdb)
    os.replace(tmp_rdb, rdb_path)
    os.replace(tmp_json, json_path)
    return json_path, rdb_path
