"""QuantaCore technology: layers, layer stack, cross-sections, design rules, materials and DRC.

This is the ground floor: it imports nothing from the cells, the router or the flows. The
``gdsfactory.Pdk`` that registers the cells and models on top of this technology is assembled
in ``quantacore.pdk``.
"""

from qc_pdk.errors import InputError
from qc_pdk.layers import LAYER, layer_by_name
from qc_pdk.rules import RULES, DesignRule, rule

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
