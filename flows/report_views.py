"""The layout views of the report: the chip at levels of detail, and one tile in full.

Both are plotly figures; the chip view's detail traces start empty and are filled by the
page's script (``flows.report_assets``) from the tile drawn once, so the figure is the same
size for 16 or a million qubitrons. Overlays: the qubitrons coloured by their detection
efficiency on their own channel, the worst one's path from the pump fibre, DRC markers.

Example:
    >>> geo = {"chip": {"die": [0, 0, 100, 50], "arrays": [], "boxes": [], "tiles": 0},
    ...        "tile": {"bbox": [0, 0, 10, 10], "layers": [], "sites": []}}
    >>> fig, first = chip_view_figure(geo, qubitron_values={}, drc_boxes=[])
    >>> fig.data[0].name, first
    ('die', 4)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from flows.report_plots import new_figure

__all__ = ["QubitronValue", "chip_view_figure", "tile_view_figure"]

#: what the report knows of one qubitron: colour value (detection efficiency) and hover text
QubitronValue = tuple[float, str]

_AXES: dict[str, dict[str, Any]] = {
    "xaxis": {"title": "x (um)"},
    "yaxis": {"title": "y (um)", "scaleanchor": "x", "scaleratio": 1},
}


def _rects(boxes: Sequence[Sequence[float]]) -> tuple[list[float | None], list[float | None]]:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x0, y0, x1, y1 in boxes:
        xs += [x0, x1, x1, x0, x0, None]
        ys += [y0, y0, y1, y1, y0, None]
    return xs, ys


def _array_boxes(chip: Mapping[str, Any], bbox: Sequence[float]) -> list[list[float]]:
    out = []
    for arr in chip["arrays"]:
        ends = [
            (arr["origin"][0] + i * arr["a"][0] + j * arr["b"][0],
             arr["origin"][1] + i * arr["a"][1] + j * arr["b"][1])
            for i in (0, arr["na"] - 1) for j in (0, arr["nb"] - 1)
        ]
        out.append([min(x for x, _ in ends) + bbox[0], min(y for _, y in ends) + bbox[1],
                    max(x for x, _ in ends) + bbox[2], max(y for _, y in ends) + bbox[3]])
    return out


def chip_view_figure(
    geo: Mapping[str, Any],
    *,
    qubitron_values: Mapping[str, QubitronValue],
    drc_boxes: Sequence[tuple[str, Sequence[float]]],
) -> tuple[go.Figure, int]:
    """The chip view and the index of its first level-of-detail trace.

    Args:
        geo: ``{"chip": chip_geometry(...), "tile": tile_geometry(...)}``.
        qubitron_values: ``{qubitron name: (detection efficiency, hover text)}``.
        drc_boxes: ``(rule, (x0, y0, x1, y1))`` violation boxes in chip um.

    Returns:
        the figure (die, array boxes, DRC markers, then the empty traces the page fills:
        tile outlines, qubitrons, one per layer) and the index of the tile-outline trace.
    """
    chip, tile = geo["chip"], geo["tile"]
    fig = new_figure()
    x0, y0, x1, y1 = chip["die"]
    fig.add_scatter(name="die", x=[x0, x1, x1, x0, x0], y=[y0, y0, y1, y1, y0], mode="lines",
                    line={"color": "black", "width": 2}, hoverinfo="skip")
    boxes = _array_boxes(chip, tile["bbox"]) + list(chip["boxes"])
    bx, by = _rects(boxes)
    fig.add_scatter(
        name=f"tile arrays ({chip['tiles']} tiles)", x=bx, y=by, mode="lines", fill="toself",
        line={"color": "#4c78a8", "width": 1}, fillcolor="rgba(76,120,168,0.15)",
        hovertemplate=f"{chip['tiles']} tiles; zoom in for tiles, qubitrons, polygons"
        "<extra></extra>",
    )
    dx, dy = _rects([b for _, b in drc_boxes])
    fig.add_scatter(name="DRC markers", x=dx, y=dy, mode="lines",
                    line={"color": "red", "width": 2}, hoverinfo="skip")
    fig.add_scatter(
        name="DRC marker centres", x=[(b[0] + b[2]) / 2 for _, b in drc_boxes],
        y=[(b[1] + b[3]) / 2 for _, b in drc_boxes], mode="markers",
        marker={"symbol": "x", "color": "red", "size": 9}, text=[r for r, _ in drc_boxes],
        hovertemplate="DRC %{text}<extra></extra>",
    )
    first = len(fig.data)
    fig.add_scatter(name="tile outlines", x=[], y=[], mode="lines",
                    line={"color": "#4c78a8", "width": 0.7}, hoverinfo="skip")
    values = [v for v, _ in qubitron_values.values()]
    fig.add_scatter(
        name="qubitrons (detection efficiency)", x=[], y=[], mode="markers",
        marker={"size": 8, "colorscale": "Viridis", "cmin": min(values, default=0.0),
                "cmax": max(values, default=1.0), "showscale": True,
                "colorbar": {"title": "detection<br>efficiency", "x": 1.0, "len": 0.45,
                             "y": 0.0, "yanchor": "bottom"}},
        hovertemplate="%{text}<extra></extra>",
    )
    for layer in tile["layers"]:
        fig.add_scatter(name=layer["name"], x=[], y=[], mode="lines", fill="toself",
                        line={"color": layer["color"], "width": 0.5},
                        fillcolor=layer["color"], opacity=0.55, hoverinfo="skip")
    pad_x, pad_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
    fig.update_layout(
        title="chip: zoom in (drag a box, scroll) for tiles, then qubitrons, then polygons",
        xaxis={**_AXES["xaxis"], "range": [x0 - pad_x, x1 + pad_x]},
        yaxis={**_AXES["yaxis"], "range": [y0 - pad_y, y1 + pad_y]},
        height=640, legend={"x": 1.12},
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
    )
    return fig, first


def tile_view_figure(
    tile: Mapping[str, Any],
    *,
    qubitron_values: Mapping[str, QubitronValue],
    worst: str | None = None,
    input_port: str = "fibre_pump_in",
) -> go.Figure:
    """One tile's polygons by layer (legend toggles them), its qubitrons coloured by
    detection efficiency, its fibre ports, and the worst qubitron's path from ``input_port``
    (drawn as a straight dashed line between the ends: the route follows the waveguides)."""
    fig = new_figure()
    for layer in tile["layers"]:
        # float arrays (None -> NaN, a gap as in the page's script): plotly takes them whole
        # and writes them as typed arrays, where lists would be validated point by point
        xs, ys = np.array(layer["x"], dtype=float), np.array(layer["y"], dtype=float)
        fig.add_scatter(name=layer["name"], x=xs, y=ys, mode="lines",
                        fill="toself", line={"color": layer["color"], "width": 0.5},
                        fillcolor=layer["color"], opacity=0.55, hoverinfo="skip")
    qubitrons = [s for s in tile["sites"] if s["kind"] == "qubitron"]
    ports = [s for s in tile["sites"] if s["kind"] == "port"]
    values = [qubitron_values.get(s["name"], (float("nan"), ""))[0] for s in qubitrons]
    fig.add_scatter(
        name="qubitrons", x=[s["x"] for s in qubitrons], y=[s["y"] for s in qubitrons],
        mode="markers+text", text=[s["name"] for s in qubitrons], textposition="top center",
        customdata=[qubitron_values.get(s["name"], (0.0, ""))[1] for s in qubitrons],
        marker={"size": 14, "color": values, "colorscale": "Viridis", "showscale": True,
                "colorbar": {"title": "detection<br>efficiency", "x": 1.0, "len": 0.45,
                             "y": 0.0, "yanchor": "bottom"},
                "line": {"color": "black", "width": 1}},
        hovertemplate="%{text}<br>%{customdata}<extra></extra>",
    )
    fig.add_scatter(name="fibre ports", x=[s["x"] for s in ports], y=[s["y"] for s in ports],
                    mode="markers+text", text=[s["name"] for s in ports],
                    textposition="bottom center",
                    marker={"symbol": "square", "size": 11, "color": "#ff7f0e"})
    start = next((s for s in ports if s["name"] == input_port), None)
    end = next((s for s in qubitrons if s["name"] == worst), None)
    if start is not None and end is not None:
        fig.add_scatter(
            name=f"worst path: {input_port} -> {worst}", x=[start["x"], end["x"]],
            y=[start["y"], end["y"]], mode="lines+markers",
            line={"color": "red", "width": 3, "dash": "dash"},
            marker={"size": 18, "symbol": "circle-open", "color": "red"},
            hovertext=qubitron_values.get(str(worst), (0.0, ""))[1], hoverinfo="text",
        )
    fig.update_layout(title=f"one tile: {tile.get('name', '')} (every tile is this cell)",
                      height=620, legend={"x": 1.12},
                      margin={"l": 60, "r": 20, "t": 40, "b": 50}, **_AXES)
    return fig
