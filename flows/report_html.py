"""The build report as HTML (one self-contained page next to its PNGs) and the layout pictures.

The chip picture is drawn from the hierarchy (die, tile outlines), never by flattening the
array; the tile is drawn in full.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np

from components.gallery import write_png
from flows.report import BuildReport, format_figure


def write_layout_pictures(component: Any, tile: Any, folder: Path, spec: Any) -> dict[str, str]:
    """``layout.png`` (die with the tile array) and ``tile.png`` (one tile in full)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    tile_ref = component.insts[0]
    write_png(tile, folder / "tile.png")
    fig, ax = plt.subplots(figsize=(8, 8 * spec.die.height_um / spec.die.width_um))
    ax.add_patch(Rectangle((0, 0), spec.die.width_um, spec.die.height_um, fill=False, lw=1.5))
    rows, cols = spec.tiles
    px, py = component.info["tile_pitch_um"]
    x0, y0 = tile_ref.xmin, tile_ref.ymin  # first element's box (array origin element)
    for i in range(cols):
        for j in range(rows):
            ax.add_patch(
                Rectangle(
                    (x0 + i * px, y0 + j * py), tile.xsize, tile.ysize, alpha=0.35, color="tab:blue"
                )
            )
    ax.set_xlim(0, spec.die.width_um)
    ax.set_ylim(0, spec.die.height_um)
    ax.set_aspect("equal")
    ax.set_title(f"{spec.name}: {rows} x {cols} tiles, {spec.n_qubitrons} qubitrons")
    ax.set_xlabel("x (um)")
    ax.set_ylabel("y (um)")
    fig.savefig(folder / "layout.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return {"chip": "layout.png", "tile": "tile.png"}


def _loss_histogram(report: BuildReport, folder: Path) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    losses = np.asarray(report.loss.insertion_loss_dB, float)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(losses[losses < 60], bins=30, color="tab:orange")
    ax.set_xlabel("insertion loss per path (dB)")
    ax.set_ylabel("paths")
    ax.set_title("loss histogram (one tile)")
    fig.savefig(folder / "loss_histogram.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "loss_histogram.png"


def _table(rows: list[tuple[Any, ...]], head: tuple[str, ...]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>" for r in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def _thermal_section(report: BuildReport) -> str:
    t = report.thermal
    if t is None:
        return ""
    verdict = "every ring tunable within budget" if t.tunable else "NOT tunable as designed"
    rows = [
        ("operating temperature", f"{t.temperature_K:g} K ({t.cooling_stage} stage)"),
        ("heat load / cooling power", f"{t.heat_load_W:.3g} W / {t.cooling_power_W:.3g} W"
         + ("" if t.within_budget else " (over budget)")),
        ("heaters / rings", f"{t.heaters} / {t.rings}"),
        ("rings without a heater", str(t.rings_without_heater)),
        ("rings with a heater that cannot reach their channel", str(t.untunable_rings)),
        ("tuning power", f"{t.tuning_power_mW:.4g} mW"),
        ("median heater power per FSR", f"{t.median_power_per_fsr_mW:.4g} mW"),
        ("worst crosstalk (neighbour / own rise)", f"{t.worst_crosstalk_ratio:.3g}"),
    ]
    return (
        f"<h2>Thermal: {html.escape(verdict)}</h2>{_table(rows, ('figure', 'value'))}"
        f'<p>temperature maps, crosstalk matrix and tuning powers: <a href="thermal/">thermal/</a>'
        f"</p>{_notes(t.notes)}"
    )


def _notes(notes: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul>"


def _control_section(report: BuildReport) -> str:
    c = report.control
    if c is None:
        return ""
    rows = [
        ("launched pump / Stokes power", f"{c.pump_power_mW:.3g} / {c.stokes_power_mW:.3g} mW"),
        ("lowest STIRAP transfer efficiency", f"{c.transfer_efficiency_min:.4f}"),
        ("mean Purcell factor into the ring", f"{c.purcell_factor_mean:.3g}"),
        ("erasure per round (mean / max)", f"{c.p_erasure_mean:.3g} / {c.p_erasure_max:.3g}"),
        ("largest Pauli error per round", f"{c.p_pauli_max:.3g}"),
        ("largest measurement error", f"{c.p_measurement_max:.3g}"),
        ("largest idle error per round", f"{c.p_idle_max:.3g}"),
        ("QEC round latency", f"{c.round_latency_ns:.1f} ns"),
        ("pump arrival skew", f"{c.pump_skew_ps:.2f} ps"
         + (" (fits the detection window)" if c.skew_fits_window else " (does NOT fit)")),
    ]
    if (cl := c.control_lines) is not None:
        rows += [
            ("heaters (qubitron / switch) / detectors",
             f"{cl.qubitron_heaters} / {cl.switch_heaters} / {cl.detectors}"),
            ("control / readout lines, bond pads (whole chip)",
             f"{cl.control_lines} / {cl.readout_lines}, {cl.pads_on_chip} pads"),
            ("bond pads the die edge holds",
             f"{cl.pads_die_edge_holds} at {cl.pad_pitch_um:g} um pitch"
             + (" (fits)" if cl.fits else " (does NOT fit)")),
            ("addressing", cl.scheme.replace("_", "-")
             + (f" ({cl.matrix_rows} x {cl.matrix_columns} matrix)" if cl.matrix_rows else "")
             + f": {cl.control_lines_with_scheme} control lines, {cl.pads_with_scheme} pads"
             + ("" if cl.fits_with_scheme else " (still does NOT fit)")),
        ]
    per_q = [
        (q, f"{c.pump_delivery_dB[q]:.3f}", f"{c.stokes_delivery_dB[q]:.3f}",
         f"{c.loaded_q[q]:.4g}")
        for q in c.pump_delivery_dB
    ]
    return (
        f"<h2>Control: STIRAP and noise ({html.escape(c.scope)})</h2>"
        f"{_table(rows, ('figure', 'value'))}"
        f"{_table(per_q, ('qubitron', 'pump delivery (dB)', 'Stokes delivery (dB)', 'loaded Q'))}"
        '<p>noise table, schedule and timing: <a href="control/">control/</a></p>'
        f"{_notes(c.notes)}"
    )


def _qec_section(report: BuildReport) -> str:
    q = report.qec
    if q is None:
        return ""
    verdict = "below threshold" if q.below_threshold else "ABOVE threshold"
    fmt = format_figure
    rows = [
        (dec, fmt(q.threshold_margin.get(dec)), fmt(q.chip_logical_error_round.get(dec)),
         fmt(q.distance_for_target.get(dec)), fmt(q.logical_qubits_on_chip.get(dec)))
        for dec in q.threshold_margin
    ]
    return (
        f"<h2>Error correction: the chip is {verdict}</h2>"
        f"<p>rotated surface-code memory, distances {q.distances}, error scales {q.scales} "
        f"(1 = the chip's own rates), {q.shots} shots; target {q.target_logical_error:g} per "
        "round.</p>"
        + _table(rows, ("decoder", "threshold / chip rates", "logical error per round",
                        "distance for target", "logical qubits on chip"))
        + f"<p>inner bosonic code in the ring mode: {html.escape(q.hybrid_verdict)}</p>"
        + '<p>points and plots: <a href="qec/">qec/</a></p>'
        + _notes(q.notes)
    )


def write_html_report(report: BuildReport, path: Path) -> Path:
    """Write the HTML page of ``report`` (the same value as report.json)."""
    hist = _loss_histogram(report, path.parent)
    drc = report.drc
    drc_rows: list[tuple[str, int | str]] = [(rule, n) for rule, n in drc.by_rule.items()]
    drc_rows = drc_rows or [("all rules", "clean")]
    worst = [
        (
            p.input,
            p.output,
            f"{p.insertion_loss_dB:.3f}",
            ", ".join(f"{k} {v:.3f}" for k, v in p.breakdown_dB.items()),
        )
        for p in report.loss.worst
    ]
    detection = report.qubitron_detection
    det = [
        (k, f"{v.efficiency:.4f}", f"{v.wl_nm:.3f}")
        for k, v in detection.detector_efficiency.items()
    ]
    stages = [(s.stage, f"{s.seconds:.2f}", f"{s.peak_rss_mib:.0f}") for s in report.stages]
    counts = list(report.counts.model_dump().items())
    fdtd = report.fdtd
    bend = fdtd.bend_loss_dB_per_90deg_at_routing_radius
    calibration_rows = [
        ("calibration file", fdtd.calibration_file or "none (published defaults)"),
        ("method", fdtd.method or "-"),
        (f"routing bend loss per 90 deg at R = {bend.radius_um} um (dB)",
         f"{bend.in_use} in use (3D vectorial mode table), {bend.fdtd_2d_fit} by the 2D FDTD "
         "fit (validation only)"),
    ]
    for part, figures in (("crossing", fdtd.crossing), ("interlayer coupler",
                                                        fdtd.interlayer_coupler)):
        for k, v in (figures or {}).items():
            calibration_rows.append((f"{part} {k}", f"{v:.4g}"))
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>QuantaCore build: {html.escape(report.name)}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:3px 8px}}
img{{max-width:100%;border:1px solid #ddd}}</style></head><body>
<h1>{html.escape(report.name)}</h1>
<p>mask: <a href="{html.escape(report.gds)}">{html.escape(report.gds)}</a>;
DRC {"clean" if drc.clean else f"{drc.total_violations} violations"};
{detection.reachable} of {detection.expected}
qubitrons per tile reached by a routed optical path.</p>
<h2>Layout</h2><img src="layout.png"><img src="tile.png">
<h2>Counts</h2>{_table(counts, ("what", "count"))}
<h2>DRC</h2>{_table(drc_rows, ("rule", "violations"))}
<p>marker database: <a href="drc/drc.lyrdb">drc/drc.lyrdb</a></p>
<h2>Loss</h2><img src="{hist}">
<h3>Worst fibre-to-fibre paths (at the grid centre)</h3>
{_table(worst, ("input", "output", "loss (dB)", "breakdown (dB)"))}
<h3>Per-qubitron detection efficiency (pump fibre to detector)</h3>
{_table(det, ("qubitron detector", "efficiency", "channel (nm)"))}
<h2>FDTD calibration in use</h2>{_table(calibration_rows, ("figure", "value"))}
{_thermal_section(report)}
{_control_section(report)}
{_qec_section(report)}
<h2>Stages</h2>{_table(stages, ("stage", "seconds", "peak RSS (MiB)"))}
</body></html>
"""
    path.write_text(page)
    return path
