"""``sweep.html``: each metric against each swept parameter, the trade-offs, the Pareto front.

One self-contained page (plotly.js inline, opens offline): a grid of scatter plots (metric
rows, parameter columns; successful points), a parallel-coordinates plot of parameters and
metrics, and, when the sweep names two ``pareto`` metrics, their scatter with the
non-dominated points marked.

Example:
    >>> pareto_mask([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]], ["min", "min"])
    [True, True, False]
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from flows.output import atomic_file

__all__ = ["pareto_mask", "write_sweep_html"]


def pareto_mask(values: Sequence[Sequence[float]], directions: Sequence[str]) -> list[bool]:
    """Which points are not dominated (every objective as good, one better) by another.

    Args:
        values: one row of objective values per point.
        directions: ``"min"`` or ``"max"`` per objective.
    """
    sign = [1.0 if d == "min" else -1.0 for d in directions]
    v = [[s * x for s, x in zip(sign, row, strict=True)] for row in values]
    out = []
    for i, a in enumerate(v):
        dominated = any(
            j != i and all(b <= x for b, x in zip(bj, a, strict=True)) and bj != a
            for j, bj in enumerate(v)
        )
        out.append(not dominated)
    return out


def _numeric(values: list[Any]) -> list[float] | None:
    out = []
    for v in values:
        if v is None:
            return None
        if isinstance(v, bool):
            out.append(float(v))
        elif isinstance(v, (int, float)):
            out.append(float(v))
        else:
            return None
    return out


def _figures(
    rows: list[dict[str, Any]], params: list[str], metrics: list[str],
    pareto: Mapping[str, str] | None,
) -> list[go.Figure]:
    ok = [r for r in rows if r["status"] == "ok"]
    shown = [m for m in metrics if any(r.get(m) is not None for r in ok)]
    figs = []
    if ok and shown:
        grid = make_subplots(
            rows=len(shown), cols=len(params), shared_xaxes="columns",
            column_titles=params, row_titles=shown, vertical_spacing=0.02,
            horizontal_spacing=0.04,
        )
        for i, m in enumerate(shown, start=1):
            for j, p in enumerate(params, start=1):
                grid.add_trace(
                    go.Scatter(
                        x=[r[f"param.{p}"] for r in ok], y=[r[m] for r in ok], mode="markers",
                        text=[f"point {r['point']}" for r in ok], showlegend=False,
                        marker={"size": 6},
                    ),
                    row=i, col=j,
                )
        grid.update_layout(
            title="each metric against each swept parameter",
            height=max(300, 200 * len(shown)), width=max(500, 320 * len(params)),
        )
        figs.append(grid)
    dims = []
    for name, label in [*((f"param.{p}", p) for p in params), *((m, m) for m in shown)]:
        column = _numeric([r.get(name) for r in ok])
        if column is not None and ok and max(column) > min(column):  # constants say nothing
            dims.append({"label": label, "values": column})
    if len(dims) >= 2:
        figs.append(go.Figure(go.Parcoords(dimensions=dims, labelangle=-20)).update_layout(
            title="trade-offs (parallel coordinates of what varies, successful points)",
            height=500, margin={"t": 140}))
    if pareto is not None and ok:
        (ma, da), (mb, db) = list(pareto.items())
        pts = [r for r in ok if r.get(ma) is not None and r.get(mb) is not None]
        front = pareto_mask([[float(r[ma]), float(r[mb])] for r in pts], [da, db])
        fig = go.Figure()
        for on_front, name in ((False, "dominated"), (True, "Pareto front")):
            sel = [r for r, f in zip(pts, front, strict=True) if f == on_front]
            fig.add_trace(go.Scatter(
                x=[r[ma] for r in sel], y=[r[mb] for r in sel], mode="markers", name=name,
                text=[f"point {r['point']}" for r in sel],
                marker={"size": 10 if on_front else 6},
            ))
        fig.update_layout(title=f"Pareto front: {ma} ({da}) vs {mb} ({db})",
                          xaxis_title=ma, yaxis_title=mb, height=450)
        figs.append(fig)
    return figs


def write_sweep_html(
    path: Path, *, title: str, rows: list[dict[str, Any]], params: list[str],
    metrics: list[str], pareto: Mapping[str, str] | None = None, summary: str = "",
) -> Path:
    """Write the sweep's plots as one self-contained HTML page (atomically).

    Args:
        path: the ``.html`` file.
        title: page title (the sweep's name).
        rows: the results table as dicts (``point``, ``param.PATH``, metrics, ``status``).
        params: swept parameter paths.
        metrics: metric columns to plot.
        pareto: two metrics with ``"min"``/``"max"`` for the Pareto plot.
        summary: one line shown under the title.
    """
    figs = _figures(rows, params, metrics, pareto)
    body = [f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>"]
    for i, fig in enumerate(figs):
        body.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    if not figs:
        body.append("<p>no successful point yet: nothing to plot</p>")
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>{''.join(body)}</body></html>"
    )
    return atomic_file(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
