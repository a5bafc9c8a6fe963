"""Crosstalk matrix: mean temperature rise of every ring per mW in every heater (K/mW).

By linearity, entry (r, h) is heater h's kernel (``thermal.kernel``) averaged along ring r's
centreline. Heaters are grouped into classes by the geometry of their window (heater cell
geometry, trenches and coolant channels, in the heater's own frame): one solve per class.
(ring, heater) pairs are found with a k-d tree (only rings whose centreline can reach into
the window), and pairs with the same class, ring shape and relative placement (a repeated tile)
are sampled once. The matrix is sparse: pairs beyond the window are zero.

``naive_crosstalk_columns`` is the reference: one full solve over the whole layout per heater.

Example:
    >>> import gdsfactory as gf
    >>> from components.ring_switch import ring_switch
    >>> from thermal.kernel import KernelOptions
    >>> c = gf.Component()
    >>> for i in range(3):
    ...     _ = (c << ring_switch()).move((150.0 * i, 0.0))
    >>> xt = crosstalk_matrix(read_layout(c), options=KernelOptions(window_um=60, max_um=10))
    >>> xt.n_solves, xt.matrix.shape
    (1, (3, 3))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from thermal.cooling import CoolantChannel
from thermal.grid import Grid, graded_axis
from thermal.kernel import Kernel, KernelOptions, build_kernel, polygon_area_um2
from thermal.layout import METAL_LEVELS, LayoutThermal, apply_affine, read_layout
from thermal.problem import HeatSource, Prism, build_problem
from thermal.solver import assemble, linear_solve
from thermal.stack import base_layers, level_material, level_z_um, stack_breaks_um

__all__ = ["CrosstalkResult", "crosstalk_matrix", "naive_crosstalk_columns", "read_layout"]


@dataclass
class CrosstalkResult:
    """Sparse (rings x heaters) matrix in K/mW, the kernels and bookkeeping."""

    matrix: sp.csr_matrix
    kernels: list[Kernel]
    heater_class: np.ndarray
    n_solves: int
    n_pairs: int
    n_unique_pairs: int
    ring_z_um: np.ndarray
    own_heater: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def self_rise_K_per_mW(self) -> np.ndarray:
        """Per ring: rise per mW of its own (strongest) heater; NaN for an unheated ring."""
        m = self.matrix.tocsr()
        out = np.full(m.shape[0], np.nan)
        for r in range(m.shape[0]):
            if self.own_heater[r] >= 0:
                out[r] = m[r, self.own_heater[r]]
        return out

    def worst_crosstalk_ratio(self) -> float:
        """Largest off-own-heater entry over the ring's own entry (0 if none)."""
        m = self.matrix.tocoo()
        own = self.own_heater
        ok = (own[m.row] >= 0) & (m.col != own[m.row])
        if not ok.any():
            return 0.0
        selfv = np.asarray(self.matrix.tocsr()[np.arange(m.shape[0]), np.maximum(own, 0)]).ravel()
        return float(np.max(m.data[ok] / selfv[m.row[ok]]))


def _inv(a: np.ndarray) -> np.ndarray:
    lin = np.linalg.inv(a[..., :2])
    t = -np.einsum("...ij,...j->...i", lin, a[..., 2])
    return np.concatenate([lin, t[..., None]], axis=-1)


def _compose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a o b for stacks of 2x3 affines."""
    lin = np.einsum("...ij,...jk->...ik", a[..., :2], b[..., :2])
    t = np.einsum("...ij,...j->...i", a[..., :2], b[..., 2]) + a[..., 2]
    return np.concatenate([lin, t[..., None]], axis=-1)


def _channels_local(channels: Sequence[CoolantChannel], a_inv: np.ndarray,
                    box: tuple[float, float, float, float]) -> list[CoolantChannel]:
    out = []
    for ch in channels:
        if ch.xmax_um < box[0] or ch.xmin_um > box[2] or ch.ymax_um < box[1] or ch.ymin_um > box[3]:
            continue
        c = apply_affine(a_inv, np.array([[ch.xmin_um, ch.ymin_um], [ch.xmax_um, ch.ymax_um]]))
        axis = ch.axis if abs(a_inv[0, 0]) > 0.5 else ("x" if ch.axis == "y" else "y")
        out.append(ch.model_copy(update={
            "xmin_um": float(c[:, 0].min()), "xmax_um": float(c[:, 0].max()),
            "ymin_um": float(c[:, 1].min()), "ymax_um": float(c[:, 1].max()), "axis": axis}))
    return out


def _window_top_box(lay: LayoutThermal, i: int, w: float) -> tuple[float, float, float, float]:
    hc = lay.heater_cells[lay.heater_cell[i]]
    x0, y0, x1, y1 = hc.bbox_um
    corners = apply_affine(lay.heater_affine[i], np.array(
        [[x0 - w, y0 - w], [x1 + w, y0 - w], [x1 + w, y1 + w], [x0 - w, y1 + w]]))
    return (float(corners[:, 0].min()), float(corners[:, 1].min()),
            float(corners[:, 0].max()), float(corners[:, 1].max()))


def crosstalk_matrix(
    lay: LayoutThermal,
    *,
    options: KernelOptions | None = None,
    channels: Sequence[CoolantChannel] = (),
    ring_spacing_um: float = 2.0,
    signature_grid_um: float = 0.05,
) -> CrosstalkResult:
    """Crosstalk matrix of a layout (rings x heaters, K/mW) with one solve per heater class.

    Args:
        lay: ``thermal.layout.read_layout`` output.
        options: kernel window, mesh and operating temperature.
        channels: coolant channels (top frame).
        ring_spacing_um: sample spacing along ring centrelines (um).
        signature_grid_um: geometry rounding for the class keys (um).

    Returns:
        ``CrosstalkResult``.
    """
    o = (options or KernelOptions()).checked()
    nh, nr = lay.heater_cell.size, lay.ring_cell.size
    inv_h = _inv(lay.heater_affine) if nh else np.zeros((0, 2, 3))
    # classes
    cell_sig: dict[int, int] = {}
    sig_ids: dict[Any, int] = {}
    for ci, hc in enumerate(lay.heater_cells):
        cell_sig[ci] = sig_ids.setdefault(hc.signature(signature_grid_um), len(sig_ids))
    keys: dict[Any, int] = {}
    hclass = np.zeros(nh, dtype=np.int64)
    local_geom: list[tuple[int, list[np.ndarray], list[CoolantChannel]]] = []
    for i in range(nh):
        geo_key: tuple[Any, ...] = (cell_sig[int(lay.heater_cell[i])],)
        trs: list[np.ndarray] = []
        chs: list[CoolantChannel] = []
        if lay.has_trenches or channels:
            box = _window_top_box(lay, i, o.window_um)
            trs = [apply_affine(inv_h[i], t) for t in lay.trenches_in_box_um(box)]
            chs = _channels_local(channels, inv_h[i], box)
            geo_key += (
                tuple(sorted(tuple(np.round(t / signature_grid_um).astype(int).ravel())
                             for t in trs)),
                tuple(sorted(round(v / signature_grid_um) for c in chs
                             for v in (c.xmin_um, c.xmax_um, c.ymin_um, c.ymax_um))),
            )
        if geo_key not in keys:
            keys[geo_key] = len(keys)
            local_geom.append((int(lay.heater_cell[i]), trs, chs))
        hclass[i] = keys[geo_key]
    kernels = [build_kernel(heater=lay.heater_cells[ci], trenches_um=trs, channels=chs,
                            options=o) for ci, trs, chs in local_geom]
    ring_z = np.array([sum(level_z_um(lay.ring_specs[s].level)) / 2 for s in lay.ring_cell])
    if nh == 0 or nr == 0:
        return CrosstalkResult(sp.csr_matrix((nr, nh)), kernels, hclass, len(kernels), 0, 0,
                               ring_z, np.full(nr, -1, dtype=np.int64))
    # candidate pairs: ring centre within window reach + ring extent of the heater centre
    hc_xy = lay.heater_centres_um()
    rc_xy = lay.ring_centres_um()
    ext_r = max(s.radius_um + (s.length_x_um + s.length_y_um) / 2 for s in lay.ring_specs)
    ext_h = max(max(h.bbox_um[2] - h.bbox_um[0], h.bbox_um[3] - h.bbox_um[1])
                for h in lay.heater_cells)
    reach = o.window_um + ext_h + ext_r
    tree = cKDTree(rc_xy)
    lists = tree.query_ball_point(hc_xy, r=reach)
    h_idx = np.repeat(np.arange(nh), [len(x) for x in lists])
    r_idx = np.fromiter((j for x in lists for j in x), dtype=np.int64, count=h_idx.size)
    rel = _compose(inv_h[h_idx], lay.ring_affine[r_idx])  # ring frame -> heater frame
    key = np.column_stack([hclass[h_idx], lay.ring_cell[r_idx],
                           np.round(rel.reshape(-1, 6) * 1000).astype(np.int64)])
    uniq, inverse = np.unique(key, axis=0, return_inverse=True)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(inverse))[::-1]
    vals_u = np.empty(len(uniq))
    for u, p in enumerate(first):
        spec = int(lay.ring_cell[r_idx[p]])
        pts = apply_affine(rel[p], lay.ring_points_local(spec, ring_spacing_um))
        vals_u[u] = kernels[hclass[h_idx[p]]].sample_K_per_mW(pts, z_um=ring_z[r_idx[p]]).mean()
    vals = vals_u[inverse.ravel()]
    keep = vals > 0
    mat = sp.csr_matrix((vals[keep], (r_idx[keep], h_idx[keep])), shape=(nr, nh))
    own = np.full(nr, -1, dtype=np.int64)
    if mat.nnz:
        best = np.asarray(mat.argmax(axis=1)).ravel()
        has = np.asarray(mat.max(axis=1).todense()).ravel() > 0
        own[has] = best[has]
    return CrosstalkResult(mat, kernels, hclass, len(kernels), int(h_idx.size), len(uniq),
                           ring_z, own)


def naive_crosstalk_columns(
    lay: LayoutThermal,
    heaters: Sequence[int],
    *,
    options: KernelOptions | None = None,
    ring_spacing_um: float = 2.0,
) -> tuple[np.ndarray, int]:
    """Reference: one full-layout solve per heater in ``heaters``; returns (rings x len) K/mW.

    The grid spans every heater's window and is fine around every heater; the matrix and its
    AMG hierarchy are built once and reused for each right-hand side (a fair baseline).

    Returns:
        (columns of the crosstalk matrix, number of grid cells).
    """
    o = (options or KernelOptions()).checked()
    boxes = [_window_top_box(lay, i, o.window_um) for i in range(lay.heater_cell.size)]
    x_lo, y_lo = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x_hi, y_hi = max(b[2] for b in boxes), max(b[3] for b in boxes)
    prisms: list[Prism] = []
    srcs: list[list[tuple[np.ndarray, float]]] = []
    fx: list[float] = []
    fy: list[float] = []
    for i in range(lay.heater_cell.size):
        hc = lay.heater_cells[lay.heater_cell[i]]
        a = lay.heater_affine[i]
        for lv in METAL_LEVELS if o.include_metal else ():
            z0, z1 = level_z_um(lv)
            for p in hc.metal_um.get(lv, []):
                prisms.append(Prism(polygon_um=tuple(map(tuple, apply_affine(a, p))), zmin_um=z0,
                                    zmax_um=z1, material=level_material(lv)))
        polys = [apply_affine(a, p) for p in hc.resistive_um]
        areas = np.array([polygon_area_um2(p) for p in polys])
        srcs.append([(p, w) for p, w in zip(polys, areas / areas.sum(), strict=True)])
        allp = np.vstack(polys)
        fx.append(float(allp[:, 0].min()))
        fx.append(float(allp[:, 0].max()))
        fy.append(float(allp[:, 1].min()))
        fy.append(float(allp[:, 1].max()))
    tz0, tz1 = level_z_um("trench")
    for t in lay.trenches_in_box_um((x_lo, y_lo, x_hi, y_hi)):
        prisms.append(Prism(polygon_um=tuple(map(tuple, t)), zmin_um=tz0, zmax_um=tz1,
                            material="air"))
    hz0, hz1 = level_z_um("heater")
    for s in srcs:
        for p, _ in s:
            prisms.append(Prism(polygon_um=tuple(map(tuple, p)), zmin_um=hz0, zmax_um=hz1,
                                material="tin"))

    def axis(lo: float, hi: float, f: list[float]) -> np.ndarray:
        pieces = []
        pairs = sorted(zip(f[0::2], f[1::2], strict=True))
        cuts = [lo] + [(pairs[k][1] + pairs[k + 1][0]) / 2 for k in range(len(pairs) - 1)] + [hi]
        for k, (a0, a1) in enumerate(pairs):
            fine = min(max(o.fine_um, (a1 - a0) / 24.0), o.max_um)
            pieces.append(graded_axis(breaks_um=[cuts[k], cuts[k + 1], a0, a1], fine_um=fine,
                                      max_um=o.max_um, focus_um=(a0 - 1, a1 + 1),
                                      growth=o.growth))
        return np.unique(np.round(np.concatenate(pieces), 9))

    base = base_layers(substrate_thickness_um=o.substrate_thickness_um)
    ze = graded_axis(breaks_um=stack_breaks_um(substrate_thickness_um=o.substrate_thickness_um),
                     fine_um=o.z_fine_um, max_um=o.z_max_um,
                     focus_um=(base[1][0], base[-1][1]), growth=0.5)
    grid = Grid(axis(x_lo, x_hi, fx), axis(y_lo, y_hi, fy), ze)
    prob = build_problem(grid=grid, base_layers=base, prisms=prisms,
                         temperature_K=o.temperature_K, top_h_W_per_m2K=o.top_h_W_per_m2K)
    asm = assemble(prob)
    import pyamg

    ml = pyamg.ruge_stuben_solver(asm.matrix, max_coarse=500)
    from scipy.interpolate import RegularGridInterpolator

    ring_z = np.array([sum(level_z_um(lay.ring_specs[s].level)) / 2 for s in lay.ring_cell])
    ring_pts = [apply_affine(lay.ring_affine[r], lay.ring_points_local(int(s), ring_spacing_um))
                for r, s in enumerate(lay.ring_cell)]
    out = np.zeros((lay.ring_cell.size, len(heaters)))
    for col, h in enumerate(heaters):
        one = build_problem(grid=grid, base_layers=[(ze[0], ze[-1], "sio2")], sources=[
            HeatSource(polygon_um=tuple(map(tuple, p)), zmin_um=hz0, zmax_um=hz1,
                       power_W=1e-3 * w) for p, w in srcs[h]])
        theta, _, _ = linear_solve(asm.matrix, one.q_W.ravel()[asm.cells], rtol=1e-8, ml=ml)
        field = np.zeros(grid.size)
        field[asm.cells] = theta
        f3 = field.reshape(grid.shape)
        interp = RegularGridInterpolator((grid.xc, grid.yc, grid.zc), f3, bounds_error=False,
                                         fill_value=0.0)
        for r, pts in enumerate(ring_pts):
            xyz = np.column_stack([pts, np.full(len(pts), ring_z[r])])
            out[r, col] = float(np.mean(interp(xyz)))
    return out, grid.size


_ = read_layout  # re-exported for convenience
