"""Compact model of the waveguide crossing (``crossing``): o1 west, o2 north, o3 east, o4 south.

Through paths o1 <-> o3 and o2 <-> o4 lose 0.043 dB; each input leaks -50 dB into each
perpendicular port [ref: Si MMI crossing, Johnson, Thompson & Sahin, Opt. Express 28, 12498
(2020): 0.043 +- 0.004 dB, crosstalk < -50 dB]. The crosstalk carries a +90 deg phase, which
keeps the 4x4 matrix passive (its singular values are sqrt(t^2 + 4 x^2) and t).

Calibrated by FDTD when ``qc_pdk/data/calibration.json`` has section ``crossing``
(``insertion_loss_dB``, ``crosstalk_dB``, from ``python -m simulation.fdtd.calibrate``): those
are bound into this model by the PDK (``components.models.calibration``).

Example:
    >>> s = crossing(insertion_loss_dB=0.043)
    >>> round(float(-20 * np.log10(abs(s[("o1", "o3")]))), 3)
    0.043
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from components.models.sdict import (
    SDict,
    amplitude_from_dB,
    check_finite,
    check_nonnegative,
    reciprocal,
    wavelength_um,
)

__all__ = ["crossing"]

# [ref: Si MMI crossing] Johnson, Thompson & Sahin, Opt. Express 28, 12498 (2020)
DEFAULT_CROSSING_LOSS_DB = 0.043
DEFAULT_CROSSING_CROSSTALK_DB = -50.0


def crossing(
    *,
    wl: ArrayLike = 1.55,
    insertion_loss_dB: float = DEFAULT_CROSSING_LOSS_DB,
    crosstalk_dB: float = DEFAULT_CROSSING_CROSSTALK_DB,
) -> SDict:
    """S-dict of a 4-port crossing (wavelength-flat).

    Args:
        wl: wavelength(s) in um (only sets the output shape).
        insertion_loss_dB: through loss in dB (default 0.043 [ref: Si MMI crossing]; the PDK
            binds the FDTD-calibrated figure).
        crosstalk_dB: power into each perpendicular port relative to the input, in dB
            (default -50 [ref: Si MMI crossing]); must be < 0.

    Returns:
        pairs (o1,o3), (o2,o4) through; (o1,o2), (o1,o4), (o3,o2), (o3,o4) crosstalk; both
        directions; complex arrays of shape ``np.shape(wl)``.

    Raises:
        ValueError: if the figures would make the crossing active (t^2 + 4 x^2 > 1).

    Example:
        >>> s = crossing(wl=[1.5, 1.6], crosstalk_dB=-40.0)
        >>> round(float(10 * np.log10(abs(s[("o1", "o2")][0]) ** 2)), 1)
        -40.0
    """
    shape = np.shape(wavelength_um(wl))
    il = check_nonnegative("insertion_loss_dB", insertion_loss_dB, "dB")
    xt_dB = check_finite("crosstalk_dB", crosstalk_dB)
    if xt_dB >= 0:
        raise ValueError(f"crosstalk_dB must be < 0 dB, got {crosstalk_dB!r}")
    t = float(amplitude_from_dB(il))
    x = float(amplitude_from_dB(-xt_dB))
    if t**2 + 4 * x**2 > 1.0:
        raise ValueError(
            f"insertion_loss_dB={il} with crosstalk_dB={xt_dB} is not passive: "
            "need 10^(-IL/10) + 4 * 10^(crosstalk/10) <= 1"
        )
    through = np.full(shape, t, dtype=complex)
    cross = np.full(shape, 1j * x, dtype=complex)
    return reciprocal({
        ("o1", "o3"): through,
        ("o2", "o4"): through,
        ("o1", "o2"): cross,
        ("o1", "o4"): cross,
        ("o3", "o2"): cross,
        ("o3", "o4"): cross,
    })
