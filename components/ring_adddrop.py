"""Add-drop ring resonator (two buses), point or pulley coupled."""

from __future__ import annotations

from functools import partial

import gdsfactory as gf
from gdsfactory.typings import ComponentSpec, CrossSectionSpec

from components._common import check_positive, check_ring
from components._model_kwargs import ring_kwargs
from components._pulley import coupler_ring_pulley
from components.models.ring import DEFAULT_RING_GAP_UM, DEFAULT_RING_RADIUS_UM
from components.models.ring import ring_adddrop as ring_adddrop_model
from components.registry import OPTICAL, library_cell


def coupler_ring_centre(
    coupler: ComponentSpec,
    *,
    gap: float,
    radius: float,
    length_x: float,
    bend: ComponentSpec,
    cross_section: CrossSectionSpec,
    length_y: float = 0.0,
) -> tuple[float, float]:
    """Centre (um) of the ring that gdsfactory's ring_single / ring_double build on ``coupler``.

    Both place the bottom coupler untransformed, so the ring centre is midway between the
    coupler's ring ports o2 / o3, ``length_y / 2`` above them (vertical straights).
    """
    cp = gf.get_component(
        coupler, gap=gap, radius=radius, length_x=length_x, bend=bend, cross_section=cross_section
    )
    x = (cp.ports["o2"].center[0] + cp.ports["o3"].center[0]) / 2
    return float(x), float(cp.ports["o2"].center[1]) + length_y / 2


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL, "o4": OPTICAL},
    model=ring_adddrop_model,
    model_kwargs=ring_kwargs,
    category="ring",
)
@gf.cell
def ring_adddrop(
    radius: float = DEFAULT_RING_RADIUS_UM,
    gap: float = DEFAULT_RING_GAP_UM,
    gap_drop: float | None = None,
    length_x: float = 0.0,
    length_y: float = 0.0,
    coupling: str = "point",
    pulley_angle: float = 30.0,
    bend: ComponentSpec = "bend_circular",
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Add-drop ring: circular ring between two buses (gdsfactory ``ring_double``).

    Args:
        radius: ring centreline radius in um (>= the layer's minimum bend radius, 20 um).
        gap: gap to the input/through (bottom) bus in um (>= min space 0.25; +0.01 pulley).
        gap_drop: gap to the add/drop (top) bus in um; None = ``gap``.
        length_x: straight coupled length of each coupler in um (0 = circular ring).
        length_y: length of the ring's vertical straights in um (0 = circular ring).
        coupling: "point" (straight buses) or "pulley" (buses wrap the ring).
        pulley_angle: wrap angle in degrees for ``coupling="pulley"`` (0 < angle <= 90).
        bend: 90-degree bend spec of the ring.
        cross_section: SiN cross-section ("strip", "strip_wg1", "strip_wg2").

    .. code::

        o4 ───────────── o3
        (drop)  gap_drop (add)
               /     \\
              |   R   |
               \\_____/
                 gap
        o1 ───────────── o2
        (in)       (through)

    Raises:
        ValueError: radius under the bend-radius rule, a gap under the space rule, negative
            length_x, unknown coupling.
    """
    check_ring(radius, gap, length_x, cross_section, coupling, pulley_angle)
    check_positive("length_y", length_y, allow_zero=True)
    gap_top = gap if gap_drop is None else gap_drop
    if gap_drop is not None:
        try:
            check_ring(radius, gap_top, length_x, cross_section, coupling, pulley_angle)
        except ValueError as e:
            raise ValueError(str(e).replace("gap=", "gap_drop=", 1)) from None
    coupler: ComponentSpec = "coupler_ring"
    if coupling == "pulley":
        coupler = partial(coupler_ring_pulley, pulley_angle=pulley_angle)
    inner = gf.components.ring_double(
        gap=gap,
        gap_bot=gap,
        gap_top=gap_top,
        radius=radius,
        length_x=length_x,
        length_y=length_y,
        bend=bend,
        coupler_ring=coupler,
        cross_section=cross_section,
    )
    c = gf.Component()
    ref = c << inner
    ports = list(ref.ports)
    xmid = sum(p.center[0] for p in ports) / len(ports)
    ymid = sum(p.center[1] for p in ports) / len(ports)
    for p in ports:
        west, bottom = p.center[0] < xmid, p.center[1] < ymid
        name = {(True, True): "o1", (False, True): "o2", (False, False): "o3", (True, False): "o4"}
        c.add_port(name[(west, bottom)], port=p)
    c.info["ring_centre_um"] = coupler_ring_centre(
        coupler,
        gap=gap,
        radius=radius,
        length_x=length_x,
        bend=bend,
        cross_section=cross_section,
        length_y=length_y,
    )
    c.info["round_trip_um"] = float(2 * 3.141592653589793 * radius + 2 * length_x + 2 * length_y)
    c.info["radius_um"] = float(radius)
    c.info["gap_um"] = float(gap)
    c.info["gap_drop_um"] = float(gap_top)
    c.info["length_x_um"] = float(length_x)
    c.info["length_y_um"] = float(length_y)
    c.info["coupling"] = coupling
    return c
