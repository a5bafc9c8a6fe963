"""Which compact model simulates which cell, and with which arguments.

``bind_cell(cell)`` reads a built cell's function name, settings and info and returns the
``ModelBinding`` (model name in ``components.models.MODELS``, keyword arguments in the
model's units, loss-budget category), or ``None`` for cells that have no optical model of
their own (they are simulated through their sub-cells, or have no optical ports).

Example:
    >>> import gdsfactory as gf
    >>> from qc_pdk import activate
    >>> _ = activate()
    >>> b = bind_cell(gf.components.straight(length=12.5))
    >>> b.model, dict(b.kwargs), b.category
    ('straight', {'length_um': 12.5}, 'propagation')
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import gdsfactory as gf


@dataclass(frozen=True)
class ModelBinding:
    """A cell bound to a compact model: ``MODELS[model](wl=..., **kwargs)``; ``category`` says
    which loss-budget bucket its loss belongs to (propagation, bend, crossing, ...)."""

    model: str
    kwargs: tuple[tuple[str, Any], ...]
    category: str

    @property
    def key(self) -> str:
        args = ",".join(f"{k}={v!r}" for k, v in self.kwargs)
        return f"{self.model}({args})"


# Loss-budget categories (what `quantacore loss` breaks insertion loss down into).
CATEGORIES = (
    "propagation",
    "bend",
    "taper",
    "crossing",
    "interlayer",
    "ring",
    "switch",
    "wdm",
    "coupler",
    "detector",
    "qubitron",
)


def _ring_radius_um(s: Mapping[str, Any], info: Mapping[str, Any]) -> float:
    """Radius of the circle with the ring's round trip, so racetrack straights set the phase."""
    if "round_trip_um" in info:
        return float(info["round_trip_um"]) / (2 * math.pi)
    return (
        float(s.get("radius", info.get("radius_um", 30.0)))
        + float(s.get("length_x", 0.0)) / math.pi
    )


def _ring_kwargs(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"radius_um": _ring_radius_um(s, info)}
    if "gap" in s:
        kw["gap_um"] = float(s["gap"])
    if s.get("gap_drop") is not None:
        kw["gap_bottom_um"] = float(s["gap"])
        kw["gap_top_um"] = float(s["gap_drop"])
    if s.get("coupling") == "pulley":
        kw["pulley_angle_deg"] = float(s.get("pulley_angle", 30.0))
    return kw


def _wdm_kwargs(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    kw = _ring_kwargs(s, info)
    for key in ("centre_wl_nm", "spacing_nm"):
        if key in s:
            kw[key] = float(s[key])
    if "channels" in s:
        kw["channels"] = int(s["channels"])
    return kw


def _qubitron_kwargs(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"radius_um": _ring_radius_um(s, info)}
    gap = s.get("gap", info.get("gap_um"))
    if gap is not None:
        kw["gap_pump_um"] = kw["gap_stokes_um"] = float(gap)
    if s.get("coupling") == "pulley":
        kw["pulley_angle_deg"] = float(s.get("pulley_angle", 30.0))
    return kw


def _length(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    return {"length_um": float(info.get("length", s.get("length", 0.0)))}


def _bend(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"angle_deg": float(s.get("angle", 90.0))}
    radius = s.get("radius") or info.get("radius")
    if radius is not None:
        kw["radius_um"] = float(radius)
    if "length" in info:
        kw["length_um"] = float(info["length"])
    return kw


def _taper(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {"length_um": float(s.get("length", 10.0))}
    if s.get("width1") is not None:
        kw["width1_um"] = float(s["width1"])
    if s.get("width2") is not None:
        kw["width2_um"] = float(s["width2"])
    return kw


def _info_length(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    return {"length_um": float(info["length_um"])} if "length_um" in info else {}


def _none(s: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    return {}


# cell function name -> (model name, settings -> model kwargs, loss category)
BINDINGS: dict[
    str, tuple[str, Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]], str]
] = {
    "straight": ("straight", _length, "propagation"),
    "bend_euler": ("bend_euler", _bend, "bend"),
    "bend_circular": ("bend_euler", _bend, "bend"),
    "taper": ("taper", _taper, "taper"),
    "crossing": ("crossing", _none, "crossing"),
    "interlayer_coupler": ("interlayer_coupler", _info_length, "interlayer"),
    "ring_allpass": ("ring_allpass", _ring_kwargs, "ring"),
    "ring_adddrop": ("ring_adddrop", _ring_kwargs, "ring"),
    "ring_switch": ("ring_switch", _ring_kwargs, "switch"),
    "wdm_demux": ("wdm_demux", _wdm_kwargs, "wdm"),
    "wdm_mux": ("wdm_mux", _wdm_kwargs, "wdm"),
    "snspd": ("snspd", _none, "detector"),
    "edge_coupler": ("edge_coupler", _none, "coupler"),
    "grating_coupler": ("grating_coupler", _none, "coupler"),
    "qubitron": ("qubitron", _qubitron_kwargs, "qubitron"),
}


def bind_cell(cell: gf.Component) -> ModelBinding | None:
    """The compact model that simulates ``cell``, or None when it has none of its own."""
    try:
        name = cell.function_name
    except ValueError:
        name = None
    if name not in BINDINGS:
        return None
    model, to_kwargs, category = BINDINGS[name]
    settings = dict(cell.settings)
    info = dict(cell.info)
    kwargs = to_kwargs(settings, info)
    return ModelBinding(model=model, kwargs=tuple(sorted(kwargs.items())), category=category)
