"""The report page's stylesheet and script, inlined into every ``report.html``.

The page must open from disk with no server and no network, so nothing is fetched: plotly.js
comes from the installed ``plotly`` package and this module holds the rest. The table
sort/filter is a few lines of vanilla JS rather than a table library because it is all the
page needs and a library would add a second bundle to every report.

The layout script draws the chip at the level of detail the view asks for: the die and the
tile arrays' boxes always; tile outlines, qubitrons and then the tile's polygons (placed copies
of the one tile) only when few enough tiles are in view. It reads one JSON block (see
``flows.report_layout``) and restyles the traces on every zoom or pan.

Example:
    >>> "Plotly.newPlot" in SCRIPT and "table.sortable" in CSS
    True
"""

from __future__ import annotations

__all__ = ["CSS", "SCRIPT"]

CSS = """
body{font-family:system-ui,sans-serif;max-width:1200px;margin:1.5em auto;padding:0 1em;
color:#222}
h1{margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
nav a{margin-right:1em}
.cards{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.5em .9em;min-width:9em;background:#fafafa}
.card .v{font-size:1.5em;font-weight:600}.card .k{font-size:.85em;color:#555}
.pass{color:#1a7f37;font-weight:600}.fail{color:#c62828;font-weight:600}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th.asc::after{content:" \\25B2"}table.sortable th.desc::after{content:" \\25BC"}
input.filter{margin:.4em 0;padding:3px 6px;width:20em}
.plot{width:100%;min-height:380px}.plot.tall{min-height:620px}
.note{color:#555;font-size:.9em}
"""

SCRIPT = r"""
(function(){
"use strict";
function cellValue(td){
  const t = td.getAttribute("data-value") ?? td.textContent.trim();
  const n = parseFloat(t);
  return (t !== "" && isFinite(n) && /^[-+0-9.eE]+$/.test(t)) ? n : t.toLowerCase();
}
function makeSortable(table){
  const heads = table.querySelectorAll("thead th");
  heads.forEach((th, col) => th.addEventListener("click", () => {
    const asc = !th.classList.contains("asc");
    heads.forEach(h => h.classList.remove("asc", "desc"));
    th.classList.add(asc ? "asc" : "desc");
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      const c = (typeof x === typeof y) ? (x < y ? -1 : x > y ? 1 : 0)
                                        : (typeof x === "number" ? -1 : 1);
      return asc ? c : -c;
    });
    rows.forEach(r => body.appendChild(r));
  }));
}
function makeFilter(input){
  const table = document.getElementById(input.getAttribute("data-table"));
  input.addEventListener("input", () => {
    const q = input.value.toLowerCase();
    Array.from(table.tBodies[0].rows).forEach(r => {
      r.style.display = r.textContent.toLowerCase().includes(q) ? "" : "none";
    });
  });
}
const CONFIG = {responsive: true, displaylogo: false};
let TEMPLATE = null;
function readFigure(id){
  // one template for every figure, stored once in the page
  const fig = JSON.parse(document.getElementById(id).textContent);
  if (TEMPLATE === null) {
    const block = document.getElementById("plotly-template");
    TEMPLATE = block ? JSON.parse(block.textContent) : {};
  }
  if (!fig.layout.template) fig.layout.template = TEMPLATE;
  return fig;
}
function plotAll(){
  document.querySelectorAll("div.plot[data-fig]").forEach(div => {
    const fig = readFigure(div.getAttribute("data-fig"));
    Plotly.newPlot(div, fig.data, fig.layout, CONFIG);
  });
}
// ---- layout: levels of detail from the hierarchy ----
const MAX_TILE_BOXES = 3000, MAX_SITE_TILES = 400, MAX_POLYGON_POINTS = 200000;
function visibleRange(arr, bbox, lo, hi, axis){
  // element indices of an axis-aligned array whose tile box meets [lo, hi] along one axis
  const v = axis === 0 ? arr.a[0] : arr.b[1], n = axis === 0 ? arr.na : arr.nb;
  const o = arr.origin[axis], b0 = bbox[axis], b1 = bbox[axis + 2];
  if (n <= 1 || v === 0) return (o + b1 >= lo && o + b0 <= hi) ? [0, 0] : [0, -1];
  let i0 = Math.ceil((lo - o - b1) / v), i1 = Math.floor((hi - o - b0) / v);
  if (v < 0) {
    i0 = Math.ceil((hi - o - b0) / v);
    i1 = Math.floor((lo - o - b1) / v);
  }
  return [Math.max(0, i0), Math.min(n - 1, i1)];
}
function visibleTiles(geo, xr, yr){
  const out = [];
  let total = 0;
  for (const arr of geo.chip.arrays) {
    if (arr.a[1] !== 0 || arr.b[0] !== 0) continue;  // skewed arrays: boxes only
    const [i0, i1] = visibleRange(arr, geo.tile.bbox, xr[0], xr[1], 0);
    const [j0, j1] = visibleRange(arr, geo.tile.bbox, yr[0], yr[1], 1);
    if (i1 < i0 || j1 < j0) continue;
    total += (i1 - i0 + 1) * (j1 - j0 + 1);
    out.push({arr, i0, i1, j0, j1});
  }
  return {ranges: out, total};
}
function eachTile(vis, fn){
  for (const r of vis.ranges)
    for (let i = r.i0; i <= r.i1; i++)
      for (let j = r.j0; j <= r.j1; j++)
        fn(r.arr.origin[0] + i * r.arr.a[0] + j * r.arr.b[0],
           r.arr.origin[1] + i * r.arr.a[1] + j * r.arr.b[1], i, j);
}
function drawLayout(div, geo){
  const full = div._fullLayout;
  const xr = full.xaxis.range.slice().sort((a, b) => a - b);
  const yr = full.yaxis.range.slice().sort((a, b) => a - b);
  const vis = visibleTiles(geo, xr, yr);
  const tb = geo.tile.bbox;
  const bx = [], by = [];
  if (vis.total <= MAX_TILE_BOXES) eachTile(vis, (dx, dy) => {
    bx.push(dx + tb[0], dx + tb[2], dx + tb[2], dx + tb[0], dx + tb[0], null);
    by.push(dy + tb[1], dy + tb[1], dy + tb[3], dy + tb[3], dy + tb[1], null);
  });
  const sx = [], sy = [], sc = [], st = [];
  if (vis.total <= MAX_SITE_TILES) eachTile(vis, (dx, dy, i, j) => {
    for (const s of geo.qubitrons) {
      sx.push(dx + s.x); sy.push(dy + s.y); sc.push(s.value);
      st.push(`${s.name} of tile (${i}, ${j})<br>${s.text}`);
    }
  });
  const polyTiles = vis.total * Math.max(1, geo.tile.points) <= MAX_POLYGON_POINTS;
  const lx = geo.tile.layers.map(() => []), ly = geo.tile.layers.map(() => []);
  if (polyTiles) eachTile(vis, (dx, dy) => {
    geo.tile.layers.forEach((layer, k) => {
      const xs = lx[k], ys = ly[k];
      for (let p = 0; p < layer.x.length; p++) {
        const x = layer.x[p];
        xs.push(x === null ? null : x + dx);
        ys.push(x === null ? null : layer.y[p] + dy);
      }
    });
  });
  const first = geo.dynamic;
  const idx = [first, first + 1].concat(geo.tile.layers.map((_, k) => first + 2 + k));
  Plotly.restyle(div, {
    x: [bx, sx].concat(lx), y: [by, sy].concat(ly),
  }, idx);
  Plotly.restyle(div, {"marker.color": [sc], text: [st]}, [first + 1]);
  div.setAttribute("data-visible-tiles", String(vis.total));
  div.setAttribute("data-detail", polyTiles ? "polygons" : vis.total <= MAX_SITE_TILES
                   ? "qubitrons" : vis.total <= MAX_TILE_BOXES ? "tiles" : "arrays");
}
function plotLayout(){
  const div = document.getElementById("chip-view");
  if (!div) return;
  const geo = JSON.parse(document.getElementById("layout-data").textContent);
  const fig = readFigure("chip-view-fig");
  Plotly.newPlot(div, fig.data, fig.layout, CONFIG).then(() => {
    drawLayout(div, geo);
    let busy = false;
    div.on("plotly_relayout", () => {
      if (busy) return;
      busy = true;
      try { drawLayout(div, geo); } finally { busy = false; }
    });
  });
}
function makeLocate(link){
  // a number's place on the mask: zoom the chip view to it
  link.addEventListener("click", () => {
    const [x0, y0, x1, y1] = link.getAttribute("data-zoom").split(",").map(Number);
    Plotly.relayout("chip-view", {"xaxis.range": [x0, x1], "yaxis.range": [y0, y1]});
  });
}
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("a.locate").forEach(makeLocate);
  document.querySelectorAll("input.filter").forEach(makeFilter);
  plotAll();
  plotLayout();
});
})();
"""
