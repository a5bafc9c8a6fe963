"""Benchmark: FDTD resolution convergence of two calibration jobs (the library crossing and a
tight Euler bend) at 16, 20 and 28 px/um; the 28 px/um run is the reference.

    python benchmarks/bench_fdtd_convergence.py [--workers 1] [--radius 10]

Prints, per job and resolution, the loss at 1.55 um, its change against 28 px/um (dB and % of
the loss) and the run time; then the cost ratio of the reference to the calibration
resolution. Aim: the calibration resolution (16 px/um) within 5 % (or 0.02 dB) of 28 px/um.
Results are cached (~/.cache/quantacore/fdtd), so the times are those of the first run.
"""

from __future__ import annotations

import argparse

import quantacore
from simulation.fdtd.calibrate import CALIBRATION_RESOLUTION_PX_PER_UM, CALIBRATION_WL_UM


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=1, help="meep processes at once")
    ap.add_argument("--radius", type=float, default=10.0, help="Euler bend radius (um)")
    args = ap.parse_args()
    quantacore.activate()
    from simulation.fdtd.cells import calibration_bend, fdtd_cell
    from simulation.fdtd.convergence import loss_dB_series, resolution_series
    from simulation.fdtd.job import build_job

    resolutions = (CALIBRATION_RESOLUTION_PX_PER_UM, 20.0, 28.0)
    cases = {
        "crossing (default design) o1->o3": (
            build_job(fdtd_cell("crossing"), source_ports=["o1"], wl_um=CALIBRATION_WL_UM,
                      resolution_px_per_um=resolutions[0], label="crossing"), ("o1", "o3")),
        f"Euler bend R={args.radius:g} um o1->o2": (
            build_job(calibration_bend(radius_um=args.radius), source_ports=["o1"],
                      wl_um=CALIBRATION_WL_UM, resolution_px_per_um=resolutions[0],
                      label=f"bend R={args.radius:g}"), ("o1", "o2")),
    }
    for name, (job, (a, b)) in cases.items():
        results = resolution_series(job, resolutions_px_per_um=resolutions,
                                    max_workers=args.workers)
        loss = loss_dB_series(results, port_in=a, port_out=b)
        ref = loss[-1]
        for res, x, r in zip(resolutions, loss, results, strict=True):
            how = "cached" if r.from_cache else f"{r.raw.get('elapsed_s', 0.0):.1f} s"
            pct = 100.0 * (x - ref) / ref if ref else float("nan")
            print(f"{name}: {res:4.0f} px/um loss {x:.4f} dB  vs 28 px/um {x - ref:+.4f} dB "
                  f"({pct:+.1f} %)  [{how}]")
        t0 = float(results[0].raw.get("elapsed_s", float("nan")))
        t2 = float(results[-1].raw.get("elapsed_s", float("nan")))
        print(f"{name}: 28 px/um costs {t2 / t0:.1f}x the {resolutions[0]:g} px/um run")


if __name__ == "__main__":
    main()
