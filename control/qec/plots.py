"""Plots of a :class:`control.qec.report.QecReport` (matplotlib, Agg backend, PNG bytes).

- ``logical_error_vs_scale``: per-round logical error vs physical-error scale, one line per
  distance, one panel per decoder; the threshold and the chip (scale 1) marked.
- ``logical_error_vs_distance``: per-round logical error vs distance, one line per scale, with
  the Lambda fits and the target.
- ``per_qubit_noise``: p_erasure and p_gate of the smallest patch's code qubits at their grid
  cells (a bad qubitron stands out).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from control.qec.report import QecReport

__all__ = ["plot_report"]


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def _logical_error_axes(ax: Axes, *, xlabel: str, title: str) -> None:
    """Log logical error per round against ``xlabel``, legend and grid (both panels)."""
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("logical error per round")
    ax.set_title(title)
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)


def _vs_scale(report: QecReport) -> bytes:
    decs = report.decoders
    fig, axes = plt.subplots(1, len(decs), figsize=(5.2 * len(decs), 4), squeeze=False)
    for ax, dec in zip(axes[0], decs, strict=True):
        for d in report.distances:
            pts = sorted((p for p in report.points if p.decoder == dec and p.distance == d
                          and p.errors > 0), key=lambda p: p.scale)
            if not pts:
                continue
            x = [p.scale for p in pts]
            y = np.array([p.p_logical_round for p in pts])
            lo = y - np.array([p.p_logical_round_low for p in pts])
            hi = np.array([p.p_logical_round_high for p in pts]) - y
            ax.errorbar(x, y, yerr=[lo, hi], marker="o", ms=3, capsize=2, label=f"d={d}")
        th = next((t for t in report.thresholds if t.decoder == dec), None)
        if th is not None and th.scale is not None:
            ax.axvline(th.scale, color="k", ls="--", lw=1, label=f"threshold {th.scale:.3g}")
        ax.axvline(1.0, color="r", ls=":", lw=1, label="chip as is")
        ax.set_xscale("log")
        _logical_error_axes(ax, xlabel="physical error scale", title=dec)
    fig.tight_layout()
    return _png(fig)


def _vs_distance(report: QecReport) -> bytes:
    decs = report.decoders
    fig, axes = plt.subplots(1, len(decs), figsize=(5.2 * len(decs), 4), squeeze=False)
    for ax, dec in zip(axes[0], decs, strict=True):
        for s in report.scales:
            pts = sorted((p for p in report.points if p.decoder == dec and p.scale == s
                          and p.errors > 0), key=lambda p: p.distance)
            if not pts:
                continue
            line = ax.plot([p.distance for p in pts], [p.p_logical_round for p in pts],
                           marker="o", ms=3, label=f"scale {s:g}")[0]
            fit = next((f for f in report.lambda_fits if f.decoder == dec and f.scale == s), None)
            if fit is not None and fit.lambda_factor > 1:
                dd = np.arange(3, max(report.distances) + 8, 2)
                ax.plot(dd, [fit.p_round(int(d)) for d in dd], ls=":", color=line.get_color())
        ax.axhline(report.target_logical_error, color="k", ls="--", lw=1, label="target")
        _logical_error_axes(ax, xlabel="code distance", title=dec)
    fig.tight_layout()
    return _png(fig)


def _per_qubit(report: QecReport) -> bytes:
    q = report.per_qubit_noise
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, (attr, label) in zip(axes, (("p_erasure", "p_erasure per round"),
                                         ("p_gate", "p_gate (share of a CX)")), strict=True):
        sc = ax.scatter([e.x for e in q], [e.y for e in q], c=[getattr(e, attr) for e in q],
                        s=[90 if e.role == "data" else 50 for e in q],
                        marker="o", cmap="viridis")
        for e in q:
            ax.annotate(e.qubitron, (e.x, e.y), fontsize=5, ha="center", va="bottom")
        fig.colorbar(sc, ax=ax, label=label)
        ax.set_aspect("equal")
        ax.invert_yaxis()
        ax.set_title(f"{label}, d={report.distances[0]} patch")
        ax.set_xlabel("code x")
        ax.set_ylabel("code y")
    fig.tight_layout()
    return _png(fig)


def plot_report(report: QecReport) -> dict[str, bytes]:
    """Plot name -> PNG bytes."""
    return {
        "logical_error_vs_scale": _vs_scale(report),
        "logical_error_vs_distance": _vs_distance(report),
        "per_qubit_noise": _per_qubit(report),
    }
