"""Small layouts that each break exactly one design rule, built straight with klayout.db.

``violating_layout(rule, path)`` writes a GDS in which only ``rule`` is broken and returns the
window (x0, y0, x1, y1 in um) where the violation must be reported.
"""

from __future__ import annotations

import math
from pathlib import Path

import klayout.db as kdb

from qc_pdk.layers import layer_by_name
from qc_pdk.rules import RULES, DesignRule, min_space_um, min_width_um

DBU_UM = 0.001
Box = tuple[float, float, float, float]


class _Layout:
    def __init__(self, dbu: float = DBU_UM) -> None:
        self.layout = kdb.Layout()
        self.layout.dbu = dbu
        self.top = self.layout.create_cell("TOP")

    def box(
        self, layer: str, x0: float, y0: float, x1: float, y1: float, enclose: bool = True
    ) -> None:
        """Draw a box; with ``enclose``, also its legal enclosers (metal around a via ...)."""
        li = self.layout.layer(*layer_by_name()[layer])
        self.top.shapes(li).insert(kdb.DBox(x0, y0, x1, y1))
        if enclose:
            for r in _enclosure_rules(layer):
                m = 2 * r.value + _size(r.other[0])
                self.box(r.other[0], x0 - m, y0 - m, x1 + m, y1 + m)

    def polygon(
        self,
        layer: str,
        hull: list[tuple[float, float]],
        holes: list[list[tuple[float, float]]] = (),
    ) -> None:
        li = self.layout.layer(*layer_by_name()[layer])
        poly = kdb.DPolygon([kdb.DPoint(x, y) for x, y in hull])
        for h in holes:
            poly.insert_hole([kdb.DPoint(x, y) for x, y in h])
        self.top.shapes(li).insert(poly)

    def write(self, path: Path) -> Path:
        opts = kdb.SaveLayoutOptions()
        opts.write_context_info = False
        self.layout.write(str(path), opts)
        return path


def _size(layer: str) -> float:
    """A comfortable feature size on ``layer`` (well above its minimum width)."""
    return max(2 * min_width_um(layer), 1.0)


def _enclosure_rules(layer: str) -> list[DesignRule]:
    return [r for r in RULES if r.kind == "enclosure" and r.layer == layer]


def _annulus(radius: float, width: float, n: int = 720) -> tuple[list, list]:
    ro, ri = radius + width / 2, radius - width / 2
    outer = [
        (ro * math.cos(2 * math.pi * k / n), ro * math.sin(2 * math.pi * k / n)) for k in range(n)
    ]
    inner = [
        (ri * math.cos(2 * math.pi * k / n), ri * math.sin(2 * math.pi * k / n)) for k in range(n)
    ]
    return outer, inner


def violating_layout(rule: DesignRule, path: Path) -> tuple[Path, Box]:
    """Write a layout breaking only ``rule``; return (path, window where it must be flagged)."""
    lay = _Layout()
    v = rule.value
    if rule.kind == "width":
        w = v * 0.5
        lay.box(rule.layer, 0, 0, 20, w)
        return lay.write(path), (0, 0, 20, w)
    if rule.kind == "space":
        s, w = v * 0.5, _size(rule.layer)
        lay.box(rule.layer, 0, 0, 20, w)
        lay.box(rule.layer, 0, w + s, 20, 2 * w + s)
        return lay.write(path), (0, w, 20, w + s)
    if rule.kind == "area":
        side = max(math.sqrt(v * 0.5), min_width_um(rule.layer) * 1.2)
        assert side * side < v
        lay.box(rule.layer, 0, 0, side, side)
        return lay.write(path), (0, 0, side, side)
    if rule.kind == "bend_radius":
        outer, inner = _annulus(v * 0.5, 0.8)
        lay.polygon(rule.layer, outer, [inner])
        r = v * 0.5
        return lay.write(path), (-r, -r, r, r)
    if rule.kind == "separation":
        s = v * 0.5
        wa, wb = _size(rule.layer), _size(rule.other[0])
        lay.box(rule.layer, 0, 0, 30, wa)
        lay.box(rule.other[0], 0, wa + s, 30, wa + s + wb)
        return lay.write(path), (0, wa, 30, wa + s)
    if rule.kind == "enclosure":
        w = _size(rule.layer)
        lay.box(rule.layer, 0, 0, w, w, enclose=False)
        for r in _enclosure_rules(rule.layer):
            m = 2 * r.value + _size(r.other[0])
            right = r.value * 0.5 if r is rule else m
            lay.box(r.other[0], -m, -m, w + right, w + m)
        return lay.write(path), (w, 0, w + v * 0.5, w)
    if rule.kind == "inside":
        lay.box(rule.layer, 0, 0, 0.2, 0.2)
        lay.box(rule.other[0], 0, 5, 20, 5.8)  # a core nearby, but the site is not in it
        return lay.write(path), (0, 0, 0.2, 0.2)
    if rule.kind == "grid":
        fine = _Layout(dbu=v / 10)
        fine.box("WG1", 0, 0, 20.0 + v / 2, 1.0)  # one edge half a grid step off
        return fine.write(path), (20, 0, 20.0 + v, 1.0)
    raise AssertionError(f"no violating layout for kind {rule.kind}")


def clean_layout_for(rule: DesignRule, path: Path) -> Path:
    """The same construction as ``violating_layout`` with every dimension at a legal value."""
    lay = _Layout()
    if rule.kind in ("width", "space", "area", "separation", "grid"):
        layer = rule.layer if rule.layer != "*" else "WG1"
        w = _size(layer)
        length = max(20.0, 3 * w)
        lay.box(layer, 0, 0, length, w)
        for o in rule.other:
            y0 = w + rule.value * 2 + min_space_um(o)
            lay.box(o, 0, y0, length, y0 + _size(o))
        return lay.write(path)
    if rule.kind == "bend_radius":
        outer, inner = _annulus(rule.value * 1.2, 0.8)
        lay.polygon(rule.layer, outer, [inner])
        return lay.write(path)
    if rule.kind == "enclosure":
        w = _size(rule.layer)
        lay.box(rule.layer, 0, 0, w, w)
        return lay.write(path)
    if rule.kind == "inside":
        lay.box(rule.other[0], 0, 0, 20, 0.8)
        lay.box(rule.layer, 5, 0.3, 5.2, 0.5)
        return lay.write(path)
    raise AssertionError(rule.kind)
