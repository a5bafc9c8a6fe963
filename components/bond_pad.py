"""Bond pad: metal-2 square with its passivation (PAD) opening."""

from __future__ import annotations

import gdsfactory as gf

from components._common import check_at_least
from components.registry import ELECTRICAL, library_cell
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_width_um, rule

PAD_SIZE_UM = 80.0
PAD_MARGIN_UM = 5.0


@library_cell(
    ports={"e1": ELECTRICAL},
)
@gf.cell
def bond_pad(size: float = PAD_SIZE_UM, opening_margin: float = PAD_MARGIN_UM) -> gf.Component:
    """Square M2 bond pad with a PAD opening inset by ``opening_margin`` (gdsfactory ``pad``).

    Args:
        size: M2 pad side in um; the opening (size - 2 * opening_margin) must be >= 40 um.
        opening_margin: M2 enclosure of the PAD opening in um (>= 2, rule PAD.EN.1).

    .. code::

         ______________
        |  __________  |
        | |   PAD    | |  M2 (size x size)
        | |    e1    | |  e1: centre, electrical, facing south
        | |__________| |
        |______________|

    Raises:
        ValueError: opening_margin under PAD.EN.1 or an opening narrower than PAD.W.1.
    """
    en = rule("PAD.EN.1").value
    check_at_least("opening_margin", opening_margin, en, "M2 enclosure of PAD, rule PAD.EN.1")
    opening_min = min_width_um("PAD")
    check_at_least(
        "size",
        size,
        opening_min + 2 * opening_margin,
        f"PAD opening size - 2 * opening_margin must be >= {opening_min} um, rule PAD.W.1",
    )
    c = gf.Component()
    ref = c << gf.components.pad(
        size=(size, size),
        layer=LAYER.M2,
        bbox_layers=(LAYER.PAD,),
        bbox_offsets=(-opening_margin,),
        port_orientations=None,
    )
    c.add_port(
        "e1",
        center=ref.ports["pad"].center,
        width=size,
        orientation=270,
        layer=LAYER.M2,
        port_type="electrical",
    )
    c.info["size_um"] = float(size)
    c.info["opening_um"] = float(size - 2 * opening_margin)
    return c
