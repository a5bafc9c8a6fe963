"""QuantaCore PDK: layers, layer stack, cross-sections, design rules, materials and DRC."""

from qc_pdk.layers import LAYER, layer_by_name
from qc_pdk.pdk import activate, get_pdk
from qc_pdk.rules import RULES, DesignRule, rule

__all__ = ["LAYER", "RULES", "DesignRule", "activate", "get_pdk", "layer_by_name", "rule"]
