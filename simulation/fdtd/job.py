"""FDTD job description built from a gdsfactory component (geometry, ports, band, resolution).

A job is the complete, canonical question asked of MEEP: refractive-index polygons (already
reduced to 2D by the effective-index method, or prisms in z for 3D), ports with their source
and monitor planes, wavelengths, resolution. Its sha256 over canonical JSON is the cache key.

Geometry comes from the component's own polygons on the waveguide layers (WG1, WG2), flattened
with KLayout (meant for small cells: one device, not a chip). Every optical port gets a
straight stub running out through the PML so the guided mode leaves the cell without
reflection; sources and monitors sit on that stub, 0.8 um and 0.3 um outside the port.

Reduction to 2D (``dimension=2``, default):

- top view (``plane="xy"``): core index = TE slab index of the 0.3 um SiN film
  (``slab_effective_index``), cladding SiO2; E in the plane (meep EVEN_Z), which is the
  polarisation of the strip's TE-like mode at its sidewalls;
- side view (``plane="xz"``, chosen automatically when WG1 and WG2 overlap, e.g. the
  interlayer coupler): at each x each layer's core is a film of the layer-stack thickness at
  the layer-stack height, with the index of a TM slab of the local core width; E along the
  width (meep ODD_Z). All ports must then face east or west.

``dimension=3`` extrudes the polygons over the layer stack (SiN cores in SiO2).

Example:
    >>> import gdsfactory as gf
    >>> job = build_job(gf.components.straight(length=2.0), resolution_px_per_um=10)
    >>> [p["name"] for p in job.payload["ports"]], len(job.hash)
    (['o1', 'o2'], 64)
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from components.models.waveguide_modes import _slab_neff, n_sin, n_sio2, slab_effective_index
from qc_pdk.layer_stack import LAYER_STACK
from qc_pdk.layers import LAYER, WAVEGUIDE_LAYERS

__all__ = [
    "DEFAULT_RESOLUTION_PX_PER_UM",
    "DEFAULT_WL_UM",
    "FdtdJob",
    "build_job",
    "canonical_json",
    "job_hash",
]

# three wavelengths across the C band: enough for loss vs wl, cheap to monitor
DEFAULT_WL_UM: tuple[float, ...] = (1.53, 1.55, 1.57)
# ~13 px per wavelength in the SiN slab (lambda/n = 0.93 um): S-parameters to ~0.01 dB on a
# straight; use the convergence helper for more.
DEFAULT_RESOLUTION_PX_PER_UM = 14.0
PML_UM = 1.0
MONITOR_OFFSET_UM = 0.3  # monitor plane outside the port (between device and source)
SOURCE_OFFSET_UM = 0.8
SOURCE_TO_PML_UM = 0.4
MARGIN_UM = 1.5  # cladding around the core: ~4 evanescent decay lengths of the 2D mode
MAX_PIXELS_2D = 4_000_000  # guard: the FDTD layer is for single small cells
MAX_VOXELS_3D = 60_000_000

_STACK_LEVEL = {"WG1": "wg1", "WG2": "wg2", "WG3": "wg3"}


@dataclass(frozen=True)
class FdtdJob:
    """One FDTD question: ``payload`` is the worker's job schema (see ``worker.py``).

    Attributes:
        payload: canonical job dict (hashed; everything that changes the answer).
        label: human-readable name (not hashed: the same geometry under another name is
            the same question).
        port_layers: ``{port: layer name}`` (informative).
    """

    payload: dict[str, Any]
    label: str = "job"
    port_layers: dict[str, str] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        """sha256 hex digest of the canonical payload (the cache key)."""
        return job_hash(self.payload)

    @property
    def port_names(self) -> list[str]:
        return [p["name"] for p in self.payload["ports"]]

    @property
    def wl_um(self) -> list[float]:
        return list(self.payload["wl_um"])

    def with_resolution(self, resolution_px_per_um: float) -> FdtdJob:
        """The same job at another resolution (px/um)."""
        payload = json.loads(json.dumps(self.payload))
        payload["resolution_px_per_um"] = float(resolution_px_per_um)
        return FdtdJob(payload=payload, label=self.label, port_layers=dict(self.port_layers))


def canonical_json(payload: dict[str, Any]) -> str:
    """Deterministic JSON text (sorted keys, no spaces).

    Example:
        >>> canonical_json({"b": 1, "a": [1.0, 2]})
        '{"a":[1.0,2],"b":1}'
    """
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def job_hash(payload: dict[str, Any]) -> str:
    """sha256 of :func:`canonical_json` (hex).

    Example:
        >>> job_hash({"a": 1}) == job_hash({"a": 1}) != job_hash({"a": 2})
        True
    """
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def _r(x: float) -> float:
    # 0.1 nm: below the 1 nm database unit, so rounding never merges distinct layouts
    return round(float(x), 4)


def _layer_polygons(component: gf.Component, layer_name: str) -> list[list[list[float]]]:
    """Merged, flattened, hole-free polygons of one layer in um."""
    layer = getattr(LAYER, layer_name)
    li = component.kcl.layer(int(layer.layer), int(layer.datatype))
    region = kdb.Region(component.begin_shapes_rec(li))
    region.merge()
    dbu = component.kcl.dbu
    out = []
    for poly in region.each():
        # Convex pieces (klayout's convex decomposition, preferring few pieces): meep's
        # subpixel averaging against one prism costs O(vertices) per pixel, so a 180-vertex
        # bend spends ~95 % of a run in set_epsilon, while ~4-vertex pieces are found through
        # meep's geometry tree. It also removes holes (ring annuli), which prisms cannot have.
        for piece in poly.decompose_convex(kdb.Polygon.PO_any):
            pts = [[_r(p.x * dbu), _r(p.y * dbu)] for p in piece.each_point()]
            if len(pts) >= 3:
                out.append(pts)
    return out


def _layer_of_port(port: Any) -> str:
    name = getattr(port.layer, "name", None) or str(gf.get_layer(port.layer))
    for wl in WAVEGUIDE_LAYERS:
        if name == wl or gf.get_layer(port.layer) == gf.get_layer(getattr(LAYER, wl)):
            return wl
    raise ValueError(f"port {port.name!r} is on layer {name}, not a waveguide layer")


def _stack_z(layer_name: str) -> tuple[float, float]:
    level = LAYER_STACK.layers[_STACK_LEVEL[layer_name]]
    return float(level.zmin), float(level.zmin + level.thickness)


def _ports(component: gf.Component) -> list[dict[str, Any]]:
    ports = []
    for p in component.ports:
        if p.port_type != "optical":
            continue
        ang = float(p.orientation) % 360.0
        k = round(ang / 90.0) % 4
        if abs(ang - 90.0 * round(ang / 90.0)) > 1e-6:
            raise ValueError(
                f"port {p.name!r} has orientation {ang} deg; FDTD ports must be "
                "Manhattan (0/90/180/270)"
            )
        ux, uy = [(1, 0), (0, 1), (-1, 0), (0, -1)][k]
        ports.append(
            {
                "name": p.name,
                "x": float(p.center[0]),
                "y": float(p.center[1]),
                "ux": ux,
                "uy": uy,
                "width": float(p.width),
                "layer": _layer_of_port(p),
            }
        )
    if not ports:
        raise ValueError(f"component {component.name!r} has no optical ports")
    return sorted(ports, key=lambda q: q["name"])


def _stub(p: dict[str, Any], length_um: float) -> list[list[float]]:
    """Rectangle continuing the port's waveguide ``length_um`` outward."""
    hw = p["width"] / 2
    x0, y0, ux, uy = p["x"], p["y"], p["ux"], p["uy"]
    x1, y1 = x0 + ux * length_um, y0 + uy * length_um
    if ux:
        xs, ys = sorted((x0, x1)), [y0 - hw, y0 + hw]
    else:
        xs, ys = [x0 - hw, x0 + hw], sorted((y0, y1))
    return [
        [_r(xs[0]), _r(ys[0])],
        [_r(xs[1]), _r(ys[0])],
        [_r(xs[1]), _r(ys[1])],
        [_r(xs[0]), _r(ys[1])],
    ]


def _port_out_um(pml_um: float) -> float:
    return SOURCE_OFFSET_UM + SOURCE_TO_PML_UM + pml_um


def _bounds_2d(
    polys: Sequence[Sequence[Sequence[float]]],
    ports: list[dict[str, Any]],
    pml_um: float,
    margin_um: float,
) -> dict[str, float]:
    pts = np.array([pt for poly in polys for pt in poly], dtype=float)
    lo = pts.min(axis=0) - margin_um - pml_um
    hi = pts.max(axis=0) + margin_um + pml_um
    out = _port_out_um(pml_um)
    for p in ports:  # the cell ends just past the PML behind each port's source
        if p["ux"] > 0:
            hi[0] = p["x"] + out
        elif p["ux"] < 0:
            lo[0] = p["x"] - out
        elif p["uy"] > 0:
            hi[1] = p["y"] + out
        else:
            lo[1] = p["y"] - out
    return {"xmin": _r(lo[0]), "xmax": _r(hi[0]), "ymin": _r(lo[1]), "ymax": _r(hi[1])}


def _port_planes(
    p: dict[str, Any],
    cell: dict[str, float],
    pml_um: float,
    margin_um: float,
    centre_across: float,
    z: float,
    size_z: float,
) -> dict[str, Any]:
    """Source/monitor centres and the plane size across the guide, clipped to the non-PML cell."""
    along = "x" if p["ux"] else "y"
    u = p["ux"] or p["uy"]
    base = p["x"] if along == "x" else p["y"]
    lo_key, hi_key = ("ymin", "ymax") if along == "x" else ("xmin", "xmax")
    half = p["width"] / 2 + margin_um
    lo = max(centre_across - half, cell[lo_key] + pml_um)
    hi = min(centre_across + half, cell[hi_key] - pml_um)
    mid, span = (lo + hi) / 2, hi - lo

    def at(offset: float) -> list[float]:
        c = base + u * offset
        return [_r(c), _r(mid), _r(z)] if along == "x" else [_r(mid), _r(c), _r(z)]

    size = [0.0, _r(span), _r(size_z)] if along == "x" else [_r(span), 0.0, _r(size_z)]
    return {
        "name": p["name"],
        "axis": along,
        "outward": int(u),
        "source": at(SOURCE_OFFSET_UM),
        "monitor": at(MONITOR_OFFSET_UM),
        "size": size,
    }


def _snap(cell: dict[str, float], res: float, dimension: int) -> dict[str, float]:
    """Grow the cell to a whole number of pixels (meep would round it silently)."""
    out = dict(cell)
    axes = ("x", "y", "z") if dimension == 3 else ("x", "y")
    for a in axes:
        span = out[f"{a}max"] - out[f"{a}min"]
        out[f"{a}max"] = _r(out[f"{a}min"] + math.ceil(span * res - 1e-6) / res)
    return out


def _layers_overlap(polys: dict[str, list[list[list[float]]]]) -> bool:
    """True when cores of two waveguide layers overlap in plan view (a vertical transition)."""
    regs = []
    for n in WAVEGUIDE_LAYERS:
        if not polys.get(n):
            continue
        r = kdb.Region()
        for poly in polys[n]:
            r.insert(kdb.DPolygon([kdb.DPoint(x, y) for x, y in poly]).to_itype(0.001))
        regs.append(r)
    return any(not (a & b).is_empty() for i, a in enumerate(regs) for b in regs[i + 1:])


def _width_profile(polys: list[list[list[float]]], xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(total core width, width-weighted centre) of a layer along vertical cut lines x."""
    import shapely.geometry as sg
    import shapely.ops as so

    shape = so.unary_union([sg.Polygon(p) for p in polys]) if polys else sg.Polygon()
    widths = np.zeros(len(xs))
    for i, x in enumerate(xs):
        cut = shape.intersection(sg.LineString([(x, -1e6), (x, 1e6)]))
        widths[i] = cut.length
    return widths, xs


def _side_view(
    polys: dict[str, list[list[list[float]]]],
    ports: list[dict[str, Any]],
    wl0: float,
    resolution: float,
    pml_um: float,
    margin_um: float,
) -> tuple[list[dict[str, Any]], dict[str, float], list[dict[str, Any]]]:
    if any(p["uy"] for p in ports):
        raise ValueError("side-view (xz) FDTD needs all ports facing east or west")
    ncore, nclad = float(n_sin(wl0)), float(n_sio2(wl0))
    allx = [pt[0] for ps in polys.values() for poly in ps for pt in poly]
    x0, x1 = min(allx), max(allx)
    # sample at the grid pitch; merge runs whose width differs < 5 nm (index step < 1e-3)
    xs = np.arange(x0, x1, 1.0 / resolution) + 0.5 / resolution
    geometry: list[dict[str, Any]] = []
    zs: list[float] = []
    for name in WAVEGUIDE_LAYERS:
        if not polys.get(name):
            continue
        zmin, zmax = _stack_z(name)
        zs += [zmin, zmax]
        widths, _ = _width_profile(polys[name], xs)
        w_q = np.round(widths / 0.005) * 0.005  # widths quantised to 5 nm
        start = 0
        for i in range(1, len(xs) + 1):
            if i == len(xs) or w_q[i] != w_q[start]:
                w = float(w_q[start])
                if w > 0.05:
                    n = _slab_neff(wl0, w, ncore, nclad, tm=True)
                    xa = x0 + start / resolution
                    xb = x0 + i / resolution if i < len(xs) else x1
                    geometry.append(
                        {
                            "vertices": [
                                [_r(xa), _r(zmin)],
                                [_r(xb), _r(zmin)],
                                [_r(xb), _r(zmax)],
                                [_r(xa), _r(zmax)],
                            ],
                            "index": round(n, 6),
                            "zmin": 0.0,
                            "zmax": 0.0,
                        }
                    )
                start = i
    zlo, zhi = min(zs), max(zs)
    out = _port_out_um(pml_um)
    cell = {
        "xmin": x0 - margin_um - pml_um,
        "xmax": x1 + margin_um + pml_um,
        "ymin": _r(zlo - margin_um - pml_um),
        "ymax": _r(zhi + margin_um + pml_um),
    }
    side_ports = []
    for p in ports:
        if p["ux"] > 0:
            cell["xmax"] = p["x"] + out
        else:
            cell["xmin"] = p["x"] - out
    cell = {k: _r(v) for k, v in cell.items()}
    for p in ports:
        zmin, zmax = _stack_z(p["layer"])
        # the stub was added to the polygons already, so its width profile is the port's
        q = dict(p, y=(zmin + zmax) / 2, width=zmax - zmin)
        side_ports.append(_port_planes(q, cell, pml_um, margin_um, q["y"], 0.0, 0.0))
    return geometry, cell, side_ports


def build_job(
    component: gf.Component,
    *,
    wl_um: Sequence[float] = DEFAULT_WL_UM,
    resolution_px_per_um: float = DEFAULT_RESOLUTION_PX_PER_UM,
    dimension: int = 2,
    plane: str = "auto",
    source_ports: Sequence[str] | None = None,
    margin_um: float = MARGIN_UM,
    pml_um: float = PML_UM,
    decay_by: float = 1e-4,
    label: str | None = None,
) -> FdtdJob:
    """Job for ``component``'s S-parameters.

    Args:
        component: any gdsfactory component with optical ports on WG1/WG2 (Manhattan).
        wl_um: wavelengths in um where S is reported.
        resolution_px_per_um: FDTD grid resolution (pixels per um).
        dimension: 2 (effective index, fast) or 3 (full layer stack).
        plane: 2D only: ``"xy"`` (top view), ``"xz"`` (side view), ``"auto"`` (xz when WG1 and
            WG2 overlap, else xy).
        source_ports: ports to excite (one FDTD run each); default all optical ports.
        margin_um: cladding kept around the cores (um).
        pml_um: PML thickness (um).
        decay_by: stop when the monitored DFT fields change by less than this fraction.
        label: name for messages and reports (default the component's name).

    Returns:
        the :class:`FdtdJob`.

    Raises:
        ValueError: no optical ports, non-Manhattan ports, nothing on WG1/WG2, a cell too
            large for the FDTD layer, or bad parameters (naming them).
    """
    if dimension not in (2, 3):
        raise ValueError(f"dimension must be 2 or 3, got {dimension!r}")
    res = float(resolution_px_per_um)
    if not (res > 0 and math.isfinite(res)):
        raise ValueError(f"resolution_px_per_um must be > 0, got {resolution_px_per_um!r}")
    wls = [float(w) for w in np.atleast_1d(np.asarray(wl_um, dtype=float))]
    if not wls or min(wls) <= 0:
        raise ValueError(f"wl_um must be positive wavelengths in um, got {wl_um!r}")
    wl0 = float(np.mean(wls))
    ports = _ports(component)
    names = [p["name"] for p in ports]
    src = list(source_ports) if source_ports is not None else names
    for s in src:
        if s not in names:
            raise ValueError(f"source port {s!r} is not an optical port ({', '.join(names)})")
    stub_len = _port_out_um(pml_um) + 0.5
    polys = {n: _layer_polygons(component, n) for n in WAVEGUIDE_LAYERS}
    if not any(polys.values()):
        raise ValueError(f"component {component.name!r} has no polygons on WG1/WG2")
    overlap = _layers_overlap(polys)
    for p in ports:
        polys[p["layer"]].append(_stub(p, stub_len))
    if plane == "auto":
        plane = "xz" if (dimension == 2 and overlap) else "xy"
    if plane not in ("xy", "xz"):
        raise ValueError(f"plane must be 'auto', 'xy' or 'xz', got {plane!r}")
    nclad = float(n_sio2(wl0))
    payload: dict[str, Any] = {
        "dimension": dimension,
        "wl_um": wls,
        "resolution_px_per_um": res,
        "pml_um": float(pml_um),
        "background_index": round(nclad, 6),
        "source_ports": src,
        "decay_by": float(decay_by),
        "max_time": 3000.0,
    }
    if dimension == 2 and plane == "xz":
        geometry, cell, jports = _side_view(polys, ports, wl0, res, pml_um, margin_um)
        cell.update(zmin=0.0, zmax=0.0)
        payload.update(polarization="tm", plane="xz")
    else:
        allpolys = [poly for ps in polys.values() for poly in ps]
        cell = _bounds_2d(allpolys, ports, pml_um, margin_um)
        if dimension == 2:
            if overlap:
                raise ValueError("WG1 and WG2 overlap: use plane='xz' or dimension=3")
            ncore = slab_effective_index(wl0)
            geometry = [
                {"vertices": poly, "index": round(ncore, 6), "zmin": 0.0, "zmax": 0.0}
                for ps in polys.values()
                for poly in ps
            ]
            cell.update(zmin=0.0, zmax=0.0)
            jports = [
                _port_planes(p, cell, pml_um, margin_um, p["y"] if p["ux"] else p["x"], 0.0, 0.0)
                for p in ports
            ]
            payload.update(polarization="te", plane="xy")
        else:
            ncore = float(n_sin(wl0))
            geometry = []
            zs = []
            for n, ps in polys.items():
                if not ps:
                    continue
                zmin, zmax = _stack_z(n)
                zs += [zmin, zmax]
                geometry += [
                    {"vertices": poly, "index": round(ncore, 6), "zmin": zmin, "zmax": zmax}
                    for poly in ps
                ]
            cell.update(
                zmin=_r(min(zs) - margin_um - pml_um), zmax=_r(max(zs) + margin_um + pml_um)
            )
            jports = []
            for p in ports:
                zmin, zmax = _stack_z(p["layer"])
                zc = (zmin + zmax) / 2
                zlo = max(zc - (zmax - zmin) / 2 - margin_um, cell["zmin"] + pml_um)
                zhi = min(zc + (zmax - zmin) / 2 + margin_um, cell["zmax"] - pml_um)
                q = _port_planes(
                    p,
                    cell,
                    pml_um,
                    margin_um,
                    p["y"] if p["ux"] else p["x"],
                    (zlo + zhi) / 2,
                    zhi - zlo,
                )
                jports.append(q)
            payload.update(polarization="te", plane="xyz")
    cell = _snap(cell, res, dimension)
    # the DFT-decay stop must not fire before light crosses the device: allow the longest
    # Manhattan path at group index ~2 (SiN) before testing for decay
    span = (cell["xmax"] - cell["xmin"]) + (cell["ymax"] - cell["ymin"])
    payload.update(geometry=geometry, cell=cell, ports=jports, min_time=_r(2.0 * span))
    extent = [cell["xmax"] - cell["xmin"], cell["ymax"] - cell["ymin"]]
    if dimension == 3:
        extent.append(cell["zmax"] - cell["zmin"])
    count = float(np.prod([e * res for e in extent]))
    limit = MAX_VOXELS_3D if dimension == 3 else MAX_PIXELS_2D
    if count > limit:
        raise ValueError(
            f"{component.name!r} needs {count:.3g} grid points at {res} px/um (limit {limit:.3g}):"
            " the FDTD layer is for single small cells; lower resolution_px_per_um"
        )
    return FdtdJob(
        payload=payload,
        label=label or component.name,
        port_layers={p["name"]: p["layer"] for p in ports},
    )
