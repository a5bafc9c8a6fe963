"""Export the rule table as a KLayout DRC script (``.drc``) for use in the KLayout GUI.

The deck runs the same rules as ``qc_pdk.drc`` (deep mode, one report category per rule), so a
designer can check a layout interactively from *Tools > DRC* or in batch:

    klayout -b -r quantacore.drc -rd input=chip.gds -rd report=chip.lyrdb

Example:
    >>> from qc_pdk.drc_deck import drc_deck_text
    >>> "WG1.W.1" in drc_deck_text()
    True
"""

from __future__ import annotations

from pathlib import Path

from qc_pdk.bend_radius import _CONVEX_BREAK_RAD, RADIUS_TOLERANCE
from qc_pdk.cross_sections import WG_WIDTH_UM
from qc_pdk.drc import _BEND_WINDOW_FRACTION, WIDTH_IGNORE_ANGLE_DEG
from qc_pdk.layers import layer_by_name
from qc_pdk.rules import RULES, DesignRule

# Ruby port of qc_pdk.bend_radius: the KLayout application cannot import the toolkit's Python,
# so the deck carries its own copy of the curvature measurement (same window and tolerance).
_BEND_RADIUS_RUBY = r"""
def qc_area(p)
  a = 0.0
  p.size.times { |i| j = (i + 1) % p.size; a += p[i][0] * p[j][1] - p[j][0] * p[i][1] }
  0.5 * a
end

def qc_vertex_before(cum, s)
  j = cum.rindex { |c| c <= s }
  j.nil? ? 0 : j
end

def qc_vertex_after(cum, s)
  j = cum.index { |c| c >= s }
  j.nil? ? cum.size - 1 : j
end

def qc_circumradius(a, b, c)
  ab = Math.hypot(b[0] - a[0], b[1] - a[1])
  bc = Math.hypot(c[0] - b[0], c[1] - b[1])
  ca = Math.hypot(a[0] - c[0], a[1] - c[1])
  t = ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])).abs
  t < 1e-12 ? Float::INFINITY : ab * bc * ca / (2.0 * t)
end

def qc_tight(points, is_hole, limit, window, boxes)
  n = points.size
  return if n < 3
  area = qc_area(points)
  return if area == 0
  sense = (area > 0 ? 1.0 : -1.0) * (is_hole ? -1.0 : 1.0)
  turn = (0...n).map do |i|
    pv = points[i - 1]; v = points[i]; nx = points[(i + 1) % n]
    dx1 = v[0] - pv[0]; dy1 = v[1] - pv[1]; dx2 = nx[0] - v[0]; dy2 = nx[1] - v[1]
    Math.atan2(dx1 * dy2 - dy1 * dx2, dx1 * dx2 + dy1 * dy2)
  end
  concave = turn.map { |t| t * sense < -1e-9 }
  return unless concave.any?
  breaks = (0...n).select { |i| turn[i] * sense > BREAK_RAD }
  start = breaks.empty? ? 0 : breaks[0]
  order = (start...n).to_a + (0...start).to_a
  pts = order.map { |i| points[i] }
  conc = order.map { |i| concave[i] }
  is_break = Array.new(n, false)
  breaks.each { |b| is_break[(b - start) % n] = true }
  closed = breaks.empty?
  run_starts = (0...n).select { |i| is_break[i] }
  run_starts = [0] if run_starts.empty?
  run_starts.each_with_index do |rs, k|
    re = k + 1 < run_starts.size ? run_starts[k + 1] : n
    if closed
      idx = (0...3 * n).map { |i| i % n }
      centre = (n...2 * n)
    else
      idx = (rs..re).map { |i| i % n }
      centre = (1...idx.size - 1)
    end
    run = idx.map { |i| pts[i] }
    rconc = idx.map { |i| conc[i] }
    cum = [0.0]
    (1...run.size).each { |i| cum << cum[-1] + Math.hypot(run[i][0] - run[i - 1][0], run[i][1] - run[i - 1][1]) }
    group = nil
    last = nil
    centre.each do |i|
      next unless rconc[i]
      a = run[qc_vertex_before(cum, cum[i] - window)]
      c = run[qc_vertex_after(cum, cum[i] + window)]
      v = run[i]
      turn_w = (v[0] - a[0]) * (c[1] - v[1]) - (v[1] - a[1]) * (c[0] - v[0])
      next unless turn_w * sense < 0 && qc_circumradius(a, v, c) < limit
      if group && last && cum[i] - cum[last] > window
        boxes << group
        group = nil
      end
      b = RBA::DBox.new(RBA::DPoint.new(a[0], a[1]), RBA::DPoint.new(c[0], c[1])) + RBA::DPoint.new(run[i][0], run[i][1])
      group = group ? group + b : b
      last = i
    end
    boxes << group if group
  end
end

def qc_bend_markers(layer, min_inner_um, window_um)
  d = source.layout.dbu
  limit = min_inner_um * (1.0 - TOLERANCE)
  markers = RBA::Region.new
  # Iterating a region from Ruby visits every polygon in top-cell coordinates whether the
  # region is deep or flat, so a flat copy costs no hierarchy here; and KLayout 0.28.5's
  # DeepRegionIterator#increment crashed (signal 11) on 2-4 of 6 runs of the default chip.
  # (qc_pdk.drc, the project's own check, stays hierarchical: it walks each cell once.)
  merged = layer.merged.flatten
  region = merged.data
  region.each do |poly|
    boxes = []
    hull = poly.each_point_hull.map { |p| [p.x * d, p.y * d] }
    qc_tight(hull, false, limit, window_um, boxes)
    poly.holes.times do |h|
      qc_tight(poly.each_point_hole(h).map { |p| [p.x * d, p.y * d] }, true, limit, window_um, boxes)
    end
    boxes.each { |b| markers.insert(RBA::Box.new((b.left / d).round, (b.bottom / d).round, (b.right / d).round, (b.top / d).round)) }
  end
  DRC::DRCLayer.new(self, markers)
end
"""


def _rule_lines(r: DesignRule, var: dict[str, str]) -> list[str]:
    desc = f"{r.kind} {'/'.join(r.layers)} {r.value} {r.unit}: {r.reason}".replace('"', "'")
    out = lambda expr: f'{expr}.output("{r.name}", "{desc}")'  # noqa: E731
    a = var.get(r.layer, "")
    other = " + ".join(var[o] for o in r.other) if r.other else ""
    if r.kind == "width":
        return [out(f"{a}.width({r.value}.um, angle_limit({WIDTH_IGNORE_ANGLE_DEG}))")]
    if r.kind == "space":
        return [out(f"{a}.space({r.value}.um)")]
    if r.kind == "area":
        return [out(f"{a}.merged.with_area(nil, {r.value})")]
    if r.kind == "separation":
        return [out(f"{a}.separation({other}, {r.value}.um)")]
    if r.kind == "enclosure":
        return [out(f"{a}.enclosed({other}, {r.value}.um)"), out(f"({a} - ({other}))")]
    if r.kind == "inside":
        return [out(f"{a}.not_inside({other})")]
    if r.kind == "bend_radius":
        inner = r.value - WG_WIDTH_UM / 2
        window = _BEND_WINDOW_FRACTION * r.value
        return [out(f"qc_bend_markers({a}, {inner}, {window}).not_interacting(nobend)")]
    if r.kind == "grid":
        return [
            f"if {r.value} > source.layout.dbu * 1.5",
            "  layers.each do |li|",
            f'    input(li).ongrid({r.value}).output("{r.name}", "{desc}")',
            "  end",
            "end",
        ]
    raise ValueError(f"rule {r.name}: no deck translation for kind {r.kind!r}")  # pragma: no cover


def drc_deck_text() -> str:
    """The KLayout DRC script (Ruby DSL) for every rule of ``qc_pdk.rules.RULES``."""
    var = {name: name.lower() for name in layer_by_name()}
    lines = [
        "# QuantaCore DRC deck, generated from qc_pdk.rules by `quantacore pdk --drc-deck`.",
        "# Do not edit: regenerate from the rule table instead.",
        "# Batch use: klayout -b -r quantacore.drc -rd input=chip.gds -rd report=chip.lyrdb",
        "",
        "source($input) if $input",
        'report("QuantaCore DRC", $report || "quantacore_drc.lyrdb")',
        "deep",
        "threads(2)",
        f"BREAK_RAD = {_CONVEX_BREAK_RAD}",
        f"TOLERANCE = {RADIUS_TOLERANCE}",
        _BEND_RADIUS_RUBY,
    ]
    for name, (layer, datatype) in layer_by_name().items():
        lines.append(f"{var[name]} = input({layer}, {datatype})")
    lines.append("")
    for r in RULES:
        lines.append(f"# {r.name}: {r.reason}")
        lines += _rule_lines(r, var)
    return "\n".join(lines) + "\n"


def write_drc_deck(path: str | Path) -> Path:
    """Write the deck to ``path`` (conventionally ``*.drc``); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(drc_deck_text())
    return path
