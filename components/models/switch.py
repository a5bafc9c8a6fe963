"""Compact model of the thermally tuned micro-ring switch (``ring_switch``).

Optical ports as ``ring_adddrop``: o1 in, o2 through, o3 add, o4 drop; the heater pads e1/e2
are electrical and have no S entries. **Cross** state: the ring is on resonance at the
signal wavelength, o1 -> o4 (and o3 -> o2). **Bar** state: the resonance sits half an FSR
away, o1 -> o2 (and o3 -> o4).

Heater: P_pi = 25 mW per pi round-trip phase [ref: Ring heaters, conventional]; a pi phase is
half an FSR of shift, so tuning = FSR / 2 / P_pi nm/mW (:func:`heater_tuning_nm_per_mW`).

Example:
    >>> p = switch_state_powers(wl=1.55)
    >>> 0.0 <= p["cross"] < 50.0 and 0.0 <= p["bar"] < 50.0
    True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from components.models.ring import (
    DEFAULT_RING_GAP_UM,
    DEFAULT_RING_RADIUS_UM,
    arcs_and_straights_um,
    ring_adddrop,
)
from components.models.sdict import SDict, wavelength_um
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM
from components.resonance import heater_p_pi_mW as _resolve_p_pi_mW
from components.resonance import heater_tuning_nm_per_mW, ring_optical_length_um

__all__ = ["heater_tuning_nm_per_mW", "ring_switch", "switch_state_powers"]


def ring_switch(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    gap_top_um: float | None = None,
    gap_bottom_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    heater_power_mW: float = 0.0,
    heater_p_pi_mW: float | None = None,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    include_bend_loss: bool = True,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> SDict:
    """S-dict of the ring switch (an add-drop ring with a heater): o1 in, o2 through, o3 add,
    o4 drop. Parameters and units as :func:`components.models.ring.ring_adddrop`.

    Use :func:`switch_state_powers` for the heater power of the bar and cross states.

    Returns:
        S-dict of complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> p = switch_state_powers(wl=1.55)
        >>> s = ring_switch(wl=1.55, heater_power_mW=p["cross"])
        >>> float(abs(s[("o1", "o4")]) ** 2) > 0.9
        True
    """
    return ring_adddrop(
        wl=wl, radius_um=radius_um, gap_um=gap_um, gap_top_um=gap_top_um,
        gap_bottom_um=gap_bottom_um, loss_dB_per_cm=loss_dB_per_cm,
        heater_power_mW=heater_power_mW, heater_p_pi_mW=heater_p_pi_mW,
        kappa0_per_um=kappa0_per_um, decay_um=decay_um, pulley_angle_deg=pulley_angle_deg,
        include_bend_loss=include_bend_loss,
        width_um=width_um, thickness_um=thickness_um, bend_radius_um=bend_radius_um,
    )


def switch_state_powers(
    *,
    wl: float = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    heater_p_pi_mW: float | None = None,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> dict[str, float]:
    """Smallest heater powers (mW) that put the switch in its bar and cross states at ``wl``.

    Heating only red-shifts, so the cross power moves the nearest resonance below ``wl`` onto
    it (round-trip phase = 2 pi m) and the bar power moves a resonance to half an FSR from it
    (phase = 2 pi m + pi). Both are in [0, 2 P_pi).

    Args:
        wl: signal wavelength in um (scalar).
        radius_um: radius in um of the circle with the ring's round trip.
        heater_p_pi_mW: mW per pi round-trip phase (default 25 [ref: Ring heaters, conventional]).
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``), as in
            :func:`ring_switch`: the phase is the model's.

    Returns:
        ``{"bar": mW, "cross": mW}``.

    Example:
        >>> p = switch_state_powers(wl=1.55, heater_p_pi_mW=25.0)
        >>> round(abs(p["bar"] - p["cross"]), 6)
        25.0
    """
    wl_arr = wavelength_um(wl)
    if wl_arr.ndim:
        raise ValueError("wl must be a scalar wavelength in um")
    p_pi = _resolve_p_pi_mW(heater_p_pi_mW)
    arc_um, straight_um = arcs_and_straights_um(radius_um=radius_um, bend_radius_um=bend_radius_um)
    ol = float(ring_optical_length_um(
        wl_arr, radius_um=arc_um, straight_um=straight_um, width_um=width_um,
        thickness_um=thickness_um,
    ))
    phi0 = 2.0 * np.pi * ol / float(wl_arr)
    x = phi0 / np.pi
    return {
        "bar": float(p_pi * np.mod(1.0 - x, 2.0)),
        "cross": float(p_pi * np.mod(-x, 2.0)),
    }
