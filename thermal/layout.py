"""Heat sources, rings and trenches read hierarchically from a GDS file or a gdsfactory cell.

Nothing is flattened: KLayout's ``RecursiveInstanceIterator`` lists the placements (with their
full transforms) of the few cells that matter, and each cell's geometry is read once in its own
frame.

* **Heater cells**: cells that draw HEATER (47/0) shapes themselves which are not covered by M1
  of the cell's subtree (contacts: current runs in the metal there). The resistive region
  HEATER - M1 is where the power is dissipated, uniformly per area (equal-width TiN strip and
  leads in ``components._heater``; the short stubs beyond the leads carry no current, a
  small over-estimate of the heated length). Each placement of a heater cell is one heater.
  The heater cell's own metal (HEATER, VIAC, M1, VIA1, M2) is part of its thermal model.
* **Rings**: cells whose gdsfactory info (stored by gdsfactory/kfactory in the GDS as
  ``kfactory:info`` meta data, and present on a Component) holds ``ring_centre_um`` and
  ``radius_um`` (``components.ring_adddrop``, used by ``qubitron`` and ``ring_switch``); a cell
  containing such a cell (``ring_switch`` copies the info) is not counted twice. The ring's
  centreline is the racetrack of ``radius_um``, ``length_x_um``, ``length_y_um`` around the
  centre, on the WG layer its subtree draws. A GDS written without meta data yields no rings.
* **Trenches**: TRENCH (70/0) shapes, queried per heater window only.
* **Coolant channels**: FLUID (71/0) shapes, each a microfluidic channel through the oxide
  stack (the ``fluid`` level of the layer stack) along its longer side, with laminar
  convective walls (``thermal.cooling.CoolantChannel``).

Example:
    >>> import gdsfactory as gf
    >>> from components.ring_switch import ring_switch
    >>> c = gf.Component()
    >>> _ = c << ring_switch()
    >>> lay = read_layout(c)
    >>> len(lay.heaters), len(lay.rings), lay.rings[0].level
    (1, 1, 'wg1')
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import klayout.db as kdb
import numpy as np

from qc_pdk.layers import LAYER
from thermal.cooling import CoolantChannel
from thermal.stack import LAYER_OF_LEVEL, level_z_um

__all__ = [
    "HeaterCell",
    "LayoutThermal",
    "RingSpec",
    "affine_of",
    "read_layout",
    "ring_centreline_um",
]

METAL_LEVELS = ("heater", "viac", "m1", "via1", "m2")


def _lt(layer: Any) -> tuple[int, int]:
    return (int(layer.layer), int(layer.datatype)) if hasattr(layer, "layer") else tuple(layer)


HEATER_LAYER = _lt(LAYER.HEATER)
M1_LAYER = _lt(LAYER.M1)
TRENCH_LAYER = _lt(LAYER.TRENCH)
FLUID_LAYER = _lt(LAYER.FLUID)


def affine_of(t: kdb.DCplxTrans) -> np.ndarray:
    """2x3 affine matrix [[a, b, tx], [c, d, ty]] of a KLayout transform (um)."""
    a = math.radians(t.angle)
    m = -1.0 if t.is_mirror() else 1.0
    rot = t.mag * np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    lin = rot @ np.diag([1.0, m])
    return np.array([[lin[0, 0], lin[0, 1], t.disp.x], [lin[1, 0], lin[1, 1], t.disp.y]])


def apply_affine(a: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Apply a 2x3 affine ``a`` to an (N, 2) array of points."""
    return pts @ a[:, :2].T + a[:, 2]


@dataclass
class HeaterCell:
    """A heater cell: resistive polygons and its own metal prisms, both in the cell frame (um)."""

    cell_index: int
    name: str
    resistive_um: list[np.ndarray]
    metal_um: dict[str, list[np.ndarray]]
    bbox_um: tuple[float, float, float, float]  # of the resistive region

    def signature(self, grid_um: float = 0.05) -> tuple[Any, ...]:
        """Geometry key (rounded to ``grid_um``): identical heaters share one kernel."""
        def key(polys: list[np.ndarray]) -> tuple[Any, ...]:
            return tuple(sorted(tuple(np.round(p / grid_um).astype(int).ravel()) for p in polys))

        return (key(self.resistive_um),) + tuple(
            (lv, key(self.metal_um.get(lv, []))) for lv in METAL_LEVELS
        )


@dataclass
class RingSpec:
    """A ring cell's centreline parameters (um, in the ring cell's frame) and its WG level."""

    cell_index: int
    name: str
    centre_um: tuple[float, float]
    radius_um: float
    length_x_um: float
    length_y_um: float
    level: str

    def shape_key(self) -> tuple[Any, ...]:
        return (round(self.centre_um[0], 3), round(self.centre_um[1], 3), round(self.radius_um, 4),
                round(self.length_x_um, 3), round(self.length_y_um, 3), self.level)


def ring_centreline_um(ring: RingSpec, *, spacing_um: float = 2.0) -> np.ndarray:
    """Points (N, 2) evenly spaced along the racetrack centreline, in the ring cell frame.

    Example:
        >>> r = RingSpec(0, "r", (0.0, 0.0), 10.0, 0.0, 0.0, "wg2")
        >>> p = ring_centreline_um(r)
        >>> bool(np.allclose(np.hypot(p[:, 0], p[:, 1]), 10.0))
        True
    """
    r, lx, ly = ring.radius_um, ring.length_x_um, ring.length_y_um
    perim = 2 * math.pi * r + 2 * lx + 2 * ly
    n = max(16, int(math.ceil(perim / spacing_um)))
    s = (np.arange(n) + 0.5) * perim / n
    # segments: right straight (up), top-right arc, top straight (left), top-left arc, ...
    segs = [("line", (r + lx / 2, -ly / 2), (0.0, 1.0), ly),
            ("arc", (lx / 2, ly / 2), 0.0, math.pi / 2 * r),
            ("line", (lx / 2, ly / 2 + r), (-1.0, 0.0), lx),
            ("arc", (-lx / 2, ly / 2), math.pi / 2, math.pi / 2 * r),
            ("line", (-lx / 2 - r, ly / 2), (0.0, -1.0), ly),
            ("arc", (-lx / 2, -ly / 2), math.pi, math.pi / 2 * r),
            ("line", (-lx / 2, -ly / 2 - r), (1.0, 0.0), lx),
            ("arc", (lx / 2, -ly / 2), 1.5 * math.pi, math.pi / 2 * r)]
    out = np.zeros((n, 2))
    start = 0.0
    for kind, p0, d, length in segs:
        sel = (s >= start) & (s < start + length)
        u = s[sel] - start
        if kind == "line":
            out[sel] = np.column_stack([p0[0] + d[0] * u, p0[1] + d[1] * u])  # type: ignore[index]
        else:
            ang = float(d) + u / r  # type: ignore[arg-type]
            out[sel] = np.column_stack([p0[0] + r * np.cos(ang), p0[1] + r * np.sin(ang)])
        start += length
    return out + np.asarray(ring.centre_um)


@dataclass
class LayoutThermal:
    """What the thermal model needs from a layout (all coordinates in um, top-cell frame).

    ``heater_affine`` (H, 2, 3) and ``ring_affine`` (R, 2, 3) are the placements' transforms;
    ``heater_cell`` / ``ring_cell`` index ``heater_cells`` / ``ring_specs``.
    """

    layout: kdb.Layout
    top: kdb.Cell
    heater_cells: list[HeaterCell]
    heater_cell: np.ndarray
    heater_affine: np.ndarray
    ring_specs: list[RingSpec]
    ring_cell: np.ndarray
    ring_affine: np.ndarray
    has_trenches: bool
    source: str
    _ring_points: dict[int, np.ndarray] = field(default_factory=dict)

    @property
    def heaters(self) -> list[tuple[int, np.ndarray]]:
        return list(zip(self.heater_cell.tolist(), self.heater_affine, strict=True))

    @property
    def rings(self) -> list[RingSpec]:
        return [self.ring_specs[i] for i in self.ring_cell]

    def heater_centres_um(self) -> np.ndarray:
        """(H, 2) centres of the heaters' resistive regions."""
        local = np.array([[(h.bbox_um[0] + h.bbox_um[2]) / 2, (h.bbox_um[1] + h.bbox_um[3]) / 2]
                          for h in self.heater_cells]).reshape(-1, 2)
        if self.heater_cell.size == 0:
            return np.zeros((0, 2))
        loc = local[self.heater_cell]
        a = self.heater_affine
        return np.einsum("nij,nj->ni", a[:, :, :2], loc) + a[:, :, 2]

    def ring_points_local(self, spec_index: int, spacing_um: float = 2.0) -> np.ndarray:
        if spec_index not in self._ring_points:
            self._ring_points[spec_index] = ring_centreline_um(
                self.ring_specs[spec_index], spacing_um=spacing_um)
        return self._ring_points[spec_index]

    def ring_centres_um(self) -> np.ndarray:
        """(R, 2) ring centres in the top frame."""
        if self.ring_cell.size == 0:
            return np.zeros((0, 2))
        loc = np.array([self.ring_specs[i].centre_um for i in self.ring_cell])
        a = self.ring_affine
        return np.einsum("nij,nj->ni", a[:, :, :2], loc) + a[:, :, 2]

    def trenches_in_box_um(self, box_um: tuple[float, float, float, float]) -> list[np.ndarray]:
        """TRENCH polygons (top frame, um) touching ``box_um`` = (x0, y0, x1, y1)."""
        if not self.has_trenches:
            return []
        li = self.layout.find_layer(*TRENCH_LAYER)
        dbox = kdb.DBox(*box_um)
        it = kdb.RecursiveShapeIterator(self.layout, self.top, li, dbox.to_itype(self.layout.dbu))
        out = []
        for s in it.each():
            poly = s.shape().dpolygon
            if poly is None:
                continue
            poly = poly.transformed(s.dtrans())
            out.append(np.array([(p.x, p.y) for p in poly.each_point_hull()]))
        return out

    def coolant_channels(self) -> list[CoolantChannel]:
        """The FLUID shapes as coolant channels (top frame; each shape's bounding box)."""
        li = self.layout.find_layer(*FLUID_LAYER)
        if li is None:
            return []
        z0, z1 = level_z_um("fluid")
        region = kdb.Region(kdb.RecursiveShapeIterator(self.layout, self.top, li))
        out = []
        for poly in region.merged().each():
            b = poly.bbox().to_dtype(self.layout.dbu)
            out.append(CoolantChannel(
                xmin_um=b.left, xmax_um=b.right, ymin_um=b.bottom, ymax_um=b.top,
                zmin_um=z0, zmax_um=z1, axis="y" if b.height() >= b.width() else "x"))
        return out


def _layout_from(source: Any) -> tuple[kdb.Layout, str]:
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"component_or_gds_path: no such GDS file {str(path)!r}")
        ly = kdb.Layout()
        ly.read(str(path))
        return ly, str(path)
    if hasattr(source, "write_gds"):
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "thermal_input.gds"
            source.write_gds(p)
            ly = kdb.Layout()
            ly.read(str(p))
        return ly, f"component {getattr(source, 'name', '?')}"
    raise ValueError(
        f"component_or_gds_path must be a GDS path or a gdsfactory Component, got {type(source)}"
    )


def _polys(layout: kdb.Layout, region: kdb.Region) -> list[np.ndarray]:
    dbu = layout.dbu
    return [np.array([(p.x * dbu, p.y * dbu) for p in poly.each_point_hull()])
            for poly in region.each()]


def _cell_region(layout: kdb.Layout, cell: kdb.Cell, lt: tuple[int, int], rec: bool) -> kdb.Region:
    li = layout.find_layer(*lt)
    if li is None:
        return kdb.Region()
    if rec:
        return kdb.Region(cell.begin_shapes_rec(li))
    return kdb.Region(cell.shapes(li))


def _placements(layout: kdb.Layout, top: kdb.Cell, targets: list[int]) -> list[tuple[int, Any]]:
    out: list[tuple[int, Any]] = []
    if not targets:
        return out
    if top.cell_index() in targets:
        out.append((top.cell_index(), kdb.DCplxTrans()))
    it = kdb.RecursiveInstanceIterator(layout, top)
    it.targets = targets
    for x in it.each():
        out.append((x.inst_cell().cell_index(), x.dtrans() * x.inst_dtrans()))
    return out


def _ring_info(cell: kdb.Cell) -> dict[str, Any] | None:
    for m in cell.each_meta_info():
        if m.name == "kfactory:info" and isinstance(m.value, dict):
            v = m.value
            if "ring_centre_um" in v and "radius_um" in v:
                return v
    return None


def read_layout(component_or_gds_path: Any, *, top_cell: str | None = None) -> LayoutThermal:
    """Heaters, rings and trench presence of a layout (see the module docstring).

    Args:
        component_or_gds_path: a gdsfactory Component or the path of a GDS file.
        top_cell: name of the top cell (default: the layout's single top cell).

    Returns:
        ``LayoutThermal``.

    Raises:
        ValueError: missing file, unknown top cell, several top cells and no ``top_cell``.
    """
    ly, src = _layout_from(component_or_gds_path)
    if top_cell is not None:
        top = ly.cell(top_cell)
        if top is None:
            raise ValueError(f"top_cell {top_cell!r} is not in the layout")
    else:
        tops = ly.top_cells()
        if len(tops) != 1:
            raise ValueError(f"top_cell must be given: the layout has {len(tops)} top cells")
        top = tops[0]
    dbu = ly.dbu
    heater_cells: list[HeaterCell] = []
    hmap: dict[int, int] = {}
    li_h = ly.find_layer(*HEATER_LAYER)
    for cell in ly.each_cell():
        if li_h is None or cell.shapes(li_h).is_empty():
            continue
        own = _cell_region(ly, cell, HEATER_LAYER, rec=False)
        res = own - _cell_region(ly, cell, M1_LAYER, rec=True)
        if res.is_empty():
            continue
        res.merge()
        b = res.bbox()
        metal = {lv: _polys(ly, _cell_region(ly, cell, LAYER_OF_LEVEL[lv], rec=True).merged())
                 for lv in METAL_LEVELS}
        hmap[cell.cell_index()] = len(heater_cells)
        heater_cells.append(HeaterCell(
            cell_index=cell.cell_index(), name=cell.name, resistive_um=_polys(ly, res),
            metal_um=metal, bbox_um=(b.left * dbu, b.bottom * dbu, b.right * dbu, b.top * dbu)))
    ring_cells = {c.cell_index(): info for c in ly.each_cell() if (info := _ring_info(c))}
    nested = {ci for ci in ring_cells
              if any(ch in ring_cells for ch in _descendants(ly, ci))}
    specs: list[RingSpec] = []
    rmap: dict[int, int] = {}
    for ci, info in ring_cells.items():
        if ci in nested:
            continue
        cell = ly.cell(ci)
        level = _wg_level(ly, cell)
        rmap[ci] = len(specs)
        specs.append(RingSpec(
            cell_index=ci, name=cell.name,
            centre_um=(float(info["ring_centre_um"][0]), float(info["ring_centre_um"][1])),
            radius_um=float(info["radius_um"]), length_x_um=float(info.get("length_x_um", 0.0)),
            length_y_um=float(info.get("length_y_um", 0.0)), level=level))
    hp = _placements(ly, top, list(hmap))
    rp = _placements(ly, top, list(rmap))
    li_t = ly.find_layer(*TRENCH_LAYER)
    has_tr = li_t is not None and not kdb.RecursiveShapeIterator(ly, top, li_t).at_end()
    return LayoutThermal(
        layout=ly, top=top, heater_cells=heater_cells,
        heater_cell=np.array([hmap[c] for c, _ in hp], dtype=np.int64),
        heater_affine=np.array([affine_of(t) for _, t in hp]).reshape(-1, 2, 3),
        ring_specs=specs,
        ring_cell=np.array([rmap[c] for c, _ in rp], dtype=np.int64),
        ring_affine=np.array([affine_of(t) for _, t in rp]).reshape(-1, 2, 3),
        has_trenches=has_tr, source=src,
    )


def _descendants(ly: kdb.Layout, ci: int) -> list[int]:
    return list(ly.cell(ci).called_cells())


def _wg_level(ly: kdb.Layout, cell: kdb.Cell) -> str:
    best, area = "wg2", -1.0
    for lv in ("wg1", "wg2"):
        a = float(_cell_region(ly, cell, LAYER_OF_LEVEL[lv], rec=True).area())
        if a > area:
            best, area = lv, a
    return best
