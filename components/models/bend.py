"""Compact model of the SiN bends (``bend_euler``; gdsfactory's ``bend_circular`` binds to it).

Radiation loss is the vectorial mode table integrated over the bend's curvature profile
(``components.models.mode_table``: FEM with the exact cylindrical transformation and a PML,
1550 nm, 0.8 x 0.3 um Si3N4 in SiO2): a circular arc (``p = 0``) radiates alpha(R) R theta, a
partial Euler bend (gdsfactory's, ``p = 0.5`` by default) int alpha(R(s)) ds over its
clothoid-arc-clothoid profile, whose smallest radius is 0.706 x the footprint radius. At
1550 nm, per 90 deg (3D vectorial):

======  ==============  ======================
R (um)  circular (dB)   Euler footprint R (dB)
======  ==============  ======================
20      0.85            1.49
30      0.16            0.47
40      0.027           0.14
50      0.0043          0.039
61      0.0005          0.009
======  ==============  ======================

(independent check in the issue: circular 0.85 / 0.16 / 0.028 / 0.0044 dB at 20 / 30 / 40 /
50 um; Euler 30 um 0.47 dB). The earlier defaults were optimistic: the published table is at
1311 nm [ref: SiN 800x300 nm bend per 90 deg (sim), MDPI Photonics 13(2):175] and the FDTD fit
is 2D effective-index (0.33 dB for the 30 um Euler bend). The FDTD fit is kept as validation
(``Calibration.bend_euler_fdtd_2d``); an explicit ``bend_fit`` still overrides the table.
Propagation loss and phase are added over the path length. The loss is evaluated at the mean
wavelength of ``wl`` (it changes by a few % over +-10 nm).

Example:
    >>> round(bend_loss_dB_per_90deg(radius_um=30.0, p=0.0), 3)
    0.162
    >>> round(bend_loss_dB_per_90deg(radius_um=30.0), 2)
    0.47
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from components.models.calibration import BendFit
from components.models.mode_table import DEFAULT_EULER_P, bend_loss_dB
from components.models.sdict import SDict, amplitude_from_dB, check_positive, reciprocal
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM, propagation
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM

__all__ = ["DEFAULT_BEND_RADIUS_UM", "bend_euler", "bend_loss_dB_per_90deg"]

# the PDK routing radius (qc_pdk.cross_sections.WG_ROUTING_RADIUS_UM, repeated so the models
# import without gdsfactory; tests/components check they agree)
DEFAULT_BEND_RADIUS_UM = 65.0


def bend_loss_dB_per_90deg(
    *,
    radius_um: float,
    bend_fit: BendFit | None = None,
    p: float = DEFAULT_EULER_P,
    wl_um: float = 1.55,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> float:
    """Radiation loss (dB) of a 90 deg SiN bend of footprint radius ``radius_um``.

    Args:
        radius_um: effective (footprint) radius in um (> 0); for ``p = 0`` the arc radius.
        bend_fit: an explicit fit a R^q exp(-R / R_d) to use instead of the vectorial table.
        p: Euler fraction of the bend (0: circular; gdsfactory's default 0.5).
        wl_um: wavelength in um.
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        loss in dB per 90 deg.

    Example:
        >>> bend_loss_dB_per_90deg(radius_um=40.0) < bend_loss_dB_per_90deg(radius_um=30.0)
        True
    """
    r = check_positive("radius_um", radius_um, "um")
    if bend_fit is not None:
        return bend_fit.loss_dB_per_90deg(r)
    return bend_loss_dB(
        radius_um=r, angle_deg=90.0, p=p, wl_um=wl_um, width_um=width_um,
        thickness_um=thickness_um,
    )


def bend_euler(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_BEND_RADIUS_UM,
    angle_deg: float = 90.0,
    length_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    p: float = DEFAULT_EULER_P,
    bend_fit: BendFit | None = None,
) -> SDict:
    """S-dict of a bend, ports o1 <-> o2.

    Args:
        wl: wavelength(s) in um.
        radius_um: effective (footprint) radius in um (default: the PDK routing radius).
        angle_deg: bend angle in degrees (sign ignored).
        length_um: path length in um; default the circular arc radius * angle (the Euler path
            of the cell is a few % longer; netlists pass the cell's real length).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        width_um: core width in um.
        thickness_um: core thickness in um.
        p: Euler fraction (0: circular arc, as gdsfactory's ``bend_circular``).
        bend_fit: explicit radiation-loss fit instead of the vectorial table.

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = bend_euler(wl=1.55, radius_um=30.0, loss_dB_per_cm=0.0, p=0.0)
        >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 3)
        0.162
    """
    r = check_positive("radius_um", radius_um, "um")
    angle = abs(float(angle_deg))
    if not math.isfinite(angle):
        raise ValueError(f"angle_deg must be finite, got {angle_deg!r}")
    length = r * math.radians(angle) if length_um is None else float(length_um)
    wl_mean = float(np.mean(np.asarray(wl, dtype=float)))
    if bend_fit is not None:
        radiation_dB = bend_fit.loss_dB_per_90deg(r) * angle / 90.0
    elif angle == 0.0:
        radiation_dB = 0.0
    else:
        radiation_dB = bend_loss_dB(
            radius_um=r, angle_deg=angle, p=p, wl_um=wl_mean, width_um=width_um,
            thickness_um=thickness_um,
        )
    t = propagation(
        wl=wl, length_um=length, loss_dB_per_cm=loss_dB_per_cm,
        width_um=width_um, thickness_um=thickness_um,
    )
    return reciprocal({("o1", "o2"): t * amplitude_from_dB(radiation_dB)})
