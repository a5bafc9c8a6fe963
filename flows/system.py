"""A system of identical dies: how a processor outgrows one die.

A qubitron with its switch, WDM share and pads takes ~0.24 mm^2 of cells (``routing.density``),
so a million qubitrons need ~2.4e5 mm^2 of cells alone: more than three 300 mm wafers, at any
packing. A system that large is many dies, each with its own fibres. Every die carries the
same mask (the spec's chip), so it is drawn, DRC-checked and loss-budgeted once, exactly as a
tile or a tree level is within the die; what the system adds is counted here: qubitrons,
fibres, wafers, heat load and cooling stages, logical qubits.

What is per die and what is not:
- The mask, its DRC and its loss budget are the die's and hold for every die.
- Fabrication offsets differ between dies: the build's thermal draw is one die's, so the
  system's heater power is that draw times the dies (an estimate; each die is tuned on its
  own).
- Surface-code patches do not span dies (no die-to-die link is drawn): the system's logical
  qubits are the dies' sum.

Example:
    >>> dies_per_wafer(width_mm=20.0, height_mm=20.0, wafer_mm=300.0, edge_mm=3.0)
    148
    >>> dies_per_wafer(width_mm=250.0, height_mm=250.0, wafer_mm=300.0, edge_mm=3.0)
    0
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: the wafers a die can be made on (diameter, mm)
WaferMM = Literal[200, 300]
MAX_DIES = 1_000_000


class SystemSummary(BaseModel):
    """The whole system of ``dies`` identical dies (the report's ``system`` section)."""

    model_config = ConfigDict(extra="forbid")

    dies: int
    qubitrons: int = Field(description="qubitrons of the system (dies x qubitrons per die)")
    qubitrons_per_die: int
    fibres: int = Field(description="chip fibres of the system (each die has its own)")
    die_mm: tuple[float, float] = Field(description="die width and height, mm")
    wafer_mm: int = Field(description="wafer diameter, mm")
    dies_per_wafer: int = Field(description="whole dies inside the wafer's usable disc")
    wafers: int | None = Field(description="wafers the dies take (None: no die fits one)")
    wafer_area_used: float | None = Field(
        description="die area / area of the wafers used (None: no die fits a wafer)")
    detection_min: float = Field(
        description="lowest fibre-to-detector efficiency of any qubitron (every die has the "
        "same mask and loss budget)")
    heat_load_W: float = Field(description="heat load of all dies at the cold stage, W")
    cooling_stages: int = Field(
        description="cold stages needed at the die's stage cooling power (dies share a stage "
        "whole; a die hotter than a stage takes several)")
    logical_qubits: dict[str, int | None] = Field(
        description="decoder -> surface-code patches of the system at the distance reaching "
        "the target (dies x per die; None: the target is out of reach)")
    notes: list[str]


def dies_per_wafer(
    *, width_mm: float, height_mm: float, wafer_mm: float = 300.0, edge_mm: float = 3.0
) -> int:
    """Whole ``width_mm`` x ``height_mm`` dies on a ``wafer_mm`` wafer, none within ``edge_mm``
    of its rim: a grid of dies counted exactly (not the usual closed-form estimate, which is
    wrong by several dies for large dies); the best of the four grid offsets (die edge or die
    centre on the wafer's axes) and both die orientations.

    Example:
        >>> dies_per_wafer(width_mm=100.0, height_mm=100.0)
        4
    """
    if width_mm <= 0 or height_mm <= 0:
        raise ValueError(f"die size: {width_mm} x {height_mm} mm must be positive")
    if edge_mm < 0 or 2 * edge_mm >= wafer_mm:
        raise ValueError(f"edge_mm: {edge_mm} must be >= 0 and leave part of the wafer")
    radius = wafer_mm / 2 - edge_mm

    def count(w: float, h: float, ox: float, oy: float) -> int:
        # rows of dies at y = oy + j h; each row's x range is where both edges fit the disc
        n = 0
        for j in range(-math.ceil(radius / h) - 1, math.ceil(radius / h) + 1):
            y0, y1 = oy + j * h, oy + (j + 1) * h
            if max(abs(y0), abs(y1)) > radius:
                continue
            half = math.sqrt(radius**2 - max(y0**2, y1**2))  # the row's half-width
            n += max(0, math.floor((half - ox) / w) - math.ceil((-half - ox) / w))
        return n

    return max(
        count(w, h, ox, oy)
        for w, h in ((width_mm, height_mm), (height_mm, width_mm))
        for ox in (0.0, w / 2)
        for oy in (0.0, h / 2)
    )


def system_summary(
    *,
    dies: int,
    qubitrons_per_die: int,
    fibres_per_die: int,
    die_um: tuple[float, float],
    detection_min: float,
    heat_load_W: float,
    cooling_power_W: float,
    logical_qubits_per_die: dict[str, int | None],
    wafer_mm: int = 300,
    edge_mm: float = 3.0,
) -> SystemSummary:
    """The system figures of ``dies`` copies of one built die.

    Args:
        dies: identical dies (>= 1).
        qubitrons_per_die, fibres_per_die: the die's counts.
        die_um: the die's (width, height) in um.
        detection_min: the die's worst fibre-to-detector efficiency.
        heat_load_W: one die's heat load at its cold stage, W.
        cooling_power_W: one cold stage's cooling power, W.
        logical_qubits_per_die: decoder -> the die's surface-code patches (None: out of reach).
        wafer_mm, edge_mm: wafer diameter and edge exclusion, mm.

    Returns:
        a :class:`SystemSummary`.

    Example:
        >>> s = system_summary(dies=64, qubitrons_per_die=16384, fibres_per_die=3,
        ...     die_um=(192000.0, 128000.0), detection_min=0.3, heat_load_W=0.2,
        ...     cooling_power_W=1.0, logical_qubits_per_die={"pymatching": 10})
        >>> s.qubitrons, s.fibres, s.dies_per_wafer, s.wafers, s.cooling_stages
        (1048576, 192, 1, 64, 13)
    """
    if not 1 <= dies <= MAX_DIES:
        raise ValueError(f"system.dies: {dies} must be in 1..{MAX_DIES}")
    if cooling_power_W <= 0:
        raise ValueError(f"cooling_power_W: {cooling_power_W} must be > 0")
    w_mm, h_mm = die_um[0] / 1e3, die_um[1] / 1e3
    per_wafer = dies_per_wafer(width_mm=w_mm, height_mm=h_mm, wafer_mm=wafer_mm, edge_mm=edge_mm)
    wafers = math.ceil(dies / per_wafer) if per_wafer else None
    used = (dies * w_mm * h_mm / (wafers * math.pi * (wafer_mm / 2) ** 2)) if wafers else None
    heat = dies * heat_load_W
    # whole dies share a stage; a die hotter than one stage needs several of its own
    if heat_load_W <= cooling_power_W:
        per_stage = math.floor(cooling_power_W / heat_load_W) if heat_load_W > 0 else dies
        stages = math.ceil(dies / per_stage)
    else:
        stages = dies * math.ceil(heat_load_W / cooling_power_W)
    notes = [
        f"{dies} identical dies: the mask is drawn, DRC-checked and loss-budgeted once; every "
        "die has its own fibres (no die-to-die link is drawn)",
        "heater power and heat load scale one die's fabrication-offset draw by the dies "
        "(estimate: each die is tuned on its own)",
    ]
    if per_wafer == 0:
        notes.append(f"the {w_mm:.1f} x {h_mm:.1f} mm die does not fit a {wafer_mm} mm wafer "
                     f"with {edge_mm} mm edge exclusion")
    return SystemSummary(
        dies=dies,
        qubitrons=dies * qubitrons_per_die,
        qubitrons_per_die=qubitrons_per_die,
        fibres=dies * fibres_per_die,
        die_mm=(round(w_mm, 3), round(h_mm, 3)),
        wafer_mm=wafer_mm,
        dies_per_wafer=per_wafer,
        wafers=wafers,
        wafer_area_used=None if used is None else round(used, 4),
        detection_min=detection_min,
        heat_load_W=round(heat, 6),
        cooling_stages=stages,
        logical_qubits={k: None if v is None else dies * v
                        for k, v in logical_qubits_per_die.items()},
        notes=notes,
    )
