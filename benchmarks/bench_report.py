"""Benchmark: the build's report stage at 16, 4,096 and 1,048,576 qubitrons, against the old
matplotlib pictures.

The default chip is built once (``build_chip``: a real BuildReport, tile and chip). For each
size the chip is the same tile placed as one array instance (as ``routing.chip`` places it:
2 x 2, 32 x 32 and 512 x 512 tiles of 4 qubitrons), and the report is that build's report with
the array's counts, spec and die. Building a 1M-qubitron chip through every stage takes
minutes and a die beyond the spec's limit, and the report stage reads nothing of those stages
but their summaries, so only the report stage is timed here: the per-channel loss paths
(``flows.report_loss``) and the page (``flows.report_html``). The baseline is the old
report's pictures (``layout.png`` with one matplotlib patch per tile, ``tile.png``, the loss
histogram), copied here from the pre-#22 ``flows/report_html.py``; it runs at 1M qubitrons
only with ``--full-baseline`` (about three minutes).

    python benchmarks/bench_report.py [--qubitrons 16 4096 1048576] [--full-baseline]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gdsfactory as gf
import numpy as np
from rich.console import Console

from flows.build import build_chip
from flows.report import BuildReport, Counts
from flows.report_html import write_html_report
from flows.report_loss import qubitron_channel_paths
from flows.spec import default_chip
from quantacore import activate
from routing.chip import chip_layout
from routing.tile import chip_tile

AIM_S, AIM_MB = 5.0, 10.0


def old_pictures(component: Any, tile: Any, folder: Path, spec: Any, losses: list[float]) -> None:
    """The pre-#22 pictures: chip with a patch per tile, the tile drawn flat, a histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from components.gallery import write_png

    tile_ref = component.insts[0]
    write_png(tile, folder / "tile.png")
    fig, ax = plt.subplots(figsize=(8, 8 * spec.die.height_um / spec.die.width_um))
    ax.add_patch(Rectangle((0, 0), spec.die.width_um, spec.die.height_um, fill=False, lw=1.5))
    rows, cols = spec.tiles
    px, py = spec.pitch
    x0, y0 = tile_ref.xmin, tile_ref.ymin
    for i in range(cols):
        for j in range(rows):
            ax.add_patch(Rectangle((x0 + i * px, y0 + j * py), tile.xsize, tile.ysize,
                                   alpha=0.35, color="tab:blue"))
    ax.set_xlim(0, spec.die.width_um)
    ax.set_ylim(0, spec.die.height_um)
    ax.set_aspect("equal")
    fig.savefig(folder / "layout.png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.hist(np.asarray(losses)[np.asarray(losses) < 60], bins=30)
    fig.savefig(folder / "loss_histogram.png", dpi=110, bbox_inches="tight")
    plt.close(fig)


def scaled(report: BuildReport, tile: Any, pitch: tuple[float, float], qubitrons: int,
           per_tile: int) -> tuple[BuildReport, Any, Any]:
    """The report, chip and spec stand-in of a square-ish array of ``qubitrons``."""
    tiles = qubitrons // per_tile
    tile_cols = 2 ** math.ceil(math.log2(tiles) / 2)
    tile_rows = tiles // tile_cols
    chip = gf.Component(f"bench_chip_{qubitrons}")
    ref = chip.add_ref(tile, columns=tile_cols, rows=tile_rows, column_pitch=pitch[0],
                       row_pitch=pitch[1])
    ref.move((-tile.xmin + 500.0, -tile.ymin + 500.0))
    width, height = tile_cols * pitch[0] + 1000.0, tile_rows * pitch[1] + 1000.0
    spec = report.spec | {
        "name": chip.name,
        "array": report.spec["array"] | {"rows": tile_rows, "columns": tile_cols * per_tile},
        "die": {"width_um": width, "height_um": height},
    }
    big = report.model_copy(update={
        "name": chip.name, "spec": spec, "channel_paths": [],
        "counts": Counts(qubitrons=qubitrons, switches=qubitrons, crossings=0, tiles=tiles),
    })
    old_spec = SimpleNamespace(
        die=SimpleNamespace(width_um=width, height_um=height), tiles=(tile_rows, tile_cols),
        pitch=pitch, name=chip.name, n_qubitrons=qubitrons,
    )
    return big, chip, old_spec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qubitrons", type=int, nargs="+", default=[16, 4096, 1_048_576])
    ap.add_argument("--full-baseline", action="store_true",
                    help="also run the old matplotlib pictures at 1M qubitrons (minutes)")
    args = ap.parse_args()
    activate()
    spec = default_chip()
    per_tile = spec.array.tile_columns
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"building the default chip once ({spec.n_qubitrons} qubitrons) ...")
        result = build_chip(spec, tmp / "build", Console(quiet=True))
        tile = chip_tile(spec.chip_layout().tile)
        pitch = tuple(chip_layout(spec.chip_layout()).info["tile_pitch_um"])
        losses = list(result.report.loss.insertion_loss_dB)
        print(f"\n{'qubitrons':>10s} {'tiles':>8s} {'report stage (s)':>17s} {'HTML (MB)':>10s}"
              f" {'old pictures (s)':>17s} {'old / new':>10s}")
        for n in args.qubitrons:
            report, chip, old_spec = scaled(result.report, tile, pitch, n, per_tile)
            folder = tmp / f"q{n}"
            folder.mkdir()
            t0 = time.perf_counter()
            report.channel_paths = qubitron_channel_paths(
                tile, {k: v.wl_nm for k, v in report.qubitron_detection.detector_efficiency.items()}
            )
            page = write_html_report(report, folder / "report.html", chip=chip, tile=tile)
            new_s = time.perf_counter() - t0
            size_mb = page.stat().st_size / 1e6
            if n <= 65_536 or args.full_baseline:
                t0 = time.perf_counter()
                old_pictures(chip, tile, folder, old_spec, losses)
                old_s = time.perf_counter() - t0
                old, ratio = f"{old_s:17.2f}", f"{old_s / new_s:10.1f}"
            else:
                old, ratio = f"{'skipped':>17s}", f"{'-':>10s}"
            print(f"{n:10d} {n // per_tile:8d} {new_s:17.2f} {size_mb:10.2f} {old} {ratio}")
            verdict = "meets" if new_s < AIM_S and size_mb < AIM_MB else "MISSES"
            print(f"{'':10s} aims < {AIM_S:g} s and < {AIM_MB:g} MB: {verdict}")


if __name__ == "__main__":
    main()
