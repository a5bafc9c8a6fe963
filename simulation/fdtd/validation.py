"""Validation report: FDTD vs compact model for every calibrated cell (JSON + PNG).

For each calibration sweep point (same jobs, so normally all from the cache) the compact
model -- the active PDK's, with the calibration bound in -- is evaluated at 1.55 um and compared
with FDTD:

- ``bend_euler``: transmission |S21|^2 in dB vs radius (model without propagation loss);
- ``ring_coupler``: bus through |t|^2 in dB vs gap (model ``ring_self_coupling``^2 with the
  ``ring_coupler_fdtd`` fit, which the ring models do not apply by default);
- ``crossing``: through (o1->o3, o2->o4) and crosstalk (o1->o2) in dB;
- ``interlayer_coupler``: transmission in dB.

Example:
    >>> round(deviation_dB(0.5, 0.5), 6)
    0.0
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from components.models.calibration import load_calibration
from components.models.ring import ring_self_coupling
from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.calibrate import CALIBRATION_RESOLUTION_PX_PER_UM, RING_RADIUS_UM, WL_FIT_UM
from simulation.fdtd.calibrate import calibration_jobs as _jobs
from simulation.fdtd.sparams import FdtdResult, run_jobs
from simulation.simulate import default_models

__all__ = ["deviation_dB", "validation_rows", "write_validation"]


def _dB(p: float) -> float:
    return 10.0 * math.log10(max(float(p), 1e-12))


def deviation_dB(model_power: float, fdtd_power: float) -> float:
    """Model minus FDTD, in dB of power."""
    return _dB(model_power) - _dB(fdtd_power)


def _at(res: FdtdResult, a: str, b: str) -> float:
    i = int(np.argmin(np.abs(res.wl_um - WL_FIT_UM)))
    return float(res.power(a, b)[i])


def _m(s: dict[Any, Any], a: str, b: str) -> float:
    return float(np.abs(np.asarray(s[(a, b)])) ** 2)


def validation_rows(
    *, resolution_px_per_um: float = CALIBRATION_RESOLUTION_PX_PER_UM,
    max_workers: int | None = None, cache: FdtdCache | None = None, console: Any = None,
) -> list[dict[str, Any]]:
    """One row per (cell, sweep point, port pair): ``cell``, ``param``, ``value``, ``pair``,
    ``fdtd_dB``, ``model_dB``, ``deviation_dB`` (model - FDTD)."""
    jobs = _jobs(resolution_px_per_um=resolution_px_per_um)
    flat = [(sec, v, j) for sec, items in jobs.items() for v, j in items]
    results = run_jobs([j for _, _, j in flat], max_workers=max_workers, cache=cache)
    rows: list[dict[str, Any]] = []

    def row(cell: str, param: str | None, value: float | None, pair: str, fdtd: float,
            model: float) -> None:
        rows.append({"cell": cell, "param": param, "value": value, "pair": pair,
                     "fdtd_dB": round(_dB(fdtd), 5), "model_dB": round(_dB(model), 5),
                     "deviation_dB": round(deviation_dB(model, fdtd), 5)})

    wl = WL_FIT_UM
    models = default_models()
    # the recorded (not applied) FDTD fit of the coupling law is what is validated here
    ring_fit = load_calibration().ring_coupler_fdtd
    ring_kw = (
        {"kappa0_per_um": ring_fit.kappa0_per_um, "decay_um": ring_fit.decay_um}
        if ring_fit is not None else {}
    )
    for (sec, v, _), res in zip(flat, results, strict=True):
        if sec == "bend_euler":
            s = models["bend_euler"](wl=wl, radius_um=v, loss_dB_per_cm=0.0)
            row(sec, "radius_um", v, "o1->o2", _at(res, "o1", "o2"), _m(s, "o1", "o2"))
        elif sec == "ring_coupler":
            if v is None:
                raise ValueError("ring_coupler sweep point without a gap")
            t = float(ring_self_coupling(wl=wl, radius_um=RING_RADIUS_UM, gap_um=v, **ring_kw))
            row(sec, "gap_um", v, "o1->o4 (bus through)", _at(res, "o1", "o4"), t**2)
        elif sec == "crossing":
            s = models["crossing"](wl=wl)
            for a, b in (("o1", "o3"), ("o2", "o4"), ("o1", "o2")):
                row(sec, None, None, f"{a}->{b}", _at(res, a, b), _m(s, a, b))
        elif sec == "interlayer_coupler":
            s = models["interlayer_coupler"](wl=wl)
            row(sec, None, None, "o1->o2", _at(res, "o1", "o2"), _m(s, "o1", "o2"))
    return rows


def write_validation(out_dir: str | Path, **kwargs: Any) -> Path:
    """Write ``validation.json`` and ``validation.png`` into ``out_dir``; returns the JSON path.

    ``kwargs`` go to :func:`validation_rows`.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = validation_rows(**kwargs)
    # the crosstalk row is a -50 dB level: its dB deviation is not a loss error
    loss_rows = [r for r in rows if not (r["cell"] == "crossing" and r["pair"] == "o1->o2")]
    worst = max(abs(r["deviation_dB"]) for r in loss_rows)
    summary = {
        "wl_um": WL_FIT_UM,
        "max_abs_deviation_dB": worst,
        "max_abs_deviation_dB_by_cell": {
            c: max(abs(r["deviation_dB"]) for r in rows if r["cell"] == c)
            for c in dict.fromkeys(r["cell"] for r in rows)
        },
        "rows": rows,
    }
    path = out / "validation.json"
    path.write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, cell, xlab in ((axes[0], "bend_euler", "radius (um)"),
                           (axes[1], "ring_coupler", "gap (um)")):
        rs = [r for r in rows if r["cell"] == cell]
        x = [r["value"] for r in rs]
        ax.plot(x, [r["fdtd_dB"] for r in rs], "o", label="FDTD (MEEP 2D)")
        ax.plot(x, [r["model_dB"] for r in rs], "-", label="compact model")
        ax.set_xlabel(xlab)
        ax.set_ylabel("|S|^2 (dB)")
        ax.set_title(f"{cell} (max dev {summary['max_abs_deviation_dB_by_cell'][cell]:.3f} dB)")
        ax.legend(fontsize=8)
    rs = [r for r in rows if r["cell"] in ("crossing", "interlayer_coupler")]
    labels = [f"{r['cell']}\n{r['pair']}" for r in rs]
    ax = axes[2]
    ax.bar(np.arange(len(rs)) - 0.2, [r["fdtd_dB"] for r in rs], 0.4, label="FDTD")
    ax.bar(np.arange(len(rs)) + 0.2, [r["model_dB"] for r in rs], 0.4, label="model")
    ax.set_xticks(np.arange(len(rs)), labels, fontsize=7)
    ax.set_ylabel("|S|^2 (dB)")
    ax.set_title("crossing / interlayer")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "validation.png", dpi=110)
    plt.close(fig)
    return path
