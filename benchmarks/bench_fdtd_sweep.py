"""Benchmark: FDTD sweep of 8 Euler-bend radii -- serial vs parallel, cached rerun, and the
calibrated compact model's deviation from FDTD.

    python benchmarks/bench_fdtd_sweep.py [--resolution 16] [--workers 2]

Aims (2 cores): parallel speedup >= 1.7x, rerun from cache < 1 s, calibrated bend model within
0.05 dB of FDTD over the sweep. Uses a fresh cache directory for the timed runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time

import numpy as np

import quantacore
from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.calibrate import (
    BEND_RADII_UM,
    CALIBRATION_RESOLUTION_PX_PER_UM,
    calibration_jobs,
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resolution", type=float, default=CALIBRATION_RESOLUTION_PX_PER_UM)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    pdk = quantacore.activate()
    from simulation.fdtd.sparams import run_jobs

    jobs = [j for _, j in calibration_jobs(resolution_px_per_um=args.resolution)["bend_euler"]]
    with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2:
        t = time.perf_counter()
        serial = run_jobs(jobs, max_workers=1, cache=FdtdCache(d1))
        t_serial = time.perf_counter() - t
        t = time.perf_counter()
        run_jobs(jobs, max_workers=args.workers, cache=FdtdCache(d2))
        t_par = time.perf_counter() - t
        t = time.perf_counter()
        cached = run_jobs(jobs, max_workers=args.workers, cache=FdtdCache(d2))
        t_cache = time.perf_counter() - t
    assert all(r.from_cache for r in cached)
    devs = []
    for r, res in zip(BEND_RADII_UM, serial, strict=True):
        i = int(np.argmin(np.abs(res.wl_um - 1.55)))
        fd = 10 * np.log10(res.power("o1", "o2")[i])
        s = pdk.models["bend_euler"](wl=1.55, radius_um=r, loss_dB_per_cm=0.0)
        md = 10 * np.log10(abs(s[("o1", "o2")]) ** 2)
        devs.append(float(md - fd))
        print(f"radius {r:5.1f} um: FDTD {fd:8.4f} dB  model {md:8.4f} dB  dev {md - fd:+.4f} dB")
    print(f"bend sweep, 8 radii, {args.resolution:g} px/um, 2D: serial {t_serial:.1f} s, "
          f"parallel ({args.workers} workers) {t_par:.1f} s, speedup {t_serial / t_par:.2f}x")
    print(f"cached re-run: {t_cache:.3f} s")
    print(f"calibrated bend model vs FDTD: max |deviation| {max(abs(x) for x in devs):.4f} dB")


if __name__ == "__main__":
    main()
