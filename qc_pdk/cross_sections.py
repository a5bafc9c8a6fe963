"""Cross-sections of the QuantaCore process, each with its minimum bend radius (um).

The SiN strip (0.8 um x 0.3 um) exists on both waveguide layers; ``strip`` is an alias of
``strip_wg1`` so gdsfactory primitives that default to ``cross_section="strip"`` draw on the
lower SiN layer.

Example:
    >>> from qc_pdk.cross_sections import strip_wg2
    >>> xs = strip_wg2()
    >>> xs.width, xs.radius_min
    (0.8, 20.0)
"""

from __future__ import annotations

from collections.abc import Callable

import gdsfactory as gf
from gdsfactory.cross_section import CrossSection
from gdsfactory.typings import LayerSpec

from qc_pdk.layers import LAYER
from qc_pdk.rules import min_bend_radius_um

# SiN strip core width (um); 800 nm x 300 nm is the cross-section of the bend-loss figures
# [ref: SiN 800x300 nm bend per 90 deg (sim), MDPI Photonics 13(2):175].
WG_WIDTH_UM = 0.8
WG_THICKNESS_UM = 0.3
# Minimum radius of curvature (um), from the design-rule table (WGn.R.1). gdsfactory checks a
# bend's drawn (footprint) radius against ``radius_min``; the library's ``bend_euler`` checks
# its smallest radius of curvature (0.706 x footprint for p = 0.5), the quantity the rule is
# about, so a 20 um-footprint Euler bend (14.1 um curvature) is refused.
WG_MIN_BEND_RADIUS_UM = min_bend_radius_um("WG1")
# Default routing radius (um), chosen for a loss target of < 0.01 dB per 90 deg routing bend at
# 1550 nm (3D vectorial mode table, qc_pdk/data/mode_table.json): a p = 0.5 Euler bend of
# footprint 65 um curves down to 45.9 um and radiates 0.0054 dB per 90 deg (2x margin; 61 um
# is the break-even, 0.0092 dB). The old 30 um radiated 0.47 dB (0.33 dB in the 2D FDTD fit).
# A thicker SiN core would allow tighter bends but changes the process and every coupler; the
# radius is the designer's knob that keeps the PDK's one waveguide.
WG_ROUTING_RADIUS_UM = 65.0

HEATER_WIDTH_UM = 2.0
METAL1_WIDTH_UM = 5.0
METAL2_WIDTH_UM = 10.0
NANOWIRE_WIDTH_UM = 0.1


def _sin_strip(layer: LayerSpec, width: float, radius: float) -> CrossSection:
    if width <= 0:
        raise ValueError(f"width must be > 0 um, got {width}")
    if radius <= 0:
        raise ValueError(f"radius must be > 0 um, got {radius}")
    return gf.cross_section.cross_section(
        width=width,
        layer=layer,
        radius=radius,
        radius_min=WG_MIN_BEND_RADIUS_UM,
        port_names=("o1", "o2"),
        port_types=("optical", "optical"),
    )


def strip_wg1(width: float = WG_WIDTH_UM, radius: float = WG_ROUTING_RADIUS_UM) -> CrossSection:
    """SiN strip waveguide on the lower layer WG1 (width and radius in um)."""
    return _sin_strip(LAYER.WG1, width, radius)


def strip_wg2(width: float = WG_WIDTH_UM, radius: float = WG_ROUTING_RADIUS_UM) -> CrossSection:
    """SiN strip waveguide on the upper layer WG2 (width and radius in um)."""
    return _sin_strip(LAYER.WG2, width, radius)


def strip_wg3(width: float = WG_WIDTH_UM, radius: float = WG_ROUTING_RADIUS_UM) -> CrossSection:
    """SiN strip waveguide on the optional third layer WG3 (width and radius in um)."""
    return _sin_strip(LAYER.WG3, width, radius)


def strip(width: float = WG_WIDTH_UM, radius: float = WG_ROUTING_RADIUS_UM) -> CrossSection:
    """Default optical cross-section: the SiN strip on WG1."""
    return strip_wg1(width=width, radius=radius)


def _electrical(layer: LayerSpec, width: float, radius_min: float) -> CrossSection:
    if width <= 0:
        raise ValueError(f"width must be > 0 um, got {width}")
    return gf.cross_section.cross_section(
        width=width,
        layer=layer,
        radius=max(radius_min, width),
        radius_min=radius_min,
        port_names=("e1", "e2"),
        port_types=("electrical", "electrical"),
    )


def heater_metal(width: float = HEATER_WIDTH_UM) -> CrossSection:
    """TiN heater line (width in um)."""
    return _electrical(LAYER.HEATER, width, radius_min=5.0)


def metal1(width: float = METAL1_WIDTH_UM) -> CrossSection:
    """Metal-1 routing (width in um)."""
    return _electrical(LAYER.M1, width, radius_min=5.0)


def metal2(width: float = METAL2_WIDTH_UM) -> CrossSection:
    """Metal-2 routing and pads (width in um)."""
    return _electrical(LAYER.M2, width, radius_min=10.0)


def metal_routing(width: float = METAL2_WIDTH_UM) -> CrossSection:
    """Alias of ``metal2`` under the name gdsfactory's electrical routers default to."""
    return metal2(width=width)


def nanowire(width: float = NANOWIRE_WIDTH_UM) -> CrossSection:
    """NbN superconducting nanowire (width in um)."""
    return _electrical(LAYER.NW, width, radius_min=0.2)


CROSS_SECTIONS: dict[str, Callable[..., CrossSection]] = {
    "strip": strip,
    "strip_wg1": strip_wg1,
    "strip_wg2": strip_wg2,
    "strip_wg3": strip_wg3,
    "heater_metal": heater_metal,
    "metal1": metal1,
    "metal2": metal2,
    "metal_routing": metal_routing,
    "nanowire": nanowire,
}
