"""The twin's interventions: re-tune a tile's rings, check their alignment with the ring
model, and mark a failing detector's qubitron for the QEC layer.

- **Re-tuning** re-runs the build's tuning solve for one tile on the offsets the twin
  estimates from telemetry: measured offset (averaged) minus the shift the current heater
  powers give = the rings' untuned offsets now. The solve is the plant's ``tuner``
  (``thermal.tuning.tune_rings``, handed in by the flow: ``control`` does not import
  ``thermal``, see docs/ARCHITECTURE.md).
- **Alignment** of a ring is its drop transmission on its channel relative to on resonance,
  from the add-drop ring model (``components.models.ring.ring_adddrop``) of the qubitron ring
  (its round trip and gap: the loaded Q the tuning tolerance uses): 1 on the channel, 1/2 half a
  linewidth off.

Example:
    >>> from control.monitoring.plant import TilePlant
    >>> tile = TilePlant.example()
    >>> a = ring_alignment(tile, np.array([0.0, tile.ring_linewidth_nm[0] / 2]))
    >>> [round(float(v), 1) for v in a]
    [1.0, 0.5]
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from components.models.ring import ring_adddrop
from control.monitoring.plant import TilePlant

__all__ = ["retune_tile", "ring_alignment"]

Array = NDArray[np.float64]


def retune_tile(
    tile: TilePlant, *, measured_offset_nm: Array, heater_power_mW: Array
) -> Any:
    """New heater powers for one tile from its measured ring offsets.

    Args:
        tile: the tile plant (crosstalk, shift per K, FSR, linewidth, largest power, tuner).
        measured_offset_nm: resonance - channel of each ring now (nm, averaged telemetry).
        heater_power_mW: the heater powers applied now (mW).

    Returns:
        the tuner's result (``thermal.tuning.TuningResult``: ``power_mW`` per heater,
        ``untunable`` rings).

    Raises:
        ValueError: the plant has no tuner.

    Example:
        >>> from dataclasses import replace
        >>> from thermal.tuning import tune_rings  # what the flow hands in
        >>> t = replace(TilePlant.example(), tuner=tune_rings)
        >>> r = retune_tile(t, measured_offset_nm=np.array([0.02, 0.0]),
        ...                 heater_power_mW=t.heater_power_mW)
        >>> r.untunable, bool(r.power_mW[0] < t.heater_power_mW[0])
        ([], True)
    """
    if tile.tuner is None:
        raise ValueError("the tile plant has no tuner (give tile_plant(..., tuner=...))")
    untuned = np.asarray(measured_offset_nm, dtype=float) - tile.tuned_shift_nm(heater_power_mW)
    return tile.tuner(
        crosstalk_K_per_mW=tile.crosstalk_K_per_mW, offset_nm=untuned,
        shift_nm_per_K=np.full(tile.n_rings, tile.shift_nm_per_K), fsr_nm=tile.ring_fsr_nm,
        linewidth_nm=tile.ring_linewidth_nm, max_power_mW=tile.max_heater_power_mW,
    )


@lru_cache(maxsize=8)
def _drop_curve(round_trip_um: float, gap_um: float, wl_nm: float, fsr_nm: float,
                linewidth_nm: float) -> tuple[Array, Array]:
    """(detuning nm, drop power relative to its peak) of the model ring around its resonance
    nearest ``wl_nm``."""
    radius = round_trip_um / (2 * np.pi)

    def drop(wl_nm_: Array) -> Array:
        s = ring_adddrop(wl=wl_nm_ * 1e-3, radius_um=radius, gap_um=gap_um)
        return np.asarray(np.abs(s[("o1", "o4")]) ** 2)

    # the resonance nearest the channel: a coarse pass over one FSR, then two finer ones
    # (the mode solve behind each wavelength costs ~0.1 ms, so grids stay small)
    wl = np.linspace(wl_nm - 0.5 * fsr_nm, wl_nm + 0.5 * fsr_nm, 801)
    centre = float(wl[int(np.argmax(drop(wl)))])
    for half in (4 * fsr_nm / 800, 0.05 * linewidth_nm):
        near = centre + np.linspace(-half, half, 201)
        centre = float(near[int(np.argmax(drop(near)))])
    det = np.linspace(-10 * linewidth_nm, 10 * linewidth_nm, 801)
    rel = drop(centre + det)
    return det, rel / rel.max()


def ring_alignment(tile: TilePlant, offset_nm: Array) -> Array:
    """Drop transmission on the channel relative to on resonance, per ring offset (0-1).

    Args:
        tile: the tile plant (the qubitron ring's round trip and gap, FSR, linewidth).
        offset_nm: resonance - channel (nm), any shape.

    Returns:
        alignment in [0, 1], the shape of ``offset_nm`` (0 beyond 10 linewidths).
    """
    det, rel = _drop_curve(tile.ring_round_trip_um, tile.ring_gap_um, tile.wl_nm,
                           float(np.median(tile.ring_fsr_nm)),
                           float(np.median(tile.ring_linewidth_nm)))
    # the channel sits at -offset from the ring's resonance
    return np.interp(-np.asarray(offset_nm, dtype=float), det, rel, left=0.0, right=0.0)
