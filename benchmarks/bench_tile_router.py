"""Benchmark: the tile routed by the QuantaCore router (3D planner, channel planner) against
gdsfactory's ``route_bundle`` (one bundle per bank), the build's two tile strategies.

Each router builds the default chip's tile from scratch in its own process; the loss budget
of the routed tile (the same circuit solver for both) gives each qubitron's detection
efficiency on its channel and the worst fibre-to-fibre path.

    python benchmarks/bench_tile_router.py [--qubitrons 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, sys, time
import quantacore
quantacore.activate()
from flows.spec import default_chip
from routing.tile import chip_tile
from simulation.loss_budget import loss_budget
from components.resonance import wdm_grid_nm
design = default_chip().tile_design().model_copy(
    update={"router": sys.argv[1], "qubitrons": int(sys.argv[2])})
t0 = time.perf_counter()
tile = chip_tile(design)
build_s = time.perf_counter() - t0
grid = wdm_grid_nm(centre_nm=design.wdm_centre_nm, spacing_nm=design.wdm_spacing_nm,
                   channels=design.qubitrons) * 1e-3
loss = loss_budget(tile, centre_wl_um=design.wdm_centre_nm * 1e-3, detector_wl_um=grid)
fibre = [p.insertion_loss_dB for p in loss.paths if not p.to_detector]
pump = [d.efficiency for d in loss.detectors if d.input == "fibre_pump_in"]
route = tile.info["route"]
print(json.dumps({
    "build_s": build_s, "crossings": route["crossings"],
    "length_um": route["total_length_um"],
    "worst_fibre_path_dB": max(fibre) if fibre else None,
    "detection_min": min(pump),
    "detection_mean": sum(pump) / len(pump),
}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qubitrons", type=int, default=4)
    args = ap.parse_args()
    rows = {}
    for router in ("quantacore", "gf_route_bundle"):
        out = subprocess.run([sys.executable, "-c", CHILD, router, str(args.qubitrons)],
                             capture_output=True, text=True, check=True)
        rows[router] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"tile of {args.qubitrons} qubitrons")
    print(f"{'router':18} {'build s':>8} {'xings':>6} {'length um':>10} "
          f"{'worst fibre path dB':>20} {'detection min':>14} {'mean':>7}")
    for router, r in rows.items():
        worst = r["worst_fibre_path_dB"]
        print(f"{router:18} {r['build_s']:8.1f} {r['crossings']:6d} {r['length_um']:10.0f} "
              f"{worst if worst is None else round(worst, 3)!s:>20} "
              f"{r['detection_min']:14.4f} {r['detection_mean']:7.4f}")
    q, g = rows["quantacore"], rows["gf_route_bundle"]
    as_good = (q["crossings"] <= g["crossings"]
               and q["detection_min"] >= g["detection_min"] - 1e-4)
    print(f"quantacore vs route_bundle: crossings {q['crossings']} vs {g['crossings']}, "
          f"min detection {q['detection_min']:.4f} vs {g['detection_min']:.4f} "
          f"({'at least as good' if as_good else 'worse'})")


if __name__ == "__main__":
    main()
