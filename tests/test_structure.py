"""The package layering of docs/ARCHITECTURE.md, checked on the source and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import gdsfactory as gf

from components import CELLS, REGISTRY
from quantacore.pdk import get_pdk

REPO = Path(__file__).resolve().parents[1]

# package -> packages of this project it must never import (anywhere in its source)
FORBIDDEN = {
    "qc_pdk": {"components", "routing", "simulation", "thermal", "control", "flows", "quantacore"},
    "components": {"routing", "simulation", "thermal", "control", "flows", "quantacore"},
    "routing": {"simulation", "thermal", "control", "flows", "quantacore"},
    "simulation": {"routing", "thermal", "control", "flows", "quantacore"},
    "thermal": {"routing", "simulation", "control", "flows", "quantacore"},
    "control": {"routing", "thermal", "flows", "quantacore"},
}
# entry points (``python -m ...``) may assemble and activate the PDK
ENTRY_POINTS = {("simulation/fdtd/calibrate.py", "quantacore")}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


def test_no_package_imports_a_layer_above_it() -> None:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((REPO / package).rglob("*.py")):
            rel = str(path.relative_to(REPO))
            for top in _imported_packages(path) & forbidden:
                if (rel, top) not in ENTRY_POINTS:
                    bad.append(f"{rel} imports {top}")
    assert not bad, bad


def test_technology_imports_alone() -> None:
    """Importing every qc_pdk module loads none of the cells, router, solver or flows."""
    code = (
        "import importlib, pkgutil, sys, qc_pdk\n"
        "for m in pkgutil.iter_modules(qc_pdk.__path__):\n"
        "    importlib.import_module('qc_pdk.' + m.name)\n"
        "bad = [n for n in ('components', 'routing', 'simulation', 'flows', 'quantacore')\n"
        "       if n in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO, timeout=120)


def test_building_cells_never_switches_the_active_pdk() -> None:
    """Cells resolve specs through the active PDK but never activate one themselves."""
    other = get_pdk().model_copy(update={"name": "someone_elses"})
    other.activate()
    try:
        for name, cell in CELLS.items():
            cell()
            assert gf.get_active_pdk() is other, f"{name} activated a PDK"
    finally:
        get_pdk().activate()


def test_pdk_cells_and_models_come_from_the_one_table() -> None:
    pdk = get_pdk()
    for name, entry in REGISTRY.items():
        if entry.cell is not None:
            assert pdk.cells[name] is entry.cell
        if entry.model is not None:
            bound = pdk.models[name]
            assert getattr(bound, "func", bound) is entry.model  # calibrated or plain
