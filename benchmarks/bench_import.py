"""Benchmark: import time of the compact models and the circuit solver, with and without the
layout stack.

Before the lazy library table, ``import simulation.circuit`` imported every cell module and
gdsfactory (``components/__init__`` filled ``CELLS``; ``qc_pdk/__init__`` built the layer
map). Now the cell modules load on the first use of ``CELLS`` / ``MODELS`` / ``REGISTRY``.
Each case runs in a fresh interpreter (``-X importtime`` is not used: it slows imports), best
of ``--repeat`` runs:

- *models*: ``import components.models`` alone, and with ``components.CELLS`` (its cost
  before);
- *models + solver*: ``import simulation.circuit, components.models`` (today's cost;
  scikit-rf loads only when a circuit takes the greedy pairwise path);
- *with layout stack*: the same plus ``components.CELLS`` (what the import cost before, and
  what a build still pays once);
- *python*: the bare interpreter, subtracted from both.

    python benchmarks/bench_import.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CASES = {
    "python": "pass",
    "models": "import components.models",
    "models with layout stack": "import components.models, components\ncomponents.CELLS",
    "models + solver": "import simulation.circuit, components.models",
    "with layout stack": "import simulation.circuit, components.models, components\n"
    "components.CELLS",
}


def _best_wall_s(code: str, *, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (best is kept)")
    repeat = parser.parse_args().repeat
    wall = {name: _best_wall_s(code, repeat=repeat) for name, code in CASES.items()}
    base = wall["python"]
    light = wall["models + solver"] - base
    heavy = wall["with layout stack"] - base
    print(f"python start-up: {base:.2f} s (subtracted below); best of {repeat}")
    models_now = wall["models"] - base
    models_before = wall["models with layout stack"] - base
    print(f"import models alone (now):               {models_now:.2f} s")
    print(f"import models with the layout stack (before): {models_before:.2f} s  "
          f"ratio before / now: {models_before / models_now:.1f}x")
    print(f"import models + solver (now):            {light:.2f} s")
    print(f"import with the layout stack (before):   {heavy:.2f} s")
    print(f"solver: ratio before / now: {heavy / light:.1f}x  (saved {heavy - light:.2f} s per "
          "process)")


if __name__ == "__main__":
    main()
