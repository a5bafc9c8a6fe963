"""Plots of a twin run: the watched signals with the detected events marked (plotly HTML).

One panel per signal group of the kept traces, and one of the periodic QEC snapshots (logical
error per round and fraction of syndrome detectors fired, stim on the current noise); on each,
the event starts (grey dashed), the failure times without the twin (red), the first
detections (green) and the interventions (blue dotted). The HTML carries plotly.js, so it
opens offline.

Example:
    >>> import tempfile, pathlib
    >>> from control.monitoring.plant import ChipPlant, TilePlant
    >>> from control.monitoring.scenario import Scenario
    >>> from control.monitoring.twin import run_twin
    >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1)
    >>> r = run_twin(chip, Scenario(duration_s=60, warmup_s=20), qec_shots=50)
    >>> fig = twin_figure(r)
    >>> len(fig.data) > 0
    True
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from control.monitoring.twin import TwinResult

__all__ = ["twin_figure", "write_twin_html"]


def twin_figure(result: TwinResult) -> go.Figure:
    """The kept traces by group, with events, failures, detections and interventions."""
    groups: dict[str, list[str]] = {}
    for name in result.traces:
        groups.setdefault(name.split(":")[0], []).append(name)
    names = (list(groups) or ["(no traces)"]) + ["QEC snapshots (stim)"]
    fig = make_subplots(rows=len(names), cols=1, shared_xaxes=True, subplot_titles=names,
                        vertical_spacing=0.04)
    r = result.report
    for row, g in enumerate(names, start=1):
        for name in groups.get(g, []):
            fig.add_trace(go.Scattergl(x=result.time_s, y=result.traces[name], mode="lines",
                                       name=name.split(":", 1)[1], legendgroup=g,
                                       line={"width": 1}), row=row, col=1)
    periodic = [q for q in r.qec_snapshots if q.purpose == "periodic"]
    row_q = len(names)
    for label, values in (
        ("logical error / round", [q.logical_error_round for q in periodic]),
        ("syndrome detectors fired", [q.syndrome_rate for q in periodic]),
    ):
        fig.add_trace(go.Scatter(x=[q.time_s for q in periodic], y=values, mode="lines+markers",
                                 name=label, legendgroup="qec"), row=row_q, col=1)
    marks = [(e.start_s, "grey", "dash") for e in r.events]
    marks += [(e.failure_s, "red", "solid") for e in r.events if e.failure_s is not None]
    marks += [(e.detected_s, "green", "solid") for e in r.events if e.detected_s is not None]
    marks += [(i.time_s, "royalblue", "dot") for i in r.interventions[:200]]
    # one shapes list for all panels: add_vline per mark and panel re-validates the layout
    # each time (minutes for a few hundred marks)
    shapes = [
        {"type": "line", "x0": t, "x1": t, "y0": 0, "y1": 1, "xref": f"x{row}" if row > 1
         else "x", "yref": (f"y{row} domain" if row > 1 else "y domain"),
         "line": {"color": colour, "dash": dash, "width": 1}}
        for row in range(1, len(names) + 1) for t, colour, dash in marks
    ]
    fig.update_layout(shapes=shapes)
    # hover text for the marks: one invisible trace per kind of mark on the first panel
    for label, colour, items in (
        ("event start", "grey", [(e.start_s, e.label) for e in r.events]),
        ("failure without the twin", "red",
         [(e.failure_s, e.label) for e in r.events if e.failure_s is not None]),
        ("detection", "green",
         [(e.detected_s, e.label) for e in r.events if e.detected_s is not None]),
        ("intervention", "royalblue",
         [(i.time_s, f"{i.kind} {i.target}") for i in r.interventions[:200]]),
    ):
        if items:
            fig.add_trace(go.Scatter(
                x=[t for t, _ in items], y=[None] * len(items), mode="markers",
                marker={"color": colour, "symbol": "line-ns-open", "size": 12}, name=label,
                text=[s for _, s in items], hoverinfo="x+text"), row=1, col=1)
    fig.update_layout(height=260 * len(names) + 120, title=(
        f"twin {r.scenario} (seed {r.seed}): {r.samples:,} samples, detection rate "
        f"{r.detection_rate:.0%}, false alarms {r.false_alarms}"), template="plotly_white")
    fig.update_xaxes(title_text="time (s)", row=len(names), col=1)
    return fig


def write_twin_html(result: TwinResult, path: Path) -> Path:
    """Write :func:`twin_figure` as a self-contained HTML file (plotly.js inlined); returns
    the path (see the module example for a run)."""
    twin_figure(result).write_html(path, include_plotlyjs=True, full_html=True)
    return path
