"""The showcase job: build, write and DRC-check the PDK showcase layout.

Example:
    >>> import tempfile, pathlib
    >>> from rich.console import Console
    >>> from flows.showcase_job import run_showcase
    >>> run_showcase(pathlib.Path(tempfile.mkdtemp()), Console(quiet=True))
    0
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console


def run_showcase(out: Path, console: Console) -> int:
    """Write ``out/showcase.gds``, ``quantacore.lyp``, ``showcase.png`` and ``drc/``; exit code."""
    from components.gallery import write_png
    from flows.showcase import pdk_showcase
    from qc_pdk.drc import check_layout, write_drc_outputs
    from qc_pdk.layer_views import write_lyp

    out.mkdir(parents=True, exist_ok=True)
    with console.status("building showcase layout ..."):
        component = pdk_showcase()
        gds = component.write_gds(out / "showcase.gds")
        write_lyp(out / "quantacore.lyp")
        png = write_png(component, out / "showcase.png")
    with console.status("running DRC ..."):
        run = check_layout(gds)
        json_path, rdb_path = write_drc_outputs(run, out / "drc")
    state = (
        "[green]clean[/]"
        if run.report.clean
        else f"[red]{run.report.total_violations} violations[/]"
    )
    console.print(f"wrote {gds}, {png}, {out / 'quantacore.lyp'}")
    console.print(f"DRC {state}: {json_path}, {rdb_path}")
    return 0 if run.report.clean else 1
