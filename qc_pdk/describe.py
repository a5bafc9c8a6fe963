"""A plain-data description of the PDK: what `quantacore pdk --json` prints.

Example:
    >>> from qc_pdk.describe import pdk_description
    >>> d = pdk_description()
    >>> d["layers"]["WG1"], d["rules"][0]["name"]
    ([1, 0], 'WG1.W.1')
"""

from __future__ import annotations

from typing import Any

from qc_pdk import PDK_NAME, PDK_VERSION
from qc_pdk.cross_sections import CROSS_SECTIONS
from qc_pdk.layer_stack import LAYER_STACK
from qc_pdk.layers import layer_by_name
from qc_pdk.materials import MATERIALS
from qc_pdk.rules import RULES


def _layer_name(layer: object) -> str:
    names = {v: k for k, v in layer_by_name().items()}
    return names.get((int(layer[0]), int(layer[1])), str(layer))  # type: ignore[index]


def pdk_description() -> dict[str, Any]:
    """Layers ``{name: [layer, datatype]}``, rules, cross-sections, layer stack and materials."""
    cross_sections = {}
    for name, factory in CROSS_SECTIONS.items():
        xs = factory()
        cross_sections[name] = {
            "layer": _layer_name(xs.layer),
            "width_um": xs.width,
            "radius_um": xs.radius,
            "min_bend_radius_um": xs.radius_min,
            "port_types": list(xs.sections[0].port_types),
        }
    stack = {
        name: {
            "zmin_um": level.zmin,
            "thickness_um": level.thickness,
            "material": level.material,
        }
        for name, level in LAYER_STACK.layers.items()
    }
    return {
        "name": PDK_NAME,
        "version": PDK_VERSION,
        "layers": {name: list(ld) for name, ld in layer_by_name().items()},
        "rules": [
            {
                "name": r.name,
                "kind": r.kind,
                "layers": list(r.layers),
                "value": r.value,
                "unit": r.unit,
                "reason": r.reason,
            }
            for r in RULES
        ],
        "cross_sections": cross_sections,
        "layer_stack": stack,
        "materials": {name: m.model_dump() for name, m in MATERIALS.items()},
    }
