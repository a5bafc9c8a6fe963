"""The routing result as a picture a designer can sign off: the layout with the failures on it.

``route.png`` used to be the bare layout, so a net left unrouted was a gap nobody could find.
Here the layout (KLayout's own renderer, the PDK's layer colours) is drawn in micrometre axes
and every unrouted net is a dashed flyline (a "ratsnest" line, as board and chip routers draw
them) from its source port to its target port, coloured by why it is unrouted:

- ``proven``: a cut proves there is no legal routing (``no legal routing ...``);
- ``removed``: the router drew it but its own sign-off (overlaps, DRC) removed it;
- ``not found``: no legal path was found and nothing proves that none exists.

The title is the report's one-line summary (routed count, crossings, the sign-off's counts).

Example:
    >>> from routing.route_picture import flyline_kind
    >>> flyline_kind("no legal routing: 3 nets cross a 2-track cut"), flyline_kind(None)
    ('proven', 'not found')
"""

from __future__ import annotations

import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from routing.multilayer import MultiLayerReport
from routing.report import RouteReport
from routing.router import Connection

__all__ = ["Flyline", "flyline_kind", "flylines", "write_route_png"]

KIND_COLOURS = {"proven": "#d62728", "removed": "#ff7f0e", "not found": "#9467bd"}
_MARGIN = 0.06  # of the picture's span, round the layout and the flylines
_LISTED = 8  # unrouted nets whose reasons are written on the picture


@dataclass(frozen=True)
class Flyline:
    """One unrouted net: its name, port centres (um) and why it is unrouted (``kind``)."""

    name: str
    source_xy_um: tuple[float, float]
    target_xy_um: tuple[float, float]
    kind: str
    reason: str


def flyline_kind(reason: str | None, removed: bool = False) -> str:
    """``"proven"``, ``"removed"`` or ``"not found"`` for an unrouted net's ``reason``
    (``removed``: the sign-off took it out)."""
    if reason and reason.startswith("no legal routing"):
        return "proven"
    return "removed" if removed else "not found"


def flylines(component: gf.Component, report: RouteReport | MultiLayerReport,
             connections: Sequence[Connection] = ()) -> list[Flyline]:
    """The unrouted nets of ``report`` as flylines between their ports in ``component``.

    A planar ``RouteReport`` names each net's ports itself. A ``MultiLayerReport`` names
    them through ``connections`` (matched by ``Connection.label``), or in book mode through
    the ports its plan chose. Nets whose ports cannot be resolved (a port group with no
    chosen port) are skipped."""
    insts = {i.name: i for i in component.insts}
    # name -> (source, target, reason, removed by the sign-off)
    unrouted: dict[str, tuple[str, str, str | None, bool]] = {}
    if isinstance(report, RouteReport):
        for n in report.nets:
            if not n.routed:
                unrouted[n.name] = (n.source, n.target, n.reason,
                                    n.waveguide in report.check.failed)
    else:
        ends_of = {c.label: (c.source, c.target) for c in connections}
        for m in report.nets:
            ends = (m.ports[0], m.ports[1]) if m.ports and len(m.ports) == 2 else ends_of.get(
                m.name)
            if not m.routed and ends is not None:
                unrouted[m.name] = (*ends, m.reason, False)
    out = []
    for name, (source, target, reason, removed) in unrouted.items():
        a, b = _port_xy(insts, source), _port_xy(insts, target)
        if a is not None and b is not None:
            out.append(Flyline(name, a, b, flyline_kind(reason, removed=removed), reason or ""))
    return out


def _port_xy(insts: dict, ref: str) -> tuple[float, float] | None:
    inst_name, _, port_name = ref.partition(",")
    inst = insts.get(inst_name)
    if inst is None:
        return None
    try:
        x, y = inst.ports[port_name].center
    except Exception:  # a port group or a renamed port: nothing to point at
        return None
    return float(x), float(y)


def write_route_png(component: gf.Component, report: RouteReport | MultiLayerReport,
                    path: str | Path, *, connections: Sequence[Connection] = (),
                    width_px: int = 1400, height_px: int = 1000, dpi: int = 100) -> Path:
    """Write the picture of ``component`` routed as ``report`` says to ``path`` (PNG).

    Args:
        component: the routed component (the layout as written to the GDS).
        report: the router's report for it (planar or multi-layer).
        path: PNG file to write (its folder is created).
        connections: the nets as routed (a multi-layer report names its nets' ports only
            through them, except in book mode).
        width_px, height_px: size of the rendered layout in pixels.
        dpi: the figure's resolution.

    Returns:
        ``path``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = flylines(component, report, connections)
    box = component.dbbox()
    for f in lines:
        for x, y in (f.source_xy_um, f.target_xy_um):
            box += kdb.DPoint(x, y)
    pad = _MARGIN * max(box.width(), box.height(), 1.0)
    image, shown = _render(component, box.enlarged(pad, pad), width_px, height_px)
    fig, ax = plt.subplots(figsize=(width_px / dpi, height_px / dpi + 0.8), dpi=dpi)
    ax.imshow(image, extent=(shown.left, shown.right, shown.bottom, shown.top),
              interpolation="nearest")
    counts: dict[str, int] = {}
    for f in lines:
        colour = KIND_COLOURS[f.kind]
        (x0, y0), (x1, y1) = f.source_xy_um, f.target_xy_um
        ax.plot([x0, x1], [y0, y1], linestyle=(0, (6, 4)), color=colour, linewidth=1.6)
        ax.plot([x0, x1], [y0, y1], "o", color=colour, markersize=4)
        ax.annotate(f.name, ((x0 + x1) / 2, (y0 + y1) / 2), color=colour, fontsize=8,
                    ha="center", va="bottom")
        counts[f.kind] = counts.get(f.kind, 0) + 1
    if counts:
        handles = [plt.Line2D([], [], color=KIND_COLOURS[k], linestyle="--",
                              label=f"unrouted, {k}: {v}") for k, v in sorted(counts.items())]
        ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.9)
        listed = [f"{f.name}: {textwrap.shorten(f.reason or f.kind, 110)}"
                  for f in lines[:_LISTED]]
        if len(lines) > _LISTED:
            listed.append(f"... and {len(lines) - _LISTED} more (route.json)")
        ax.text(0.01, 0.01, "\n".join(listed), transform=ax.transAxes, fontsize=7,
                va="bottom", family="monospace",
                bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#999999"})
    ax.set_xlim(shown.left, shown.right)
    ax.set_ylim(shown.bottom, shown.top)
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    ax.set_title(textwrap.fill(report.summary(), 140), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def _render(component: gf.Component, box: kdb.DBox, width_px: int, height_px: int
            ) -> tuple[np.ndarray, kdb.DBox]:
    """KLayout's picture of ``component`` over at least ``box`` (um) and the box it shows
    (the view widens one side to the picture's aspect ratio)."""
    import klayout.lay as lay
    import matplotlib.pyplot as plt
    from gdsfactory.pdk import get_layer_views

    view = lay.LayoutView()
    index = view.create_layout(True)
    view.active_cellview_index = index
    cv = view.cellview(index)
    cv.layout().assign(component.kcl.layout)
    cv.cell = cv.layout().cell(component.name)
    view.max_hier()
    with tempfile.TemporaryDirectory() as d:
        lyp = Path(d) / "layers.lyp"
        get_layer_views().to_lyp(filepath=lyp)
        view.load_layer_props(str(lyp))
    view.add_missing_layers()
    view.set_config("grid-visible", "false")
    view.set_config("background-color", "#ffffff")
    view.resize(width_px, height_px)
    view.zoom_box(box)
    png = view.get_pixels_with_options(width_px, height_px).to_png_data()
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "view.png"
        f.write_bytes(png)
        image = plt.imread(f)
    return image, view.box()

