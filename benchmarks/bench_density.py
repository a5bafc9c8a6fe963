"""Tile density of the three placements: qubitrons per mm^2 and area efficiency.

The peers are the earlier placements, built in the same run: ``legacy`` (fixed 320 um bank
clearances, the 60 um switch offset, the Stokes demux stacked above the mux) and ``compact``
(clearances from the fan-outs' bends and tracks, one shared heater wiring band); the default
``column`` stretches each WDM bank to the qubitron pitch so every route is a straight drop
and each column's heater pads sit under it. All are routed by the QuantaCore router and carry
their heater wiring; they are measured without fibre couplers (``io_coupler="none"``), as the
networked chip places them. "packed eff." counts each WDM bank at its compact length (a
stretched bank's bus spans the row, which "area eff." counts as cell area).

Tiles of 16, 32 and 64 qubitrons are measured as layouts only (column placement; the peers'
fan-outs of that many nets are not built): their channel grids (0.2, 0.1, 0.05 nm) are
narrower than 5 linewidths of the 50 um qubitron, which the chip spec rejects (flows.spec:
16 channels at >= 5 linewidths do not fit its 3.37 nm FSR).

Run: ``.venv/bin/python benchmarks/bench_density.py [--sizes 4 8 16 32 64]``
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
SPACING_NM = {2: 0.8, 4: 0.8, 8: 0.4, 16: 0.2, 32: 0.1, 64: 0.05}
PEERS_UP_TO = 8  # qubitrons: larger tiles are measured in column placement only
AIM_EFFICIENCY = 0.5
PLACEMENTS = ("legacy", "compact", "column")


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
    table = Table(title="tile density: legacy and compact placements (peers) vs column")
    for col in ("qubitrons", "placement", "tile mm", "q/mm^2", "area eff.", "packed eff.",
                "build s"):
        table.add_column(col, justify="right")
    lines = []
    for n in sizes:
        rows = {p: measure(n, p) for p in PLACEMENTS if n <= PEERS_UP_TO or p == "column"}
        for name, (d, t) in rows.items():
            table.add_row(
                str(n), name, f"{d.used_width_um / 1e3:.2f} x {d.used_height_um / 1e3:.2f}",
                f"{d.qubitrons_per_mm2:.3f}", f"{100 * d.area_efficiency:.1f} %",
                f"{100 * d.packed_area_efficiency:.1f} %", f"{t:.1f}",
            )
        column = rows["column"][0]
        if n > PEERS_UP_TO:
            lines.append(
                f"tile {n} (layout only): {column.qubitrons_per_mm2:.3f} qubitrons per mm^2, "
                f"area efficiency {100 * column.area_efficiency:.1f} % (packed "
                f"{100 * column.packed_area_efficiency:.1f} %)")
            continue
        legacy, compact = rows["legacy"][0], rows["compact"][0]
        lines.append(
            f"tile {n}: column/compact qubitrons per mm^2 "
            f"x{column.qubitrons_per_mm2 / compact.qubitrons_per_mm2:.2f} "
            f"(column/legacy x{column.qubitrons_per_mm2 / legacy.qubitrons_per_mm2:.2f}); "
            f"area efficiency {100 * compact.area_efficiency:.1f} % -> "
            f"{100 * column.area_efficiency:.1f} % (aim 50 %: "
            f"{'met' if column.area_efficiency >= AIM_EFFICIENCY else 'missed'}); counting the "
            f"stretched banks at their compact length {100 * column.packed_area_efficiency:.1f} %"
            f" (the used area must shrink x{AIM_EFFICIENCY / column.packed_area_efficiency:.2f}"
            " more for 50 % on that figure)"
        )
    console.print(table)
    for line in lines:
        console.print(line)
    for placement in PLACEMENTS:
        d, t = chip_rows(placement)
        console.print(
            f"default chip ({d.qubitrons} qubitrons, switch-tree network), {placement} tiles: "
            f"used {d.used_width_um / 1e3:.2f} x {d.used_height_um / 1e3:.2f} mm, "
            f"{d.qubitrons_per_mm2:.3f} q/mm^2, area efficiency "
            f"{100 * d.area_efficiency:.1f} % (packed {100 * d.packed_area_efficiency:.1f} %; "
            f"die: {d.qubitrons_per_die_mm2 or 0:.3f} q/mm^2, "
            f"{100 * (d.die_area_efficiency or 0):.1f} %), {t:.1f} s"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 8, 16, 32, 64],
                        choices=sorted(SPACING_NM))
    main(sizes=tuple(parser.parse_args().sizes))
