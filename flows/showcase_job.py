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
    from flows.gds_file import write_mask
    from flows.output import atomic_folder, check_output_folder
    from flows.showcase import pdk_showcase
    from qc_pdk.drc import check_layout, write_drc_outputs
    from qc_pdk.layer_views import write_lyp

    # before any work (the default gds_out/showcase may create gds_out)
    creatable = not out.parent.exists() and out.parent.parent.is_dir()
    check_output_folder(out.parent if creatable else out)
    with atomic_folder(out) as tmp:  # replaced whole: an interrupted run keeps the last one
        with console.status("building showcase layout ..."):
            component = pdk_showcase()
            write_mask(component, tmp / "showcase.gds")
            write_lyp(tmp / "quantacore.lyp")
            write_png(component, tmp / "showcase.png")
        with console.status("running DRC ..."):
            run = check_layout(tmp / "showcase.gds", file_label=out / "showcase.gds")
            write_drc_outputs(run, tmp / "drc")
    gds, png = out / "showcase.gds", out / "showcase.png"
    json_path, rdb_path = out / "drc" / "drc.json", out / "drc" / "drc.lyrdb"
    state = (
        "[green]clean[/]"
        if run.report.clean
        else f"[red]{run.report.total_violations} violations[/]"
    )
    console.print(f"wrote {gds}, {png}, {out / 'quantacore.lyp'}")
    console.print(f"DRC {state}: {json_path}, {rdb_path}")
    return 0 if run.report.clean else 1
