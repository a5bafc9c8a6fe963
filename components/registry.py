"""The one table of the cell library: every cell declared once, with its ports and its model.

A cell module declares its cell with :func:`library_cell`; the first read of :data:`REGISTRY`
(or of ``components.CELLS`` / ``MODELS``) imports every public module of the package
(:func:`load_library`), so **adding a cell is one new module** (plus its test):

.. code:: python

    @library_cell(
        ports={"o1": OPTICAL, "o2": OPTICAL},
        model=models.waveguide.straight,      # compact model (sax convention), or None
        model_kwargs=length_from_info,        # (settings, info) -> model keyword arguments
        category="propagation",               # loss-budget bucket of the model's loss
    )
    @gf.cell
    def my_cell(length: float = 10.0, ...) -> gf.Component: ...

The PDK (``quantacore.pdk``) registers :data:`REGISTRY`'s cells and models; the netlist
extractor binds a placed cell to its model through :func:`bind_cell`; the tests over every
cell read the same table (ports, DRC, parameters). gdsfactory's own cells that the library's
routes draw (``bend_circular``) are bound to a model with :func:`bind_foreign_cell`.

Filling the table imports the cell modules and with them gdsfactory (~3 s), so it waits for
the first read: the compact models and the circuit solver import without the layout stack.

Example:
    >>> import components
    >>> entry = REGISTRY["straight"]
    >>> entry.category, sorted(entry.ports)
    ('propagation', ['o1', 'o2'])
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from components.models.sdict import SDict

if TYPE_CHECKING:  # the table itself must import without the layout stack (module docstring)
    import gdsfactory as gf
    import kfactory as kf

__all__ = [
    "CATEGORIES",
    "ELECTRICAL",
    "OPTICAL",
    "REGISTRY",
    "CellEntry",
    "LibraryTable",
    "LossCategory",
    "ModelBinding",
    "ModelKwargs",
    "bind_cell",
    "bind_foreign_cell",
    "library_cell",
    "load_library",
]

#: Loss-budget categories (what ``quantacore loss`` breaks insertion loss down into).
LossCategory = Literal[
    "propagation",
    "bend",
    "taper",
    "crossing",
    "interlayer",
    "ring",
    "switch",
    "wdm",
    "coupler",
    "detector",
    "qubitron",
]
CATEGORIES: tuple[str, ...] = LossCategory.__args__  # type: ignore[attr-defined]
OPTICAL, ELECTRICAL = "optical", "electrical"

#: ``(cell settings, cell info) -> model keyword arguments`` (in the model's units)
ModelKwargs = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
Model = Callable[..., SDict]
F = TypeVar("F", bound=Callable[..., "gf.Component"])


def no_model_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Model keyword arguments of a cell whose model takes none (wavelength only)."""
    return {}


@dataclass(frozen=True)
class CellEntry:
    """One row of the library table.

    Attributes:
        name: the cell's name (its function's name; what specs and the PDK call it).
        cell: the gdsfactory cell function, or None for a gdsfactory cell only bound to a model.
        ports: the cell's port contract, ``{port name: port type}`` (tests check every cell).
        model: compact model simulating the cell, or None (simulated through its sub-cells, or
            no optical ports).
        model_name: key of ``model`` in the PDK's models (a foreign cell reuses another's).
        model_kwargs: how a built cell's settings and info become the model's arguments.
        category: loss-budget bucket of the model's loss.
    """

    name: str
    cell: Callable[..., gf.Component] | None
    ports: Mapping[str, str]
    model: Model | None = None
    model_name: str | None = None
    model_kwargs: ModelKwargs = no_model_kwargs
    category: LossCategory | None = None


_library_state = {"loaded": False, "loading": False}
# re-entrant: a cell module reading the table while it imports gets the part filled so far;
# another thread (Dask's threaded workers) waits for the whole table instead
_library_lock = threading.RLock()


def load_library() -> None:
    """Import every public module of ``components`` once, so each declares its cell here.

    Reading :data:`REGISTRY` calls it; a failing cell module raises its error and the next read
    tries again. Reads from the importing thread while the modules import see the table as
    filled so far; other threads wait for it to be complete.

    Example:
        >>> load_library()
        >>> "qubitron" in REGISTRY
        True
    """
    if _library_state["loaded"]:
        return
    with _library_lock:
        if _library_state["loaded"] or _library_state["loading"]:
            return
        _library_state["loading"] = True
        try:
            package = importlib.import_module("components")
            for module in pkgutil.iter_modules(package.__path__):
                if not module.name.startswith("_") and not module.ispkg:
                    importlib.import_module(f"components.{module.name}")
            _library_state["loaded"] = True
        finally:
            _library_state["loading"] = False


class LibraryTable(Mapping[str, CellEntry]):
    """The library table, read-only: ``{cell name: CellEntry}``, filled on the first read.

    A mapping rather than a module-level dict so that reading it (``REGISTRY[name]``, ``in``,
    ``.items()`` ...) imports the cell modules first, wherever the reader imported it from;
    only :func:`library_cell` and :func:`bind_foreign_cell` write it.
    """

    def __init__(self) -> None:
        self._entries: dict[str, CellEntry] = {}

    def __getitem__(self, name: str) -> CellEntry:
        load_library()
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        load_library()
        return iter(self._entries)

    def __len__(self) -> int:
        load_library()
        return len(self._entries)

    def __repr__(self) -> str:
        return f"LibraryTable({sorted(self._entries)})"

    def _put(self, entry: CellEntry) -> None:
        self._entries[entry.name] = entry

    def _get_declared(self, name: str) -> CellEntry | None:
        return self._entries.get(name)  # no load: called while the cell modules import


#: every cell of the library (and foreign cells bound to a model), by name
REGISTRY = LibraryTable()


def _add(entry: CellEntry) -> None:
    old = REGISTRY._get_declared(entry.name)
    if old is not None and old.cell is not entry.cell:
        raise ValueError(f"cell name {entry.name!r} is declared twice in the library")
    if (entry.model is None) != (entry.category is None):
        raise ValueError(f"cell {entry.name!r}: a model needs a category and vice versa")
    REGISTRY._put(entry)


def library_cell(
    *,
    ports: Mapping[str, str],
    model: Model | None = None,
    model_kwargs: ModelKwargs = no_model_kwargs,
    category: LossCategory | None = None,
) -> Callable[[F], F]:
    """Declare a gdsfactory cell function as a library cell (see the module docstring).

    Args:
        ports: ``{port name: "optical" | "electrical" | ...}`` the cell always has.
        model: its compact model, or None.
        model_kwargs: ``(settings, info) -> dict`` of the model's keyword arguments.
        category: loss-budget category of the model's loss (required with a model).

    Returns:
        a decorator that records the cell and returns it unchanged.
    """

    def register(cell: F) -> F:
        name = getattr(cell, "__name__", None) or cell.func.__name__  # type: ignore[attr-defined]
        _add(
            CellEntry(
                name=name,
                cell=cell,
                ports=dict(ports),
                model=model,
                model_name=name if model is not None else None,
                model_kwargs=model_kwargs,
                category=category,
            )
        )
        return cell

    return register


def bind_foreign_cell(
    name: str, *, model_name: str, model_kwargs: ModelKwargs, category: LossCategory
) -> None:
    """Bind a gdsfactory cell that is not in the library (e.g. ``bend_circular``, drawn by
    gdsfactory's routers) to the model of library cell ``model_name``."""
    REGISTRY._put(CellEntry(
        name=name, cell=None, ports={}, model_name=model_name, model_kwargs=model_kwargs,
        category=category,
    ))


@dataclass(frozen=True)
class ModelBinding:
    """A placed cell bound to its model: ``models[model](wl=..., **kwargs)``; ``category`` is
    the loss-budget bucket of its loss."""

    model: str
    kwargs: tuple[tuple[str, Any], ...]
    category: str

    @property
    def key(self) -> str:
        args = ",".join(f"{k}={v!r}" for k, v in self.kwargs)
        return f"{self.model}({args})"


def bind_cell(cell: kf.DKCell) -> ModelBinding | None:
    """The compact model that simulates built cell ``cell``, or None when it has none.

    Example:
        >>> import components, gdsfactory as gf
        >>> b = bind_cell(gf.components.straight(length=12.5))
        >>> b.model, dict(b.kwargs), b.category
        ('straight', {'length_um': 12.5}, 'propagation')
    """
    try:
        name = cell.function_name
    except ValueError:
        return None
    entry = REGISTRY.get(name) if name else None
    if entry is None or entry.model_name is None or entry.category is None:
        return None
    kwargs = entry.model_kwargs(dict(cell.settings), dict(cell.info))
    return ModelBinding(
        model=entry.model_name, kwargs=tuple(sorted(kwargs.items())), category=entry.category
    )
