"""SiN grating coupler (fibre to chip)."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import (
    check_at_least,
    check_positive,
    rect,
    waveguide_layer,
)
from components.models.couplers import grating_coupler as grating_coupler_model
from components.registry import OPTICAL, library_cell
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um, min_width_um


@library_cell(
    ports={"o1": OPTICAL, "o2": "vertical_te"},
    model=grating_coupler_model,
    category="coupler",
)
@gf.cell
def grating_coupler(
    period: float = 1.1,
    fill_factor: float = 0.5,
    n_periods: int = 20,
    width_grating: float = 12.0,
    length_taper: float = 200.0,
    fiber_angle: float = 8.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Rectangular SiN grating at the end of a linear taper (gdsfactory's rectangular grating).

    Port convention (gdsfactory's): o1 = waveguide (optical, west); o2 = fibre port of type
    ``vertical_te`` at the grating centre. A NOBEND marker covers the taper and grating.

    Args:
        period: grating period in um.
        fill_factor: tooth width / period; teeth >= 0.5 um (WGn.W.1), trenches >= 0.25 um (WGn.S.1).
        n_periods: number of teeth (>= 1).
        width_grating: grating width in um.
        length_taper: taper length from the strip to the grating in um (> 0).
        fiber_angle: fibre angle from vertical in degrees (recorded in info).
        cross_section: SiN cross-section of o1.

    .. code::

                  _______
             ____/ | | | |
        o1  ____   | o2  |     o2: fibre (vertical_te)
                 \\_|_|_|_|
                 length_taper

    Raises:
        ValueError: teeth or trenches under the width / space rules, bad counts or lengths.
    """
    layer = waveguide_layer(cross_section)
    check_positive("period", period)
    check_positive("length_taper", length_taper)
    if not 0 < fill_factor < 1:
        raise ValueError(f"fill_factor={fill_factor} must be in (0, 1)")
    if int(n_periods) != n_periods or n_periods < 1:
        raise ValueError(f"n_periods={n_periods} must be an integer >= 1")
    check_at_least(
        "period * fill_factor",
        period * fill_factor,
        min_width_um(layer),
        f"grating tooth width, rule {layer}.W.1",
    )
    check_at_least(
        "period * (1 - fill_factor)",
        period * (1 - fill_factor),
        min_space_um(layer),
        f"grating trench width, rule {layer}.S.1",
    )
    xs = gf.get_cross_section(cross_section)
    check_at_least("width_grating", width_grating, xs.width, "wider than the waveguide")
    c = gf.Component()
    inner = gf.components.grating_coupler_rectangular(
        n_periods=int(n_periods),
        period=period,
        fill_factor=fill_factor,
        width_grating=width_grating,
        length_taper=length_taper,
        fiber_angle=fiber_angle,
        taper="taper",
        layer_slab=None,
        layer_grating=xs.layer,
        cross_section=cross_section,
    )
    ref = c << inner
    c.add_port("o1", port=ref.ports["o1"])
    c.add_port("o2", port=ref.ports["o2"])
    b = ref.dbbox()
    rect(c, b.left, b.bottom, b.right, b.top, LAYER.NOBEND)
    c.info["fiber_angle_deg"] = float(fiber_angle)
    c.info["period_um"] = float(period)
    return c
