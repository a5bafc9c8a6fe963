"""Pulley ring coupler: the bus wraps the ring concentrically over ``pulley_angle`` degrees.

Drop-in replacement for gdsfactory's ``coupler_ring`` (same ports and keyword arguments), so
gdsfactory's ``ring_single`` / ``ring_double`` assemble pulley-coupled rings from it.

.. code::

          o2                              o3        ring half (centre at (0, yc))
          xx                              xx
           xx                            xx
             xxx                      xxx
    o1 ___      xxxx______________xxxx      ___ o4
          \\___      pulley bus       ___/
               \\____________________/
"""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
from gdsfactory.typings import ComponentSpec, CrossSectionSpec

from components._common import radius_or_default

# Radius of the S-bends that bring the bus in and out of the wrap (um): the routing radius.
PULLEY_ESCAPE_RADIUS_UM = 30.0


def pulley_bus_path(
    radius: float, gap: float, width: float, length_x: float, pulley_angle: float, extension: float
) -> tuple[gf.Path, float]:
    """Bus centreline path and the height (um) of its ends above the wrap's lowest point."""
    rb = radius + gap + width
    half = pulley_angle / 2
    rs = PULLEY_ESCAPE_RADIUS_UM
    first = gf.path.straight(length=extension) + gf.path.arc(radius=rs, angle=-half)
    first = first + gf.path.arc(radius=rb, angle=half)
    second = gf.path.arc(radius=rb, angle=half) + gf.path.arc(radius=rs, angle=-half)
    second = second + gf.path.straight(length=extension)
    full = first
    if length_x > 0:
        full = full + gf.path.straight(length=length_x)
    full = full + second
    x_h, y_h = first.points[-1]
    # Move so that the wrap's lowest point (middle of the coupled section) is at (0, 0).
    full.move((-float(x_h) - length_x / 2, -float(y_h)))
    return full, -float(y_h)


@gf.cell
def coupler_ring_pulley(
    gap: float = 0.3,
    radius: float | None = None,
    length_x: float = 0.0,
    bend: ComponentSpec = "bend_circular",
    straight: ComponentSpec = "straight",
    cross_section: CrossSectionSpec = "strip",
    cross_section_bend: CrossSectionSpec | None = None,
    length_extension: float | None = None,
    pulley_angle: float = 30.0,
) -> gf.Component:
    """Pulley coupler for a ring (``coupler_ring`` ports; ``bend``/``straight`` unused: arcs).

    Args:
        gap: ring-to-bus gap in um along the wrap.
        radius: ring centreline radius in um (default the cross-section's).
        length_x: straight coupled length at the bottom of the ring in um.
        bend: unused (kept for ``coupler_ring`` compatibility).
        straight: unused (kept for ``coupler_ring`` compatibility).
        cross_section: cross-section spec.
        cross_section_bend: unused.
        length_extension: straight bus length beyond the escape bends in um (default 3).
        pulley_angle: angle in degrees over which the bus wraps the ring (0 < angle < 180).
    """
    xs = gf.get_cross_section(cross_section)
    r = radius_or_default(radius, xs)
    w = float(xs.width)
    ext = 3.0 if length_extension is None else float(length_extension)
    c = gf.Component()
    bus, rise = pulley_bus_path(r, gap, w, length_x, pulley_angle, ext)
    rise = float(np.round(rise, 3))
    # Bus ports at y = 0 (as coupler_ring); the wrap's lowest point lies ``rise`` below them.
    bus.move((0.0, -rise))
    ref_bus = c << bus.extrude(cross_section)
    y_ring_bottom = -rise + gap + w
    b90 = gf.get_component(bend, radius=r, angle=90, cross_section=cross_section)
    br = c << b90
    br.move((length_x / 2, y_ring_bottom))
    if length_x > 0:
        s = c << gf.get_component(straight, length=length_x, cross_section=cross_section)
        s.connect("o2", br.ports["o1"])
        left = s.ports["o1"]
    else:
        left = br.ports["o1"]
    bl = c << b90
    bl.connect("o1", left, mirror=True)
    c.add_port("o1", port=ref_bus.ports["o1"])
    c.add_port("o2", port=bl.ports["o2"])
    c.add_port("o3", port=br.ports["o2"])
    c.add_port("o4", port=ref_bus.ports["o2"])
    c.flatten()
    c.info["radius"] = r
    c.info["pulley_angle"] = pulley_angle
    c.info["bus_rise_um"] = rise
    return c
