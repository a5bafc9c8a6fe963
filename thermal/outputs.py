"""Write a ``ThermalReport``'s files: temperature maps, crosstalk matrix, tuning, JSON.

Files in ``out_dir``: ``thermal.json`` (the report), ``tuning.json`` (powers per heater and
per-ring shifts), ``crosstalk.npy`` + ``crosstalk.csv`` (dense, rings x heaters, K/mW) when the
matrix has at most ``dense_max`` entries, else ``crosstalk.npz`` (scipy sparse), and
``temperature_<level>.png`` (rise in K at the level's mid-height for the tuning powers; one per
level in ``levels``), drawn by superposing the kernels.

Example:
    >>> import tempfile, gdsfactory as gf
    >>> from components.ring_switch import ring_switch
    >>> from thermal.analysis import analyse_thermal
    >>> c = gf.Component()
    >>> _ = c << ring_switch()
    >>> rep = analyse_thermal(c, window_um=30.0, transient=False, offsets_nm=[-0.2])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     sorted(p.name for p in write_thermal_outputs(rep, d))
    ['crosstalk.csv', 'crosstalk.npy', 'temperature_heater.png', 'temperature_wg1.png', \
'temperature_wg2.png', 'thermal.json', 'tuning.json']
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import RegularGridInterpolator

from thermal.analysis import ThermalReport
from thermal.crosstalk import _inv
from thermal.layout import apply_affine
from thermal.stack import level_z_um

__all__ = ["temperature_map_K", "write_thermal_outputs"]


def temperature_map_K(
    report: ThermalReport, *, level: str, max_pixels: int = 400
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Rise (K) on a raster at the mid-height of ``level`` for the report's heater powers.

    Returns:
        (array of shape (ny, nx), extent (x0, x1, y0, y1) in um).
    """
    lay, xt = report.layout, report.crosstalk
    z = sum(level_z_um(level)) / 2
    p = np.asarray(report.heater_power_mW)
    if lay.heater_cell.size == 0:
        return np.zeros((1, 1)), (0.0, 1.0, 0.0, 1.0)
    boxes = []
    for k in xt.kernels:
        g = k.grid
        boxes.append((g.xe[0], g.ye[0], g.xe[-1], g.ye[-1]))
    corners = []
    for i in range(lay.heater_cell.size):
        b = boxes[xt.heater_class[i]]
        c = apply_affine(lay.heater_affine[i], np.array([[b[0], b[1]], [b[2], b[3]]]))
        corners.append(c)
    allc = np.vstack(corners)
    x0, y0 = allc.min(axis=0)
    x1, y1 = allc.max(axis=0)
    step = max((x1 - x0), (y1 - y0)) / max_pixels
    xs = np.arange(x0, x1, step) + step / 2
    ys = np.arange(y0, y1, step) + step / 2
    img = np.zeros((ys.size, xs.size))
    slices = []
    for k in xt.kernels:
        g = k.grid
        kz = int(np.clip(np.searchsorted(g.zc, z), 1, g.zc.size - 1).item())
        w = (z - g.zc[kz - 1]) / (g.zc[kz] - g.zc[kz - 1])
        f = np.nan_to_num((1 - w) * k.rise_K_per_mW[:, :, kz - 1] + w * k.rise_K_per_mW[:, :, kz])
        slices.append(RegularGridInterpolator((g.xc, g.yc), f, bounds_error=False,
                                              fill_value=0.0))
    inv = _inv(lay.heater_affine)
    for hi in np.flatnonzero(p > 0).tolist():
        c = corners[hi]
        ix = np.flatnonzero((xs >= c[:, 0].min()) & (xs <= c[:, 0].max()))
        iy = np.flatnonzero((ys >= c[:, 1].min()) & (ys <= c[:, 1].max()))
        if ix.size == 0 or iy.size == 0:
            continue
        xx, yy = np.meshgrid(xs[ix], ys[iy])
        loc = apply_affine(inv[hi], np.column_stack([xx.ravel(), yy.ravel()]))
        img[np.ix_(iy, ix)] += p[hi] * slices[xt.heater_class[hi]](loc).reshape(xx.shape)
    return img, (float(x0), float(x1), float(y0), float(y1))


def write_thermal_outputs(
    report: ThermalReport,
    out_dir: str | Path,
    *,
    levels: Sequence[str] = ("wg1", "wg2", "heater"),
    dense_max: int = 4_000_000,
) -> list[Path]:
    """Write the report's files into ``out_dir`` (created); returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    p = out / "thermal.json"
    p.write_text(report.model_dump_json(indent=1))
    paths.append(p)
    p = out / "tuning.json"
    p.write_text(json.dumps({
        "heater_power_mW": report.heater_power_mW,
        "total_power_mW": report.tuning_power_mW,
        "untunable_rings": report.untunable_rings,
        "rings": [r.model_dump(include={"index", "offset_nm", "wrapped_fsr", "power_mW",
                                        "tuned_shift_nm", "own_heater"}) for r in report.rings],
    }, indent=1))
    paths.append(p)
    m = report.crosstalk.matrix
    if m.shape[0] * m.shape[1] <= dense_max:
        dense = m.toarray()
        np.save(out / "crosstalk.npy", dense)
        np.savetxt(out / "crosstalk.csv", dense, delimiter=",", fmt="%.6e",
                   header="rise of ring (row) per mW in heater (column), K/mW")
        paths += [out / "crosstalk.npy", out / "crosstalk.csv"]
    else:
        sp.save_npz(out / "crosstalk.npz", sp.csr_matrix(m))
        paths.append(out / "crosstalk.npz")
    for lv in levels:
        img, ext = temperature_map_K(report, level=lv)
        fig, ax = plt.subplots(figsize=(6, 5))
        im = ax.imshow(img, origin="lower", extent=ext, cmap="inferno")
        fig.colorbar(im, ax=ax, label="temperature rise (K)")
        ax.set_xlabel("x (um)")
        ax.set_ylabel("y (um)")
        ax.set_title(f"{lv} level, T0 = {report.temperature_K:g} K")
        p = out / f"temperature_{lv}.png"
        fig.savefig(p, dpi=100, bbox_inches="tight")
        plt.close(fig)
        paths.append(p)
    return paths
