"""The compact models and the circuit solver import and run without the layout stack (issue 14):
the cell modules, and with them gdsfactory, load on the first use of the library table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_LIGHT = """
import sys
import numpy as np
import simulation.circuit, components, components.models, components.resonance
import components.registry, qc_pdk, qc_pdk.errors
from components.models.qubitron import qubitron
from simulation.circuit import Circuit, solve_circuit

wl = np.linspace(1.549, 1.551, 5)
net = Circuit(instances={"q": "qubitron"}, connections=[],
              ports={"pump": "q,o1", "det": "q,d1"})
s = solve_circuit(net, {"qubitron": qubitron(wl=wl)})
assert s[("pump", "det")].shape == (5,)
heavy = [m for m in ("gdsfactory", "kfactory", "klayout") if m in sys.modules]
assert not heavy, heavy
"""

_FILLS_ON_FIRST_READ = """
import sys
from components.registry import REGISTRY
assert "gdsfactory" not in sys.modules
from concurrent.futures import ThreadPoolExecutor
with ThreadPoolExecutor(8) as pool:  # first reads from several threads: each sees it all
    sizes = list(pool.map(lambda _: (REGISTRY["qubitron"].category, len(REGISTRY)), range(8)))
assert sizes == [("qubitron", len(REGISTRY))] * 8, sizes
assert "gdsfactory" in sys.modules
from components import CELLS, MODELS
assert CELLS["qubitron"] is REGISTRY["qubitron"].cell
assert MODELS["qubitron"] is REGISTRY["qubitron"].model
from qc_pdk import LAYER
assert LAYER.WG2 is not None
"""


def _run(code: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_models_and_solver_run_without_gdsfactory() -> None:
    _run(_LIGHT)


def test_library_table_fills_on_first_read_from_any_thread() -> None:
    _run(_FILLS_ON_FIRST_READ)
