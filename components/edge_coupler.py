"""Edge coupler: inverse taper running to the die facet."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_width, rect, waveguide_layer
from components.models.couplers import edge_coupler as edge_coupler_model
from components.registry import OPTICAL, library_cell
from components.straight import straight
from components.taper import taper
from qc_pdk.layers import LAYER


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=edge_coupler_model,
    category="coupler",
)
@gf.cell
def edge_coupler(
    length: float = 150.0,
    tip_width: float = 0.5,
    facet_length: float = 5.0,
    lead_length: float = 2.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Inverse taper from the strip width down to ``tip_width`` at the facet (o2, east).

    The narrowed core spreads the mode to match a lensed fibre. The tip is limited by the
    minimum-width rule (0.5 um); a straight tip section of ``facet_length`` leaves margin for
    the dicing line. NOBEND covers the taper.

    Args:
        length: taper length in um (> 0).
        tip_width: core width at the facet in um (>= the layer's minimum width).
        facet_length: straight tip section before the facet in um (>= 0).
        lead_length: full-width straight before the taper in um (> 0; squares the o1 end).
        cross_section: SiN cross-section on the chip side.

    .. code::

        o1 ==lead==\\____________ o2 (facet)
         chip       <- length -> |<- facet_length

    Raises:
        ValueError: non-positive length or lead_length, negative facet_length, tip under the
            minimum width.
    """
    layer = waveguide_layer(cross_section)
    check_positive("length", length)
    check_positive("facet_length", facet_length, allow_zero=True)
    check_positive("lead_length", lead_length)
    check_width("tip_width", tip_width, layer)
    w = xs_width_of(cross_section)
    c = gf.Component()
    lead = c << straight(length=lead_length, cross_section=cross_section)
    t = c << taper(length=length, width1=w, width2=tip_width, cross_section=cross_section)
    t.connect("o1", lead.ports["o2"])
    c.add_port("o1", port=lead.ports["o1"])
    end = t.ports["o2"]
    if facet_length > 0:
        s = c << straight(length=facet_length, cross_section=cross_section, width=tip_width)
        s.connect("o1", t.ports["o2"])
        end = s.ports["o2"]
    c.add_port("o2", port=end)
    rect(c, lead_length, -w, lead_length + length, w, LAYER.NOBEND)
    c.info["tip_width_um"] = float(tip_width)
    return c


def xs_width_of(cross_section: CrossSectionSpec) -> float:
    return float(gf.get_cross_section(cross_section).width)
