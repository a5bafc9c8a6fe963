"""The one table of the cell library: every cell declared once, with its ports and its model.

A cell module declares its cell with :func:`library_cell`; ``components/__init__`` imports
every public module of the package, so **adding a cell is one new module** (plus its test):

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

Example:
    >>> import components
    >>> entry = REGISTRY["straight"]
    >>> entry.category, sorted(entry.ports)
    ('propagation', ['o1', 'o2'])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import gdsfactory as gf
import kfactory as kf

from components.models.sdict import SDict

__all__ = [
    "CATEGORIES",
    "ELECTRICAL",
    "OPTICAL",
    "REGISTRY",
    "CellEntry",
    "LossCategory",
    "ModelBinding",
    "ModelKwargs",
    "bind_cell",
    "bind_foreign_cell",
    "library_cell",
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
F = TypeVar("F", bound=Callable[..., gf.Component])


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


#: every cell of the library (and foreign cells bound to a model), by name
REGISTRY: dict[str, CellEntry] = {}


def _add(entry: CellEntry) -> None:
    old = REGISTRY.get(entry.name)
    if old is not None and old.cell is not entry.cell:
        raise ValueError(f"cell name {entry.name!r} is declared twice in the library")
    if (entry.model is None) != (entry.category is None):
        raise ValueError(f"cell {entry.name!r}: a model needs a category and vice versa")
    REGISTRY[entry.name] = entry


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
    REGISTRY[name] = CellEntry(
        name=name, cell=None, ports={}, model_name=model_name, model_kwargs=model_kwargs,
        category=category,
    )


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
