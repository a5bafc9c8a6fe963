"""Compact model of the qubitron: an emitter-loaded SiN ring read out by an integrated SNSPD.

Add-drop topology. The pump bus carries o1 (pump_in) and o2 (pump_through); the Stokes bus
carries o3 (stokes_in, the ring's add port) and ends, at the drop side, in a waveguide
SNSPD. That detector is represented by the virtual sink port d1:

    S(o1, d1) = S_adddrop(o1, o4) * sqrt(eta),  S(o3, d1) = S_adddrop(o3, o4) * sqrt(eta)

so |S(o1, d1)|^2 = drop power fraction x detector efficiency eta (default 0.91
[ref: Waveguide-integrated SNSPD, Pernice 2012]). Scaling one port of a passive, reciprocal
matrix by sqrt(eta) <= 1 keeps it passive and reciprocal. The emitter itself (STIRAP
dynamics) is modelled in ``control/``; this is the linear optics only.

Example:
    >>> s = qubitron(wl=1.55)
    >>> sorted({p for pair in s for p in pair})
    ['d1', 'o1', 'o2', 'o3']
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from components.models.detector import DETECTOR_EFFICIENCY
from components.models.ring import ring_adddrop
from components.models.sdict import SDict, reciprocal
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM

__all__ = ["qubitron"]

# design choice (not a published figure): 50 um arcs radiate 0.017 dB per round trip (3D
# vectorial, 1550 nm, components.models.mode_table; a 40 um ring 0.11 dB: intrinsic Q 7.5e4,
# drop 0.5 at 0.8 um gaps), and with the cell's 2 x 30 um heater straights the FSR (3.4 nm)
# still holds the 4 x 0.8 nm WDM grid (FSR > 3.2 nm needs R < 53 um). The cell default
# (components/qubitron.py) and the chip spec use the same radius.
DEFAULT_QUBITRON_RADIUS_UM = 50.0
# design choice (not a published figure): 0.5 um gaps couple ~6.5 % power per bus with the
# vectorial mode decay (0.3 um: 15 %, a 0.16 nm linewidth, too wide for 0.8 nm channels):
# drop ~0.93 on resonance. The cell default and the chip spec (flows/spec.py) use the same gap.
DEFAULT_QUBITRON_GAP_UM = 0.5


def qubitron(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_QUBITRON_RADIUS_UM,
    gap_pump_um: float = DEFAULT_QUBITRON_GAP_UM,
    gap_stokes_um: float = DEFAULT_QUBITRON_GAP_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    heater_power_mW: float = 0.0,
    heater_p_pi_mW: float | None = None,
    detector_efficiency: float = DETECTOR_EFFICIENCY,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    include_bend_loss: bool = True,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> SDict:
    """S-dict of the qubitron: o1 pump_in, o2 pump_through, o3 stokes_in, d1 detector sink.

    Args:
        wl: wavelength(s) in um.
        radius_um: ring radius in um (default 50, design choice).
        gap_pump_um: pump-bus gap in um (default 0.5, design choice).
        gap_stokes_um: Stokes-bus gap in um (default 0.5, design choice).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        heater_power_mW: ring heater power in mW.
        heater_p_pi_mW: mW per pi round-trip phase (default 25 [ref: Ring heaters, conventional]).
        detector_efficiency: SNSPD efficiency in [0, 1] (default 0.91 [ref: Waveguide-integrated
            SNSPD]).
        kappa0_per_um: coupler CMT constant in 1/um.
        decay_um: coupler gap decay length in um.
        pulley_angle_deg: pulley wrap angle of both couplers in degrees (0 = point coupler).
        include_bend_loss: include ring bend radiation loss.
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``; the cell's
            racetrack passes its drawn radius, ``radius_um`` being the equivalent circle's).

    Returns:
        S-dict (both directions): (o1,o2) pump through, (o2,o3) Stokes-in to pump bus,
        (o1,d1) pump drop detected, (o3,d1) Stokes bus detected; complex, shape ``np.shape(wl)``.

    Example:
        >>> s = qubitron(wl=1.55, detector_efficiency=0.5)
        >>> s1 = qubitron(wl=1.55, detector_efficiency=1.0)
        >>> round(float(abs(s[("o1", "d1")]) ** 2 / abs(s1[("o1", "d1")]) ** 2), 6)
        0.5
    """
    eta = float(detector_efficiency)
    if not 0.0 <= eta <= 1.0:
        raise ValueError(f"detector_efficiency must be in [0, 1], got {detector_efficiency!r}")
    ad = ring_adddrop(
        wl=wl, radius_um=radius_um, gap_bottom_um=gap_pump_um, gap_top_um=gap_stokes_um,
        loss_dB_per_cm=loss_dB_per_cm, heater_power_mW=heater_power_mW,
        heater_p_pi_mW=heater_p_pi_mW, kappa0_per_um=kappa0_per_um, decay_um=decay_um,
        pulley_angle_deg=pulley_angle_deg,
        include_bend_loss=include_bend_loss, width_um=width_um, thickness_um=thickness_um,
        bend_radius_um=bend_radius_um,
    )
    root = np.sqrt(eta)
    return reciprocal({
        ("o1", "o2"): ad[("o1", "o2")],
        ("o3", "o2"): ad[("o3", "o2")],
        ("o1", "d1"): ad[("o1", "o4")] * root,
        ("o3", "d1"): ad[("o3", "o4")] * root,
    })
