"""Geometries the FDTD layer simulates: library cells by name, plus calibration test pieces.

``fdtd_cell(name, params)`` builds a library cell from ``-p key=value`` strings (as
``quantacore cell``), except that ``bend_euler`` below the PDK's 20 um bend-radius rule is
built with gdsfactory's own ``bend_euler(allow_min_radius_violation=True)`` on a plain SiN
strip: calibration needs tight bends the library (rightly) refuses to draw.

Example:
    >>> c = calibration_bend(radius_um=5.0)
    >>> sorted(p.name for p in c.ports)
    ['o1', 'o2']
"""

from __future__ import annotations

import gdsfactory as gf

from components.gallery import build_cell, cell_parameters, parse_value
from qc_pdk.cross_sections import WG_WIDTH_UM

__all__ = ["calibration_bend", "calibration_ring_coupler", "fdtd_cell", "plain_strip"]


def plain_strip(width_um: float = WG_WIDTH_UM, layer: tuple[int, int] = (1, 0)):  # noqa: ANN201
    """SiN strip cross-section without the PDK's minimum-radius (for test pieces only)."""
    return gf.cross_section.cross_section(width=width_um, layer=layer,
                                          port_names=("o1", "o2"))


def calibration_bend(*, radius_um: float, angle_deg: float = 90.0, p: float = 0.5) -> gf.Component:
    """gdsfactory Euler bend of effective radius ``radius_um`` on WG1, any radius (no DRC)."""
    return gf.components.bend_euler(radius=radius_um, angle=angle_deg, p=p,
                                    cross_section=plain_strip(),
                                    allow_min_radius_violation=True)


def calibration_ring_coupler(*, gap_um: float, radius_um: float = 10.0) -> gf.Component:
    """Bus + circular half ring (gdsfactory ``coupler_ring``, no straight section).

    Ports: o1 bus west, o4 bus east, o2/o3 ring arms (pointing up); the field self-coupling
    of the ring coupler is the bus transmission o1 -> o4 (radiation in the tight arms
    does not affect it).
    """
    xs = plain_strip()
    bend = gf.partial(gf.components.bend_circular, allow_min_radius_violation=True)
    return gf.components.coupler_ring(gap=gap_um, radius=radius_um, length_x=0.0,
                                      bend=bend, cross_section=xs)


def fdtd_cell(name: str, params: dict[str, str] | None = None) -> gf.Component:
    """Library cell ``name`` built from string parameters, for FDTD.

    ``bend_euler`` with a radius below the bend-radius rule falls back to
    :func:`calibration_bend` (same gdsfactory Euler curve, no DRC radius check).

    Raises:
        ValueError: unknown cell/parameter or bad value (message names it).
    """
    params = dict(params or {})
    try:
        return build_cell(name, params)
    except ValueError as err:
        if name != "bend_euler" or "minimum bend radius" not in str(err):
            raise
    defaults = cell_parameters("bend_euler")
    kw = {k: parse_value(v, None, defaults.get(k)) for k, v in params.items()}
    radius = kw.pop("radius", None) or 30.0
    angle = kw.pop("angle", 90.0)
    p = kw.pop("p", 0.5)
    if kw:
        raise ValueError(f"bend_euler below the radius rule accepts radius, angle, p; got {kw}")
    return calibration_bend(
        radius_um=_number("radius", radius), angle_deg=_number("angle", angle), p=_number("p", p)
    )


def _number(key: str, value: object) -> float:
    """A parsed ``bend_euler`` parameter as a float (``parse_value`` returns ``object``: a
    number, or the text itself where it has no default to take the type from, as ``radius``)."""
    if not isinstance(value, int | float | str):
        raise ValueError(f"bend_euler {key}={value!r} must be a number")
    return float(value)

