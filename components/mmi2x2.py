"""2x2 multimode-interference 3 dB coupler for the buried SiN strip (the MZI switch's combiner).

Self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)): with access guides
at +-W/4, twofold images form at 3 L_pi / 2 (*general interference*): each input splits
equally into the bar and cross outputs with a 90 deg phase difference, the 2x2 3 dB coupler an
MZI combiner needs. For this platform (see ``components.mmi1x2``: n_r = 1.674, cladding
1.444, W = 6 um -> W_e = 6.43 um, L_pi = 59.6 um) the design is 3 L_pi / 2 = 89.4 um, refined
by the 2D effective-index FDTD sweep in ``simulation.fdtd.calibrate`` (``MMI_DESIGNS_UM``;
lowest excess loss with imbalance < 0.3 dB, DRC-clean; ``qc_pdk/data/calibration.json``,
section ``mmi``). The shorter designs fail in this low-contrast guide (2D FDTD): *paired*
interference (guides at +-W/6, L_pi / 2 = 30 um) splits 4-10 dB off balance at 27-33 um, and
a 4 um wide general-interference section 0.5-8.5 dB off balance at 35-46 um; the 6 um section
images sharply (0.13 dB, 0.1 dB imbalance at 88 um).
"""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_at_least, check_positive, check_width, waveguide_layer
from components.mmi1x2 import mmi_body
from components.models.mmi import (
    DEFAULT_MMI2X2_LENGTH_UM,
    DEFAULT_MMI2X2_WIDTH_TAPER_UM,
    DEFAULT_MMI2X2_WIDTH_UM,
    DEFAULT_MMI_LENGTH_TAPER_UM,
    mmi_kwargs,
)
from components.models.mmi import mmi2x2 as mmi2x2_model
from components.registry import OPTICAL, library_cell
from qc_pdk.rules import min_space_um

__all__ = ["mmi2x2"]


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL, "o4": OPTICAL},
    model=mmi2x2_model,
    model_kwargs=mmi_kwargs,
    category="coupler",
)
@gf.cell
def mmi2x2(
    width_mmi: float = DEFAULT_MMI2X2_WIDTH_UM,
    length_mmi: float = DEFAULT_MMI2X2_LENGTH_UM,
    width_taper: float = DEFAULT_MMI2X2_WIDTH_TAPER_UM,
    length_taper: float = DEFAULT_MMI_LENGTH_TAPER_UM,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """SiN 2x2 MMI 3 dB coupler: access guides at +-W/4 (general interference, L ~ 3 L_pi / 2).

    gdsfactory's ``mmi2x2`` drawn with this platform's design. o1 -> o4 and o2 -> o3 are the
    bar paths, o1 -> o3 and o2 -> o4 the cross paths (+90 deg); each carries half the power
    (2D FDTD of the default: ``qc_pdk/data/calibration.json``, section ``mmi``).

    Args:
        width_mmi: multimode section width W in um.
        length_mmi: multimode section length in um (> 0; the design is 3 L_pi / 2, refined
            by FDTD).
        width_taper: access taper width at the multimode section in um (>= the strip's minimum
            width; the two tapers of a side are W/2 apart centre to centre).
        length_taper: access taper length in um (> 0).
        cross_section: SiN cross-section of the ports ("strip", "strip_wg1", "strip_wg2").

    .. code::

                    length_mmi
                  ______________
           o2  __|              |__  o3
                 |   +W/4       |
                 |   -W/4       |
           o1  __|              |__  o4
                 |______________|

    Raises:
        ValueError: a width under the layer's minimum, a non-positive length, or access guides
            closer than the space rule (naming the parameter).
    """
    layer = waveguide_layer(cross_section)
    check_positive("length_mmi", length_mmi)
    check_positive("length_taper", length_taper)
    check_width("width_taper", width_taper, layer)
    # access guides at +-W/4: W/2 apart centre to centre
    gap = width_mmi / 2 - width_taper
    check_at_least("width_mmi", width_mmi, 2 * (width_taper + min_space_um(layer)),
                   f"access guides at +-W/4 of width_taper={width_taper} need the {layer} "
                   "space rule")
    c = gf.Component()
    ref = c << gf.components.mmi2x2(
        width_mmi=width_mmi, length_mmi=length_mmi, width_taper=width_taper,
        length_taper=length_taper, gap_mmi=gap, cross_section=cross_section,
    )
    for name in ("o1", "o2", "o3", "o4"):
        c.add_port(name, port=ref.ports[name])
    mmi_body(c, ref, length_taper, length_mmi)
    c.info["length_um"] = float(length_mmi + 2 * length_taper)
    return c
