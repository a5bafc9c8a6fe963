"""Adiabatic interlayer coupler between the two SiN layers (WG1 -> WG2)."""

from __future__ import annotations

import gdsfactory as gf

from components._common import check_positive, check_width, rect, xs_width
from components._model_kwargs import info_length_kwargs
from components.models.interlayer import interlayer_coupler as interlayer_coupler_model
from components.registry import OPTICAL, library_cell
from components.straight import straight
from components.taper import taper
from qc_pdk.layers import LAYER


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=interlayer_coupler_model,
    model_kwargs=info_length_kwargs,
    category="interlayer",
)
@gf.cell
def interlayer_coupler(
    length: float = 60.0,
    tip_width: float = 0.5,
    lead_length: float = 5.0,
) -> gf.Component:
    """Overlapping inverse tapers: WG1 narrows as WG2 widens over ``length`` um.

    The WG1 core tapers from the strip width to ``tip_width`` while the WG2 core above it
    grows from ``tip_width`` to the strip width over the same span, so the mode moves up
    adiabatically. Both tips are >= the layers' minimum width (0.5 um); NOBEND covers the tapers.

    Args:
        length: taper (overlap) length in um (> 0).
        tip_width: width of both taper tips in um (>= 0.5, rules WG1.W.1 / WG2.W.1).
        lead_length: straight WG1 / WG2 sections before and after the tapers in um (> 0; they
            square the wide taper ends).

    .. code::

        WG1  ====\\________            o1 (WG1, west)
                  ________/=====  WG2  o2 (WG2, east)
        o1 ─lead─|<-- length -->|─lead─ o2

    Raises:
        ValueError: non-positive length or lead_length or a tip under the minimum width.
    """
    check_positive("length", length)
    check_positive("lead_length", lead_length)
    check_width("tip_width", tip_width, "WG1")
    check_width("tip_width", tip_width, "WG2")
    w = xs_width("strip_wg1")
    c = gf.Component()
    t1 = c << taper(length=length, width1=w, width2=tip_width, cross_section="strip_wg1")
    t2 = c << taper(length=length, width1=tip_width, width2=w, cross_section="strip_wg2")
    t1.move((lead_length, 0.0))
    t2.move((lead_length, 0.0))
    s1 = c << straight(length=lead_length, cross_section="strip_wg1")
    s1.connect("o2", t1.ports["o1"])
    s2 = c << straight(length=lead_length, cross_section="strip_wg2")
    s2.connect("o1", t2.ports["o2"])
    c.add_port("o1", port=s1.ports["o1"])
    c.add_port("o2", port=s2.ports["o2"])
    rect(c, lead_length, -w, lead_length + length, w, LAYER.NOBEND)
    c.info["length_um"] = float(length)
    return c
