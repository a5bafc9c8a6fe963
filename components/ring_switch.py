"""Thermo-optic ring switch: add-drop ring with a TiN heater, contacts and bond pads."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_at_least
from components._heater import min_heated_straight_um, qc_straight_heater
from components._model_kwargs import ring_kwargs
from components.models.ring import DEFAULT_RING_GAP_UM, DEFAULT_RING_RADIUS_UM
from components.models.switch import ring_switch as ring_switch_model
from components.registry import ELECTRICAL, OPTICAL, library_cell
from components.ring_adddrop import ring_adddrop

PAD_CLEARANCE_UM = 25.0  # bond pads' bottom edge above the top bus


@library_cell(
    ports={f"o{i}": OPTICAL for i in range(1, 5)} | {"e1": ELECTRICAL, "e2": ELECTRICAL},
    model=ring_switch_model,
    model_kwargs=ring_kwargs,
    category="switch",
)
@gf.cell
def ring_switch(
    radius: float = DEFAULT_RING_RADIUS_UM,
    gap: float = DEFAULT_RING_GAP_UM,
    length_y: float = 30.0,
    heater_width: float = 2.0,
    coupling: str = "point",
    pulley_angle: float = 30.0,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Add-drop ring whose east straight carries a TiN heater wired to two M2 bond pads.

    The ring is ``ring_adddrop`` with vertical straights of ``length_y``; the heater lies over
    the east straight (its ends cross the core at right angles), heater contacts (VIAC) and
    VIA1 stacks sit east of the ring, and M2 leads climb to two bond pads above the top bus.

    Args:
        radius: ring bend radius in um (>= 20, rule WGn.R.1).
        gap: ring-to-bus gap in um, both buses (>= 0.25, rule WGn.S.1).
        length_y: length of the ring's vertical straights in um (heated section; >= 22).
        heater_width: TiN width in um (>= 1, rule HEATER.W.1).
        coupling: "point" or "pulley".
        pulley_angle: wrap angle in degrees for pulley coupling.
        cross_section: SiN cross-section ("strip", "strip_wg1", "strip_wg2").

    .. code::

                  e1 [pad]  [pad] e2
                       |      |
        o4 ────────────|──────|── o3
        (drop)   / \\   |      |  (add)
                |   |==[U]    |
                |   |==[L]====
                 \\_/  heater
        o1 ─────────────────────── o2
        (in)                (through)

    Raises:
        ValueError: as ``ring_adddrop``, or length_y / heater_width under their minimum.
    """
    check_at_least(
        "length_y", length_y, min_heated_straight_um(), "heater straight holding two contacts"
    )
    ring = ring_adddrop(
        radius=radius,
        gap=gap,
        length_y=length_y,
        coupling=coupling,
        pulley_angle=pulley_angle,
        cross_section=cross_section,
    )
    c = gf.Component()
    r = c << ring
    xc, yc = ring.info["ring_centre_um"]
    y_top_bus = max(p.center[1] for p in ring.ports)
    heater = qc_straight_heater(
        length=length_y, heater_width=heater_width, pad_y=y_top_bus - yc + PAD_CLEARANCE_UM
    )
    h = c << heater
    h.move((xc + radius, yc))
    for name in ("o1", "o2", "o3", "o4"):
        c.add_port(name, port=r.ports[name])
    c.add_port("e1", port=h.ports["e1"])
    c.add_port("e2", port=h.ports["e2"])
    c.info.update(ring.info.model_dump())
    c.info["heater_length_um"] = heater.info["heater_length_um"]
    return c
