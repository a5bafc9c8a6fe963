"""QuantaCore parametric cells and their compact models.

Each cell module declares its cell with ``@library_cell`` (``components.registry``): the
registry is the one table of cells, ports and models, so adding a cell is adding one module.
``CELLS`` maps cell names to cell functions and ``MODELS`` model names to compact models
(uncalibrated; the PDK binds the calibration, see ``quantacore.pdk``). Calling a cell needs an
active PDK (``quantacore.activate()``, done by the command line and the test fixture); no cell
activates one itself.

The cell modules (and with them gdsfactory, ~3 s) are imported on the first use of ``CELLS``,
``MODELS`` or a read of ``REGISTRY`` (``components.registry.load_library``), not by importing
this package: ``components.models``, ``components.resonance`` and the circuit solver import
without the layout stack. ``components.<name>`` is the cell *module*; the cell function is
``CELLS[name]``.

Example:
    >>> from components import CELLS, MODELS
    >>> "qubitron" in CELLS and "bend_euler" in CELLS
    True
    >>> sorted(MODELS["straight"](wl=1.55, length_um=100.0))
    [('o1', 'o2'), ('o2', 'o1')]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# The models package first: its ring models import components.resonance, which imports model
# modules back, and that cycle resolves only when components.models starts it.
import components.models as _models  # noqa: F401
from components.models.sdict import SDict
from components.registry import REGISTRY, CellEntry, load_library

if TYPE_CHECKING:
    import gdsfactory as gf

    #: library cells by name (the cells the PDK registers)
    CELLS: dict[str, Callable[..., gf.Component]]
    #: compact models by model name, with their published defaults
    MODELS: dict[str, Callable[..., SDict]]

__all__ = ["CELLS", "MODELS", "REGISTRY", "CellEntry"]


def _library_tables() -> dict[str, dict[str, Any]]:
    load_library()
    entries = sorted(REGISTRY.items())
    return {
        "CELLS": {name: e.cell for name, e in entries if e.cell is not None},
        "MODELS": {name: e.model for name, e in entries if e.model is not None},
    }


def __getattr__(name: str) -> Any:
    """``CELLS`` and ``MODELS`` built on first use (module ``__getattr__``, PEP 562)."""
    if name in ("CELLS", "MODELS"):
        tables = _library_tables()
        globals().update(tables)  # later reads are plain attribute lookups
        return tables[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "CELLS", "MODELS"})
