"""Tile density before / after compaction: qubitrons per mm^2 and area efficiency.

The peer is the previous placement, built in the same run with ``placement="legacy"`` (the
fixed 320 um bank clearances, the 60 um switch offset, the Stokes demux stacked above the
mux). Both tiles are routed by the QuantaCore router and carry their heater wiring; they are
measured without fibre couplers (``io_coupler="none"``), as the networked chip places them.

Tiles of 16+ qubitrons are outside the chip spec's WDM rule with these rings (16 channels at
>= 5 linewidths do not fit in the 50 um qubitron's 3.37 nm FSR, flows.spec): not measured.

Run: ``.venv/bin/python benchmarks/bench_density.py [--sizes 4 8]``
"""

from __future__ import annotations

import argparse
import time

from rich.console import Console
from rich.table import Table

import quantacore
from routing.density import DensitySummary, chip_density
from routing.tile import TileDesign, chip_tile

#: the WDM spacing a tile of n qubitrons needs to fit the qubitron ring's FSR (flows.spec)
SPACING_NM = {2: 0.8, 4: 0.8, 8: 0.4}
AIM_EFFICIENCY = 0.5


def measure(qubitrons: int, placement: str) -> tuple[DensitySummary, float]:
    """Density of a routed tile of ``qubitrons`` and its build time (s)."""
    start = time.perf_counter()
    tile = chip_tile(TileDesign(
        qubitrons=qubitrons, wdm_spacing_nm=SPACING_NM[qubitrons], io_coupler="none",
        placement=placement,  # type: ignore[arg-type]
    ))
    return chip_density(tile), time.perf_counter() - start


def chip_rows(placement: str) -> tuple[DensitySummary, float]:
    """Density of the default networked chip (``flows.spec.default_chip``) with its tiles
    placed ``placement``, and its build time (s)."""
    from flows.spec import default_chip
    from routing.chip import chip_layout

    layout = default_chip().chip_layout()
    tile = layout.tile.model_copy(update={"placement": placement})
    start = time.perf_counter()
    chip = chip_layout(layout.model_copy(update={"tile": tile}))
    return chip_density(chip), time.perf_counter() - start


def main(*, sizes: tuple[int, ...] = (4, 8)) -> None:
    """Print the before / after table and the ratios."""
    quantacore.activate()
    console = Console(width=130)
    measure(2, "legacy")  # warm-up: the router's compiled kernels, so times compare
    table = Table(title="tile density: legacy placement (peer) vs compact")
    for col in ("qubitrons", "placement", "tile mm", "q/mm^2", "area eff.", "build s"):
        table.add_column(col, justify="right")
    lines = []
    for n in sizes:
        legacy, t_legacy = measure(n, "legacy")
        compact, t_compact = measure(n, "compact")
        for name, d, t in (("legacy", legacy, t_legacy), ("compact", compact, t_compact)):
            table.add_row(
                str(n), name, f"{d.used_width_um / 1e3:.2f} x {d.used_height_um / 1e3:.2f}",
                f"{d.qubitrons_per_mm2:.3f}", f"{100 * d.area_efficiency:.1f} %", f"{t:.1f}",
            )
        gap = AIM_EFFICIENCY / compact.area_efficiency
        lines.append(
            f"tile {n}: compact/legacy qubitrons per mm^2 x{compact.qubitrons_per_mm2 / legacy.qubitrons_per_mm2:.2f}, "  # noqa: E501
            f"area efficiency {100 * legacy.area_efficiency:.1f} % -> "
            f"{100 * compact.area_efficiency:.1f} % (aim 50 %: used area must shrink x{gap:.2f})"
        )
    console.print(table)
    for line in lines:
        console.print(line)
    for placement in ("legacy", "compact"):
        d, t = chip_rows(placement)
        console.print(
            f"default chip ({d.qubitrons} qubitrons, switch-tree network), {placement} tiles: "
            f"used {d.used_width_um / 1e3:.2f} x {d.used_height_um / 1e3:.2f} mm, "
            f"{d.qubitrons_per_mm2:.3f} q/mm^2, area efficiency "
            f"{100 * d.area_efficiency:.1f} % (die: {d.qubitrons_per_die_mm2 or 0:.3f} q/mm^2, "
            f"{100 * (d.die_area_efficiency or 0):.1f} %), {t:.1f} s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 8],
                        choices=sorted(SPACING_NM))
    main(sizes=tuple(parser.parse_args().sizes))
