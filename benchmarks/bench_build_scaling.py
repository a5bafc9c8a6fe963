"""Benchmark: `quantacore build` (build + DRC + loss + reports) for 8x8, 32x32, 64x64 qubitrons.

Each size runs in its own process (so peak memory is per size) and prints its stage table;
the summary gives wall time per size and the growth exponent of time vs qubitron count
(1.0 = linear; hierarchy makes it far smaller, since every tile is one cell).

    python benchmarks/bench_build_scaling.py [--sizes 8 32 64]
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

SPEC = """name: scaling_{n}
array: {{rows: {n}, columns: {n}, tile_columns: 8}}
wdm: {{centre_nm: 1550.0, spacing_nm: 0.4}}
die: {{width_um: {w}, height_um: {h}}}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[8, 32, 64])
    args = ap.parse_args()
    exe = Path(sys.executable).with_name("quantacore")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            spec = Path(tmp) / f"scaling_{n}.yaml"
            # generous die: the tile is a few mm wide; tiles of one row of 8 qubitrons
            spec.write_text(SPEC.format(n=n, w=n // 8 * 9000 + 5000, h=n * 2500 + 5000))
            t0 = time.perf_counter()
            proc = subprocess.run(
                [str(exe), "build", str(spec), "--out", tmp], capture_output=True, text=True
            )
            wall = time.perf_counter() - t0
            report = json.loads((Path(tmp) / f"scaling_{n}" / "report.json").read_text())
            print(f"\n{n}x{n} qubitrons (exit {proc.returncode}), wall {wall:.1f} s incl. start-up")
            print(f"  {'stage':32s} {'seconds':>9s} {'peak RSS MiB':>13s}")
            for s in report["stages"]:
                print(f"  {s['stage']:32s} {s['seconds']:9.2f} {s['peak_rss_mib']:13.0f}")
            peak = max(s["peak_rss_mib"] for s in report["stages"])
            rows.append((n * n, report["total_seconds"], peak))
    print("\nqubitrons   build+DRC+loss+report (s)   peak RSS (MiB)")
    for q, t, m in rows:
        print(f"{q:9d}   {t:26.2f}   {m:14.0f}")
    if len(rows) >= 2:
        (q0, t0, _), (q1, t1, _) = rows[0], rows[-1]
        exponent = math.log(t1 / t0) / math.log(q1 / q0)
        print(f"time grows as qubitrons^{exponent:.2f} from {q0} to {q1} qubitrons (1.00 = linear)")


if __name__ == "__main__":
    main()
