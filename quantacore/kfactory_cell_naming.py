"""Cheaper cell naming in kfactory 2.6: one of the toolkit's few patches to a library.

``KCLayout`` is a pydantic model with ``validate_assignment=True`` and a ``mode="before"``
model validator that rebuilds the whole layer enum (``layerenum_from_dict``, an ``aenum``
class built from every layer of the PDK) and re-registers the library. The ``@cell``
decorator assigns ``kcl.future_cell_name`` twice for every new cell, so each new cell paid
two enum rebuilds: ~1.4 ms each with this PDK's layers, 65 % of the router's cost on an
8-net problem (0.13 of 0.20 s spent building 20 cells). The field is a plain optional
string that no validator reads, so it is stored without validation; every other
assignment still validates. Cell names, layers and GDS bytes are unchanged
(``tests/qc_pdk/test_kfactory_cell_naming.py`` compares GDS bytes with a process that runs
without the patch).

Example:
    >>> import kfactory.layout as kl
    >>> install()
    >>> kl.KCLayout.__setattr__.__name__
    'set_attr_without_layer_rebuild'
"""

from __future__ import annotations

from typing import Any

import kfactory.layout as kl

__all__ = ["install"]

_UNVALIDATED_FIELDS = frozenset({"future_cell_name"})


def install() -> None:
    """Store ``KCLayout.future_cell_name`` without pydantic's assignment validation
    (idempotent; process-wide, like every kfactory setting)."""
    current = kl.KCLayout.__setattr__
    if current.__name__ == "set_attr_without_layer_rebuild":
        return

    def set_attr_without_layer_rebuild(self: kl.KCLayout, name: str, value: Any) -> None:
        if name in _UNVALIDATED_FIELDS:
            if value is not None and not isinstance(value, str):
                raise TypeError(f"future_cell_name must be a str or None, not {type(value)}")
            self.__dict__[name] = value
            self.__pydantic_fields_set__.add(name)
            return
        current(self, name, value)

    kl.KCLayout.__setattr__ = set_attr_without_layer_rebuild  # type: ignore[method-assign]
