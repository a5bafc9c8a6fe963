"""The build report's interactive plots (plotly figures built from the one ``BuildReport``).

Every figure is a ``plotly.graph_objects.Figure`` the page embeds as JSON; nothing here reads
files or scales with the chip's qubitron count beyond the tile's (the array map is reduced to
at most ``MAX_MAP_CELLS`` cells a side, each the worst qubitron it covers).

Example:
    >>> from flows.report import StageTiming
    >>> fig = stage_figure([StageTiming(stage="drc", seconds=1.5, peak_rss_mib=400.0)])
    >>> list(fig.data[0].x), fig.layout.xaxis2.title.text
    ([1.5], 'peak RSS (MiB)')
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from flows.report import BuildReport, StageTiming
from simulation.loss_budget import PathLoss

__all__ = [
    "MAX_MAP_CELLS",
    "array_map_figure",
    "breakdown_figure",
    "delivery_figure",
    "drc_figure",
    "path_loss_figure",
    "qec_figure",
    "stage_figure",
    "template_json",
]

#: largest side of the array map (cells); bigger arrays are reduced block-wise
MAX_MAP_CELLS = 256

_LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}}


def new_figure(*traces: Any) -> go.Figure:
    """A figure without plotly.py's template: the page applies one shared template in the
    browser (``template_json``), where setting it per figure here costs ~60 ms each."""
    return go.Figure(list(traces), layout={"template": {}})


def template_json() -> dict[str, Any]:
    """The page's one plotly template (``plotly_white``) as JSON."""
    import json

    import plotly.io as pio
    from plotly.utils import PlotlyJSONEncoder

    template = pio.templates["plotly_white"].to_plotly_json()
    return dict(json.loads(json.dumps(template, cls=PlotlyJSONEncoder)))


def _qubitron_of(detector: str) -> str:
    return detector.split("/", 1)[0]


def breakdown_figure(paths: Sequence[PathLoss]) -> go.Figure:
    """Stacked bar: each qubitron's fibre-to-detector loss (dB) on its channel, by cause."""
    names = [_qubitron_of(p.output.removeprefix("det:")) for p in paths]
    causes = sorted({k for p in paths for k in p.breakdown_dB} | {"other"})
    fig = new_figure()
    for cause in causes:
        values = [
            p.other_dB if cause == "other" else p.breakdown_dB.get(cause, 0.0) for p in paths
        ]
        if not any(abs(v) > 1e-9 for v in values):
            continue
        fig.add_bar(name=cause, x=names, y=values,
                    hovertemplate="%{x}<br>" + cause + ": %{y:.3f} dB<extra></extra>")
    fig.add_scatter(
        name="total", x=names, y=[p.insertion_loss_dB for p in paths], mode="markers+text",
        text=[f"{p.insertion_loss_dB:.2f} dB" for p in paths], textposition="top center",
        marker={"color": "black", "symbol": "line-ew-open", "size": 18},
    )
    fig.update_layout(
        barmode="relative", title="fibre -> detector loss on each qubitron's own channel",
        yaxis_title="loss (dB)", xaxis_title="qubitron (every tile the same)", **_LAYOUT,
    )
    return fig


def delivery_figure(pump_dB: Mapping[str, float], stokes_dB: Mapping[str, float]) -> go.Figure:
    """Grouped bar: pump and Stokes delivery (dB, fibre -> qubitron bus) per qubitron."""
    names = list(pump_dB)
    fig = new_figure()
    fig.add_bar(name="pump", x=names, y=[pump_dB[q] for q in names])
    fig.add_bar(name="Stokes", x=names, y=[stokes_dB.get(q, math.nan) for q in names])
    fig.update_layout(barmode="group", title="light delivered to each qubitron, on its channel",
                      yaxis_title="fibre -> bus loss (dB)", **_LAYOUT)
    return fig


def path_loss_figure(paths: Sequence[PathLoss]) -> go.Figure:
    """Every tile path at the grid centre: loss (dB) with its min-max over the band."""
    labels = [f"{p.input} -> {p.output}" for p in paths]
    loss = np.array([p.insertion_loss_dB for p in paths])
    lo = np.array([p.insertion_loss_min_dB for p in paths])
    hi = np.array([p.insertion_loss_max_dB for p in paths])
    colours = ["#d62728" if p.to_detector else "#1f77b4" for p in paths]
    fig = new_figure(go.Scatter(
        x=loss, y=labels, mode="markers", marker={"color": colours, "size": 9},
        error_x={"type": "data", "symmetric": False, "array": hi - loss, "arrayminus": loss - lo},
        hovertemplate="%{y}<br>%{x:.2f} dB at the centre<extra></extra>",
    ))
    fig.update_layout(
        title="every path of the tile at the grid centre (bars: min-max over the band)",
        xaxis_title="insertion loss (dB)", height=max(300, 28 * len(paths) + 120), **_LAYOUT,
    )
    fig.update_yaxes(autorange="reversed")
    return fig


def _reduce(values: np.ndarray, cells: int) -> tuple[np.ndarray, int]:
    """Block minimum along axis 1 to at most ``cells`` columns; returns it and the block."""
    n = values.shape[1]
    block = max(1, math.ceil(n / cells))
    pad = (-n) % block
    padded = np.pad(values, ((0, 0), (0, pad)), constant_values=np.nan)
    blocks = padded.reshape(values.shape[0], -1, block)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        # a block with no value (a qubitron not reached) stays NaN: a gap in the map
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(blocks, axis=2), block


def array_map_figure(report: BuildReport, *, max_cells: int = MAX_MAP_CELLS) -> go.Figure:
    """Heat map over the qubitron grid (row, column) of per-qubitron figures of the tile.

    Qubitron k of tile (r, c) is grid cell (r, c * tile_columns + k); every tile is the same
    cell, so a column repeats its tile position's value down every row (one band). A dropdown
    picks the figure: the detection efficiency on the qubitron's channel, the pump and Stokes
    delivery and the loaded Q. Arrays wider than ``max_cells`` columns show each block's
    worst qubitron.
    """
    array = report.spec.get("array", {})
    rows, columns = int(array.get("rows", 1)), int(array.get("columns", 1))
    per_tile = max(1, int(array.get("tile_columns", 1)))
    det = report.qubitron_detection.detector_efficiency
    figures: list[tuple[str, dict[str, float], bool]] = [
        ("detection efficiency", {_qubitron_of(k): v.efficiency for k, v in det.items()}, False)
    ]
    if report.control is not None:
        c = report.control
        figures += [
            ("pump delivery (dB)", dict(c.pump_delivery_dB), True),
            ("Stokes delivery (dB)", dict(c.stokes_delivery_dB), True),
            ("loaded Q", dict(c.loaded_q), False),
        ]
    fig = new_figure()
    buttons = []
    for i, (title, per_q, worse_high) in enumerate(figures):
        tile_values = np.array([per_q.get(f"qubitron_{k}", np.nan) for k in range(per_tile)])
        # one row of the grid: O(columns), never O(qubitrons)
        line = np.resize(tile_values, columns)[None, :]
        signed = -line if worse_high else line
        reduced, col_block = _reduce(signed, max_cells)
        reduced = -reduced if worse_high else reduced
        # every row is the same (every tile is one cell): one band spans them (cell edges)
        x_edges = [*range(0, columns, col_block), columns]
        fig.add_heatmap(
            z=np.round(reduced, 6), x=[e - 0.5 for e in x_edges], y=[-0.5, rows - 0.5],
            visible=i == 0, colorbar={"title": title}, colorscale="Viridis",
            reversescale=worse_high, name=title,
            hovertemplate="column %{x:.0f}, every row<br>" + title + ": %{z:.4g}<extra></extra>",
        )
        visible = [j == i for j in range(len(figures))]
        buttons.append({"label": title, "method": "update", "args": [{"visible": visible}]})
    note = "" if col_block == 1 else f" (blocks of {col_block} columns: the worst)"
    fig.update_layout(
        title=f"qubitron array, {rows} x {columns}{note}",
        xaxis_title="column", yaxis_title="row",
        updatemenus=[{"buttons": buttons, "x": 1.0, "y": 1.18, "xanchor": "right"}],
        **_LAYOUT,
    )
    return fig


def drc_figure(report: BuildReport) -> go.Figure:
    """Violations per rule (every rule checked, zero bars labelled)."""
    rules = report.drc.rules
    names = [r.rule for r in rules] or list(report.drc.by_rule)
    counts = [r.violations for r in rules] or list(report.drc.by_rule.values())
    fig = new_figure(go.Bar(
        x=names, y=counts, text=[str(n) for n in counts], textposition="outside",
        marker={"color": ["#d62728" if n else "#2ca02c" for n in counts]},
        hovertext=[r.reason for r in rules] or None,
    ))
    verdict = "clean" if report.drc.clean else f"{report.drc.total_violations} violations"
    fig.update_layout(title=f"DRC by rule: {verdict}", yaxis_title="violations", **_LAYOUT)
    return fig


def stage_figure(stages: Sequence[StageTiming]) -> go.Figure:
    """Wall time (s, bars) and peak resident memory (MiB, line) of each build stage."""
    names = [s.stage for s in stages]
    fig = new_figure()
    fig.add_bar(x=[s.seconds for s in stages], y=names, orientation="h", name="seconds",
                hovertemplate="%{y}: %{x:.2f} s<extra></extra>")
    fig.add_scatter(x=[s.peak_rss_mib for s in stages], y=names, name="peak RSS (MiB)",
                    xaxis="x2", mode="lines+markers")
    fig.update_layout(
        title="stages: time and memory", xaxis={"title": "seconds"},
        xaxis2={"title": "peak RSS (MiB)", "overlaying": "x", "side": "top"},
        yaxis={"autorange": "reversed"},
        margin={"l": 60, "r": 20, "t": 90, "b": 50},
    )
    return fig


def qec_figure(report: BuildReport) -> go.Figure | None:
    """Threshold margin per decoder (threshold in units of the chip's rates; > 1 is below)."""
    q = report.qec
    if q is None:
        return None
    decoders = list(q.threshold_margin)
    margins = [q.threshold_margin[d] for d in decoders]
    fig = new_figure(go.Bar(x=decoders, y=[m if m is not None else 0.0 for m in margins],
                           text=[f"{m:.3g}" if m is not None else "-" for m in margins],
                           textposition="outside"))
    fig.add_hline(y=1.0, line_dash="dash", annotation_text="threshold = the chip's rates")
    fig.update_layout(title="surface-code threshold over the chip's error rates",
                      yaxis_title="threshold / chip rates", yaxis_type="log", **_LAYOUT)
    return fig


def figure_json(fig: go.Figure) -> dict[str, Any]:
    """``{"data", "layout"}`` of ``fig`` as plain JSON values (for ``Plotly.newPlot``),
    without a template: the page applies its one shared template (``template_json``)."""
    import json

    value = dict(json.loads(fig.to_json()))
    value["layout"].pop("template", None)
    return value
