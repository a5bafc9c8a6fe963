"""QuantaCore technology: layers, layer stack, cross-sections, design rules, materials and DRC.

This is the ground floor: it imports nothing from the cells, the router or the flows. The
``gdsfactory.Pdk`` that registers the cells and models on top of this technology is assembled
in ``quantacore.pdk``. The layer map (``LAYER``, ``layer_by_name``) is built on gdsfactory, so
it is imported on first use: ``qc_pdk.errors`` and the rule table load without the layout
stack (the compact models and the circuit solver need only those).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qc_pdk.errors import InputError
from qc_pdk.rules import RULES, DesignRule, rule

if TYPE_CHECKING:
    from qc_pdk.layers import LAYER, layer_by_name

PDK_NAME = "quantacore"
PDK_VERSION = "0.1.0"

__all__ = [
    "LAYER",
    "PDK_NAME",
    "PDK_VERSION",
    "RULES",
    "DesignRule",
    "InputError",
    "layer_by_name",
    "rule",
]


def __getattr__(name: str) -> Any:
    """``LAYER`` and ``layer_by_name`` from ``qc_pdk.layers`` on first use (PEP 562)."""
    if name in ("LAYER", "layer_by_name"):
        from qc_pdk import layers

        return getattr(layers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
