"""Benchmark: `quantacore build` (layout, routing, network, DRC, loss, thermal, control, QEC,
report) as the processor grows, with the inter-tile switch tree (or islands, ``--topology
none``).

Sizes up to ``--die-qubitrons`` are one die. Larger ones are systems of identical dies of that
size (``system.dies`` in the spec): the cells alone of a million qubitrons take ~2.4e5 mm^2,
more than three 300 mm wafers, so no single die holds them; the die is built and checked once
and the report adds the system's counts, wafers and heat load (``flows/system.py``).

Each size runs in its own process (so peak memory is per size) and prints its stage table;
the summary gives wall time, peak memory, dies, fibres, the worst fibre-to-detector efficiency
over every qubitron and the growth exponent of time vs qubitron count over the single-die
sizes (1.0 = linear; hierarchy makes it far smaller: every tile is one cell, every tree level
one routed cell).

    python benchmarks/bench_build_scaling.py [--sizes 64 512 4096] [--die-qubitrons 4096]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qc_pdk.limits import MAX_DIE_SIDE_UM

TILE_QUBITRONS = 8
SPEC = """name: scaling_{n}
array: {{rows: {rows}, columns: {columns}, tile_columns: {tq}}}
wdm: {{centre_nm: 1550.0, spacing_nm: 0.4}}
network: {{topology: {topology}}}
die: {{width_um: {w:.0f}, height_um: {h:.0f}}}
system: {{dies: {dies}}}
"""
# measured on column tiles of 8 (routing.tile, routing.network): a tile is 3.99 x 1.34 mm; a
# horizontal tree split adds 1.77 mm of width per tile column (its node columns and gap), a
# vertical one 1.47 mm per level; a row of tiles takes ~2.0 mm with the row gap and the
# horizontal levels' detours (64 x 32 tiles need 191.9 x 127.6 mm)
TILE_W_UM, COLUMN_EXTRA_UM, VERTICAL_LEVEL_UM, ROW_UM = 3991.0, 1770.0, 1470.0, 2000.0
MARGIN_UM = 1000.0
NEED = re.compile(r"need (\d+) x (\d+) um")


def shape(n: int) -> tuple[int, int]:
    """Qubitron rows and columns of a die of ``n`` qubitrons: tiles of 8, tile columns the
    power of two that makes the die most nearly square (a tile column takes ~2.9 rows)."""
    tiles = n // TILE_QUBITRONS
    tile_cols = min((2**k for k in range(int(math.log2(tiles)) + 1)),
                    key=lambda c: abs(math.log(die_um(tiles // c, c, "switch_tree")[0]
                                               / die_um(tiles // c, c, "switch_tree")[1])))
    return tiles // tile_cols, tile_cols * TILE_QUBITRONS


def die_um(rows: int, tile_cols: int, topology: str) -> tuple[float, float]:
    """The die the tiles and the tree need (from the measured sizes above, plus a margin;
    :func:`build` enlarges it if the build says it needs more)."""
    tree = topology == "switch_tree"
    v_levels = math.ceil(math.log2(rows)) if rows > 1 and tree else 0
    w = tile_cols * TILE_W_UM + ((tile_cols - 1) * COLUMN_EXTRA_UM if tree else 150.0 * tile_cols)
    w += v_levels * VERTICAL_LEVEL_UM
    h = rows * (ROW_UM if tree else 1500.0)
    return 1.03 * w + MARGIN_UM, 1.03 * h + MARGIN_UM


def build(
    exe: Path, tmp: Path, n: int, dies: int, topology: str
) -> tuple[subprocess.CompletedProcess[str], float, tuple[int, int]]:
    """Build one die of ``n // dies`` qubitrons (a system of ``dies``): the process, its wall
    time in s and the die's (tile rows, tile columns)."""
    rows, columns = shape(n // dies)
    w, h = die_um(rows, columns // TILE_QUBITRONS, topology)
    spec = tmp / f"scaling_{n}.yaml"
    wall = 0.0
    for _ in range(2):  # a second try with the die the build says it needs
        spec.write_text(SPEC.format(n=n, rows=rows, columns=columns, tq=TILE_QUBITRONS,
                                    topology=topology, w=w, h=h, dies=dies))
        t0 = time.perf_counter()
        proc = subprocess.run([str(exe), "build", str(spec), "--out", str(tmp)],
                              capture_output=True, text=True)
        wall += time.perf_counter() - t0
        need = NEED.search(proc.stdout + proc.stderr)
        if proc.returncode != 2 or need is None:
            break
        w, h = (float(need.group(1)) + MARGIN_UM, float(need.group(2)) + MARGIN_UM)
        if max(w, h) > MAX_DIE_SIDE_UM:
            break
    return proc, wall, (rows, columns // TILE_QUBITRONS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 512, 4096, 65536, 1048576])
    ap.add_argument("--die-qubitrons", type=int, default=4096,
                    help="largest single die; larger sizes are systems of such dies")
    ap.add_argument("--topology", choices=["switch_tree", "none"], default="switch_tree")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("quantacore")
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            dies = max(1, n // args.die_qubitrons)
            proc, wall, (rows, cols) = build(exe, Path(tmp), n, dies, args.topology)
            path = Path(tmp) / f"scaling_{n}" / "report.json"
            if not path.exists():
                print(f"\n{n} qubitrons: build failed (exit {proc.returncode}):\n"
                      f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
                continue
            report = json.loads(path.read_text())
            system = report["system"]
            what = (f"{dies} dies x {n // dies} qubitrons, each " if dies > 1 else "")
            print(f"\n{n} qubitrons = {what}{rows} x {cols} tiles of {TILE_QUBITRONS} "
                  f"(exit {proc.returncode}), wall {wall:.1f} s incl. start-up")
            print(f"  {'stage':32s} {'seconds':>9s} {'peak RSS MiB':>13s}")
            for s in report["stages"]:
                print(f"  {s['stage']:32s} {s['seconds']:9.2f} {s['peak_rss_mib']:13.0f}")
            die = system["die_mm"]
            print(f"  die {die[0]:.1f} x {die[1]:.1f} mm, {system['dies_per_wafer']} per "
                  f"{system['wafer_mm']} mm wafer; system: {system['wafers']} wafers "
                  f"({system['wafer_area_used']:.0%} of their area), heat load "
                  f"{system['heat_load_W']:.3g} W on {system['cooling_stages']} cold stage(s), "
                  f"logical qubits {system['logical_qubits']}")
            peak = max(s["peak_rss_mib"] for s in report["stages"])
            density = report["density"]
            nc = report.get("network_control") or {}
            rows_out.append((n, dies, report["total_seconds"], peak, system["fibres"],
                             system["detection_min"], density["qubitrons_per_mm2"],
                             density["area_efficiency"], report["drc"]["clean"],
                             nc.get("slots", 1), report["control"]["p_idle_max"],
                             system["wafers"]))
    print(f"\ntopology {args.topology}")
    print("qubitrons  dies  build (s)  peak RSS (MiB)  fibres  worst detection  qubitrons/mm2"
          "  area efficiency  DRC clean  slots/round  p_idle    wafers")
    for q, d, t, m, f, e, dens, eff, clean, slots, p_idle, wafers in rows_out:
        print(f"{q:9d}  {d:4d}  {t:9.2f}  {m:14.0f}  {f:6d}  {e:15.4f}  {dens:13.3f}  "
              f"{eff:15.1%}  {clean!s:9s}  {slots:11d}  {p_idle:.2e}  {wafers!s:>6s}")
    single = [r for r in rows_out if r[1] == 1]
    if len(single) >= 2:
        (q0, _, t0, *_), (q1, _, t1, *_) = single[0], single[-1]
        exponent = math.log(t1 / t0) / math.log(q1 / q0)
        print(f"one die: time grows as qubitrons^{exponent:.2f} from {q0} to {q1} qubitrons "
              "(1.00 = linear); systems of identical dies cost one die's build")


if __name__ == "__main__":
    main()
