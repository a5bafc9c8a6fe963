"""The ``quantacore`` command line (see ARCHITECTURE.md, "Command-line contract").

Exit codes: 0 success / clean, 1 checks failed (e.g. DRC violations), 2 bad input.
Bad input never leaves a half-written output folder. Every command is wrapped by
:func:`_reports_bad_input`, the one place where an ``InputError`` becomes exit code 2; the
QuantaCore PDK is activated once, in the app callback.
"""

from __future__ import annotations

import errno
import functools
import json
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from qc_pdk.errors import InputError

if TYPE_CHECKING:  # klayout is imported by the drc command only
    from qc_pdk.drc import DrcReport

app = typer.Typer(
    name="quantacore",
    help="QuantaCore EDA: photonic masks, design-rule and loss reports for qubitron arrays.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
EXIT_OK, EXIT_CHECKS_FAILED, EXIT_BAD_INPUT = 0, 1, 2


F = TypeVar("F", bound=Callable[..., Any])


def fail_bad_input(message: str) -> typer.Exit:
    """Print one clear error line and return the exit-2 exception to raise."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


#: OS errors that mean "this path cannot be written or read as asked": the user must fix them
_PATH_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EISDIR, errno.ENOTDIR}
EXIT_INTERRUPTED = 130  # the shell's convention for SIGINT (128 + 2)


def _sigterm_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM unwinds like Ctrl-C: temporaries removed, outputs kept


def _reports_bad_input(command: F) -> F:
    """Run ``command``; an ``InputError`` from anywhere below is one line and exit 2.

    SIGTERM is handled like SIGINT while the command runs: outputs being assembled are
    removed, the previous ones stay, and the command ends with one line and exit 130.
    """

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt) if main_thread else 0
        try:
            return command(*args, **kwargs)
        except InputError as e:
            raise fail_bad_input(str(e)) from None
        except OSError as e:
            if e.errno not in _PATH_ERRNOS or e.filename is None:
                raise
            raise fail_bad_input(f"{e.filename}: {e.strerror}") from None
        except KeyboardInterrupt:
            console.print("[bold red]interrupted:[/] previous outputs left as they were")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous or signal.SIG_DFL)

    return run  # type: ignore[return-value]


@app.callback()
def _activate_pdk() -> None:
    """QuantaCore EDA: photonic masks, design-rule and loss reports for qubitron arrays."""
    import quantacore

    quantacore.activate()


@app.command()
@_reports_bad_input
def pdk(
    as_json: Annotated[bool, typer.Option("--json", help="Print the PDK as JSON.")] = False,
    lyp: Annotated[
        Path | None, typer.Option(help="Also write KLayout layer colours (.lyp).")
    ] = None,
    drc_deck: Annotated[
        Path | None, typer.Option(help="Also write the rules as a KLayout DRC script (.drc).")
    ] = None,
) -> None:
    """Show the PDK: layers, design rules, cross-sections, layer stack, materials."""
    from flows.output import atomic_file, check_output_file
    from qc_pdk.describe import pdk_description

    for path, option, suffix in ((lyp, "--lyp", ".lyp"), (drc_deck, "--drc-deck", ".drc")):
        if path is not None:  # both checked before either is written
            check_output_file(path, option=option, suffixes=(suffix,))
    description = pdk_description()
    if lyp is not None:
        from qc_pdk.layer_views import write_lyp

        atomic_file(lyp, write_lyp, option="--lyp")
    if drc_deck is not None:
        from qc_pdk.drc_deck import write_drc_deck

        atomic_file(drc_deck, write_drc_deck, option="--drc-deck")
    if as_json:
        sys.stdout.write(json.dumps(description, indent=2) + "\n")
        return
    out = Console()
    layers = Table(title=f"{description['name']} {description['version']}: layers")
    for col in ("name", "layer/datatype"):
        layers.add_column(col)
    for name, (layer, datatype) in description["layers"].items():
        layers.add_row(name, f"{layer}/{datatype}")
    out.print(layers)
    rules = Table(title="design rules")
    for col in ("rule", "kind", "layers", "min", "reason"):
        rules.add_column(col)
    for r in description["rules"]:
        rules.add_row(
            r["name"], r["kind"], "/".join(r["layers"]), f"{r['value']} {r['unit']}", r["reason"]
        )
    out.print(rules)
    xs = Table(title="cross-sections")
    for col in ("name", "layer", "width (um)", "min bend radius (um)"):
        xs.add_column(col)
    for name, x in description["cross_sections"].items():
        xs.add_row(name, x["layer"], str(x["width_um"]), str(x["min_bend_radius_um"]))
    out.print(xs)


def _print_drc_summary(report: DrcReport) -> None:
    table = Table(
        title=f"DRC {report.file} ({report.top_cell}, {report.mode}, {report.runtime_s:.2f} s)"
    )
    for col in ("rule", "count", "first location (um)"):
        table.add_column(col)
    for o in report.rules:
        if o.count:
            first = ", ".join(f"{v:g}" for v in o.violations[0].bbox_um) if o.violations else ""
            table.add_row(o.rule, str(o.count), first)
    if report.clean:
        console.print(f"[green]DRC clean[/]: {len(report.rules)} rules, no violations")
    else:
        console.print(table)


@app.command()
@_reports_bad_input
def drc(
    file: Annotated[Path, typer.Argument(help="GDSII or OASIS file to check.")],
    out: Annotated[
        Path | None, typer.Option(help="Report folder (default: FILE's folder / <stem>_drc).")
    ] = None,
    top: Annotated[str | None, typer.Option(help="Top cell (default: the only top cell).")] = None,
    flat: Annotated[bool, typer.Option(help="Flatten instead of hierarchical (slow).")] = False,
    allow_unknown_layers: Annotated[
        bool, typer.Option(help="Check files with layers outside the PDK layer map.")
    ] = False,
) -> None:
    """Hierarchical DRC with the PDK rules: writes DIR/drc.json and DIR/drc.lyrdb.

    Exit 0 clean, 1 violations, 2 bad input.
    """
    from flows.output import atomic_folder, check_output_folder
    from qc_pdk.drc import check_layout, write_drc_outputs

    out_dir = out if out is not None else file.parent / f"{file.stem}_drc"
    if out is not None or file.is_file():  # else the missing input is the error to report
        check_output_folder(out_dir)
    with console.status(f"DRC of {file} ..."):
        run = check_layout(
            file, top_cell=top, deep=not flat, allow_unknown_layers=allow_unknown_layers
        )
    with atomic_folder(out_dir) as tmp:
        write_drc_outputs(run, tmp)
    json_path, rdb_path = out_dir / "drc.json", out_dir / "drc.lyrdb"
    _print_drc_summary(run.report)
    console.print(f"wrote {json_path} and {rdb_path}")
    raise typer.Exit(EXIT_OK if run.report.clean else EXIT_CHECKS_FAILED)


@app.command()
@_reports_bad_input
def cells(
    gallery: Annotated[
        Path | None, typer.Option(help="Write every cell into this GDS (plus a PNG next to it).")
    ] = None,
) -> None:
    """List the QuantaCore cells with their parameters; optionally write a gallery GDS."""
    from components.gallery import cell_parameters, list_cells

    if gallery is not None:
        _check_gds_and_png(gallery, option="--gallery")
    table = Table(title="QuantaCore cells (lengths in um)")
    table.add_column("cell")
    table.add_column("parameters (defaults)")
    for name in list_cells():
        params = ", ".join(f"{k}={v!r}" for k, v in cell_parameters(name).items())
        table.add_row(name, params)
    Console().print(table)
    if gallery is not None:
        from components.gallery import gallery as build_gallery
        from components.gallery import write_png

        with console.status("building gallery ..."):
            component = build_gallery()
            _write_gds_atomically(component, gallery, option="--gallery")
            png = _write_png_atomically(component, gallery, write_png, option="--gallery")
        console.print(f"wrote {gallery} and {png}")


def _check_gds_and_png(path: Path, *, option: str) -> None:
    """A GDS/OASIS output and the PNG preview beside it, checked before any work."""
    from flows.gds_file import GDS_SUFFIXES, sidecar_path
    from flows.output import check_output_file

    check_output_file(path, option=option, suffixes=GDS_SUFFIXES)
    check_output_file(sidecar_path(path), option=option)
    check_output_file(path.with_suffix(".png"), option=option)


def _write_gds_atomically(component: Any, path: Path, *, option: str = "--out") -> Path:
    """A mask KLayout >= 0.28 opens, its metadata sidecar beside it; each renamed in whole."""
    from flows.gds_file import write_mask

    return write_mask(component, path, option=option)


def _write_png_atomically(
    component: Any, gds: Path, write_png: Callable[[Any, Path], Path], *, option: str
) -> Path:
    from flows.output import atomic_file

    png = gds.with_suffix(".png")
    return atomic_file(png, lambda tmp: write_png(component, tmp), option=option)


@app.command()
@_reports_bad_input
def cell(
    name: Annotated[str, typer.Argument(help="Cell name (see `quantacore cells`).")],
    out: Annotated[Path, typer.Option(help="Output GDS (a PNG preview is written next to it).")],
    p: Annotated[
        list[str] | None, typer.Option("-p", help="Parameter as key=value (repeatable).")
    ] = None,
) -> None:
    """Build one cell and write it as GDS, with a PNG preview next to it."""
    from components.gallery import build_cell, parse_assignments, write_png

    _check_gds_and_png(out, option="--out")
    component = build_cell(name, parse_assignments(p or []))
    _write_gds_atomically(component, out)
    png = _write_png_atomically(component, out, write_png, option="--out")
    info = dict(component.info)
    if info:
        console.print(", ".join(f"{k}={v}" for k, v in info.items() if not k.startswith("route_")))
    console.print(f"wrote {out} and {png}")


@app.command()
@_reports_bad_input
def loss(
    file: Annotated[
        Path, typer.Argument(help="Layout (GDS with gdsfactory metadata) or circuit YAML.")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Report folder (default: FILE's folder / <stem>_loss).")
    ] = None,
    centre_wl_um: Annotated[float, typer.Option(help="Wavelength (um) of the breakdown.")] = 1.55,
) -> None:
    """Circuit solve and per-path loss budget: DIR/loss.json, CSV per path, Touchstone, PNGs."""
    from flows.loss_job import check_loss_settings, load_component, one_direction, run_loss

    out_dir = out if out is not None else file.parent / f"{file.stem}_loss"
    if out is not None or file.exists():  # else the missing input is the error to report
        check_loss_settings(out_dir, centre_wl_um=centre_wl_um)
    with console.status(f"loss budget of {file} ..."):
        component = load_component(file)
        report = run_loss(component, out_dir, centre_wl_um=centre_wl_um)
    table = Table(title=f"loss budget {report.component} at {centre_wl_um} um (worst first)")
    for col in ("input", "output", "loss (dB)", "breakdown (dB)"):
        table.add_column(col)
    for p in one_direction(report.paths)[:15]:
        parts = ", ".join(f"{k} {v:.3f}" for k, v in p.breakdown_dB.items())
        table.add_row(p.input, p.output, f"{p.insertion_loss_dB:.3f}", parts)
    Console().print(table)
    console.print(f"{len(report.paths)} paths; wrote {out_dir}")


@app.command()
@_reports_bad_input
def fdtd(
    cell_name: Annotated[
        str, typer.Argument(metavar="CELL", help="Cell name (`quantacore cells`).")
    ],
    p: Annotated[
        list[str] | None, typer.Option("-p", help="Parameter as key=value (repeatable).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output folder (default: fdtd_<CELL>).")] = None,
    resolution: Annotated[
        float | None, typer.Option(help="FDTD resolution in px/um (default 14 in 2D).")
    ] = None,
    three_d: Annotated[bool, typer.Option("--3d", help="Full 3D over the layer stack.")] = False,
) -> None:
    """MEEP S-parameters of a cell (JSON, Touchstone) compared with its compact model."""
    from components.gallery import parse_assignments
    from flows.fdtd_job import check_resolution, run_fdtd
    from flows.output import check_output_folder

    out_dir = out if out is not None else Path(f"fdtd_{cell_name}")
    if resolution is not None:
        check_resolution(resolution)
    check_output_folder(out_dir)  # before MEEP runs
    code = run_fdtd(
        cell_name,
        parse_assignments(p or []),
        out_dir,
        resolution=resolution,
        three_d=three_d,
        console=console,
    )
    raise typer.Exit(code)


@app.command()
@_reports_bad_input
def validate(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("gds_out/validation"),
) -> None:
    """FDTD vs compact model for every calibrated cell: validation.json and validation.png."""
    from flows.fdtd_job import run_validation
    from flows.output import check_output_folder

    check_output_folder(out)
    path = run_validation(out, console=console)
    console.print(f"wrote {path} and {path.with_suffix('.png')}")


@app.command()
@_reports_bad_input
def route(
    spec: Annotated[Path, typer.Argument(help="Route spec (YAML): instances and connections.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: <stem>_route).")] = None,
    layers: Annotated[
        str | None,
        typer.Option(help="Waveguide layers for the 3D planner, e.g. WG1,WG2 or WG1,WG2,WG3: "
                          "nets are assigned to layers and interlayer couplers drawn."),
    ] = None,
    compare_planar: Annotated[
        bool, typer.Option(help="With --layers: also route the nets planar for the report.")
    ] = True,
) -> None:
    """Place and route: routed GDS, route.json and route.png.

    Exit 0 all routed, 1 some net unroutable (named in the report), 2 bad spec.
    """
    from flows.route_job import run_route

    out_dir = out if out is not None else spec.parent / f"{spec.stem}_route"
    raise typer.Exit(run_route(spec, out_dir, console, layers=layers,
                               compare_planar=compare_planar))


@app.command()
@_reports_bad_input
def build(
    spec: Annotated[
        Path | None, typer.Argument(help="Chip spec (YAML); default: the built-in default chip.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output root; the build goes to OUT/NAME/.")] = Path(
        "gds_out"
    ),
    schema: Annotated[
        Path | None, typer.Option(help="Only write the chip-spec JSON schema (for editors).")
    ] = None,
) -> None:
    """The main job: chip spec -> mask, DRC, loss budget, FDTD summary, report.json/.html.

    Exit 0 clean, 1 checks failed (reports still written), 2 bad spec (nothing written).
    """
    from flows.build import build_chip
    from flows.spec import load_spec, write_json_schema

    if schema is not None:
        from flows.output import check_output_file

        check_output_file(schema, option="--schema", suffixes=(".json",))
        console.print(f"wrote {write_json_schema(schema)}")
        return
    result = build_chip(load_spec(spec), out, console)
    raise typer.Exit(result.exit_code)


@app.command()
@_reports_bad_input
def showcase(
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("gds_out/showcase"),
) -> None:
    """Build the PDK showcase layout, DRC-check it, write GDS, .lyp, PNG and DRC reports."""
    from flows.showcase_job import run_showcase

    code = run_showcase(out, console)
    raise typer.Exit(code)


@app.command()
@_reports_bad_input
def thermal(
    source: Annotated[
        Path, typer.Argument(metavar="GDS_OR_SPEC", help="Layout (GDS) or chip spec (YAML).")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Output folder (default: <stem>_thermal).")
    ] = None,
    temperature_k: Annotated[
        float | None,
        typer.Option("--temperature-k", help="Heat-sink temperature in K (default: the spec's, "
                     "else 300)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fabrication-offset draw.")] = 0,
    max_heater_power_mw: Annotated[
        float | None,
        typer.Option("--max-heater-power-mw", help="Largest power of one heater in mW "
                     "(default: the spec's, else 500)."),
    ] = None,
) -> None:
    """Heaters, temperature maps, crosstalk matrix, tuning powers and heat load vs cooling.

    Exit 0 every ring tunable within budget, 1 not, 2 bad input.
    """
    from flows.output import check_output_folder
    from flows.thermal_job import run_thermal, thermal_summary

    out_dir = out if out is not None else source.parent / f"{source.stem}_thermal"
    check_output_folder(out_dir)  # before any work
    settings: dict[str, Any] = {"seed": seed}
    layout: Any = source
    if source.suffix.lower() in (".yaml", ".yml"):
        from flows.spec import load_spec
        from routing.chip import chip_layout

        spec = load_spec(source)
        layout = chip_layout(spec.chip_layout())
        settings.update(
            temperature_K=spec.thermal.temperature_K,
            fab_sigma_nm=spec.thermal.fab_sigma_nm,
            max_heater_power_mW=spec.thermal.max_heater_power_mW,
            electronics=spec.thermal.electronics,
        )
    else:
        from qc_pdk.drc import read_layout_file

        read_layout_file(source)  # clear errors for missing, empty or foreign files
    if temperature_k is not None:
        settings["temperature_K"] = temperature_k
    if max_heater_power_mw is not None:
        settings["max_heater_power_mW"] = max_heater_power_mw
    with console.status(f"thermal analysis of {source} ..."):
        report, code = run_thermal(layout, out_dir, **settings)
    t = thermal_summary(report)
    table = Table(title=f"thermal {source.name} at {t.temperature_K:g} K ({t.cooling_stage})")
    table.add_column("figure")
    table.add_column("value")
    for name, value in (
        ("heaters / rings", f"{t.heaters} / {t.rings}"),
        ("rings without a heater", str(t.rings_without_heater)),
        ("untunable rings (with a heater)", str(t.untunable_rings)),
        ("tuning power (mW)", f"{t.tuning_power_mW:.4g}"),
        ("heat load / cooling (W)", f"{t.heat_load_W:.3g} / {t.cooling_power_W:.3g}"),
        ("median power per FSR (mW)", f"{t.median_power_per_fsr_mW:.4g}"),
        ("heater time constant (us)", str(t.heater_time_constant_us)),
    ):
        table.add_row(name, value)
    Console().print(table)
    console.print(f"wrote {out_dir}")
    raise typer.Exit(code)


@app.command()
@_reports_bad_input
def control(
    spec: Annotated[
        Path | None, typer.Argument(help="Chip spec (YAML); default: the built-in default chip.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("gds_out/control"),
) -> None:
    """STIRAP drive, per-qubitron noise table, QEC-round schedule and optical timing.

    Exit 0, or 2 for a bad spec (nothing written).
    """
    from flows.control_job import run_control
    from flows.output import check_output_folder
    from flows.spec import load_spec

    check_output_folder(out)
    chip_spec = load_spec(spec)
    with console.status(f"control layer of {chip_spec.name} ..."):
        summary, _ = run_control(chip_spec, out)
    table = Table(title=f"control {chip_spec.name} ({summary.scope})")
    table.add_column("figure")
    table.add_column("value")
    for name, value in (
        ("qubitrons", str(summary.qubitrons)),
        ("lowest STIRAP transfer", f"{summary.transfer_efficiency_min:.4f}"),
        ("mean Purcell factor", f"{summary.purcell_factor_mean:.3g}"),
        ("erasure per round (mean)", f"{summary.p_erasure_mean:.3g}"),
        ("largest Pauli error", f"{summary.p_pauli_max:.3g}"),
        ("largest measurement error", f"{summary.p_measurement_max:.3g}"),
        ("round latency (ns)", f"{summary.round_latency_ns:.1f}"),
        ("pump skew (ps)", f"{summary.pump_skew_ps:.2f}"),
    ):
        table.add_row(name, value)
    Console().print(table)
    console.print(f"wrote {out}")


@app.command()
@_reports_bad_input
def qec(
    spec: Annotated[
        Path | None, typer.Argument(help="Chip spec (YAML); default: the built-in default chip.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("gds_out/qec"),
    shots: Annotated[int, typer.Option(help="Shots per sampled point at most (100-1e7).")] = 2_000,
    seed: Annotated[int, typer.Option(help="Base seed of the sampling (>= 0).")] = 0,
) -> None:
    """Logical error rate of surface-code memories on the chip's own noise (stim, pymatching).

    Exit 0, or 2 for a bad spec (nothing written).
    """
    from flows.output import check_output_folder
    from flows.qec_job import QecInputError, run_qec
    from flows.spec import load_spec

    if not 100 <= shots <= 10_000_000:
        raise QecInputError(f"--shots {shots}: must be between 100 and 10000000")
    if seed < 0:
        raise QecInputError(f"--seed {seed}: must be >= 0")
    check_output_folder(out)
    chip_spec = load_spec(spec)
    with console.status(f"QEC of {chip_spec.name} (sampling and decoding) ..."):
        summary = run_qec(chip_spec, out, max_shots=shots, seed=seed)
    table = Table(title=f"QEC {chip_spec.name}: distances {summary.distances}")
    for col in ("decoder", "threshold / chip rates", "logical error / round",
                "distance for target", "logical qubits"):
        table.add_column(col)
    from flows.report import format_figure as fmt

    for dec, margin in summary.threshold_margin.items():
        table.add_row(dec, fmt(margin), fmt(summary.chip_logical_error_round.get(dec)),
                      fmt(summary.distance_for_target.get(dec)),
                      fmt(summary.logical_qubits_on_chip.get(dec)))
    Console().print(table)
    console.print(f"wrote {out}")


# options the sweep and the optimiser share (both run the pipeline on Dask with the cache)
SchedulerOption = Annotated[
    str | None, typer.Option(help="Address of a running Dask scheduler; default: local.")
]
WorkersOption = Annotated[
    int | None, typer.Option(help="Local worker processes (default: one per core; 0: no Dask).")
]
CacheOption = Annotated[
    Path | None, typer.Option(help="Content cache folder (default ~/.cache/quantacore/sweep).")
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Neither read nor fill it.")]


@app.command()
@_reports_bad_input
def sweep(
    sweep_file: Annotated[Path, typer.Argument(help="Sweep spec (YAML), see flows/sweep/spec.py.")],
    out: Annotated[Path, typer.Option(help="Sweep folder (re-using it resumes).")] = Path(
        "gds_out/sweep"
    ),
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run again points that failed before.")
    ] = False,
) -> None:
    """Layout-to-performance sweep: the real pipeline on every point, on Dask.

    Writes results.parquet (one row per point), summary.json and sweep.html. Exit 0 when no
    point failed, 1 when some failed (their errors are in the table), 2 for a bad sweep spec
    (nothing written).
    """
    from flows.sweep.run import run_sweep
    from flows.sweep.spec import load_sweep
    from flows.sweep.store import check_sweep_folder

    check_sweep_folder(out)
    spec, _, points = load_sweep(sweep_file)
    result = run_sweep(
        spec, points, out, scheduler=scheduler, workers=workers, console=console,
        cache_dir=cache, use_cache=not no_cache, retry_failed=retry_failed,
    )
    raise typer.Exit(EXIT_CHECKS_FAILED if result.counts.get("failed") else EXIT_OK)


@app.command()
@_reports_bad_input
def twin(
    scenario: Annotated[
        Path,
        typer.Option(help="Degradation scenario (YAML; examples in control/monitoring/"
                     "scenarios/)."),
    ],
    spec: Annotated[
        Path | None, typer.Argument(help="Chip spec (YAML); default: the built-in default chip.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("gds_out/twin"),
    serve: Annotated[
        int | None, typer.Option(help="Serve live Prometheus metrics on this port while running.")
    ] = None,
    serve_addr: Annotated[str, typer.Option(help="Address the metrics endpoint binds.")] = (
        "127.0.0.1"
    ),
    pace: Annotated[
        float, typer.Option(help="Simulated seconds per wall-clock second (0: flat out).")
    ] = 0.0,
    linger_s: Annotated[
        float, typer.Option("--linger-s", help="Keep serving this long after the run, s.")
    ] = 0.0,
    qec_shots: Annotated[int, typer.Option(help="stim shots per QEC snapshot.")] = 2_000,
) -> None:
    """Monitoring digital twin: telemetry, drift detection, interventions, report.

    Writes telemetry (Parquet), twin.json/.md (events, lead times, false alarms,
    interventions) and twin.html. Exit 0 when every injected failure was detected before it
    happened, 1 when one was not, 2 for a bad spec or scenario (nothing written).
    """
    from control.monitoring.scenario import load_scenario
    from flows.output import check_output_folder
    from flows.spec import load_spec
    from flows.twin_job import (
        check_scenario_fits,
        check_twin_settings,
        chip_plant,
        run_twin_job,
    )

    check_twin_settings(serve_port=serve, pace=pace, linger_s=linger_s, qec_shots=qec_shots)
    check_output_folder(out)
    chip_spec = load_spec(spec)
    scen = load_scenario(scenario)
    check_scenario_fits(scen, chip_spec)
    with console.status(f"evaluating {chip_spec.name} (thermal, drive, noise) ..."):
        plant = chip_plant(chip_spec)
    job = run_twin_job(plant, scen, out, spec=chip_spec, serve_port=serve, serve_addr=serve_addr,
                       pace=pace, linger_s=linger_s, qec_shots=qec_shots, console=console)
    r = job.report
    table = Table(title=f"twin {chip_spec.name}: {scen.name} ({r.samples:,} samples, "
                  f"{r.samples_per_s:,.0f}/s)")
    table.add_column("event", overflow="fold")
    for col in ("would fail (s)", "detected (s)", "lead time (s)", "alarms"):
        table.add_column(col)
    from flows.report import format_figure as fmt

    for e in r.events:
        table.add_row(e.label, fmt(e.failure_s), fmt(e.detected_s), fmt(e.lead_time_s),
                      str(e.alarms))
    Console().print(table)
    console.print(f"false alarms {r.false_alarms}, interventions {len(r.interventions)}; "
                  f"wrote {out}")
    raise typer.Exit(job.exit_code)


@app.command()
@_reports_bad_input
def optimize(
    study_file: Annotated[Path, typer.Argument(help="Study (YAML), see flows/optimize_job.py.")],
    out: Annotated[Path, typer.Option(help="Study folder (study.db; re-using it resumes).")] = Path(
        "gds_out/optimize"
    ),
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    trials: Annotated[
        int | None, typer.Option(help="Finished trials the study should hold (default: file).")
    ] = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """AI design optimisation: optuna (TPE / NSGA-II) over the real pipeline, on Dask.

    Writes study.db, trials.parquet, pareto.json, pareto/*.yaml (chip specs to build) and
    optimize.html. Exit 0 when a design meets every constraint, 1 when none does, 2 for a bad
    study file (nothing written).
    """
    from flows.optimize_job import OptimizeSpecError, load_optimize, run_optimize
    from flows.sweep.run import SchedulerError
    from flows.sweep.store import check_sweep_folder

    check_sweep_folder(out)
    if trials is not None and not 1 <= trials <= 100_000:
        raise OptimizeSpecError(f"--trials {trials}: must be between 1 and 100000")
    if workers is not None and workers < 0:
        raise SchedulerError(f"--workers {workers}: give 0 (no Dask) or more")
    spec, base, dims = load_optimize(study_file)
    result = run_optimize(
        spec, base, dims, out, scheduler=scheduler, workers=workers, trials=trials,
        console=console, cache_dir=cache, use_cache=not no_cache,
    )
    raise typer.Exit(EXIT_OK if result.feasible else EXIT_CHECKS_FAILED)


def main() -> None:  # pragma: no cover - console entry point alternative
    app()
