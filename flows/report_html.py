"""The build report as one self-contained, interactive HTML page (``report.html``).

Rendered from the same ``BuildReport`` value as ``report.json``: a summary a manager can read
(pass/fail of each check, the headline figures), then the layout (chip to polygons, zoomable),
loss on each qubitron's channel, DRC, FDTD calibration, thermal, control, error correction
and stage times. Plots are plotly figures with plotly.js inlined once, so the page opens from
disk with no server and no network; tables sort (click a heading) and filter.

Numbers in the summary carry ``data-json`` (their path in ``report.json``) so a reader, or a
test, can check the page against the JSON.

Example:
    >>> cell("drc.total_violations", 0)
    '<span class="num" data-json="drc.total_violations">0</span>'
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from flows.output import atomic_file
from flows.report import BuildReport, format_figure
from flows.report_assets import CSS, SCRIPT
from flows.report_layout import chip_geometry, tile_geometry
from flows.report_plots import (
    array_map_figure,
    breakdown_figure,
    delivery_figure,
    drc_figure,
    figure_json,
    new_figure,
    path_loss_figure,
    qec_figure,
    stage_figure,
    template_json,
)
from flows.report_views import QubitronValue, chip_view_figure, tile_view_figure
from routing.tile import feed_port

__all__ = ["cell", "render_html_report", "write_html_report"]

_esc = html.escape


def cell(path: str, value: Any, *, agg: str | None = None, text: str | None = None) -> str:
    """A number of the report as a ``<span>`` naming its ``report.json`` path (``*`` for every
    value of a mapping, reduced by ``agg``: ``min``/``max``)."""
    shown = _esc(text if text is not None else format_figure(value))
    agg_attr = f' data-agg="{agg}"' if agg else ""
    return f'<span class="num" data-json="{_esc(path)}"{agg_attr}>{shown}</span>'


def _verdict(path: str, ok: bool, *, derived: bool = False) -> str:
    """PASS/FAIL naming its ``report.json`` path, or (``derived``) the check it is computed
    by from several fields (``ok``, ``all_reached``, ``thermal.tunable``)."""
    label, css = ("PASS", "pass") if ok else ("FAIL", "fail")
    attr = "data-derived" if derived else "data-json"
    return f'<span class="{css}" {attr}="{_esc(path)}" data-bool="{str(ok).lower()}">{label}</span>'


class _Page:
    """Collects figures (JSON blocks) and table ids while the sections are written."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self._n = 0
        #: qubitron name -> its ring centre in the chip's first tile (um), for locate links
        self.qubitron_xy: dict[str, tuple[float, float]] = {}

    def figure(self, fig: go.Figure | None, *, tall: bool = False) -> str:
        if fig is None:
            return ""
        self._n += 1
        fid = f"fig-{self._n}"
        self.blocks.append(_json_block(fid, figure_json(fig)))
        return f'<div class="plot{" tall" if tall else ""}" data-fig="{fid}"></div>'

    def table(
        self, rows: Iterable[Sequence[Any]], head: Sequence[str], *, filterable: bool = False
    ) -> str:
        self._n += 1
        tid = f"table-{self._n}"
        th = "".join(f"<th>{_esc(h)}</th>" for h in head)
        body = "".join("<tr>" + "".join(_td(v) for v in r) + "</tr>" for r in rows)
        search = (
            f'<input class="filter" data-table="{tid}" placeholder="filter rows ...">'
            if filterable else ""
        )
        return (f'{search}<table class="sortable" id="{tid}"><thead><tr>{th}</tr></thead>'
                f"<tbody>{body}</tbody></table>")


class _Markup(str):
    """Table cell content that is already HTML (a locate link)."""


def _locate(label: str, box: Sequence[float], *, margin_um: float = 60.0) -> _Markup:
    """A link that zooms the chip view to ``box`` (x0, y0, x1, y1 in um, plus a margin)."""
    x0, y0, x1, y1 = box
    zoom = ",".join(f"{v:.3f}" for v in (x0 - margin_um, y0 - margin_um, x1 + margin_um,
                                         y1 + margin_um))
    return _Markup(f'<a href="#chip-view" class="locate" data-zoom="{zoom}">{_esc(label)}</a>')


def _td(value: Any) -> str:
    """A table cell: floats to 4 significant digits, or to 0.01 above 1000 (a wavelength in
    nm keeps its channel), the raw number in ``data-value`` for sorting."""
    if isinstance(value, _Markup):
        return f"<td>{value}</td>"
    if isinstance(value, float) and not isinstance(value, bool):
        text = f"{value:.2f}" if 1000 <= abs(value) < 1e7 else f"{value:.4g}"
        return f'<td data-value="{value!r}">{_esc(text)}</td>'
    return f"<td>{_esc(format_figure(value))}</td>"


def _json_block(block_id: str, value: Any) -> str:
    # "</" would end the script element early; JSON allows the escaped solidus
    text = json.dumps(value, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    return f'<script type="application/json" id="{block_id}">{text}</script>'


def _checks(report: BuildReport) -> list[tuple[str, str, str]]:
    d, det = report.drc, report.qubitron_detection
    rows = [
        ("DRC", _verdict("drc.clean", d.clean),
         f"{cell('drc.total_violations', d.total_violations)} violations over "
         f"{len(d.rules) or '-'} rules"),
        ("every qubitron reached on its channel",
         _verdict("all_reached", det.reachable == det.expected, derived=True),
         f"{cell('qubitron_detection.reachable', det.reachable)} of "
         f"{cell('qubitron_detection.expected', det.expected)} per tile detect >= "
         f"{cell('qubitron_detection.min_efficiency', det.min_efficiency)} of the pump"),
    ]
    if (t := report.thermal) is not None:
        rows += [
            ("heat load within the cooling stage", _verdict("thermal.within_budget",
                                                            t.within_budget),
             f"{cell('thermal.heat_load_W', t.heat_load_W)} W of "
             f"{cell('thermal.cooling_power_W', t.cooling_power_W)} W at "
             f"{cell('thermal.temperature_K', t.temperature_K)} K"),
            ("every ring tunable to its channel",
             _verdict("thermal.tunable", t.tunable, derived=True),
             f"{cell('thermal.untunable_rings', t.untunable_rings)} untunable, "
             f"{cell('thermal.rings_without_heater', t.rings_without_heater)} without a heater"),
        ]
    if (c := report.control) is not None:
        rows.append(("pump skew within the detection window",
                     _verdict("control.skew_fits_window", c.skew_fits_window),
                     f"{cell('control.pump_skew_ps', c.pump_skew_ps)} ps"))
        if (cl := c.control_lines) is not None:
            lines = "control.control_lines"
            rows.append(("bond pads fit the die edge",
                         _verdict(f"{lines}.fits_with_scheme", cl.fits_with_scheme),
                         f"{cell(f'{lines}.pads_with_scheme', cl.pads_with_scheme)}"
                         f" pads ({_esc(cl.scheme)}), edge holds "
                         f"{cell(f'{lines}.pads_die_edge_holds', cl.pads_die_edge_holds)}"))
    if (q := report.qec) is not None:
        rows.append(("surface code below threshold", _verdict("qec.below_threshold",
                                                              q.below_threshold),
                     _esc(", ".join(f"{k}: threshold / chip rates {format_figure(v)}"
                                    for k, v in q.threshold_margin.items()))))
    return rows


def _cards(report: BuildReport) -> str:
    det = report.qubitron_detection.detector_efficiency
    cards = [
        ("qubitrons", cell("counts.qubitrons", report.counts.qubitrons)),
        ("tiles", cell("counts.tiles", report.counts.tiles)),
        ("DRC violations", cell("drc.total_violations", report.drc.total_violations)),
    ]
    if (s := report.system) is not None and s.dies > 1:
        cards.insert(1, (f"qubitrons in the system ({s.dies} dies)",
                         cell("system.qubitrons", s.qubitrons)))
    if det:
        low = min(v.efficiency for v in det.values())
        cards.append(("lowest detection efficiency on channel",
                      cell("qubitron_detection.detector_efficiency.*.efficiency", low,
                           agg="min")))
    if report.channel_paths:
        worst = max(p.insertion_loss_dB for p in report.channel_paths)
        cards.append(("worst fibre -> detector loss on channel (dB)",
                      cell("channel_paths.*.insertion_loss_dB", worst, agg="max")))
    if (c := report.control) is not None and c.pump_delivery_dB:
        cards.append(("worst pump delivery (dB)",
                      cell("control.pump_delivery_dB.*", max(c.pump_delivery_dB.values()),
                           agg="max")))
        cards.append(("QEC round latency (ns)", cell("control.round_latency_ns",
                                                     c.round_latency_ns)))
    if (t := report.thermal) is not None:
        cards.append(("heat load (W)", cell("thermal.heat_load_W", t.heat_load_W)))
    if report.total_seconds is not None:
        cards.append(("build time before the report (s)",
                      cell("total_seconds", report.total_seconds)))
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="v">{v}</div><div class="k">{_esc(k)}</div></div>'
        for k, v in cards
    ) + "</div>"


def _qubitron_values(report: BuildReport) -> dict[str, QubitronValue]:
    """Per qubitron of the tile: detection efficiency and a hover line of its figures."""
    paths = {p.output.removeprefix("det:").split("/", 1)[0]: p for p in report.channel_paths}
    c = report.control
    out: dict[str, QubitronValue] = {}
    for det, reading in report.qubitron_detection.detector_efficiency.items():
        name = det.split("/", 1)[0]
        parts = [f"detection efficiency {reading.efficiency:.4f} at {reading.wl_nm:.2f} nm"]
        if name in paths:
            parts.append(f"fibre -> detector {paths[name].insertion_loss_dB:.3f} dB on channel")
        if c is not None and name in c.pump_delivery_dB:
            parts.append(f"pump {c.pump_delivery_dB[name]:.3f} dB, Stokes "
                         f"{c.stokes_delivery_dB.get(name, float('nan')):.3f} dB, loaded Q "
                         f"{c.loaded_q.get(name, float('nan')):.4g}")
        out[name] = (reading.efficiency, "<br>".join(parts))
    return out


def _layout_section(page: _Page, report: BuildReport, chip: Any, tile: Any) -> str:
    if chip is None or tile is None:
        return "<p class='note'>no layout given to the report writer.</p>"
    die = report.spec.get("die", {})
    die_um = (die["width_um"], die["height_um"]) if "width_um" in die else None
    geo = {
        "chip": chip_geometry(chip, tile_cell=tile.name, die_um=die_um),
        "tile": tile_geometry(tile),
    }
    values = _qubitron_values(report)
    drc_boxes = [(m.rule, m.bbox_um) for m in report.drc.markers]
    chip_fig, first = chip_view_figure(geo, qubitron_values=values, drc_boxes=drc_boxes)
    qubitrons = [
        {"name": s["name"], "x": s["x"], "y": s["y"],
         "value": values.get(s["name"], (None, ""))[0],
         "text": values.get(s["name"], (None, "not reached"))[1]}
        for s in geo["tile"]["sites"] if s["kind"] == "qubitron"
    ]
    page.blocks.append(_json_block("layout-data", {**geo, "qubitrons": qubitrons,
                                                   "dynamic": first}))
    page.blocks.append(_json_block("chip-view-fig", figure_json(chip_fig)))
    if geo["chip"]["arrays"]:
        ox, oy = geo["chip"]["arrays"][0]["origin"]
        page.qubitron_xy = {q["name"]: (ox + q["x"], oy + q["y"]) for q in qubitrons}
    worst = min(values, key=lambda k: values[k][0]) if values else None
    tile_fig = tile_view_figure(geo["tile"], qubitron_values=values, worst=worst,
                                input_port=feed_port(tile, "pump_in"))
    t = geo["tile"]
    return (
        '<div id="chip-view" class="plot tall"></div>'
        f"<p class='note'>{geo['chip']['tiles']} tiles; the tile cell is drawn once "
        f"({t['points']} vertices, outlines smoothed within {t['smoothing_um'] * 1e3:.0f} nm) "
        "and placed where the view is zoomed in. Click a layer in the legend to hide it.</p>"
        + page.figure(tile_fig, tall=True)
    )


def _loss_section(page: _Page, report: BuildReport) -> str:
    parts = []
    if report.channel_paths:
        parts.append(page.figure(breakdown_figure(report.channel_paths)))
        rows = [
            (p.output.removeprefix("det:"), p.insertion_loss_dB, p.length_um, p.cells,
             ", ".join(f"{k} {v:.3f}" for k, v in p.breakdown_dB.items()))
            for p in report.channel_paths
        ]
        parts.append(page.table(rows, ("detector", "loss on channel (dB)", "length (um)",
                                       "cells", "breakdown (dB)")))
    if (c := report.control) is not None:
        parts.append(page.figure(delivery_figure(c.pump_delivery_dB, c.stokes_delivery_dB)))
    parts.append(page.figure(array_map_figure(report)))
    det = report.qubitron_detection.detector_efficiency

    def where(detector: str) -> Any:
        xy = page.qubitron_xy.get(detector.split("/", 1)[0])
        return "-" if xy is None else _locate("on the mask", (*xy, *xy), margin_um=150.0)

    parts.append("<h3>Detection efficiency on each qubitron's channel</h3>" + page.table(
        [(k, v.efficiency, v.wl_nm, where(k)) for k, v in det.items()],
        ("detector", "efficiency (pump fibre -> detector)", "channel (nm)",
         "where (first tile)")))
    worst = report.loss.worst
    if worst:
        parts.append("<h3>Fibre-to-fibre paths of the tile</h3><p class='note'>at the grid "
                     "centre, between channels: a path through a ring is far off its "
                     "resonance there; the band minimum is its best channel.</p>")
        parts.append(page.figure(path_loss_figure(worst)))
        parts.append(page.table(
            [(p.input, p.output, p.insertion_loss_dB, p.insertion_loss_min_dB, p.length_um,
              ", ".join(f"{k} {v:.3f}" for k, v in p.breakdown_dB.items())) for p in worst],
            ("input", "output", "loss at centre (dB)", "best in band (dB)", "length (um)",
             "breakdown at centre (dB)"), filterable=True))
    return "".join(parts)


def _calibration_section(page: _Page, report: BuildReport) -> str:
    f = report.fdtd
    fdtd_source = f"FDTD: {f.calibration_file} ({f.method or 'method not recorded'})"
    published = "published default (compact model)"
    bend = f.bend_loss_dB_per_90deg_at_routing_radius
    rows: list[tuple[str, Any, str, Any]] = [
        (f"routing bend loss per 90 deg at R = {bend.radius_um:g} um (dB)", bend.in_use,
         "3D vectorial mode table", bend.fdtd_2d_fit),
    ]
    for part, figures in (("crossing", f.crossing), ("interlayer coupler",
                                                     f.interlayer_coupler)):
        if figures is None:
            rows.append((part, "-", published, "-"))
        for k, v in (figures or {}).items():
            rows.append((f"{part} {k.replace('_dB', '')} (dB)", v, fdtd_source, "-"))
    note = f"<p class='note'>{_esc(f.note)}</p>" if f.note else ""
    return page.table(rows, ("figure", "value in use", "source", "2D FDTD fit (validation)")
                      ) + note


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted path, leaf)`` rows of a JSON value (lists of scalars kept as one row)."""
    if isinstance(value, dict):
        return [row for k, v in value.items()
                for row in _flatten(v, f"{prefix}.{k}" if prefix else str(k))]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        return [row for i, v in enumerate(value) for row in _flatten(v, f"{prefix}[{i}]")]
    if isinstance(value, list):
        return [(prefix, ", ".join(format_figure(v) for v in value))]
    return [(prefix, value)]


#: BuildReport fields with a section of their own; any other (a section added later) is
#: shown by ``_other_sections`` as a table, so it is on the page the day it lands
_OWN_SECTIONS = frozenset({
    "name", "spec", "gds", "counts", "drc", "routing", "loss", "qubitron_detection",
    "channel_paths", "fdtd", "thermal", "control", "qec", "system", "pictures", "stages",
    "total_seconds",
})

#: rows of a generic section's table (the rest stays in report.json)
MAX_GENERIC_ROWS = 400


def _other_sections(page: _Page, report: BuildReport) -> str:
    out = []
    for name, field in type(report).model_fields.items():
        value = getattr(report, name)
        if name in _OWN_SECTIONS or value is None:
            continue
        dumped = report.model_dump(mode="json", include={name})[name]
        rows = _flatten(dumped)
        more = len(rows) - MAX_GENERIC_ROWS
        title = name.replace("_", " ").capitalize()
        out.append(
            f'<h2 id="{_esc(name)}">{_esc(title)}</h2>'
            + (f"<p class='note'>{_esc(field.description)}</p>" if field.description else "")
            + page.table(rows[:MAX_GENERIC_ROWS], ("figure", "value"), filterable=True)
            + (f"<p class='note'>{more} more rows in report.json ({_esc(name)})</p>"
               if more > 0 else "")
        )
    return "".join(out)


def _design_section(page: _Page, report: BuildReport) -> str:
    """What was placed and routed, and the spec it came from (folded)."""
    r = report.routing
    rows = [*report.counts.model_dump().items(), ("router", r.router),
            ("nets per tile", r.nets), ("crossings per tile", r.crossings),
            ("routed length per tile (um)", r.total_length_um)]
    return (page.table(rows, ("what", "value"))
            + "<details><summary>chip spec</summary>"
            + page.table(_flatten(report.spec), ("field", "value"), filterable=True)
            + "</details>")


def _notes(notes: Iterable[str]) -> str:
    return "<ul class='note'>" + "".join(f"<li>{_esc(n)}</li>" for n in notes) + "</ul>"


def _thermal_section(page: _Page, report: BuildReport) -> str:
    t = report.thermal
    if t is None:
        return ""
    verdict = "every ring tunable within budget" if t.tunable else "NOT tunable as designed"
    rows = [
        ("operating temperature", f"{t.temperature_K:g} K ({t.cooling_stage} stage)"),
        ("heat load / cooling power", f"{t.heat_load_W:.3g} W / {t.cooling_power_W:.3g} W"
         + ("" if t.within_budget else " (over budget)")),
        ("heaters / rings", f"{t.heaters} / {t.rings}"),
        ("rings without a heater", t.rings_without_heater),
        ("rings with a heater that cannot reach their channel", t.untunable_rings),
        ("tuning power (mW)", t.tuning_power_mW),
        ("median heater power per FSR (mW)", t.median_power_per_fsr_mW),
        ("worst crosstalk (neighbour / own rise)", t.worst_crosstalk_ratio),
    ]
    fig = new_figure(go.Bar(x=["heat load", "cooling power"],
                           y=[t.heat_load_W, t.cooling_power_W],
                           marker={"color": ["#d62728" if not t.within_budget else "#2ca02c",
                                             "#7f7f7f"]}))
    fig.update_layout(title=f"heat load vs the {t.cooling_stage} stage", yaxis_title="W",
                      height=320)
    return (f'<h2 id="thermal">Thermal: {_esc(verdict)}</h2>'
            + page.table(rows, ("figure", "value")) + page.figure(fig)
            + '<p>temperature maps, crosstalk matrix and tuning powers: '
              '<a href="thermal/">thermal/</a></p>' + _notes(t.notes))


def _control_section(page: _Page, report: BuildReport) -> str:
    c = report.control
    if c is None:
        return ""
    rows: list[tuple[str, Any]] = [
        ("launched pump / Stokes power (mW)", f"{c.pump_power_mW:.3g} / {c.stokes_power_mW:.3g}"),
        ("lowest STIRAP transfer efficiency", c.transfer_efficiency_min),
        ("mean Purcell factor into the ring", c.purcell_factor_mean),
        ("erasure per round (mean / max)", f"{c.p_erasure_mean:.3g} / {c.p_erasure_max:.3g}"),
        ("largest Pauli error per round", c.p_pauli_max),
        ("largest measurement error", c.p_measurement_max),
        ("largest idle error per round", c.p_idle_max),
        ("QEC round latency (ns)", c.round_latency_ns),
        ("pump arrival skew (ps)", f"{c.pump_skew_ps:.3g}"
         + (" (fits the detection window)" if c.skew_fits_window else " (does NOT fit)")),
    ]
    if (cl := c.control_lines) is not None:
        rows += [
            ("heaters (qubitron / switch) / detectors",
             f"{cl.qubitron_heaters} / {cl.switch_heaters} / {cl.detectors}"),
            ("control / readout lines, bond pads (whole chip)",
             f"{cl.control_lines} / {cl.readout_lines}, {cl.pads_on_chip} pads"),
            ("bond pads the die edge holds", f"{cl.pads_die_edge_holds} at "
             f"{cl.pad_pitch_um:g} um pitch" + (" (fits)" if cl.fits else " (does NOT fit)")),
            ("addressing", cl.scheme.replace("_", "-")
             + (f" ({cl.matrix_rows} x {cl.matrix_columns} matrix)" if cl.matrix_rows else "")
             + f": {cl.control_lines_with_scheme} control lines, {cl.pads_with_scheme} pads"
             + ("" if cl.fits_with_scheme else " (still does NOT fit)")),
        ]
    per_q = [(q, c.pump_delivery_dB[q], c.stokes_delivery_dB.get(q), c.loaded_q.get(q))
             for q in c.pump_delivery_dB]
    return (f'<h2 id="control">Control: STIRAP and noise ({_esc(c.scope)})</h2>'
            + page.table(rows, ("figure", "value"))
            + page.table(per_q, ("qubitron", "pump delivery (dB)", "Stokes delivery (dB)",
                                 "loaded Q"))
            + '<p>noise table, schedule and timing: <a href="control/">control/</a></p>'
            + _notes(c.notes))


def _qec_section(page: _Page, report: BuildReport) -> str:
    q = report.qec
    if q is None:
        return ""
    verdict = "below threshold" if q.below_threshold else "ABOVE threshold"
    rows = [(dec, q.threshold_margin.get(dec), q.chip_logical_error_round.get(dec),
             q.distance_for_target.get(dec), q.logical_qubits_on_chip.get(dec))
            for dec in q.threshold_margin]
    return (f'<h2 id="qec">Error correction: the chip is {verdict}</h2>'
            f"<p>rotated surface-code memory, distances {q.distances}, error scales "
            f"{q.scales} (1 = the chip's own rates), {q.shots} shots; target "
            f"{q.target_logical_error:g} per round.</p>"
            + page.figure(qec_figure(report))
            + page.table(rows, ("decoder", "threshold / chip rates", "logical error per round",
                                "distance for target", "logical qubits on chip"))
            + f"<p>inner bosonic code in the ring mode: {_esc(q.hybrid_verdict)}</p>"
            + '<p>points and plots: <a href="qec/">qec/</a></p>' + _notes(q.notes))


def _system_section(page: _Page, report: BuildReport) -> str:
    s = report.system
    if s is None:
        return ""
    wafers = s.wafers if s.wafers is not None else "none fits"
    rows = [
        ("qubitrons", f"{s.qubitrons:,} ({s.dies} x {s.qubitrons_per_die:,})"),
        ("fibres", s.fibres),
        ("die (mm)", f"{s.die_mm[0]:g} x {s.die_mm[1]:g}"),
        (f"dies per {s.wafer_mm} mm wafer", s.dies_per_wafer),
        ("wafers", wafers),
        ("wafer area used", "-" if s.wafer_area_used is None else f"{s.wafer_area_used:.1%}"),
        ("worst fibre-to-detector efficiency", f"{s.detection_min:.4f}"),
        ("heat load (W)", f"{s.heat_load_W:.4g}"),
        ("cold stages", s.cooling_stages),
        *((f"logical qubits ({dec})", n) for dec, n in s.logical_qubits.items()),
    ]
    return (f'<h2 id="system">System: {s.dies} identical dies</h2>'
            + page.table(rows, ("quantity", "value")) + _notes(s.notes))


def _drc_section(page: _Page, report: BuildReport) -> str:
    d = report.drc
    rules = page.table(
        [(r.rule, r.kind, " ".join(r.layers), r.value, r.unit, r.violations, r.reason)
         for r in d.rules],
        ("rule", "kind", "layers", "value", "unit", "violations", "why"), filterable=True)
    markers = ""
    if d.markers:
        markers = "<h3>Where (first markers, chip coordinates, um)</h3>" + page.table(
            [(m.rule, *m.bbox_um, _locate("show", m.bbox_um)) for m in d.markers],
            ("rule", "x0", "y0", "x1", "y1", "where"), filterable=True)
    return (page.figure(drc_figure(report)) + rules + markers
            + f"<p>KLayout deep mode, {d.runtime_s:.3g} s; marker database: "
              '<a href="drc/drc.lyrdb">drc/drc.lyrdb</a> (open in KLayout with the mask)</p>')


def render_html_report(report: BuildReport, *, chip: Any = None, tile: Any = None) -> str:
    """The page of ``report`` as text.

    Args:
        report: the build report (the value ``report.json`` holds).
        chip: the chip's layout (gdsfactory component), for the zoomable chip view.
        tile: the tile cell the chip places, drawn once (its polygons) for every placement.

    Returns:
        the HTML document, self-contained (plotly.js inlined, about 4.7 MB).
    """
    page = _Page()
    page.blocks.append(_json_block("plotly-template", template_json()))
    checks = "".join(
        f"<tr><td>{_esc(name)}</td><td>{verdict}</td><td>{detail}</td></tr>"
        for name, verdict, detail in _checks(report)
    )
    all_ok = report.ok
    sections = [
        ('layout', "Layout", _layout_section(page, report, chip, tile)),
        ('design', "Design: counts, routing, spec", _design_section(page, report)),
        ('loss', "Loss on each qubitron's channel", _loss_section(page, report)),
        ('drc', "DRC", _drc_section(page, report)),
        ('calibration', "Calibration in use", _calibration_section(page, report)),
    ]
    body = "".join(f'<h2 id="{sid}">{_esc(title)}</h2>{text}' for sid, title, text in sections)
    body += _thermal_section(page, report) + _control_section(page, report)
    body += _qec_section(page, report) + _system_section(page, report)
    body += _other_sections(page, report)
    body += ('<h2 id="stages">Stages</h2>' + page.figure(stage_figure(report.stages))
             + page.table([(s.stage, s.seconds, s.peak_rss_mib) for s in report.stages],
                          ("stage", "seconds", "peak RSS (MiB)")))
    ids = ["summary", *re.findall(r'<h2 id="([^"]+)"', body)]
    nav = " ".join(f'<a href="#{i}">{_esc(i.replace("_", " "))}</a>' for i in ids)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>QuantaCore build: {_esc(report.name)}</title>
<style>{CSS}</style>
<script>{get_plotlyjs()}</script>
</head><body>
<h1>{_esc(report.name)}</h1>
<nav>{nav}</nav>
<section id="summary"><h2>Summary: <span class="{'pass' if all_ok else 'fail'}"
 id="verdict" data-derived="ok" data-bool="{str(all_ok).lower()}">{'all core checks pass'
 if all_ok else 'checks failed'}</span></h2>
<p>mask <a href="{_esc(report.gds)}">{_esc(report.gds)}</a>; machine-readable twin
<a href="report.json">report.json</a> (schema <a href="report.schema.json">report.schema.json</a>).
</p>
{_cards(report)}
<table id="checks"><thead><tr><th>check</th><th>result</th><th>detail</th></tr></thead>
<tbody>{checks}</tbody></table></section>
{body}
{''.join(page.blocks)}
<script>{SCRIPT}</script>
</body></html>
"""


def write_html_report(
    report: BuildReport, path: Path, *, chip: Any = None, tile: Any = None
) -> Path:
    """Write ``report.html`` for ``report`` at ``path`` (atomically); see
    ``render_html_report``."""
    text = render_html_report(report, chip=chip, tile=tile)
    return atomic_file(path, lambda tmp: tmp.write_text(text))
