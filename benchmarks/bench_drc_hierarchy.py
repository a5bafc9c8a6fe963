"""Benchmark: hierarchical (deep) vs flat KLayout DRC on arrays of ring cells.

Runs the full QuantaCore rule table on an N x N array instance of one ring-resonator cell,
once in KLayout deep mode (``quantacore drc``'s default) and once flat, on the same file, and
prints the ratio; then the deep time on a 1000 x 1000 array (flat there would take hours).

    python benchmarks/bench_drc_hierarchy.py [--flat-n 100] [--big-n 1000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import gdsfactory as gf

from qc_pdk.drc import check_layout
from qc_pdk.rules import RULES
from quantacore import activate

PITCH_UM = 120.0


def ring_array_gds(n: int, folder: Path) -> Path:
    """Write an n x n array instance of a 30 um ring with its bus waveguide."""
    ring = gf.components.ring_single(radius=30.0, gap=0.3)
    top = gf.Component(f"ring_array_{n}x{n}")
    top.add_ref(ring, columns=n, rows=n, column_pitch=PITCH_UM, row_pitch=PITCH_UM)
    path = folder / f"ring_array_{n}.gds"
    top.write_gds(path)
    return path


KLAYOUT_NATIVE_RULES = [r for r in RULES if r.kind != "bend_radius"]


def timed(path: Path, deep: bool, rules=RULES) -> tuple[float, int]:
    t0 = time.perf_counter()
    report = check_layout(path, deep=deep, rules=rules).report
    return time.perf_counter() - t0, report.total_violations


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flat-n", type=int, default=100, help="array side for deep vs flat")
    ap.add_argument("--big-n", type=int, default=1000, help="array side for deep only")
    args = ap.parse_args()
    activate()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = ring_array_gds(args.flat_n, folder)
        n = args.flat_n
        # KLayout's own checks (width, space, separation, enclosure, area, grid) alone, then the
        # full table including the toolkit's bend-radius measurement.
        for label, rules in (("KLayout-native rules", KLAYOUT_NATIVE_RULES), ("all rules", RULES)):
            t_deep, v_deep = timed(small, True, rules)
            t_flat, v_flat = timed(small, False, rules)
            print(
                f"{n}x{n} rings, {label:20s}: deep {t_deep:8.3f} s, flat {t_flat:8.3f} s, "
                f"violations {v_deep}/{v_flat}, speed-up {t_flat / t_deep:7.1f}x (aim >= 100x)"
            )
        big = ring_array_gds(args.big_n, folder)
        t_big, v_big = timed(big, deep=True)
        m = args.big_n
        print(
            f"{m}x{m} rings deep (hierarchical): {t_big:8.3f} s  violations {v_big}  (aim < 10 s)"
        )


if __name__ == "__main__":
    main()
