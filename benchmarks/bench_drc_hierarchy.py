"""Benchmark: hierarchical (deep) vs flat KLayout DRC on arrays of ring cells, and the
merged-polygon rules per distinct cell plus junctions vs KLayout's global merge on tree chips.

Runs the full QuantaCore rule table on an N x N array instance of one ring-resonator cell,
once in KLayout deep mode (``quantacore drc``'s default) and once flat, on the same file, and
prints the ratio; then the deep time on a 1000 x 1000 array (flat there would take hours).

Then switch-tree chips of tiles of 8 qubitrons (built with ``quantacore build`` in a temporary
folder, or given with ``--chip-gds``): the default deep check (width, area and bend
radius per distinct cell plus junctions, ``qc_pdk.drc_compose``) against the same deep check on
KLayout's hierarchical merge (``compose=False``, the peer), on the chip as built and with seeded
defects where a parent's shapes meet a child's; prints both times, violations and the ratio.

    python benchmarks/bench_drc_hierarchy.py [--flat-n 100] [--big-n 1000]
        [--chip-sizes 512 4096] [--chip-gds a.gds b.gds]
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb

from qc_pdk.drc import check_layout
from qc_pdk.layers import layer_by_name
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


TREE_SPEC = """name: tree_{n}
array: {{rows: {rows}, columns: {columns}, tile_columns: 8}}
wdm: {{centre_nm: 1550.0, spacing_nm: 0.4}}
network: {{topology: switch_tree}}
die: {{width_um: {w:.0f}, height_um: {h:.0f}}}
"""


def tree_chip_gds(qubitrons: int, folder: Path) -> Path:
    """Build a switch-tree chip of tiles of 8 qubitrons with ``quantacore build`` (tile columns
    the power of two nearest the square root of the tile count, a generous die)."""
    tiles = qubitrons // 8
    tile_cols = 2 ** math.ceil(math.log2(tiles) / 2) if tiles > 1 else 1
    rows = tiles // tile_cols
    levels = math.ceil(math.log2(tile_cols)) + (math.ceil(math.log2(rows)) if rows > 1 else 0)
    w = tile_cols * 4250.0 + levels * 6000.0 + 3000.0
    h = rows * 1750.0 + levels * 600.0 + 3000.0
    spec = folder / f"tree_{qubitrons}.yaml"
    spec.write_text(TREE_SPEC.format(n=qubitrons, rows=rows, columns=tile_cols * 8, w=w, h=h))
    exe = Path(sys.executable).with_name("quantacore")
    subprocess.run([str(exe), "build", str(spec), "--out", str(folder)], capture_output=True,
                   check=False)
    gds = folder / f"tree_{qubitrons}" / f"tree_{qubitrons}.gds"
    if not gds.exists():
        raise SystemExit(f"quantacore build of {qubitrons} qubitrons wrote no {gds}")
    return gds


def seeded_defects(gds: Path, out: Path) -> Path:
    """The chip with defects drawn in its top cell where they meet shapes of the cells below:
    a 0.3 um wide stub over the end of the first WG2 shape reached, a 0.5 um^2 speck and a ring
    of 10 um radius (bend rule 20 um), each half in the top cell and half in a cell below."""
    layout = kdb.Layout()
    layout.read(str(gds))
    top = layout.top_cells()[0]
    wg2 = layout.layer(*layer_by_name()["WG2"])
    it = top.begin_shapes_rec(wg2)
    while not it.at_end() and not it.path():
        it.next()
    box = it.shape().bbox().transformed(it.trans())
    x, y = box.left, box.center().y
    top.shapes(wg2).insert(kdb.Box(x - 20_000, y - 150, x + 1_000, y + 150))  # too narrow
    ring = kdb.Region(kdb.Polygon.ellipse(kdb.Box(-10_400, -10_400, 10_400, 10_400), 720))
    ring -= kdb.Region(kdb.Polygon.ellipse(kdb.Box(-9_600, -9_600, 9_600, 9_600), 720))
    upper = kdb.Region(kdb.Box(-11_000, 0, 11_000, 11_000))
    centre = kdb.Vector(x - 40_000, y)
    top.shapes(wg2).insert((ring & upper).moved(centre))
    half = layout.create_cell("seeded_half_ring")
    half.shapes(wg2).insert(ring - upper)
    top.insert(kdb.CellInstArray(half.cell_index(), kdb.Trans(centre)))
    speck = kdb.Box(0, 0, 500, 500)  # 0.25 um^2 each, 0.5 um^2 together: under 1 um^2
    top.shapes(wg2).insert(speck.moved(centre + kdb.Vector(-30_000, 0)))
    half.shapes(wg2).insert(speck.moved(kdb.Vector(-29_500, 0)))
    layout.update()
    layout.write(str(out))
    return out


def compare_on_chip(label: str, path: Path) -> None:
    """Default deep check vs deep check on KLayout's global merge, same file."""
    t0 = time.perf_counter()
    mine = check_layout(path, compose=True).report
    t_mine = time.perf_counter() - t0
    t0 = time.perf_counter()
    peer = check_layout(path, compose=False).report
    t_peer = time.perf_counter() - t0
    same = "same" if mine.counts() == peer.counts() else "DIFFERENT"
    print(f"{label:34s}: per-cell+junctions {t_mine:7.2f} s, KLayout global merge "
          f"{t_peer:7.2f} s, speed-up {t_peer / t_mine:5.1f}x; violations {mine.counts()} vs "
          f"{peer.counts()} ({same})", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flat-n", type=int, default=100, help="array side for deep vs flat")
    ap.add_argument("--big-n", type=int, default=1000, help="array side for deep only")
    ap.add_argument("--chip-sizes", type=int, nargs="*", default=[512, 4096],
                    help="qubitrons of the tree chips to build and check (none: skip)")
    ap.add_argument("--chip-gds", type=Path, nargs="*", default=[],
                    help="tree-chip GDS files to check instead of building them")
    args = ap.parse_args()
    activate()
    with tempfile.TemporaryDirectory() as tmp:
        chips = list(args.chip_gds) or [tree_chip_gds(n, Path(tmp)) for n in args.chip_sizes]
        for gds in chips:
            compare_on_chip(f"{gds.stem} as built", gds)
            seeded = seeded_defects(gds, Path(tmp) / f"{gds.stem}_seeded.gds")
            compare_on_chip(f"{gds.stem} seeded defects", seeded)
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
