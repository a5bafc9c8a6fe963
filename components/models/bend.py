"""Compact model of the SiN Euler bend (``bend_euler``, ports o1, o2).

Radiation loss per 90 deg is interpolated log-linearly in radius between the simulated figures
for an 800 nm x 300 nm SiN strip: 0.076 / 0.021 / 0.0055 / 0.0012 dB at R = 15 / 20 / 25 /
30 um [ref: SiN 800x300 nm bend per 90 deg (sim), MDPI Photonics 13(2):175]. Those figures
are simulated at 1311 nm; at 1550 nm the mode is less confined and the true loss is higher,
so the model is optimistic until FDTD calibration replaces it. Outside 15-30 um the end
segments are extrapolated (radiation loss falls exponentially with radius). The loss is
scaled linearly with bend angle, and propagation loss and phase are added over the path length.

An FDTD fit (``bend_fit``: a ``BendFit``, loss per 90 deg = a R^q exp(-R / R_d), fitted by
``python -m simulation.fdtd.calibrate`` to 2D effective-index MEEP runs of 90 deg Euler bends
at 1550 nm) replaces the table when given; the PDK binds the calibrated fit into this model
(``components.models.calibration``).

Example:
    >>> round(bend_loss_dB_per_90deg(radius_um=20.0), 4)
    0.021
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from components.models.calibration import BendFit
from components.models.sdict import SDict, amplitude_from_dB, check_positive, reciprocal
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM, propagation
from qc_pdk.cross_sections import WG_ROUTING_RADIUS_UM, WG_THICKNESS_UM, WG_WIDTH_UM

__all__ = ["bend_euler", "bend_loss_dB_per_90deg"]

# [ref: SiN 800x300 nm bend per 90 deg, 1311 nm (sim)], MDPI Photonics 13(2):175
_BEND_RADII_UM = np.array([15.0, 20.0, 25.0, 30.0])
_BEND_LOSS_DB_PER_90 = np.array([0.076, 0.021, 0.0055, 0.0012])


def bend_loss_dB_per_90deg(*, radius_um: float, bend_fit: BendFit | None = None) -> float:
    """Radiation loss (dB) of a 90 deg SiN bend of centreline radius ``radius_um``.

    With ``bend_fit``: the FDTD fit a R^q exp(-R / R_d). Otherwise log-linear interpolation
    of the MDPI Photonics 13(2):175 simulated figures (1311 nm), extrapolated with the slope
    of the nearest segment outside 15-30 um.

    Args:
        radius_um: bend radius in um (> 0).
        bend_fit: calibrated fit, or None for the published figures.

    Returns:
        loss in dB per 90 deg.

    Example:
        >>> round(bend_loss_dB_per_90deg(radius_um=22.5), 4)
        0.0107
    """
    r = check_positive("radius_um", radius_um, "um")
    if bend_fit is not None:
        return bend_fit.loss_dB_per_90deg(r)
    logl = np.log10(_BEND_LOSS_DB_PER_90)
    if r <= _BEND_RADII_UM[0]:
        slope = (logl[1] - logl[0]) / (_BEND_RADII_UM[1] - _BEND_RADII_UM[0])
        val = logl[0] + slope * (r - _BEND_RADII_UM[0])
    elif r >= _BEND_RADII_UM[-1]:
        slope = (logl[-1] - logl[-2]) / (_BEND_RADII_UM[-1] - _BEND_RADII_UM[-2])
        val = logl[-1] + slope * (r - _BEND_RADII_UM[-1])
    else:
        val = float(np.interp(r, _BEND_RADII_UM, logl))
    return float(10.0**val)


def bend_euler(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = WG_ROUTING_RADIUS_UM,
    angle_deg: float = 90.0,
    length_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_fit: BendFit | None = None,
) -> SDict:
    """S-dict of an Euler bend, ports o1 <-> o2.

    Args:
        wl: wavelength(s) in um.
        radius_um: effective bend radius in um (default PDK routing radius 30 um).
        angle_deg: bend angle in degrees (sign ignored).
        length_um: path length in um; default the circular arc radius * angle (the Euler path
            of the cell is a few % longer; netlists should pass the cell's real length).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_fit: calibrated radiation-loss fit, or None for the published figures (see the
            module docstring).

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = bend_euler(wl=1.55, radius_um=30.0, loss_dB_per_cm=0.0)
        >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 4)
        0.0012
    """
    r = check_positive("radius_um", radius_um, "um")
    angle = abs(float(angle_deg))
    if not math.isfinite(angle):
        raise ValueError(f"angle_deg must be finite, got {angle_deg!r}")
    length = r * math.radians(angle) if length_um is None else float(length_um)
    radiation_dB = bend_loss_dB_per_90deg(radius_um=r, bend_fit=bend_fit) * angle / 90.0
    t = propagation(
        wl=wl, length_um=length, loss_dB_per_cm=loss_dB_per_cm,
        width_um=width_um, thickness_um=thickness_um,
    )
    return reciprocal({("o1", "o2"): t * amplitude_from_dB(radiation_dB)})
