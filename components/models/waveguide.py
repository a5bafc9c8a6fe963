"""Compact models of the SiN strip waveguide: ``straight`` and ``taper`` (ports o1, o2).

Phase exp(i 2 pi n_eff(wl) L / wl) with the vectorial n_eff of the mode table
(``components.models.waveguide_modes``); propagation loss 0.1 dB/cm
[ref: SiN buried channel, 1550 nm]. Wavelengths in um (sax convention).

Example:
    >>> import numpy as np
    >>> s = straight(wl=1.55, length_um=10_000.0)   # 1 cm
    >>> round(float(-10 * np.log10(abs(s[("o1", "o2")]) ** 2)), 3)
    0.1
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from components.models.sdict import (
    SDict,
    amplitude_from_dB,
    check_nonnegative,
    check_positive,
    reciprocal,
    wavelength_um,
)
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM, effective_index

__all__ = [
    "DEFAULT_LOSS_DB_PER_CM",
    "propagation",
    "straight",
    "taper",
]

# Propagation loss of the SiN strip (dB/cm) [ref: SiN buried channel, 1550 nm].
DEFAULT_LOSS_DB_PER_CM = 0.1
# Default straight length (um): gdsfactory's ``straight`` default length (10 um), so the model
# and the cell agree when no length is passed.
DEFAULT_STRAIGHT_LENGTH_UM = 10.0
# unsourced estimate: excess loss of an adiabatic SiN width taper (dB); adiabatic tapers of
# >= 10 um are usually quoted below 0.05 dB but no figure was found for this process.
DEFAULT_TAPER_LOSS_DB = 0.01


def propagation(
    *,
    wl: ArrayLike = 1.55,
    length_um: float,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Complex field transmission of a length of SiN strip: a exp(i 2 pi n_eff L / wl).

    Args:
        wl: wavelength(s) in um.
        length_um: path length in um (>= 0).
        loss_dB_per_cm: propagation loss in dB/cm (>= 0).
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        complex array, shape ``np.shape(wl)``.

    Example:
        >>> round(abs(complex(propagation(wl=1.55, length_um=0.0))), 6)
        1.0
    """
    wl_arr = wavelength_um(wl)
    length = check_nonnegative("length_um", length_um, "um")
    loss = check_nonnegative("loss_dB_per_cm", loss_dB_per_cm, "dB/cm")
    neff = effective_index(wl_arr, width_um=width_um, thickness_um=thickness_um)
    amp = amplitude_from_dB(loss * length * 1e-4)
    return np.asarray(amp * np.exp(2j * np.pi * neff * length / wl_arr), dtype=complex)


def straight(
    *,
    wl: ArrayLike = 1.55,
    length_um: float = DEFAULT_STRAIGHT_LENGTH_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> SDict:
    """S-dict of a straight SiN strip, ports o1 <-> o2.

    Args:
        wl: wavelength(s) in um.
        length_um: length in um (default 10, gdsfactory ``straight`` default).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        width_um: core width in um (PDK default 0.8).
        thickness_um: core thickness in um (PDK default 0.3).

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = straight(wl=[1.5, 1.55, 1.6])
        >>> s[("o1", "o2")].shape
        (3,)
    """
    t = propagation(
        wl=wl, length_um=length_um, loss_dB_per_cm=loss_dB_per_cm,
        width_um=width_um, thickness_um=thickness_um,
    )
    return reciprocal({("o1", "o2"): t})


def taper(
    *,
    wl: ArrayLike = 1.55,
    length_um: float = 10.0,
    width1_um: float = WG_WIDTH_UM,
    width2_um: float | None = None,
    insertion_loss_dB: float = DEFAULT_TAPER_LOSS_DB,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    thickness_um: float = WG_THICKNESS_UM,
) -> SDict:
    """S-dict of a linear width taper, ports o1 (width1) <-> o2 (width2).

    Phase uses n_eff at the mean width (adiabatic taper); loss = ``insertion_loss_dB`` plus
    propagation over ``length_um``.

    Args:
        wl: wavelength(s) in um.
        length_um: taper length in um (default 10, gdsfactory ``taper`` default).
        width1_um: width at o1 in um.
        width2_um: width at o2 in um (default = ``width1_um``).
        insertion_loss_dB: excess loss in dB (default 0.01, unsourced estimate).
        loss_dB_per_cm: propagation loss in dB/cm.
        thickness_um: core thickness in um.

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = taper(wl=1.55, width1_um=0.8, width2_um=1.2, insertion_loss_dB=0.01)
        >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 3)
        0.01
    """
    w1 = check_positive("width1_um", width1_um, "um")
    w2 = w1 if width2_um is None else check_positive("width2_um", width2_um, "um")
    il = check_nonnegative("insertion_loss_dB", insertion_loss_dB, "dB")
    t = propagation(
        wl=wl, length_um=length_um, loss_dB_per_cm=loss_dB_per_cm,
        width_um=(w1 + w2) / 2.0, thickness_um=thickness_um,
    )
    return reciprocal({("o1", "o2"): t * amplitude_from_dB(il)})
