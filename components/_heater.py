"""TiN heater over a vertical straight of a ring, with contacts, via stacks and bond pads.

Shared by ``ring_switch`` and ``qubitron``. The heater lies over a *straight* ring section and
its ends cross the core at right angles, so no TiN edge runs beside an uncovered WG2 core
(rule HEATER.WG2.1); its leads leave eastwards >= 1.5 um from the core's uncovered part.
Local frame: the straight's centre line is x = 0, its middle y = 0.

.. code::

          pad e1     pad e2        M2 bond pads (PAD openings), bottom edge at ``pad_y``
         ________   ________
        |        | |        |
        |________| |________|
             ||        ||          M2 leads (pass high above the ring's top bus)
        ||   ||        ||
        ||==[U]        ||          U, L: HEATER/VIAC/M1/VIA1/M2 via stacks
        ||             ||
        ||==[L]========||
        ||
      heater over the straight (length = straight length - 2 um)
"""

from __future__ import annotations

import gdsfactory as gf

from components._common import (
    VIA1_SIZE_UM,
    VIA_STACK_SIZE_UM,
    VIAC_SIZE_UM,
    check_at_least,
    rect,
)
from components.bond_pad import PAD_SIZE_UM, bond_pad
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um, min_width_um

LEAD_WIDTH_UM = 2.0
END_INSET_UM = 1.0  # heater ends 1 um inside the straight (clear of the bends)
LEAD_INSET_UM = 1.5  # lead edge to heater end: > 1 um (HEATER.WG2.1) with margin
M2_LEAD_WIDTH_UM = 10.0
STACK_CLEARANCE_UM = 4.0  # heater edge to via stack


def lead_y_um(length: float) -> float:
    """Centre-line |y| of the two heater leads for a straight of ``length`` um."""
    return length / 2 - END_INSET_UM - LEAD_INSET_UM - LEAD_WIDTH_UM / 2


def min_heated_straight_um() -> float:
    """Shortest straight (um) that fits the two via stacks at M2 spacing."""
    s = VIA_STACK_SIZE_UM + min_space_um("M2")
    return 2 * (END_INSET_UM + LEAD_INSET_UM + LEAD_WIDTH_UM / 2) + s


@gf.cell
def qc_via_stack_heater(size: float = VIA_STACK_SIZE_UM) -> gf.Component:
    """Heater contact: HEATER, M1, M2 squares with VIAC and VIA1 centred (enclosures >= 2 um)."""
    c = gf.Component()
    h = size / 2
    for layer in (LAYER.HEATER, LAYER.M1, LAYER.M2):
        rect(c, -h, -h, h, h, layer)
    v, w = VIAC_SIZE_UM / 2, VIA1_SIZE_UM / 2
    rect(c, -v, -v, v, v, LAYER.VIAC)
    rect(c, -w, -w, w, w, LAYER.VIA1)
    return c


@gf.cell
def qc_straight_heater(
    length: float = 30.0, heater_width: float = 2.0, pad_y: float = 60.0
) -> gf.Component:
    """Heater over a vertical waveguide straight of ``length`` um, leads, via stacks, pads.

    Args:
        length: length of the straight under the heater in um.
        heater_width: TiN width in um (>= 1, rule HEATER.W.1), centred on the core.
        pad_y: y of the bond pads' bottom edge in um (local frame).

    Ports: e1, e2 (electrical, pad centres).
    """
    check_at_least("heater_width", heater_width, min_width_um("HEATER"), "rule HEATER.W.1")
    check_at_least(
        "length_y", length, min_heated_straight_um(), "heater straight with two contacts"
    )
    c = gf.Component()
    hw = heater_width / 2
    y_end = length / 2 - END_INSET_UM
    rect(c, -hw, -y_end, hw, y_end, LAYER.HEATER)
    s = VIA_STACK_SIZE_UM
    x_stack = hw + STACK_CLEARANCE_UM + s / 2
    yl = lead_y_um(length)
    stack = qc_via_stack_heater(size=s)
    for sign in (1, -1):
        rect(
            c,
            0.0,
            sign * yl - LEAD_WIDTH_UM / 2,
            x_stack,
            sign * yl + LEAD_WIDTH_UM / 2,
            LAYER.HEATER,
        )
        ref = c << stack
        ref.move((x_stack, sign * yl))
    w2 = M2_LEAD_WIDTH_UM
    gap2 = min_space_um("M2") + 1.0
    ps = PAD_SIZE_UM
    pad = bond_pad()
    # Upper stack: M2 straight up into pad 1.
    rect(c, x_stack - w2 / 2, yl, x_stack + w2 / 2, pad_y + w2, LAYER.M2)
    # Lower stack: M2 east, then up into pad 2, clear of the upper stack.
    x_l = x_stack + s / 2 + 2 * gap2 + w2 / 2
    rect(c, x_stack, -yl - w2 / 2, x_l + w2 / 2, -yl + w2 / 2, LAYER.M2)
    rect(c, x_l - w2 / 2, -yl, x_l + w2 / 2, pad_y + w2, LAYER.M2)
    p1 = c << pad
    p1.move((x_stack + w2 / 2 + gap2 - ps / 2, pad_y + ps / 2))
    p2 = c << pad
    p2.move((max(x_l - w2 / 2, p1.xmax + gap2) + ps / 2 - 0.0, pad_y + ps / 2))
    if p2.xmin > x_l - w2 / 2:  # pad 2 must still land on its lead
        p2.move((x_l - w2 / 2 - p2.xmin, 0.0))
    c.add_port("e1", port=p1.ports["e1"])
    c.add_port("e2", port=p2.ports["e1"])
    c.info["heater_length_um"] = float(2 * y_end)
    return c
