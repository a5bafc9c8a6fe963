"""Compact model of the S-bend (``bend_s``: gdsfactory's cubic Bezier, drawn by the router's
port jogs and the network's fan-outs).

The curve runs through the control points (0, 0), (L/2, 0), (L/2, d), (L, d) (gdsfactory's
``bend_s``). Its radiation loss is the vectorial mode table integrated over its curvature
profile, int alpha(1 / kappa(s)) ds (``components.models.mode_table.curvature_loss_dB``), as
for the Euler bends; propagation loss and phase over the path length come on top.

Example:
    >>> s, k = bezier_s_curvature(length_um=60.0, offset_um=8.0)
    >>> bool(s[-1] > 60.0), round(float(k[0] * 3 * 60.0**2 / (8 * 8.0)), 9)  # 8 d / (3 L^2)
    (True, 1.0)
    >>> t = s_bend(wl=1.55, length_um=60.0, offset_um=8.0)[("o1", "o2")]
    >>> 0.99 < abs(complex(t)) ** 2 <= 1.0
    True
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from components.models.mode_table import curvature_loss_dB
from components.models.sdict import SDict, amplitude_from_dB, check_positive, reciprocal
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM, propagation
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM

__all__ = ["bezier_s_curvature", "s_bend"]


def bezier_s_curvature(
    *, length_um: float, offset_um: float, samples: int = 801
) -> tuple[np.ndarray, np.ndarray]:
    """Arc length s (um) and signed curvature (1/um) along the S-bend's cubic Bezier.

    Example:
        >>> s, k = bezier_s_curvature(length_um=40.0, offset_um=0.0)
        >>> round(float(s[-1]), 3), float(np.abs(k).max())
        (40.0, 0.0)
    """
    length = check_positive("length_um", length_um, "um")
    d = float(offset_um)
    t = np.linspace(0.0, 1.0, samples)
    # B(t) with P0=(0,0), P1=(L/2,0), P2=(L/2,d), P3=(L,d): first and second derivatives
    dx = 3 * (1 - t) ** 2 * (length / 2) + 3 * t**2 * (length / 2)
    dy = 6 * (1 - t) * t * d
    ddx = -3 * (1 - t) * length + 3 * t * length
    ddy = 6 * d * (1 - 2 * t)
    speed = np.hypot(dx, dy)
    kappa = (dx * ddy - dy * ddx) / speed**3
    s = np.concatenate([[0.0], np.cumsum(0.5 * (speed[1:] + speed[:-1]) * np.diff(t))])
    return s, kappa


def s_bend(
    *,
    wl: ArrayLike = 1.55,
    length_um: float = 120.0,
    offset_um: float = 8.0,
    path_length_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> SDict:
    """S-dict of an S-bend of footprint ``length_um`` x ``offset_um``, ports o1 <-> o2.

    Args:
        wl: wavelength(s) in um.
        length_um: footprint along the heading in um (> 0).
        offset_um: lateral offset in um (either sign).
        path_length_um: the drawn path length in um (default: the Bezier's own).
        loss_dB_per_cm: propagation loss in dB/cm.
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.
    """
    s, kappa = bezier_s_curvature(length_um=length_um, offset_um=offset_um)
    wl_mean = float(np.mean(np.asarray(wl, dtype=float)))
    radiation_dB = curvature_loss_dB(
        s_um=s, curvature_per_um=kappa, wl_um=wl_mean, width_um=width_um,
        thickness_um=thickness_um,
    )
    length = float(s[-1]) if path_length_um is None else float(path_length_um)
    t = propagation(wl=wl, length_um=length, loss_dB_per_cm=loss_dB_per_cm,
                    width_um=width_um, thickness_um=thickness_um)
    return reciprocal({("o1", "o2"): t * amplitude_from_dB(radiation_dB)})
