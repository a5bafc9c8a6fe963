"""Low-loss MMI-style waveguide crossing."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_width, rect, waveguide_layer
from components.models.crossing import crossing as crossing_model
from components.registry import OPTICAL, library_cell
from qc_pdk.layers import LAYER


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL, "o4": OPTICAL},
    model=crossing_model,
    category="crossing",
)
@gf.cell
def crossing(
    width_mmi: float = 2.0,
    length: float = 6.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Four linear tapers widening to ``width_mmi`` meet in a square multimode centre.

    Built with gdsfactory's ``crossing_linear_taper``; the self-imaging centre keeps the
    crossing loss low. Its concave corners are no bends, so a NOBEND marker covers the body.

    Args:
        width_mmi: width of the multimode centre in um (>= the layer's minimum width).
        length: length of each taper arm in um (> 0).
        cross_section: SiN cross-section of the four ports.

    .. code::

                 o2
                 |
                /  \\
        o1 ---<  +  >--- o3
                \\  /
                 |
                 o4

    Raises:
        ValueError: non-positive length or a width under the layer's minimum.
    """
    layer = waveguide_layer(cross_section)
    check_positive("length", length)
    check_width("width_mmi", width_mmi, layer)
    xs = gf.get_cross_section(cross_section)
    c = gf.Component()
    inner = gf.components.crossing_linear_taper(
        width1=width_mmi, width2=xs.width, length=length, cross_section=cross_section, taper="taper"
    )
    ref = c << inner
    by_orientation = {round(p.orientation) % 360: p for p in ref.ports}
    for name, ang in (("o1", 180), ("o2", 90), ("o3", 0), ("o4", 270)):
        c.add_port(name, port=by_orientation[ang])
    b = ref.dbbox()
    rect(c, b.left, b.bottom, b.right, b.top, LAYER.NOBEND)
    return c
