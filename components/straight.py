"""Straight waveguide: gdsfactory's ``straight`` (drawn directly for plain cross-sections) with
QuantaCore parameter checks."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.cross_section import CrossSection
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_width, layer_name
from components._model_kwargs import length_kwargs
from components.models.waveguide import straight as straight_model
from components.registry import OPTICAL, library_cell
from qc_pdk.rules import min_width_um

# gdsfactory's extrude leaves out a section shorter than this (um); so does the direct drawing
_MIN_DRAWN_LENGTH_UM = 1e-3


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=straight_model,
    model_kwargs=length_kwargs,
    category="propagation",
)
@gf.cell
def straight(
    length: float = 10.0,
    npoints: int = 2,
    cross_section: CrossSectionSpec = "strip",
    width: float | None = None,
) -> gf.Component:
    """Straight waveguide (or wire) of the given cross-section.

    Args:
        length: length in um (>= 0). Standalone, a SiN straight shorter than ~2 um is a sliver
            under the width / area rules; short pieces are meant to join other waveguides.
        npoints: number of points along the path (gdsfactory).
        cross_section: cross-section spec ("strip", "strip_wg1", "strip_wg2", "metal1" ...).
        width: core width in um; default the cross-section's width (>= the layer's min width).

    .. code::

        o1 ────────────────── o2
                 length

    Raises:
        ValueError: negative ``length`` or ``width`` under the layer's minimum width rule.
    """
    check_positive("length", length, allow_zero=True)
    xs = (gf.get_cross_section(cross_section, width=width) if width is not None
          else gf.get_cross_section(cross_section))
    layer = layer_name(xs)  # from the built cross-section: building it again costs as much
    if width is not None and min_width_um(layer) > 0:
        check_width("width", width, layer)
    if npoints == 2 and _is_plain(xs):
        return _drawn_directly(length, xs)
    c = gf.Component()
    inner = gf.components.straight(
        length=length, npoints=npoints, cross_section=cross_section, width=width
    )
    ref = c << inner
    c.add_ports(ref.ports)
    c.info.update(inner.info.model_dump())
    return c


def _is_plain(xs: CrossSection) -> bool:
    """True when every section of ``xs`` extrudes to a rectangle along a straight path: no
    insets, width or offset functions, hidden sections, bounding-box layers or components
    along the path."""
    return (not xs.bbox_layers and not xs.components_along_path and all(
        s.insets is None and not callable(s.width_function) and not callable(s.offset_function)
        and not s.hidden for s in xs.sections))


def _drawn_directly(length: float, xs: CrossSection) -> gf.Component:
    """The straight as ``gf.components.straight`` draws it for a plain cross-section (one
    rectangle per section, its ports, info and route info), in one cell and without the
    generic path extrusion: the router places a straight of a new length for nearly every
    leg it draws, and the extrusion and the second cell were most of that (2.2 of 2.9 ms)."""
    c = gf.Component()
    xs_name = xs.name  # a hash of the cross-section's repr: computed once, not per port
    for s in xs.sections:
        y0, y1 = s.offset - s.width / 2, s.offset + s.width / 2
        if length > _MIN_DRAWN_LENGTH_UM:
            c.add_polygon([(0, y0), (length, y0), (length, y1), (0, y1)], layer=s.layer)
        for name, port_type, x, orientation in ((s.port_names[0], s.port_types[0], 0.0, 180.0),
                                                (s.port_names[1], s.port_types[1], length, 0.0)):
            if name:
                port = c.add_port(name=name, layer=s.layer, port_type=port_type, width=s.width,
                                  orientation=orientation, center=(x, s.offset))
                port.info["cross_section"] = xs_name
    c.info["length"] = length
    c.info["width"] = xs.width if len(xs.sections) == 0 else xs.sections[0].width
    c.add_route_info(cross_section=xs, length=length)
    return c
