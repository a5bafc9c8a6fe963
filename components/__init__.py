"""QuantaCore parametric cells and their compact models.

Every public module of this package is imported here, and each cell module declares its cell
with ``@library_cell`` (``components.registry``): the registry is the one table of cells,
ports and models, so adding a cell is adding one module. ``CELLS`` maps cell names to cell
functions and ``MODELS`` model names to compact models (uncalibrated; the PDK binds the
calibration, see ``quantacore.pdk``). Calling a cell needs an active PDK (``quantacore.activate()``,
done by the command line and the test fixture); no cell activates one itself.

Example:
    >>> from components import CELLS, MODELS
    >>> "qubitron" in CELLS and "bend_euler" in CELLS
    True
    >>> sorted(MODELS["straight"](wl=1.55, length_um=100.0))
    [('o1', 'o2'), ('o2', 'o1')]
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

import gdsfactory as gf

from components.models.sdict import SDict
from components.registry import REGISTRY, CellEntry

for _module in pkgutil.iter_modules(__path__):
    if not _module.name.startswith("_") and not _module.ispkg:
        importlib.import_module(f"{__name__}.{_module.name}")

#: library cells by name (the cells the PDK registers)
CELLS: dict[str, Callable[..., gf.Component]] = {
    name: entry.cell for name, entry in sorted(REGISTRY.items()) if entry.cell is not None
}
#: compact models by model name, with their published defaults
MODELS: dict[str, Callable[..., SDict]] = {
    name: entry.model for name, entry in sorted(REGISTRY.items()) if entry.model is not None
}
globals().update(CELLS)

__all__ = ["CELLS", "MODELS", "REGISTRY", "CellEntry", *CELLS]
