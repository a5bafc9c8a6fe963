"""Quantum-emitter site: EMITTER marker inside a short SiN waveguide section."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, rect, waveguide_layer, xs_width
from components.registry import OPTICAL, library_cell
from components.straight import straight
from qc_pdk.layers import LAYER


@gf.cell
def emitter_marker(size: float = 0.2) -> gf.Component:
    """The bare EMITTER marker square (um), centred on the origin; place it inside a core."""
    c = gf.Component()
    rect(c, -size / 2, -size / 2, size / 2, size / 2, LAYER.EMITTER)
    return c


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
)
@gf.cell
def emitter_site(
    length: float = 10.0,
    marker_size: float = 0.2,
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """Straight waveguide section with an EMITTER marker at its centre (rule EMITTER.IN.1).

    Args:
        length: waveguide length in um (> marker_size).
        marker_size: side of the square EMITTER marker in um (> 0, < the core width).
        cross_section: SiN cross-section.

    .. code::

        o1 ─────[x]───── o2     x: EMITTER marker, centre of the core

    Raises:
        ValueError: marker not inside the core, non-positive length.
    """
    waveguide_layer(cross_section)
    check_positive("length", length)
    check_positive("marker_size", marker_size)
    w = xs_width(cross_section)
    if marker_size >= w or marker_size >= length:
        raise ValueError(
            f"marker_size={marker_size} must be < the core width {w} um and the length "
            f"{length} um (rule EMITTER.IN.1: the marker lies inside the core)"
        )
    c = gf.Component()
    s = c << straight(length=length, cross_section=cross_section)
    m = c << emitter_marker(size=marker_size)
    m.move((length / 2, 0.0))
    c.add_ports(s.ports)
    c.info["emitter_position_um"] = (length / 2, 0.0)
    return c
