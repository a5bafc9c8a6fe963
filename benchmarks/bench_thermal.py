"""Benchmark: thermal crosstalk matrix + tuning for 64, 1,024 and 16,384 heaters.

A tile is a row of 8 ``ring_switch`` cells (TiN heater over each ring); the chip is an array
instance of tiles. Each size runs in its own process (peak RSS is per size) and prints one
line: heaters, kernel solves, time of layout read / crosstalk / tuning, peak memory. On the
smallest size the naive approach (one full-chip solve per heater, matrix and AMG hierarchy
built once) is timed on ``--naive-solves`` heaters, extrapolated to all heaters, and its
columns are compared with the kernel method's.

    python benchmarks/bench_thermal.py [--sizes 64 1024 16384] [--naive-solves 2]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TILE_N = 8
PITCH_X_UM = 150.0
PITCH_Y_UM = 250.0
TILE_PITCH_X_UM = TILE_N * PITCH_X_UM


def chip_gds(n_heaters: int, folder: Path) -> Path:
    """GDS of n_heaters / 8 tiles in an (almost) square array instance."""
    import gdsfactory as gf

    from components.ring_switch import ring_switch

    tiles = n_heaters // TILE_N
    cols = 2 ** math.ceil(math.log2(math.sqrt(tiles * PITCH_Y_UM / TILE_PITCH_X_UM) + 1e-9))
    cols = max(1, min(cols, tiles))
    rows = tiles // cols
    tile = gf.Component(f"bench_tile_{n_heaters}")
    for i in range(TILE_N):
        (tile << ring_switch()).move((PITCH_X_UM * i, 0.0))
    top = gf.Component(f"bench_chip_{n_heaters}")
    top.add_ref(tile, columns=cols, rows=rows, column_pitch=TILE_PITCH_X_UM,
                row_pitch=PITCH_Y_UM)
    path = folder / f"chip_{n_heaters}.gds"
    top.write_gds(path)
    return path


def run_case(n: int, naive_solves: int) -> dict[str, object]:
    from thermal.crosstalk import crosstalk_matrix, naive_crosstalk_columns
    from thermal.kernel import KernelOptions
    from thermal.layout import read_layout
    from thermal.thermo_optic import shift_nm_per_K
    from thermal.tuning import fabrication_offsets_nm, tune_rings

    out: dict[str, object] = {"n": n}
    with tempfile.TemporaryDirectory() as tmp:
        gds = chip_gds(n, Path(tmp))
        t0 = time.perf_counter()
        lay = read_layout(gds)
        t1 = time.perf_counter()
        opts = KernelOptions(window_um=100.0)
        xt = crosstalk_matrix(lay, options=opts)
        t2 = time.perf_counter()
        nr = xt.matrix.shape[0]
        spk = shift_nm_per_K()
        fsr = 5.1
        tun = tune_rings(crosstalk_K_per_mW=xt.matrix,
                         offset_nm=-np.abs(fabrication_offsets_nm(n_rings=nr, sigma_nm=0.2)),
                         shift_nm_per_K=np.full(nr, spk), fsr_nm=np.full(nr, fsr),
                         linewidth_nm=np.full(nr, 1550.0 / 5e4), max_power_mW=500.0)
        t3 = time.perf_counter()
        out.update(heaters=int(lay.heater_cell.size), rings=nr, solves=xt.n_solves,
                   pairs=xt.n_pairs, read_s=t1 - t0, crosstalk_s=t2 - t1, tuning_s=t3 - t2,
                   total_s=t3 - t0, untunable=len(tun.untunable),
                   power_mW=tun.total_power_mW)
        if naive_solves:
            heaters = list(range(min(naive_solves, lay.heater_cell.size)))
            t4 = time.perf_counter()
            cols, cells = naive_crosstalk_columns(lay, heaters, options=opts)
            t5 = time.perf_counter()
            ref = xt.matrix[:, heaters].toarray()
            own = np.abs(ref).max()
            out.update(naive_cells=cells, naive_s=(t5 - t4) / len(heaters) * lay.heater_cell.size,
                       naive_measured=len(heaters),
                       naive_dev=float(np.abs(cols - ref).max() / own))
    out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return out


def main() -> None:
    import quantacore  # a script: the entry point activates the PDK

    quantacore.activate()
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 1024, 16384])
    ap.add_argument("--naive-solves", type=int, default=2,
                    help="full-chip solves timed on the smallest size (extrapolated)")
    ap.add_argument("--case", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--naive", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.naive)))
        return
    smallest = min(args.sizes)
    for n in sorted(args.sizes):
        naive = args.naive_solves if n == smallest else 0
        proc = subprocess.run(
            [sys.executable, __file__, "--case", str(n), "--naive", str(naive)],
            capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT),
                                                           **_env()})
        if proc.returncode:
            print(f"{n} heaters: failed\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        aim = {1024: " (aim < 10 s)", 16384: " (aim < 120 s)"}.get(n, "")
        print(f"{r['heaters']:6d} heaters: kernel solves {r['solves']}, read {r['read_s']:6.2f} s, "
              f"crosstalk {r['crosstalk_s']:6.2f} s, tuning {r['tuning_s']:6.2f} s, "
              f"total {r['total_s']:6.2f} s{aim}, peak RSS {r['peak_rss_mib']:6.0f} MiB, "
              f"untunable {r['untunable']}, tuning power {r['power_mW']:.0f} mW")
        if "naive_s" in r:
            print(f"{r['heaters']:6d} heaters naive (one full-chip solve per heater, "
                  f"{r['naive_cells']} cells, timed on {r['naive_measured']} and extrapolated): "
                  f"{r['naive_s']:8.1f} s, speed-up {r['naive_s'] / r['total_s']:7.1f}x, "
                  f"max |kernel - naive| {100 * r['naive_dev']:.2f} % of the self term")


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


if __name__ == "__main__":
    main()
