"""Shared helpers of the QuantaCore cells: rule look-ups, parameter checks, drawing helpers.

Every check raises ``ValueError`` naming the offending parameter and the limit taken from the
design-rule table (``qc_pdk.rules``), so a bad parameter never reaches the mask.
"""

from __future__ import annotations

import gdsfactory as gf
import numpy as np

from qc_pdk.layers import LAYER, WAVEGUIDE_LAYERS
from qc_pdk.rules import min_bend_radius_um, min_space_um, min_width_um

# Size of a heater contact via stack (HEATER/M1/M2 squares, um) and of its vias.
VIA_STACK_SIZE_UM = 12.0
VIAC_SIZE_UM = 6.0
VIA1_SIZE_UM = 4.0


def layer_name(cross_section: gf.typings.CrossSectionSpec) -> str:
    """PDK layer name (``"WG1"``, ``"WG2"``, ``"M1"`` ...) of a cross-section's core layer."""
    xs = gf.get_cross_section(cross_section)
    core = gf.get_layer(xs.layer)
    for name in LAYER.__members__:
        if gf.get_layer(getattr(LAYER, name)) == core:
            return name
    raise ValueError(f"cross_section {cross_section!r} draws on a layer outside the QuantaCore PDK")


def waveguide_layer(
    cross_section: gf.typings.CrossSectionSpec, param: str = "cross_section"
) -> str:
    """Like ``layer_name`` but only accepts the SiN waveguide layers (WG1 / WG2 / WG3)."""
    name = layer_name(cross_section)
    if name not in WAVEGUIDE_LAYERS:
        raise ValueError(
            f"{param}={cross_section!r} must be a SiN waveguide cross-section "
            f"({'/'.join(WAVEGUIDE_LAYERS)}), got layer {name}"
        )
    return name


def xs_width(cross_section: gf.typings.CrossSectionSpec) -> float:
    return float(gf.get_cross_section(cross_section).width)


def radius_or_default(radius: float | None, cross_section: gf.typings.CrossSectionSpec) -> float:
    """``radius`` in um, or by default the cross-section's own radius."""
    if radius is not None:
        return float(radius)
    xs_radius = gf.get_cross_section(cross_section).radius
    if xs_radius is None:
        raise ValueError(f"radius=None but cross_section={cross_section!r} has no radius")
    return float(xs_radius)


def check_at_least(param: str, value: float, limit: float, what: str) -> None:
    """Raise ``ValueError`` unless ``value >= limit`` (``what`` names the rule / reason)."""
    if not np.isfinite(value) or value < limit - 1e-9:
        raise ValueError(f"{param}={value} is below the minimum {limit} um ({what})")


def check_positive(param: str, value: float, *, allow_zero: bool = False) -> None:
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{param}={value} must be {bound} um")


def check_radius(param: str, radius: float, layer: str) -> None:
    """Centreline radius against the layer's minimum bend radius (rule ``LAYER.R.1``)."""
    check_at_least(
        param,
        radius,
        min_bend_radius_um(layer),
        f"minimum bend radius of {layer}, rule {layer}.R.1",
    )


def check_gap(param: str, gap: float, layer: str) -> None:
    """Waveguide-to-waveguide gap against the layer's minimum space (rule ``LAYER.S.1``)."""
    check_at_least(param, gap, min_space_um(layer), f"minimum space of {layer}, rule {layer}.S.1")


def check_width(param: str, width: float, layer: str) -> None:
    check_at_least(param, width, min_width_um(layer), f"minimum width of {layer}, rule {layer}.W.1")


def rect(
    c: gf.Component, x0: float, y0: float, x1: float, y1: float, layer: gf.typings.LayerSpec
) -> None:
    """Axis-aligned rectangle from two corners (any order)."""
    xa, xb = sorted((x0, x1))
    ya, yb = sorted((y0, y1))
    c.add_polygon([(xa, ya), (xb, ya), (xb, yb), (xa, yb)], layer=layer)


# Extra gap (um) a pulley coupler needs over the space rule: both coupled edges are polygonised
# arcs, and their chords eat a few nm of the drawn gap.
PULLEY_GAP_MARGIN_UM = 0.01
COUPLINGS = ("point", "pulley")
MAX_PULLEY_ANGLE_DEG = 90.0


def check_ring(
    radius: float,
    gap: float,
    length_x: float,
    cross_section: gf.typings.CrossSectionSpec,
    coupling: str,
    pulley_angle: float,
) -> str:
    """Validate the common ring parameters; returns the waveguide layer name."""
    layer = waveguide_layer(cross_section)
    check_radius("radius", radius, layer)
    if coupling not in COUPLINGS:
        raise ValueError(f"coupling={coupling!r} must be one of {COUPLINGS}")
    if coupling == "pulley":
        limit = min_space_um(layer) + PULLEY_GAP_MARGIN_UM
        check_at_least(
            "gap",
            gap,
            limit,
            f"minimum space of {layer} (rule {layer}.S.1) + "
            f"{PULLEY_GAP_MARGIN_UM} um arc-polygon margin of a pulley coupler",
        )
        if not 0 < pulley_angle <= MAX_PULLEY_ANGLE_DEG:
            raise ValueError(
                f"pulley_angle={pulley_angle} must be in (0, {MAX_PULLEY_ANGLE_DEG}] degrees "
                "(wider wraps send the escape bends into the other bus)"
            )
    else:
        check_gap("gap", gap, layer)
    check_positive("length_x", length_x, allow_zero=True)
    return layer
