"""1x2 multimode-interference splitter for the buried SiN strip, designed by self-imaging + FDTD.

Self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)): a multimode section
of effective width W_e images its input after multiples of the beat length
L_pi = 4 n_r W_e^2 / (3 lambda). A centred input excites only the symmetric modes, so
twofold images (a 3 dB split, both outputs in phase) form at 3 L_pi / 8, centred at
+-W/4 (*symmetric interference*). For this platform at 1550 nm: n_r = 1.674 (TE slab index of
the 0.3 um SiN film, the 2D top view's core), cladding 1.444, and the lateral TM-like
boundary (sigma = 1) widens W = 6 um to W_e = W + (lambda / pi) (n_c / n_r)^2
(n_r^2 - n_c^2)^-1/2 = 6.43 um: L_pi = 59.6 um, 3 L_pi / 8 = 22.3 um. gdsfactory's
``mmi1x2`` defaults (2.5 x 5.5 um) are a silicon design and do not apply.

The drawn length comes from the 2D effective-index FDTD sweep in
``simulation.fdtd.calibrate`` (``MMI_DESIGNS_UM``; pick: lowest excess loss with imbalance
< 0.3 dB, DRC-clean; table in ``qc_pdk/data/calibration.json``, section ``mmi``).
"""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_at_least, check_positive, check_width, rect, waveguide_layer
from components.models.mmi import (
    DEFAULT_MMI1X2_LENGTH_UM,
    DEFAULT_MMI_LENGTH_TAPER_UM,
    DEFAULT_MMI_WIDTH_TAPER_UM,
    DEFAULT_MMI_WIDTH_UM,
    mmi_kwargs,
)
from components.models.mmi import mmi1x2 as mmi1x2_model
from components.registry import OPTICAL, library_cell
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um

__all__ = ["mmi_body", "mmi1x2"]


def mmi_body(
    c: gf.Component, ref: gf.ComponentReference, length_taper: float, length_mmi: float
) -> None:
    """Mark the multimode body with NOBEND: where the tapers meet it the outline has concave
    corners that are no bends (as the crossing's centre)."""
    b = ref.dbbox()
    rect(c, b.left + length_taper, b.bottom, b.left + length_taper + length_mmi, b.top,
         LAYER.NOBEND)


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL},
    model=mmi1x2_model,
    model_kwargs=mmi_kwargs,
    category="coupler",
)
@gf.cell
def mmi1x2(
    width_mmi: float = DEFAULT_MMI_WIDTH_UM,
    length_mmi: float = DEFAULT_MMI1X2_LENGTH_UM,
    width_taper: float = DEFAULT_MMI_WIDTH_TAPER_UM,
    length_taper: float = DEFAULT_MMI_LENGTH_TAPER_UM,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """SiN 1x2 MMI splitter: a centred input and two outputs at the twofold images (+-W/4).

    gdsfactory's ``mmi1x2`` drawn with this platform's design: outputs placed at the
    symmetric-interference images, linear tapers from the strip width to ``width_taper`` at
    the multimode section. Both outputs carry half the power in phase (2D FDTD of the default:
    see ``qc_pdk/data/calibration.json``, section ``mmi``).

    Args:
        width_mmi: multimode section width W in um (> 2 * width_taper + the space rule).
        length_mmi: multimode section length in um (> 0; the design is 3 L_pi / 8, refined by
            FDTD).
        width_taper: access taper width at the multimode section in um (>= the strip's minimum
            width).
        length_taper: access taper length in um (> 0).
        cross_section: SiN cross-section of the ports ("strip", "strip_wg1", "strip_wg2").

    .. code::

                     length_mmi
                   ______________
                  |              |__
                __|              |__  o2 (+W/4)
          o1   __                |
                  |              |__
                  |              |__  o3 (-W/4)
                  |______________|
               <->               <->
           length_taper       length_taper

    Raises:
        ValueError: a width under the layer's minimum, a non-positive length, or outputs
            closer than the space rule (naming the parameter).
    """
    layer = waveguide_layer(cross_section)
    check_positive("length_mmi", length_mmi)
    check_positive("length_taper", length_taper)
    check_width("width_taper", width_taper, layer)
    # twofold images at +-W/4: the two taper ends are W/2 apart centre to centre
    gap = width_mmi / 2 - width_taper
    check_at_least("width_mmi", width_mmi, 2 * (width_taper + min_space_um(layer)),
                   f"outputs at +-W/4 of width_taper={width_taper} need the {layer} space rule")
    c = gf.Component()
    ref = c << gf.components.mmi1x2(
        width_mmi=width_mmi, length_mmi=length_mmi, width_taper=width_taper,
        length_taper=length_taper, gap_mmi=gap, cross_section=cross_section,
    )
    for name in ("o1", "o2", "o3"):
        c.add_port(name, port=ref.ports[name])
    mmi_body(c, ref, length_taper, length_mmi)
    c.info["length_um"] = float(length_mmi + 2 * length_taper)
    return c
