"""Compact models of the fibre couplers: ``edge_coupler`` and ``grating_coupler``.

Ports: o1 on the chip waveguide, o2 the fibre side.

- edge coupler: 0.81 dB to UHNA-7 fibre [ref: SiN inverse-taper edge coupler, arXiv 2405.11980]
  (3.28 dB to SMF-28 from the same row; pass ``insertion_loss_dB=3.28`` for SMF-28).
- grating coupler: peak 0.69 dB [ref: Grating coupler (normal incidence), arXiv 2506.19242];
  Gaussian passband, loss_dB = peak + 1 dB * (2 (wl - wl_c) / BW_1dB)^2.

Example:
    >>> s = grating_coupler(wl=1.55)
    >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 2)
    0.69
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

__all__ = ["edge_coupler", "grating_coupler"]

# [ref: SiN inverse-taper edge coupler] 0.81 dB to UHNA-7, arXiv 2405.11980
DEFAULT_EDGE_COUPLER_LOSS_DB = 0.81
# [ref: Grating coupler (normal incidence)] 0.69 dB, arXiv 2506.19242
DEFAULT_GRATING_PEAK_LOSS_DB = 0.69
# unsourced estimate: 1-dB bandwidth (nm) of a SiN grating coupler; SiN gratings are commonly
# quoted at 30-50 nm, but the reference row gives no bandwidth.
DEFAULT_GRATING_BANDWIDTH_1DB_NM = 40.0
# design centre wavelength (um): the C-band centre the PDK is drawn for (1550 nm).
DEFAULT_GRATING_CENTRE_WL_UM = 1.55


def edge_coupler(
    *, wl: ArrayLike = 1.55, insertion_loss_dB: float = DEFAULT_EDGE_COUPLER_LOSS_DB
) -> SDict:
    """S-dict of an inverse-taper edge coupler (wavelength-flat), o1 chip <-> o2 fibre.

    Args:
        wl: wavelength(s) in um (sets the output shape).
        insertion_loss_dB: chip-to-fibre loss in dB (default 0.81 to UHNA-7
            [ref: SiN inverse-taper edge coupler]).

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = edge_coupler(insertion_loss_dB=3.28)
        >>> round(float(abs(s[("o1", "o2")]) ** 2), 3)
        0.47
    """
    shape = np.shape(wavelength_um(wl))
    il = check_nonnegative("insertion_loss_dB", insertion_loss_dB, "dB")
    return reciprocal({("o1", "o2"): np.full(shape, amplitude_from_dB(il), dtype=complex)})


def grating_coupler(
    *,
    wl: ArrayLike = 1.55,
    peak_loss_dB: float = DEFAULT_GRATING_PEAK_LOSS_DB,
    centre_wl_um: float = DEFAULT_GRATING_CENTRE_WL_UM,
    bandwidth_1dB_nm: float = DEFAULT_GRATING_BANDWIDTH_1DB_NM,
) -> SDict:
    """S-dict of a grating coupler with a Gaussian passband, o1 chip <-> o2 fibre.

    Args:
        wl: wavelength(s) in um.
        peak_loss_dB: loss at ``centre_wl_um`` in dB (default 0.69 [ref: Grating coupler]).
        centre_wl_um: passband centre in um (default 1.55).
        bandwidth_1dB_nm: full 1-dB bandwidth in nm (default 40, unsourced estimate).

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = grating_coupler(wl=1.57, bandwidth_1dB_nm=40.0)
        >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 2)
        1.69
    """
    wl_arr = wavelength_um(wl)
    peak = check_nonnegative("peak_loss_dB", peak_loss_dB, "dB")
    wc = check_positive("centre_wl_um", centre_wl_um, "um")
    bw_um = check_positive("bandwidth_1dB_nm", bandwidth_1dB_nm, "nm") * 1e-3
    loss_dB = peak + (2.0 * (wl_arr - wc) / bw_um) ** 2
    return reciprocal({("o1", "o2"): np.asarray(amplitude_from_dB(loss_dB), dtype=complex)})
