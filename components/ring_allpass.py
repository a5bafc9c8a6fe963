"""All-pass ring resonator (one bus), point or pulley coupled."""

from __future__ import annotations

from functools import partial

import gdsfactory as gf
from gdsfactory.typings import ComponentSpec, CrossSectionSpec

from components._common import check_ring
from components._model_kwargs import ring_kwargs
from components._pulley import coupler_ring_pulley
from components.models.ring import DEFAULT_RING_GAP_UM, DEFAULT_RING_RADIUS_UM
from components.models.ring import ring_allpass as ring_allpass_model
from components.registry import OPTICAL, library_cell
from components.ring_adddrop import coupler_ring_centre


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=ring_allpass_model,
    model_kwargs=ring_kwargs,
    category="ring",
)
@gf.cell
def ring_allpass(
    radius: float = DEFAULT_RING_RADIUS_UM,
    gap: float = DEFAULT_RING_GAP_UM,
    length_x: float = 0.0,
    coupling: str = "point",
    pulley_angle: float = 30.0,
    bend: ComponentSpec = "bend_circular",
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """All-pass ring: a ring of circular bends next to one bus (gdsfactory ``ring_single``).

    Args:
        radius: ring centreline radius in um (>= the layer's minimum bend radius, 20 um).
        gap: ring-to-bus gap in um (>= the layer's minimum space, 0.25 um; +0.01 for pulley).
        length_x: straight coupled length at the coupler in um (0 = circular ring).
        coupling: "point" (straight bus) or "pulley" (bus wraps the ring).
        pulley_angle: wrap angle in degrees for ``coupling="pulley"`` (0 < angle <= 90).
        bend: 90-degree bend spec of the ring (circular keeps the curvature at ``radius``).
        cross_section: SiN cross-section ("strip", "strip_wg1", "strip_wg2").

    .. code::

               ___
             /     \\
            |   R   |
             \\_____/
                gap
        o1 ───────────── o2
          (in)     (through)

    Raises:
        ValueError: radius under the bend-radius rule, gap under the space rule, negative
            length_x, unknown coupling.
    """
    check_ring(radius, gap, length_x, cross_section, coupling, pulley_angle)
    coupler: ComponentSpec = "coupler_ring"
    if coupling == "pulley":
        coupler = partial(coupler_ring_pulley, pulley_angle=pulley_angle)
    inner = gf.components.ring_single(
        gap=gap,
        radius=radius,
        length_x=length_x,
        length_y=0.0,
        bend=bend,
        coupler_ring=coupler,
        cross_section=cross_section,
    )
    c = gf.Component()
    ref = c << inner
    c.add_port("o1", port=ref.ports["o1"])
    c.add_port("o2", port=ref.ports["o2"])
    c.info["ring_centre_um"] = coupler_ring_centre(
        coupler, gap=gap, radius=radius, length_x=length_x, bend=bend, cross_section=cross_section
    )
    c.info["radius_um"] = float(radius)
    c.info["gap_um"] = float(gap)
    c.info["length_x_um"] = float(length_x)
    c.info["coupling"] = coupling
    return c
