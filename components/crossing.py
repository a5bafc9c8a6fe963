"""Low-loss mode-expansion waveguide crossing, designed by a 2D FDTD parameter sweep."""

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
    # the FDTD sweep's design (simulation.fdtd.calibrate, CROSSING_DESIGNS_UM; 16 px/um:
    # 0.27 dB, crosstalk -42 dB; the former 2.0 / 6.0 um design lost 0.76 dB)
    width_mmi: float = 0.5,
    length: float = 6.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Four linear tapers to width ``width_mmi`` meet in a square centre.

    Built with gdsfactory's ``crossing_linear_taper``. The default narrows the 0.8 um guide to
    the 0.5 um minimum width over 6 um: the weaker-guided mode spreads, so it diffracts less
    crossing the other guide's gap (2D FDTD sweep at 16 px/um: 0.27 dB through, -42 dB
    crosstalk; the former MMI-like 2 um centre lost 0.76 dB; at 28 px/um, the applied
    figures: 0.23 dB, -42 dB; see ``qc_pdk/data/calibration.json``, section ``crossing``).
    Its concave corners are no bends, so a NOBEND marker covers the body. Footprint:
    ``2 * length`` um square (12 um, the router's crossing pitch is built around it).

    Args:
        width_mmi: width of the crossing centre in um (>= the layer's minimum width; below the
            guide width the tapers narrow).
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
