"""Adiabatic interlayer coupler between two neighbouring SiN layers (WG1 -> WG2, WG2 -> WG3).

The default taper length comes from a MEEP side-view sweep of this cell at 1550 nm (16 px/um;
``python -m simulation.fdtd.calibrate`` keeps the table in ``qc_pdk/data/calibration.json``):
60 um loses 1.66 dB (the mode does not follow the taper), 100 um 0.084, 150 um 0.23, 200 um
0.15, 250 um 0.071, 300 um 0.024 and 400 um 0.021 dB: the loss falls with length as the
transition turns adiabatic, with the beat between the two supermodes on top. 300 um is the
shortest length of the sweep whose loss stays below 0.05 dB from there on.
"""

from __future__ import annotations

import gdsfactory as gf

from components._common import check_positive, check_width, rect, waveguide_layer, xs_width
from components._model_kwargs import info_length_kwargs
from components.models.interlayer import interlayer_coupler as interlayer_coupler_model
from components.registry import OPTICAL, library_cell
from components.straight import straight
from components.taper import taper
from qc_pdk.layers import LAYER, WAVEGUIDE_LAYERS


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=interlayer_coupler_model,
    model_kwargs=info_length_kwargs,
    category="interlayer",
)
@gf.cell
def interlayer_coupler(
    length: float = 300.0,
    tip_width: float = 0.5,
    lead_length: float = 5.0,
    cross_section_lower: str = "strip_wg1",
    cross_section_upper: str = "strip_wg2",
) -> gf.Component:
    """Overlapping inverse tapers: the lower core narrows as the upper widens over ``length``.

    The lower core tapers from the strip width to ``tip_width`` while the upper core above it
    grows from ``tip_width`` to the strip width over the same span, so the mode moves up
    adiabatically. Both tips are >= the layers' minimum width (0.5 um); NOBEND covers the tapers.

    Args:
        length: taper (overlap) length in um (> 0; see the module docstring for the loss).
        tip_width: width of both taper tips in um (>= 0.5, rules WGn.W.1).
        lead_length: straight sections before and after the tapers in um (> 0; they square
            the wide taper ends).
        cross_section_lower: SiN cross-section of o1 ("strip_wg1" or "strip_wg2").
        cross_section_upper: SiN cross-section of o2, the layer right above the lower one.

    .. code::

        lower ====\\________            o1 (lower layer, west)
                   ________/=====  upper  o2 (upper layer, east)
        o1 ─lead─|<-- length -->|─lead─ o2

    Raises:
        ValueError: non-positive length or lead_length, a tip under the minimum width, or
            two cross-sections that are not on neighbouring waveguide layers.
    """
    check_positive("length", length)
    check_positive("lead_length", lead_length)
    lower = waveguide_layer(cross_section_lower, "cross_section_lower")
    upper = waveguide_layer(cross_section_upper, "cross_section_upper")
    if WAVEGUIDE_LAYERS.index(upper) - WAVEGUIDE_LAYERS.index(lower) != 1:
        raise ValueError(f"cross_section_upper={cross_section_upper!r} ({upper}) must be the "
                         f"layer right above cross_section_lower={cross_section_lower!r} "
                         f"({lower}); layers bottom to top: {WAVEGUIDE_LAYERS}")
    check_width("tip_width", tip_width, lower)
    check_width("tip_width", tip_width, upper)
    w = xs_width(cross_section_lower)
    c = gf.Component()
    t1 = c << taper(length=length, width1=w, width2=tip_width, cross_section=cross_section_lower)
    t2 = c << taper(length=length, width1=tip_width, width2=xs_width(cross_section_upper),
                    cross_section=cross_section_upper)
    t1.move((lead_length, 0.0))
    t2.move((lead_length, 0.0))
    s1 = c << straight(length=lead_length, cross_section=cross_section_lower)
    s1.connect("o2", t1.ports["o1"])
    s2 = c << straight(length=lead_length, cross_section=cross_section_upper)
    s2.connect("o1", t2.ports["o2"])
    c.add_port("o1", port=s1.ports["o1"])
    c.add_port("o2", port=s2.ports["o2"])
    rect(c, lead_length, -w, lead_length + length, w, LAYER.NOBEND)
    c.info["length_um"] = float(length)
    return c

