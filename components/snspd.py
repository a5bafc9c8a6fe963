"""Waveguide-integrated superconducting nanowire single-photon detector (SNSPD)."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import (
    VIA1_SIZE_UM,
    check_at_least,
    check_positive,
    rect,
    waveguide_layer,
)
from components.bond_pad import PAD_SIZE_UM, bond_pad
from components.models.detector import snspd as snspd_model
from components.registry import ELECTRICAL, OPTICAL, library_cell
from components.straight import straight
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um, min_width_um

NW_LEAD_WIDTH_UM = 0.5
NW_CONTACT_UM = 8.0  # NbN contact square, overlapped by M1 (NbN-Al contact)
CONTACT_METAL_UM = 10.0  # M1 / M2 squares over the contact
CONTACT_Y_UM = 10.0  # contact centres above the waveguide axis
PAD_RISE_UM = 20.0  # bond pads' bottom edge above the contacts
INPUT_LENGTH_UM = 10.0  # bare waveguide between o1 and the meander
TAIL_LENGTH_UM = 5.0  # waveguide beyond the meander


@gf.cell
def qc_nw_contact() -> gf.Component:
    """NbN contact square overlapped by M1, VIA1 to an M2 square (enclosures 3 um)."""
    c = gf.Component()
    h, m, v = NW_CONTACT_UM / 2, CONTACT_METAL_UM / 2, VIA1_SIZE_UM / 2
    rect(c, -h, -h, h, h, LAYER.NW)
    rect(c, -m, -m, m, m, LAYER.M1)
    rect(c, -v, -v, v, v, LAYER.VIA1)
    rect(c, -m, -m, m, m, LAYER.M2)
    return c


@library_cell(
    ports={"o1": OPTICAL, "e1": ELECTRICAL, "e2": ELECTRICAL},
    model=snspd_model,
    category="detector",
)
@gf.cell
def snspd(
    wire_width: float = 0.1,
    wire_pitch: float = 0.4,
    wire_length: float = 20.0,
    n_wires: int = 3,
    cross_section: CrossSectionSpec = "strip_wg2",
) -> gf.Component:
    """NbN meander (gdsfactory ``snspd``) on top of a SiN waveguide, wired to two bond pads.

    Light enters at o1 and is absorbed along the meander, which runs along the waveguide with
    both terminals at its far (east) end; NbN leads climb to NbN/M1 contacts, VIA1 to M2, and
    M2 leads to two M2 bond pads above the waveguide.

    Args:
        wire_width: NbN wire width in um (>= 0.08, rule NW.W.1).
        wire_pitch: centre-to-centre wire pitch in um; the hairpin turns are tighter than the
            straight runs, so pitch - width must be >= 0.3 um (>= 3 x the 0.1 um rule NW.S.1).
        wire_length: meander length along the waveguide in um (> 0).
        n_wires: number of parallel wire runs across the waveguide (>= 2).
        cross_section: SiN cross-section of the waveguide ("strip_wg2": the upper layer, under NbN).

    .. code::

                  e1 [pad]   [pad] e2
                        |     |
                       [c]   [c]      c: NbN/M1/VIA1/M2 contacts
                        |_   _|       NbN leads
        o1 ────────=====meander=─── (terminated)
             input      wire_length

    Raises:
        ValueError: wire width / spacing under the NW rules, bad lengths or counts.
    """
    waveguide_layer(cross_section)
    check_at_least("wire_width", wire_width, min_width_um("NW"), "rule NW.W.1")
    check_at_least(
        "wire_pitch - wire_width",
        wire_pitch - wire_width,
        3 * min_space_um("NW"),
        "hairpin turns of the meander are 3x tighter than the pitch; rule NW.S.1",
    )
    check_positive("wire_length", wire_length)
    if int(n_wires) != n_wires or n_wires < 2:
        raise ValueError(f"n_wires={n_wires} must be an integer >= 2")
    ww = float(wire_width)
    ysize = (int(n_wires) - 1) * wire_pitch + ww
    meander = gf.components.snspd(
        wire_width=ww,
        wire_pitch=wire_pitch,
        size=(wire_length, ysize),
        terminals_same_side=True,
        layer=LAYER.NW,
    )
    c = gf.Component()
    x_e = INPUT_LENGTH_UM + wire_length
    wg = c << straight(length=x_e + TAIL_LENGTH_UM, cross_section=cross_section)
    m = c << meander
    m.rotate(180)  # terminals to the east
    m.move((x_e - m.xmax, -(m.ymin + m.ymax) / 2))
    tops = sorted(m.ports, key=lambda p: p.center[1])
    y_bot, y_top = tops[0].center[1], tops[-1].center[1]
    x_t = m.xmax  # terminals' x
    lw = NW_LEAD_WIDTH_UM
    yc = CONTACT_Y_UM
    # Top terminal: short wire east, up, then west to contact T.
    rect(c, x_t, y_top - ww / 2, x_t + 1.5, y_top + ww / 2, LAYER.NW)
    rect(c, x_t + 1.5 - lw, y_top - ww / 2, x_t + 1.5, yc + lw / 2, LAYER.NW)
    x_ct = x_t - 8.0
    rect(c, x_ct, yc - lw / 2, x_t + 1.5, yc + lw / 2, LAYER.NW)
    # Bottom terminal: wire further east, up, then east to contact B.
    rect(c, x_t, y_bot - ww / 2, x_t + 3.0, y_bot + ww / 2, LAYER.NW)
    rect(c, x_t + 3.0 - lw, y_bot - ww / 2, x_t + 3.0, yc + lw / 2, LAYER.NW)
    x_cb = x_t + 12.0
    rect(c, x_t + 3.0 - lw, yc - lw / 2, x_cb, yc + lw / 2, LAYER.NW)
    contact = qc_nw_contact()
    for x in (x_ct, x_cb):
        ref = c << contact
        ref.move((x, yc))
    # M2 leads up into two bond pads.
    w2 = CONTACT_METAL_UM
    pad_y = yc + w2 / 2 + PAD_RISE_UM
    ps = PAD_SIZE_UM
    pad = bond_pad()
    for x in (x_ct, x_cb):
        rect(c, x - w2 / 2, yc, x + w2 / 2, pad_y + w2, LAYER.M2)
    p1 = c << pad
    p1.move((x_ct + w2 / 2 + 1.0 - ps / 2, pad_y + ps / 2))
    p2 = c << pad
    p2.move((x_cb - w2 / 2 - 1.0 + ps / 2, pad_y + ps / 2))
    c.add_port("o1", port=wg.ports["o1"])
    c.add_port("e1", port=p1.ports["e1"])
    c.add_port("e2", port=p2.ports["e1"])
    c.info["num_squares"] = float(meander.info["num_squares"])
    c.info["wire_length_um"] = float(wire_length)
    return c
