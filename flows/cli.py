"""The ``quantacore`` command line (see ARCHITECTURE.md, "Command-line contract").

Exit codes: 0 success / clean, 1 checks failed (e.g. DRC violations), 2 bad input.
Bad input never leaves a half-written output folder. Every command is wrapped by
:func:`_reports_bad_input`, the one place where an ``InputError`` becomes exit code 2; the
QuantaCore PDK is activated once, in the app callback.
"""

from __future__ import annotations

import functools
import json
import sys
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


def _reports_bad_input(command: F) -> F:
    """Run ``command``; an ``InputError`` from anywhere below is one line and exit 2."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InputError as e:
            raise fail_bad_input(str(e)) from None

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
    from qc_pdk.describe import pdk_description

    description = pdk_description()
    if lyp is not None:
        from qc_pdk.layer_views import write_lyp

        write_lyp(lyp)
    if drc_deck is not None:
        from qc_pdk.drc_deck import write_drc_deck

        write_drc_deck(drc_deck)
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
    from qc_pdk.drc import check_layout, write_drc_outputs

    out_dir = out if out is not None else file.parent / f"{file.stem}_drc"
    with console.status(f"DRC of {file} ..."):
        run = check_layout(
            file, top_cell=top, deep=not flat, allow_unknown_layers=allow_unknown_layers
        )
    json_path, rdb_path = write_drc_outputs(run, out_dir)
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
            _write_gds_atomically(component, gallery)
            png = write_png(component, gallery.with_suffix(".png"))
        console.print(f"wrote {gallery} and {png}")


def _write_gds_atomically(component: Any, path: Path) -> Path:
    """GDS (with gdsfactory metadata) written under a temporary name, then renamed."""
    from flows.output import atomic_file

    return atomic_file(path, component.write_gds)


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

    component = build_cell(name, parse_assignments(p or []))
    _write_gds_atomically(component, out)
    png = write_png(component, out.with_suffix(".png"))
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
    from flows.loss_job import load_component, one_direction, run_loss

    out_dir = out if out is not None else file.parent / f"{file.stem}_loss"
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
    from flows.fdtd_job import run_fdtd

    out_dir = out if out is not None else Path(f"fdtd_{cell_name}")
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

    path = run_validation(out, console=console)
    console.print(f"wrote {path} and {path.with_suffix('.png')}")


@app.command()
@_reports_bad_input
def route(
    spec: Annotated[Path, typer.Argument(help="Route spec (YAML): instances and connections.")],
    out: Annotated[Path | None, typer.Option(help="Output folder (default: <stem>_route).")] = None,
) -> None:
    """Place and route: routed GDS, route.json and route.png.

    Exit 0 all routed, 1 some net unroutable (named in the report), 2 bad spec.
    """
    from flows.route_job import run_route

    out_dir = out if out is not None else spec.parent / f"{spec.stem}_route"
    raise typer.Exit(run_route(spec, out_dir, console))


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


def main() -> None:  # pragma: no cover - console entry point alternative
    app()
