"""Compact model of the SiN-SiN interlayer coupler (``interlayer_coupler``): o1 on WG1, o2 on WG2.

Loss 0.006 dB per transition [ref: SiN-SiN interlayer transition (wafer scale), arXiv
2604.12889 (2026)], plus optional propagation over the coupler length.

Calibrated by FDTD when ``qc_pdk/data/calibration.json`` has section ``interlayer_coupler``
(``insertion_loss_dB`` of the library cell at its default taper length, from side-view 2D
effective-index MEEP runs over a sweep of lengths by ``python -m simulation.fdtd.calibrate``;
the sweep is recorded beside it); the PDK binds it into this model
(``components.models.calibration``). The same figure serves WG1-WG2 and WG2-WG3 couplers:
both layer pairs sit 1 um apart (``qc_pdk.layer_stack``).

Example:
    >>> import numpy as np
    >>> s = interlayer_coupler(insertion_loss_dB=0.006)
    >>> round(float(-20 * np.log10(abs(s[("o1", "o2")]))), 3)
    0.006
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from components.models.sdict import SDict, amplitude_from_dB, check_nonnegative, reciprocal
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM, propagation

__all__ = ["interlayer_coupler"]

# [ref: SiN-SiN interlayer transition] ~0.006 dB per transition, arXiv 2604.12889 (2026)
DEFAULT_INTERLAYER_LOSS_DB = 0.006


def interlayer_coupler(
    *,
    wl: ArrayLike = 1.55,
    insertion_loss_dB: float = DEFAULT_INTERLAYER_LOSS_DB,
    length_um: float = 0.0,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
) -> SDict:
    """S-dict of a WG1 <-> WG2 vertical transition.

    Args:
        wl: wavelength(s) in um.
        insertion_loss_dB: transition loss in dB (default 0.006 [ref: SiN-SiN interlayer
            transition]; the PDK binds the FDTD-calibrated figure).
        length_um: coupler length in um for the propagation phase/loss (default 0: the
            transition figure already includes the coupler; pass the cell length for phase).
        loss_dB_per_cm: propagation loss in dB/cm over ``length_um``.

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> interlayer_coupler(wl=[1.5, 1.6])[("o2", "o1")].shape
        (2,)
    """
    il = check_nonnegative("insertion_loss_dB", insertion_loss_dB, "dB")
    t = propagation(wl=wl, length_um=length_um, loss_dB_per_cm=loss_dB_per_cm)
    return reciprocal({("o1", "o2"): t * amplitude_from_dB(il)})
