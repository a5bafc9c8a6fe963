"""How built cells' settings and info become their compact models' keyword arguments.

Each function is ``(settings, info) -> {model keyword: value}`` in the model's units (um, nm,
deg); the cell modules name theirs in ``@library_cell(model_kwargs=...)``. gdsfactory records
every argument of a cell, defaults included, in ``settings``, so nothing here restates a
cell's defaults.

Example:
    >>> ring_kwargs({"radius": 30.0, "length_x": 0.0, "gap": 0.4, "coupling": "point"}, {})
    {'radius_um': 30.0, 'bend_radius_um': 30.0, 'gap_um': 0.4}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def ring_radius_um(settings: Mapping[str, Any], info: Mapping[str, Any]) -> float:
    """Radius (um) of the circle with the ring's round trip, so racetrack straights set the
    phase (a cell that records ``round_trip_um`` in its info is taken at its word)."""
    if "round_trip_um" in info:
        return float(info["round_trip_um"]) / (2 * math.pi)
    return float(settings["radius"]) + float(settings.get("length_x", 0.0)) / math.pi


def _pulley(settings: Mapping[str, Any], kw: dict[str, Any]) -> dict[str, Any]:
    if settings.get("coupling") == "pulley":
        kw["pulley_angle_deg"] = float(settings["pulley_angle"])
    return kw


def ring_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Ring models (all-pass, add-drop, switch): equivalent radius, gaps, pulley wrap."""
    kw: dict[str, Any] = {"radius_um": ring_radius_um(settings, info)}
    if "radius" in settings:  # the arcs' radius: a racetrack's straights do not radiate
        kw["bend_radius_um"] = float(settings["radius"])
    if "gap" in settings:
        kw["gap_um"] = float(settings["gap"])
    if settings.get("gap_drop") is not None:
        kw["gap_bottom_um"] = float(settings["gap"])
        kw["gap_top_um"] = float(settings["gap_drop"])
    return _pulley(settings, kw)


def wdm_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """WDM banks: the ring arguments plus the channel grid."""
    kw = ring_kwargs(settings, info)
    kw.pop("bend_radius_um", None)  # the bank's rings are circles of their own radii
    kw["centre_wl_nm"] = float(settings["centre_wl_nm"])
    kw["spacing_nm"] = float(settings["spacing_nm"])
    kw["channels"] = int(settings["channels"])
    if settings.get("channel_pitch_um") is not None:  # a bank stretched to a row's pitch
        kw["spacer_um"] = float(info["bus_spacer_um"])
    return kw


def qubitron_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """The qubitron: its ring's round trip and the (equal) pump and Stokes gaps."""
    gap = float(settings["gap"])
    kw: dict[str, Any] = {
        "radius_um": ring_radius_um(settings, info),
        "gap_pump_um": gap,
        "gap_stokes_um": gap,
        "bend_radius_um": float(settings["radius"]),
    }
    return _pulley(settings, kw)


def length_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Straight waveguides: the drawn length (info) or the requested one."""
    return {"length_um": float(info.get("length", settings.get("length", 0.0)))}


def bend_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Bends: angle, effective radius (the cross-section's when not given), path length and the
    Euler fraction ``p`` (a cell without one, gdsfactory's ``bend_circular``, is an arc)."""
    kw: dict[str, Any] = {"angle_deg": float(settings.get("angle", 90.0))}
    kw["p"] = float(settings.get("p", 0.0) or 0.0)
    radius = settings.get("radius") or info.get("radius")
    if radius is not None:
        kw["radius_um"] = float(radius)
    if "length" in info:
        kw["length_um"] = float(info["length"])
    return kw


def taper_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Tapers: length and, when given, the two end widths."""
    kw: dict[str, Any] = {"length_um": float(settings["length"])}
    if settings.get("width1") is not None:
        kw["width1_um"] = float(settings["width1"])
    if settings.get("width2") is not None:
        kw["width2_um"] = float(settings["width2"])
    return kw


def info_length_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Cells that record their optical length in ``info["length_um"]``."""
    return {"length_um": float(info["length_um"])} if "length_um" in info else {}
