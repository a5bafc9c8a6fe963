"""Compact model and figures of the waveguide-integrated SNSPD (``snspd``): optical port o1.

The detector is an optical sink: everything not reflected is absorbed (and detected with the
efficiency of :func:`detector_figures`). The back-reflection is an unsourced estimate.

Example:
    >>> s = snspd()
    >>> round(float(10 * np.log10(abs(s[("o1", "o1")]) ** 2)), 1)
    -30.0
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from components.models.sdict import SDict, amplitude_from_dB, check_finite, wavelength_um

__all__ = ["DETECTOR_EFFICIENCY", "detector_figures", "snspd"]

# unsourced estimate: back-reflection of a waveguide-integrated nanowire (dB); the absorber
# is adiabatic so reflection is small, but no measured figure was found.
DEFAULT_SNSPD_REFLECTION_DB = -30.0
# [ref: Waveguide-integrated SNSPD] Pernice et al., Nat. Commun. 3, 1325 (2012): 91 %, 18 ps
DETECTOR_EFFICIENCY = 0.91
_JITTER_PS = 18.0
# [ref: WSi SNSPD] Marsili et al., Nat. Photon. 7, 210 (2013): ~1 cps dark, 40 ns reset
_DARK_COUNTS_CPS = 1.0
_RESET_TIME_NS = 40.0


def snspd(*, wl: ArrayLike = 1.55, reflection_dB: float = DEFAULT_SNSPD_REFLECTION_DB) -> SDict:
    """S-dict of the SNSPD as a one-port optical sink.

    Args:
        wl: wavelength(s) in um (sets the output shape).
        reflection_dB: power reflection at o1 in dB (default -30, unsourced estimate); must be <= 0.

    Returns:
        ``{("o1","o1"): r}``, complex array of shape ``np.shape(wl)``.

    Example:
        >>> snspd(wl=[1.5, 1.6])[("o1", "o1")].shape
        (2,)
    """
    shape = np.shape(wavelength_um(wl))
    r_dB = check_finite("reflection_dB", reflection_dB)
    if r_dB > 0:
        raise ValueError(f"reflection_dB must be <= 0 dB, got {reflection_dB!r}")
    return {("o1", "o1"): np.full(shape, amplitude_from_dB(-r_dB), dtype=complex)}


def detector_figures() -> dict[str, Any]:
    """Performance figures of the integrated SNSPD, with their sources.

    Returns:
        dict with ``efficiency`` (0-1), ``jitter_ps``, ``dark_counts_cps``, ``reset_time_ns``
        and ``sources`` (one citation per figure).

    Example:
        >>> f = detector_figures()
        >>> f["efficiency"], f["jitter_ps"], f["dark_counts_cps"], f["reset_time_ns"]
        (0.91, 18.0, 1.0, 40.0)
    """
    return {
        "efficiency": DETECTOR_EFFICIENCY,
        "jitter_ps": _JITTER_PS,
        "dark_counts_cps": _DARK_COUNTS_CPS,
        "reset_time_ns": _RESET_TIME_NS,
        "sources": {
            "efficiency": "[ref: Waveguide-integrated SNSPD] Pernice et al., Nat. Commun. 2012",
            "jitter_ps": "[ref: Waveguide-integrated SNSPD] Pernice et al., Nat. Commun. 2012",
            "dark_counts_cps": "[ref: WSi SNSPD] Marsili et al., Nat. Photon. 2013",
            "reset_time_ns": "[ref: WSi SNSPD] Marsili et al., Nat. Photon. 2013",
        },
    }
