"""Benchmark: the vectorial bend-mode table of one cross-section (radii 10-100 um).

Times ``simulation.modes.table.compute_entry`` (15 radii x 3 wavelengths + straight, each a
vectorial FEM solve with PML) and prints the per-90-degree losses it finds. Aim: < 2 min on
this machine (the table is cached in qc_pdk/data/mode_table.json after that).

    python benchmarks/bench_modes.py
"""

from __future__ import annotations

import math
import time

from simulation.modes.table import PDK_CROSS_SECTIONS, RADII_UM, compute_entry


def main() -> None:
    name, geom = next(iter(PDK_CROSS_SECTIONS.items()))
    t0, c0 = time.perf_counter(), time.process_time()
    entry = compute_entry(geom, RADII_UM)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    solves = 3 * (len(RADII_UM) + 1)
    print(f"{name}: {solves} vectorial solves in {wall:.1f} s wall ({cpu:.1f} s CPU), "
          f"{wall / solves:.2f} s per solve")
    for r, loss in zip(entry["radius_um"], entry["loss_dB_per_um"], strict=True):  # type: ignore[call-overload]
        if loss[1] is not None:
            print(f"  R = {r:6.1f} um: {loss[1] * math.pi / 2 * r:.3g} dB per 90 deg")


if __name__ == "__main__":
    main()
