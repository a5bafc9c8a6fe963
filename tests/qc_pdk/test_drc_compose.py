"""Merged-polygon rules per distinct cell plus junctions (qc_pdk.drc_compose) against the full
hierarchical merge (``compose=False``): the same violations, including those that exist only
where a parent's shapes meet a child's, or that a parent's shapes remove."""

from __future__ import annotations

import math
import random
from pathlib import Path

import klayout.db as kdb
import pytest

from qc_pdk.drc import DrcReport, check_layout
from qc_pdk.layers import layer_by_name
from qc_pdk.rules import RULES, DesignRule
from tests.qc_pdk.rule_layouts import violating_layout

Box = tuple[float, float, float, float]


class _Chip:
    """A layout built straight with klayout.db: cells, boxes and placements in um."""

    def __init__(self) -> None:
        self.layout = kdb.Layout()
        self.layout.dbu = 0.001
        self.top = self.layout.create_cell("TOP")

    def cell(self, name: str) -> kdb.Cell:
        return self.layout.create_cell(name)

    def box(self, cell: kdb.Cell, x0: float, y0: float, x1: float, y1: float,
            layer: str = "WG1") -> None:
        cell.shapes(self.layout.layer(*layer_by_name()[layer])).insert(kdb.DBox(x0, y0, x1, y1))

    def region(self, cell: kdb.Cell, region: kdb.Region, layer: str = "WG1") -> None:
        cell.shapes(self.layout.layer(*layer_by_name()[layer])).insert(region)

    def place(self, parent: kdb.Cell, child: kdb.Cell, x: float, y: float,
              rot: int = 0, mirror: bool = False) -> None:
        parent.insert(kdb.DCellInstArray(child.cell_index(), kdb.DTrans(rot, mirror, x, y)))

    def write(self, path: Path) -> Path:
        self.layout.write(str(path))
        return path


def _both(path: Path) -> tuple[DrcReport, DrcReport]:
    """(per cell plus junctions, KLayout's global merge), every marker listed."""
    every = 10**6
    return (check_layout(path, compose=True, max_listed_per_rule=every).report,
            check_layout(path, compose=False, max_listed_per_rule=every).report)


def _overlap(a: Box, b: Box, tol: float = 0.002) -> bool:
    return a[0] <= b[2] + tol and b[0] <= a[2] + tol and a[1] <= b[3] + tol and b[1] <= a[3] + tol


def _assert_same_violations(composed: DrcReport, full: DrcReport) -> None:
    """Same rules violated, and every marker of each check lies on a marker of the other."""
    assert set(composed.counts()) == set(full.counts())
    for rule_name in full.counts():
        mine = [v.bbox_um for v in composed.outcome(rule_name).violations]
        theirs = [v.bbox_um for v in full.outcome(rule_name).violations]
        assert all(any(_overlap(a, b) for b in theirs) for a in mine), (rule_name, mine, theirs)
        assert all(any(_overlap(b, a) for a in mine) for b in theirs), (rule_name, mine, theirs)


def _annulus(radius: float, width: float = 0.8, n: int = 720) -> kdb.Region:
    def circle(r: float) -> kdb.Polygon:
        return kdb.DPolygon(
            [kdb.DPoint(r * math.cos(2 * math.pi * k / n), r * math.sin(2 * math.pi * k / n))
             for k in range(n)]
        ).to_itype(0.001)

    return kdb.Region(circle(radius + width / 2)) - kdb.Region(circle(radius - width / 2))


def test_neck_formed_where_parent_meets_child_is_found(tmp_path) -> None:
    chip = _Chip()
    child = chip.cell("CHILD")
    chip.box(child, 0, 0, 10, 10)
    chip.place(chip.top, child, 0, 0)
    chip.box(chip.top, 9.8, 9.8, 20, 20)  # overlaps the child's corner by 0.2 x 0.2: a neck
    composed, full = _both(chip.write(tmp_path / "neck.gds"))
    assert composed.counts() == full.counts() and composed.outcome("WG1.W.1").count >= 1
    _assert_same_violations(composed, full)


def test_parent_shape_removes_a_child_violation_in_one_placement_only(tmp_path) -> None:
    chip = _Chip()
    child = chip.cell("NARROW")
    chip.box(child, 0, 0, 20, 0.3)  # too narrow alone
    chip.place(chip.top, child, 0, 0)
    chip.place(chip.top, child, 0, 50)
    chip.box(chip.top, -1, -0.5, 21, 1.0)  # the first placement is covered: no violation there
    composed, full = _both(chip.write(tmp_path / "covered.gds"))
    assert composed.counts() == full.counts() == {"WG1.W.1": 1}
    (marker,) = composed.outcome("WG1.W.1").violations
    assert marker.bbox_um[1] >= 50
    _assert_same_violations(composed, full)


def test_grandparent_covers_a_grandchild_violation(tmp_path) -> None:
    chip = _Chip()
    leaf, mid = chip.cell("LEAF"), chip.cell("MID")
    chip.box(leaf, 0, 0, 20, 0.3)
    chip.box(mid, -50, 0, -30, 1)  # mid's own shapes are far from the leaf
    chip.place(mid, leaf, 0, 0)
    for k in range(4):
        chip.place(chip.top, mid, 0, 100 * k, rot=k % 4)
    chip.box(chip.top, -1, -0.5, 21, 1.0)  # covers the leaf in the first placement only
    composed, full = _both(chip.write(tmp_path / "grand.gds"))
    assert composed.counts() == full.counts() == {"WG1.W.1": 3}
    _assert_same_violations(composed, full)


@pytest.mark.parametrize(("radius", "clean"), [(10.0, False), (30.0, True)])
def test_ring_split_between_parent_and_child(tmp_path, radius: float, clean: bool) -> None:
    chip = _Chip()
    half = chip.cell("HALF")
    ring = _annulus(radius)
    upper = kdb.Region(kdb.DBox(-50, 0, 50, 50).to_itype(0.001))
    chip.region(half, ring & upper)
    chip.place(chip.top, half, 0, 0)
    chip.region(chip.top, ring - upper)
    composed, full = _both(chip.write(tmp_path / "ring.gds"))
    assert composed.clean is full.clean is clean
    _assert_same_violations(composed, full)


@pytest.mark.parametrize(("parent_h", "count"), [(0.6, 1), (1.2, 0)])
def test_specks_touching_across_cells_are_one_polygon(tmp_path, parent_h: float,
                                                      count: int) -> None:
    chip = _Chip()
    speck = chip.cell("SPECK")
    chip.box(speck, 0, 0, 0.6, 0.6)  # 0.36 um^2
    chip.place(chip.top, speck, 0, 0)
    chip.box(chip.top, 0.6, 0, 1.2, parent_h)  # touches it: 0.72 or 1.08 um^2 together
    composed, full = _both(chip.write(tmp_path / "speck.gds"))
    assert composed.outcome("WG1.A.1").count == full.outcome("WG1.A.1").count == count


def test_speck_joined_in_one_placement_only(tmp_path) -> None:
    """A short piece in a wrapped cell: joined to a large waveguide in one placement (no
    violation there), alone in the other."""
    chip = _Chip()
    speck, wrapper = chip.cell("SPECK"), chip.cell("WRAPPER")
    chip.box(speck, 0, 0, 0.6, 0.8)
    chip.place(wrapper, speck, 0, 0)
    chip.place(chip.top, wrapper, 0, 0)
    chip.place(chip.top, wrapper, 0, 20)
    chip.box(chip.top, 0.6, 0, 20, 0.8)  # joins the first placement only
    composed, full = _both(chip.write(tmp_path / "joined.gds"))
    assert composed.outcome("WG1.A.1").count == full.outcome("WG1.A.1").count == 1
    _assert_same_violations(composed, full)


def test_abutting_array_elements_are_one_line(tmp_path) -> None:
    chip = _Chip()
    piece = chip.cell("PIECE")
    chip.box(piece, 0, 0, 10, 0.3)
    chip.top.insert(kdb.DCellInstArray(piece.cell_index(), kdb.DTrans(), kdb.DVector(10, 0),
                                       kdb.DVector(0, 40), 6, 2))
    composed, full = _both(chip.write(tmp_path / "line.gds"))
    assert composed.counts() == full.counts() == {"WG1.W.1": 2}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.name)
def test_each_rule_placed_in_a_hierarchy(rule: DesignRule, tmp_path) -> None:
    """Every rule's violating layout as a cell, placed twice (turned, mirrored), in a parent
    whose own shapes meet it: the same violations as the full check."""
    path, _ = violating_layout(rule, tmp_path / f"{rule.name}.gds")
    layout = kdb.Layout()
    layout.read(str(path))
    cell = layout.top_cells()[0]
    top = layout.create_cell("CHIP")
    top.insert(kdb.CellInstArray(cell.cell_index(), kdb.Trans()))
    far = round(200 / layout.dbu)
    top.insert(kdb.CellInstArray(cell.cell_index(), kdb.Trans(1, True, far, 0)))
    if rule.layer not in ("*", "EMITTER"):
        # a parent shape on the rule's layer touching the second placement's shapes
        li = layout.layer(*layer_by_name()[rule.layer])
        bbox = cell.bbox(li).transformed(kdb.Trans(1, True, far, 0))
        top.shapes(li).insert(kdb.Box(bbox.right, bbox.bottom, bbox.right + 5000, bbox.top))
    out = tmp_path / "chip.gds"
    layout.write(str(out))
    composed, full = _both(out)
    assert composed.counts() == full.counts()
    _assert_same_violations(composed, full)


@pytest.mark.parametrize("seed", range(12))
def test_random_hierarchies_agree(tmp_path, seed: int) -> None:
    """Random boxes in a leaf, a middle cell and the top, placed turned and mirrored so that
    they overlap, abut and nearly touch across cells."""
    rng = random.Random(seed)
    chip = _Chip()
    leaf, mid = chip.cell("LEAF"), chip.cell("MID")

    def boxes(cell: kdb.Cell, n: int, span: float) -> None:
        for _ in range(n):
            x, y = rng.uniform(0, span), rng.uniform(0, span)
            w, h = rng.choice([0.2, 0.4, 0.6, 1.0, 3.0]), rng.uniform(0.3, 6.0)
            if rng.random() < 0.5:
                w, h = h, w
            chip.box(cell, x, y, x + w, y + h)

    boxes(leaf, 4, 6.0)
    boxes(mid, 3, 10.0)
    for _ in range(3):
        chip.place(mid, leaf, rng.uniform(0, 8), rng.uniform(0, 8), rng.randrange(4),
                   rng.random() < 0.3)
    boxes(chip.top, 3, 14.0)
    for _ in range(3):
        chip.place(chip.top, mid, rng.uniform(0, 6), rng.uniform(0, 6), rng.randrange(4))
    composed, full = _both(chip.write(tmp_path / f"random{seed}.gds"))
    assert composed.counts() == full.counts()
    _assert_same_violations(composed, full)


def _joined_tree(chip: _Chip, depth: int, level_defect: int | None = None) -> None:
    """A binary tree of cells whose waveguides all join: each leaf is a waveguide with a
    too-narrow stub (far from any junction); each level draws a connector of its own and feeders
    over its two children's connectors; the level ``level_defect`` cell adds a narrow stub half
    way up its connector. (The stubs' and feeders' inner corners also break the bend rule,
    measured through outline vertices far along the straight edges.)"""
    cell = chip.cell("LEAF")
    chip.box(cell, 0, 0, 50.6, 0.6)
    chip.box(cell, 20, 0.6, 20.3, 5)  # WG1.W.1 inside the leaf
    x_child = 50.0
    for level in range(1, depth + 1):
        pitch, x = 20.0 * 2 ** (level - 1), 50.0 + 30.0 * level
        parent = chip.cell(f"LEVEL{level}") if level < depth else chip.top
        for y in (0.0, pitch):
            chip.place(parent, cell, 0, y)
            chip.box(parent, x_child, y, x + 0.6, y + 0.6)  # feeder over the child's connector
        chip.box(parent, x, 0, x + 0.6, pitch + 0.6)
        if level == level_defect:
            chip.box(parent, x + 0.6, pitch / 2, x + 5, pitch / 2 + 0.3)  # narrow stub
        cell, x_child = parent, x


def test_joined_tree_keeps_markers_in_their_cells(tmp_path) -> None:
    """A net joined through every level: KLayout's merge puts it, and every marker on it, into
    the top cell; per cell plus junctions keeps the leaf's marker in the leaf."""
    chip = _Chip()
    _joined_tree(chip, depth=6, level_defect=3)
    composed, full = _both(chip.write(tmp_path / "tree.gds"))
    assert composed.counts() == full.counts()
    width = composed.outcome("WG1.W.1")
    assert width.count == 64 + 8
    assert width.hierarchical_count == 2  # the leaf's stub and the level-3 junction's, once each
    assert full.outcome("WG1.W.1").hierarchical_count == 72  # all flattened into the top
    _assert_same_violations(composed, full)


def test_magnified_placement_falls_back_to_the_global_merge(tmp_path) -> None:
    chip = _Chip()
    child = chip.cell("SMALL")
    chip.box(child, 0, 0, 20, 0.2)  # 0.4 um wide when placed at magnification 2: still narrow
    chip.top.insert(kdb.DCellInstArray(child.cell_index(), kdb.DCplxTrans(2.0, 0, False, 0, 0)))
    chip.box(chip.top, 0, 50, 20, 50.3)
    composed, full = _both(chip.write(tmp_path / "mag.gds"))
    assert composed.counts() == full.counts() == {"WG1.W.1": 2}


@pytest.mark.parametrize("seed", range(6))
def test_random_arcs_across_cells_agree(tmp_path, seed: int) -> None:
    """Ring sectors of random radius (tight and legal, narrow and wide) in a leaf, a middle cell
    and the top, overlapping across cells: bend-radius stretches and width markers that run
    through junctions."""
    rng = random.Random(seed)
    chip = _Chip()
    leaf, mid = chip.cell("LEAF"), chip.cell("MID")

    def arcs(cell: kdb.Cell, n: int) -> None:
        for _ in range(n):
            radius, width = rng.uniform(8, 30), rng.uniform(0.4, 1.0)
            x0, y0 = rng.uniform(-radius, radius), rng.uniform(-radius, radius)
            cut = kdb.DBox(x0, y0, x0 + rng.uniform(5, 40), y0 + rng.uniform(5, 40))
            sector = _annulus(radius, width, 360) & kdb.Region(cut.to_itype(0.001))
            shift = kdb.Vector(round(rng.uniform(0, 20000)), round(rng.uniform(0, 20000)))
            chip.region(cell, sector.moved(shift))

    arcs(leaf, 2)
    arcs(mid, 2)
    for _ in range(2):
        chip.place(mid, leaf, rng.uniform(0, 20), rng.uniform(0, 20), rng.randrange(4),
                   rng.random() < 0.3)
    arcs(chip.top, 2)
    for _ in range(2):
        chip.place(chip.top, mid, rng.uniform(0, 20), rng.uniform(0, 20), rng.randrange(4))
    composed, full = _both(chip.write(tmp_path / f"arcs{seed}.gds"))
    assert composed.counts() == full.counts()
    _assert_same_violations(composed, full)


def test_the_default_composes_reused_hierarchies_only() -> None:
    from qc_pdk.drc import COMPOSE_MIN_REUSE, composition_pays

    layout = kdb.Layout()
    top, leaf = layout.create_cell("top"), layout.create_cell("leaf")
    # an array of k placements: k flat placements from one stored instance
    top.insert(kdb.CellInstArray(leaf.cell_index(), kdb.Trans(), kdb.Vector(10, 0),
                                 kdb.Vector(0, 10), COMPOSE_MIN_REUSE, 1))
    assert composition_pays(top)
    flat_top = layout.create_cell("flat_top")  # the same placements stored one by one
    for k in range(COMPOSE_MIN_REUSE):
        flat_top.insert(kdb.CellInstArray(leaf.cell_index(), kdb.Trans(10 * k, 0)))
    assert not composition_pays(flat_top)
