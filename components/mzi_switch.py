"""Broadband thermo-optic Mach-Zehnder 1x2 switch: SiN MMI splitter, two equal arms, a TiN
heater over one arm, SiN 2x2 MMI combiner. The node of the inter-tile switch tree.

A ring switch drops one channel; the tree carries a tile's four WDM pump channels at once, so
its node is an MZI: equal arms make it wavelength-flat (the MMIs' self-imaging and the
heater's 1/lambda phase are all that move over the band). The 1x2 splitter feeds both arms in
phase and the 2x2 combiner adds -90 deg between its bar and cross paths (2D FDTD), so the
outputs switch at a heater phase of +-pi/2: o1 -> o2 ("bar") at 3 P_pi / 2, o1 -> o3
("cross") at P_pi / 2 (``components.models.mzi_switch``, ``mzi_state_power_mW``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import (
    VIA_STACK_SIZE_UM,
    check_at_least,
    check_positive,
    rect,
    waveguide_layer,
)
from components._heater import (
    END_INSET_UM,
    LEAD_INSET_UM,
    LEAD_WIDTH_UM,
    M2_LEAD_WIDTH_UM,
    STACK_CLEARANCE_UM,
    min_heated_straight_um,
    qc_via_stack_heater,
)
from components.bond_pad import PAD_SIZE_UM, bond_pad
from components.mmi1x2 import mmi1x2
from components.mmi2x2 import mmi2x2
from components.models.mzi_switch import (
    DEFAULT_MZI_ARM_SPACING_UM,
    DEFAULT_MZI_HEATER_LENGTH_UM,
    DEFAULT_MZI_OUTPUT_SPACING_UM,
    DEFAULT_MZI_SBEND_LENGTH_UM,
)
from components.models.mzi_switch import mzi_switch as mzi_switch_model
from components.registry import ELECTRICAL, OPTICAL, library_cell
from components.straight import straight
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_bend_radius_um, min_width_um

__all__ = ["mzi_switch", "mzi_switch_kwargs"]

PAD_CLEARANCE_UM = 5.0  # via stacks' top edge to the bond pads' bottom edge


def mzi_switch_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Model keyword arguments of a built ``mzi_switch``: the optical length of one arm and of
    the output fan-out S-bends (um).

    Example:
        >>> mzi_switch_kwargs({}, {"arm_length_um": 184.2, "output_length_um": 62.1})
        {'arm_length_um': 184.2, 'output_length_um': 62.1}
    """
    return {"arm_length_um": float(info["arm_length_um"]),
            "output_length_um": float(info.get("output_length_um", 0.0))}


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL, "e1": ELECTRICAL, "e2": ELECTRICAL},
    model=mzi_switch_model,
    model_kwargs=mzi_switch_kwargs,
    category="switch",
)
@gf.cell
def mzi_switch(
    arm_spacing: float = DEFAULT_MZI_ARM_SPACING_UM,
    heater_length: float = DEFAULT_MZI_HEATER_LENGTH_UM,
    sbend_length: float = DEFAULT_MZI_SBEND_LENGTH_UM,
    output_spacing: float = DEFAULT_MZI_OUTPUT_SPACING_UM,
    heater_width: float = 2.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """MZI 1x2 switch: ``mmi1x2`` -> two mirror-image arms -> ``mmi2x2``; heater on the upper arm.

    Each arm is an S-bend out (gdsfactory ``bend_s``), a straight of ``heater_length`` and an
    S-bend back; the lower arm is the upper one mirrored, so both have the same length. The
    TiN heater covers the upper straight (its ends cross the core at right angles), its two
    leads leave northwards to heater contacts (VIAC/VIA1 stacks), and M2 leads climb to two
    bond pads above; S-bends fan the outputs out to ``output_spacing``. Default footprint
    388 x 132 um.

    Args:
        arm_spacing: centre-to-centre distance of the two arms in um (>= 2 x the heater's
            clearance; sets the thermal isolation of the unheated arm).
        heater_length: length of the heated straight in um (>= the length holding two heater
            contacts).
        sbend_length: length of each S-bend in um (its tightest radius must meet the bend
            rule WGn.R.1; 60 um keeps it > 45 um, < 0.01 dB).
        output_spacing: centre-to-centre distance of o2 and o3 in um: S-bends of
            ``sbend_length`` fan the combiner's outputs (3 um apart) out to it, so the tree's
            routes start at a routable pitch; 3 um draws no fan-out.
        heater_width: TiN width in um (>= 1, rule HEATER.W.1).
        cross_section: SiN cross-section ("strip", "strip_wg1", "strip_wg2").

    .. code::

                        e1 [pad]      [pad] e2
                            |            |
                          [via]========[via]      heater (TiN) on the upper arm
                     ______/==============\\______
                                                   __ o2   (bar: 3 P_pi / 2)
            o1 __[1x2]                       [2x2]/
                 [MMI]______          ______[MMI]\\__ o3   (cross: P_pi / 2)
                            \\________/

    Raises:
        ValueError: a parameter out of range (the message names it).
    """
    layer = waveguide_layer(cross_section)
    check_at_least("heater_width", heater_width, min_width_um("HEATER"), "rule HEATER.W.1")
    check_at_least("heater_length", heater_length, min_heated_straight_um(),
                   "heated straight holding two heater contacts")
    check_positive("sbend_length", sbend_length)
    splitter = mmi1x2(cross_section=cross_section)
    combiner = mmi2x2(cross_section=cross_section)
    y_split = float(splitter.ports["o2"].center[1])
    y_comb = float(combiner.ports["o3"].center[1])
    check_at_least("output_spacing", output_spacing, 2 * y_comb,
                   "the combiner's own output pitch")
    check_at_least("arm_spacing", arm_spacing,
                   2 * (max(y_split, y_comb) + heater_width / 2 + 1.0),
                   "the arms must leave the MMIs outwards, the heater clear of the lower arm")
    c = gf.Component()
    sp = c << splitter
    sp.move((-sp.ports["o1"].center[0], -sp.ports["o1"].center[1]))
    half = arm_spacing / 2
    arms = {}
    for side, sign, out_port, in_port in (("upper", 1, "o2", "o2"), ("lower", -1, "o3", "o1")):
        s_out = _sbend(sbend_length, sign * (half - y_split), cross_section, layer)
        s_in = _sbend(sbend_length, -sign * (half - y_comb), cross_section, layer)
        b1 = c << s_out
        b1.connect("o1", sp.ports[out_port])
        st = c << straight(length=heater_length, cross_section=cross_section)
        st.connect("o1", b1.ports["o2"])
        b2 = c << s_in
        b2.connect("o1", st.ports["o2"])
        arms[side] = (b1, st, b2, in_port, float(s_out.info["length"] + s_in.info["length"]))
    cb = c << combiner
    cb.connect("o2", arms["upper"][2].ports["o2"])
    c.add_port("o1", port=sp.ports["o1"])
    fan = output_spacing / 2 - y_comb
    fan_length = 0.0
    for name, comb_port, sign in (("o2", "o3", 1), ("o3", "o4", -1)):
        if fan <= 0:
            c.add_port(name, port=cb.ports[comb_port])
            continue
        s_fan = _sbend(sbend_length, sign * fan, cross_section, layer)
        f = c << s_fan
        f.connect("o1", cb.ports[comb_port])
        c.add_port(name, port=f.ports["o2"])
        fan_length = float(s_fan.info["length"])
    e1, e2 = _heater_over(c, arms["upper"][1], heater_length, heater_width)
    c.add_port("e1", port=e1)
    c.add_port("e2", port=e2)
    c.info["arm_length_um"] = round(arms["upper"][4] + heater_length, 3)
    c.info["output_length_um"] = round(fan_length, 3)
    c.info["heater_length_um"] = float(heater_length - 2 * END_INSET_UM)
    c.info["arm_spacing_um"] = float(arm_spacing)
    c.info["length_um"] = float(c.ports["o2"].center[0] - c.ports["o1"].center[0])
    return c


def _sbend(length: float, offset: float, cross_section: CrossSectionSpec,
           layer: str) -> gf.Component:
    """gdsfactory's Bezier S-bend, refused by parameter name when it curves too tightly
    (gdsfactory's own radius check names no parameter: measure first, then refuse)."""
    s = gf.components.bend_s(size=(length, offset), cross_section=cross_section,
                             allow_min_radius_violation=True)
    radius = float(s.info["min_bend_radius"])
    check_at_least("sbend_length", radius, min_bend_radius_um(layer),
                   f"an S-bend of {length} x {offset} um curves at {radius:.1f} um, under the "
                   f"minimum bend radius, rule {layer}.R.1")
    return s


def _heater_over(
    c: gf.Component, arm: gf.ComponentReference, length: float, heater_width: float
) -> tuple[gf.Port, gf.Port]:
    """Draw the heater over straight ``arm`` (horizontal), its contacts and pads; return the
    pads' ports. As ``components._heater`` but with the leads and pads to the north."""
    x0 = float(arm.ports["o1"].center[0])
    x1 = float(arm.ports["o2"].center[0])
    y = float(arm.ports["o1"].center[1])
    hw = heater_width / 2
    rect(c, x0 + END_INSET_UM, y - hw, x1 - END_INSET_UM, y + hw, LAYER.HEATER)
    s = VIA_STACK_SIZE_UM
    y_stack = y + hw + STACK_CLEARANCE_UM + s / 2
    inset = END_INSET_UM + LEAD_INSET_UM + LEAD_WIDTH_UM / 2
    w2 = M2_LEAD_WIDTH_UM
    pad_y = y_stack + s / 2 + PAD_CLEARANCE_UM
    stack = qc_via_stack_heater(size=s)
    pad = bond_pad()
    ports = []
    for x_lead, pad_x0 in ((x0 + inset, x0 + inset + w2 / 2 - PAD_SIZE_UM),
                           (x1 - inset, x1 - inset - w2 / 2)):
        rect(c, x_lead - LEAD_WIDTH_UM / 2, y, x_lead + LEAD_WIDTH_UM / 2, y_stack,
             LAYER.HEATER)
        ref = c << stack
        ref.move((x_lead, y_stack))
        rect(c, x_lead - w2 / 2, y_stack, x_lead + w2 / 2, pad_y + w2, LAYER.M2)
        p = c << pad
        p.move((pad_x0 + PAD_SIZE_UM / 2, pad_y + PAD_SIZE_UM / 2))
        ports.append(p.ports["e1"])
    return ports[0], ports[1]
