"""`quantacore route SPEC.yaml --out DIR`: place, route, and write the GDS and route report.

Writes ``DIR/<name>.gds``, ``DIR/route.json`` and ``DIR/route.png`` atomically (a temporary
directory swapped into place). Returns 0 when every net routed, 1 when some net could not be
routed (the report names it and says why); raises ``InputError`` for a bad spec (nothing
written).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from components.gallery import write_png
from flows.gds_file import write_mask
from flows.output import atomic_folder, check_output_folder
from routing.router import route_nets
from routing.spec import load_spec


def run_route(spec_path: Path, out_dir: Path, console: Console | None = None) -> int:
    """Route the spec at ``spec_path`` into ``out_dir``; exit code 0 ok / 1 unroutable."""
    check_output_folder(out_dir)
    spec = load_spec(spec_path)
    component = spec.build()
    s = spec.settings
    with Progress(console=console, disable=console is None, transient=True) as bar:
        task = bar.add_task("routing", total=None)

        def progress(iteration: int, done: int, todo: int) -> None:
            bar.update(task, completed=done, total=todo, description=f"routing, pass {iteration}")

        res = route_nets(
            component,
            spec.connection_list(),
            cross_section=s.cross_section,
            radius_um=s.radius_um,
            pitch_um=s.pitch_um,
            keepout_um=s.keepout_um,
            margin_um=s.margin_um,
            heuristic_weight=s.heuristic_weight,
            progress=progress,
        )
    with atomic_folder(out_dir) as tmp:
        write_mask(component, tmp / f"{spec.name}.gds")
        res.report.write_json(tmp / "route.json")
        write_png(component, tmp / "route.png")
    if console is not None:
        console.print(res.report.summary())
        for n in res.report.nets:
            if not n.routed:
                console.print(f"[red]unroutable[/red] {n.name}: {n.reason}")
    return 0 if res.report.ok else 1
