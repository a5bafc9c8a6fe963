"""`quantacore route SPEC.yaml --out DIR`: place, route, and write the GDS and route report.

Writes ``DIR/<name>.gds``, ``DIR/route.json`` and ``DIR/route.png`` atomically (a temporary
directory swapped into place); the picture draws each unrouted net as a dashed
flyline between its ports, coloured by why (``routing.route_picture``). Returns 0 when every
net routed, 1 when some net could not be routed (the report names it and says why); raises
``InputError`` for a bad spec (nothing written).

With waveguide layers (``--layers WG1,WG2[,WG3]`` or ``settings.layers``) the 3D planner
(``routing.multilayer``) assigns the nets to layers and draws the interlayer couplers;
``route.json`` is then its report, with the planar routing of the same nets beside it
(``planar``) unless ``compare_planar`` is off.
"""

from __future__ import annotations

from contextlib import nullcontext as _nothing
from pathlib import Path

from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress

from flows.gds_file import write_mask
from flows.output import atomic_folder, check_output_folder
from routing.multilayer import MultiLayerReport, route_nets_multilayer
from routing.report import RouteReport
from routing.route_picture import write_route_png
from routing.router import route_nets
from routing.spec import RouteSpec, RouteSpecError, load_spec, parse_layers


class PlanarComparison(BaseModel):
    """The same nets routed on one layer (the planar result the planner is judged against)."""

    layer: str
    routed: int
    crossings: int
    total_insertion_loss_dB: float
    max_insertion_loss_dB: float
    runtime_s: float
    clean: bool = True


class MultiLayerJobReport(MultiLayerReport):
    """``route.json`` of a multi-layer job: the planner's report, the planar comparison, and
    which of the two the mask holds (``kept``: the planar routing when it routes as many nets
    with less total loss)."""

    planar: PlanarComparison | None = None
    kept: str = "multilayer"


def run_route(spec_path: Path, out_dir: Path, console: Console | None = None, *,
              layers: str | None = None, compare_planar: bool = True) -> int:
    """Route the spec at ``spec_path`` into ``out_dir``; exit code 0 ok / 1 unroutable.

    Args:
        layers: ``"WG1,WG2[,WG3]"``: plan and route over these waveguide layers (overrides
            the spec's ``settings.layers``).
        compare_planar: with layers, also route the same nets planar for the report.
    """
    check_output_folder(out_dir)
    spec = load_spec(spec_path)
    if layers is not None:
        try:
            spec.settings.layers = parse_layers(layers)
        except ValueError as e:
            raise RouteSpecError(f"--layers {layers!r}: {e}") from None
    if spec.settings.layers is not None:
        return _run_multilayer(spec, out_dir, console, compare_planar=compare_planar)
    component = spec.build()
    s = spec.settings
    with Progress(console=console, disable=console is None, transient=True) as bar:
        task = bar.add_task("routing", total=None)

        def progress(iteration: int, done: int, todo: int) -> None:
            bar.update(task, completed=done, total=todo, description=f"routing, pass {iteration}")

        res = route_nets(component, spec.connection_list(), cross_section=s.cross_section,
                         progress=progress, **s.router_options())
    with atomic_folder(out_dir) as tmp:
        write_mask(component, tmp / f"{spec.name}.gds")
        res.report.write_json(tmp / "route.json")
        write_route_png(component, res.report, tmp / "route.png")
    if console is not None:
        console.print(res.report.summary())
        for n in res.report.nets:
            if not n.routed:
                console.print(f"[red]unroutable[/red] {n.name}: {n.reason}")
    return 0 if res.report.ok else 1


def _run_multilayer(spec: RouteSpec, out_dir: Path, console: Console | None, *,
                    compare_planar: bool) -> int:
    """The 3D planner's job: plan, couplers, route per layer; the planar result beside it."""
    s = spec.settings
    kwargs = s.router_options()
    planar = None
    planar_component = None
    planar_report: RouteReport | None = None
    with (console.status("routing planar (for comparison) ...") if console is not None
          else _nothing()):
        if compare_planar:
            planar_spec = spec.model_copy(update={"name": f"{spec.name}_planar"})
            planar_component = planar_spec.build()
            rep = planar_report = route_nets(planar_component, spec.connection_list(),
                                             cross_section=s.cross_section, **kwargs).report
            planar = PlanarComparison(
                layer=s.cross_section, routed=rep.routed, crossings=rep.total_crossings,
                total_insertion_loss_dB=rep.total_insertion_loss_dB,
                max_insertion_loss_dB=rep.max_insertion_loss_dB, runtime_s=rep.runtime_s,
                clean=rep.check.clean)
    component = spec.build()
    assert s.layers is not None
    with (console.status(f"planning and routing on {'+'.join(s.layers)} ...")
          if console is not None else _nothing()):
        res = route_nets_multilayer(component, spec.connection_list(), layers=s.layers,
                                    **kwargs)
    ml = res.report
    # the planar routing is a candidate too: the job never hands back a worse mask
    keep_planar = (planar is not None and planar.clean
                   and (planar.routed, -planar.total_insertion_loss_dB)
                   > (ml.routed, -ml.total_insertion_loss_dB))
    report = MultiLayerJobReport(**ml.model_dump(), planar=planar,
                                 kept="planar" if keep_planar else "multilayer")
    written = planar_component if keep_planar and planar_component is not None else component
    with atomic_folder(out_dir) as tmp:
        write_mask(written, tmp / f"{spec.name}.gds")
        (tmp / "route.json").write_text(report.model_dump_json(indent=1) + "\n",
                                        encoding="utf-8")
        drawn = planar_report if keep_planar and planar_report is not None else ml
        write_route_png(written, drawn, tmp / "route.png", connections=spec.connection_list())
    if console is not None:
        console.print(res.report.summary())
        if planar is not None:
            console.print(f"planar on {planar.layer}: {planar.routed} nets, {planar.crossings} "
                          f"crossings, IL total {planar.total_insertion_loss_dB:.3f} dB, max "
                          f"{planar.max_insertion_loss_dB:.3f} dB, {planar.runtime_s:.1f} s")
            console.print(f"the mask holds the {report.kept} routing")
        for n in res.report.nets:
            if not n.routed:
                console.print(f"[red]unroutable[/red] {n.name}: {n.reason}")
    if keep_planar:
        return 0 if planar is not None and planar.routed == len(ml.nets) else 1
    return 0 if not ml.unrouted and ml.clean else 1
