"""Vertical layer stack of the QuantaCore process (thicknesses and z in um).

    z (um)
     6.0 ┬──────────── M2 (Al, 1.0) + PAD opening
     5.0 ┼──────────── VIA1
     4.2 ┼──────────── M1 (Al, 0.6)
     3.6 ┼──────────── VIAC
     3.4 ┼──────────── HEATER (TiN, 0.12)      2 um above WG2: clear of the mode
     2.6 ┼──────────── WG3 (SiN, 0.3), optional  0.5 um under HEATER: rule HEATER.WG3.1
     1.6 ┼──────────── NW (NbN, 0.006) on top of WG2
     1.3 ┼──────────── WG2 (SiN, 0.3)
     0.3 ┼──────────── interlayer SiO2 (1.0)   evanescent coupling in interlayer tapers
     0.0 ┼──────────── WG1 (SiN, 0.3)
    -4.0 ┴──────────── BOX (SiO2, 4.0) on Si substrate

The 1 um interlayer oxide follows the two-layer SiN platform of arXiv 2604.12889 (2026)
[ref: SiN two-layer platform, SiN-SiN interlayer transition].

Example:
    >>> from qc_pdk.layer_stack import LAYER_STACK
    >>> LAYER_STACK.layers["wg2"].zmin
    1.3
"""

from __future__ import annotations

from gdsfactory.technology import LayerLevel, LayerStack, LogicalLayer
from gdsfactory.typings import LayerSpec

from qc_pdk.cross_sections import WG_THICKNESS_UM
from qc_pdk.layers import LAYER

BOX_THICKNESS_UM = 4.0
INTERLAYER_OXIDE_UM = 1.0
WG1_ZMIN_UM = 0.0
WG2_ZMIN_UM = WG1_ZMIN_UM + WG_THICKNESS_UM + INTERLAYER_OXIDE_UM
# the optional third layer: the same 1 um oxide above WG2, so the WG1-WG2 coupler serves too
WG3_ZMIN_UM = WG2_ZMIN_UM + WG_THICKNESS_UM + INTERLAYER_OXIDE_UM
HEATER_ZMIN_UM = 3.4
CLADDING_TOP_UM = 7.0


def _level(
    layer: LayerSpec, zmin: float, thickness: float, material: str, order: int
) -> LayerLevel:
    return LayerLevel(
        layer=LogicalLayer(layer=layer),
        zmin=zmin,
        thickness=thickness,
        material=material,
        mesh_order=order,
    )


LAYER_STACK = LayerStack(
    layers={
        "substrate": _level(LAYER.FLOORPLAN, -BOX_THICKNESS_UM - 10.0, 10.0, "si", 101),
        "box": _level(LAYER.FLOORPLAN, -BOX_THICKNESS_UM, BOX_THICKNESS_UM, "sio2", 100),
        "cladding": _level(LAYER.FLOORPLAN, 0.0, CLADDING_TOP_UM, "sio2", 99),
        "wg1": _level(LAYER.WG1, WG1_ZMIN_UM, WG_THICKNESS_UM, "sin", 1),
        "wg2": _level(LAYER.WG2, WG2_ZMIN_UM, WG_THICKNESS_UM, "sin", 1),
        "wg3": _level(LAYER.WG3, WG3_ZMIN_UM, WG_THICKNESS_UM, "sin", 1),
        "nanowire": _level(LAYER.NW, WG2_ZMIN_UM + WG_THICKNESS_UM, 0.006, "nbn", 2),
        "heater": _level(LAYER.HEATER, HEATER_ZMIN_UM, 0.12, "tin", 2),
        "viac": _level(LAYER.VIAC, HEATER_ZMIN_UM + 0.12, 0.68, "al", 3),
        "m1": _level(LAYER.M1, 4.2, 0.6, "al", 2),
        "via1": _level(LAYER.VIA1, 4.8, 0.2, "al", 3),
        "m2": _level(LAYER.M2, 5.0, 1.0, "al", 2),
        "trench": _level(
            LAYER.TRENCH, -BOX_THICKNESS_UM, BOX_THICKNESS_UM + CLADDING_TOP_UM, "air", 0
        ),
        # microfluidic channels: etched through the oxides like a trench, coolant-filled
        "fluid": _level(
            LAYER.FLUID, -BOX_THICKNESS_UM, BOX_THICKNESS_UM + CLADDING_TOP_UM, "water", 0
        ),
    }
)
