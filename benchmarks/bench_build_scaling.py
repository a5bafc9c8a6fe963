"""Benchmark: `quantacore build` (layout, routing, network, DRC, loss, thermal, control, QEC,
report) as the chip grows, with the inter-tile switch tree (or islands, ``--topology none``).

Each size runs in its own process (so peak memory is per size) and prints its stage table;
the summary gives wall time, peak memory, fibres, the worst fibre-to-detector efficiency over
every qubitron and the growth exponent of time vs qubitron count (1.0 = linear; hierarchy
makes it far smaller: every tile is one cell, every tree level one routed cell). Sizes whose
die would exceed the PDK's die limit are not built: the line says how large a die they need.

    python benchmarks/bench_build_scaling.py [--sizes 64 512 4096] [--topology switch_tree]
"""

from __future__ import annotations

import argparse
import json
import math
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
"""
# a tile of 8 qubitrons is ~4.0 x 1.35 mm (column placement, routing.tile; a row of tiles
# takes ~1.6 mm with its detours); each tree level adds node columns west and east (and a gap
# between column halves, and the detours round a half: ~6 mm a level at 4096 qubitrons,
# measured), and a little height for detours and row gaps
TILE_W_UM, TILE_H_UM, LEVEL_W_UM, LEVEL_H_UM = 4100.0, 1600.0, 6000.0, 600.0


def shape(n: int) -> tuple[int, int]:
    """Qubitron rows and columns for ``n`` qubitrons: tiles of 8 in a near-square array."""
    tiles = n // TILE_QUBITRONS
    tile_cols = 2 ** math.ceil(math.log2(tiles) / 2) if tiles > 1 else 1
    return tiles // tile_cols, tile_cols * TILE_QUBITRONS


def die_um(rows: int, tile_cols: int, topology: str) -> tuple[float, float]:
    """A die with room for the tiles and the tree (generous: the build checks the fit)."""
    levels = (math.ceil(math.log2(tile_cols)) if tile_cols > 1 else 0) + (
        math.ceil(math.log2(rows)) if rows > 1 else 0)
    tree = topology == "switch_tree"
    w = tile_cols * (TILE_W_UM + 150) + (levels * LEVEL_W_UM if tree else 0.0) + 3000
    h = rows * (TILE_H_UM + 150) + (levels * LEVEL_H_UM if tree else 0.0) + 3000
    return w, h


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 512, 4096, 65536, 1048576])
    ap.add_argument("--topology", choices=["switch_tree", "none"], default="switch_tree")
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("quantacore")
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            rows, columns = shape(n)
            w, h = die_um(rows, columns // TILE_QUBITRONS, args.topology)
            if max(w, h) > MAX_DIE_SIDE_UM:
                print(f"\n{n} qubitrons ({rows} x {columns // TILE_QUBITRONS} tiles of "
                      f"{TILE_QUBITRONS}): not built, needs a ~{w / 1e3:.0f} x {h / 1e3:.0f} mm "
                      f"die, over the {MAX_DIE_SIDE_UM / 1e3:.0f} mm limit (density, #17)")
                continue
            spec = Path(tmp) / f"scaling_{n}.yaml"
            spec.write_text(SPEC.format(n=n, rows=rows, columns=columns, tq=TILE_QUBITRONS,
                                        topology=args.topology, w=w, h=h))
            t0 = time.perf_counter()
            proc = subprocess.run(
                [str(exe), "build", str(spec), "--out", tmp], capture_output=True, text=True
            )
            wall = time.perf_counter() - t0
            path = Path(tmp) / f"scaling_{n}" / "report.json"
            if not path.exists():
                print(f"\n{n} qubitrons: build failed (exit {proc.returncode}):\n"
                      f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
                continue
            report = json.loads(path.read_text())
            print(f"\n{n} qubitrons = {rows} x {columns // TILE_QUBITRONS} tiles of "
                  f"{TILE_QUBITRONS} (exit {proc.returncode}), wall {wall:.1f} s incl. start-up")
            print(f"  {'stage':32s} {'seconds':>9s} {'peak RSS MiB':>13s}")
            for s in report["stages"]:
                print(f"  {s['stage']:32s} {s['seconds']:9.2f} {s['peak_rss_mib']:13.0f}")
            peak = max(s["peak_rss_mib"] for s in report["stages"])
            net = report.get("network")
            worst = (net["detection_min"] if net else
                     min(v["efficiency"] for v in
                         report["qubitron_detection"]["detector_efficiency"].values()))
            fibres = net["fibres"] if net else 3 * report["counts"]["tiles"]
            density = report["density"]
            nc = report.get("network_control") or {}
            rows_out.append((n, report["total_seconds"], peak, fibres, worst,
                             density["qubitrons_per_mm2"], density["area_efficiency"],
                             report["drc"]["clean"], nc.get("slots", 1),
                             report["control"]["p_idle_max"]))
    print(f"\ntopology {args.topology}")
    print("qubitrons   build (s)   peak RSS (MiB)   fibres   worst detection   "
          "qubitrons/mm2   area efficiency   DRC clean   slots/round   p_idle")
    for q, t, m, f, e, d, eff, clean, slots, p_idle in rows_out:
        print(f"{q:9d}   {t:9.2f}   {m:14.0f}   {f:6d}   {e:15.4f}   {d:13.3f}   "
              f"{eff:15.1%}   {clean!s:9s}   {slots:11d}   {p_idle:.2e}")
    if len(rows_out) >= 2:
        (q0, t0, *_), (q1, t1, *_) = rows_out[0], rows_out[-1]
        exponent = math.log(t1 / t0) / math.log(q1 / q0)
        print(f"time grows as qubitrons^{exponent:.2f} from {q0} to {q1} qubitrons (1.00 = linear)")


if __name__ == "__main__":
    main()
