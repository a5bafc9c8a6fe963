"""Compact models of the SiN MMIs (``mmi1x2`` splitter, ``mmi2x2`` 3 dB coupler).

Self-imaging (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)): the images form at
lengths proportional to L_pi = 4 n_r W_e^2 / (3 lambda), so a section of length L is
*defocused* by x = (L / L_img) (lambda / lambda_0) - 1, with L_img the best imaging length at
lambda_0 (dispersion of n_r and W_e neglected: a few % of x over the C band). The models take
the power lost at the image as ``excess_loss_dB + defocus_loss_dB * x^2`` and, for the 2x2,
the bar/cross imbalance as ``imbalance_dB + imbalance_slope_dB * x`` (the split moves through
3 dB as the length passes the image). The 1x2's two outputs carry equal
phase (symmetric interference); the 2x2's cross paths lead the bar paths by 90 deg. Both are
reciprocal and conserve power up to the excess loss; reflections are not modelled (< -30 dB in
the FDTD sweep).

Defaults: the 2D effective-index FDTD fit of the library's default designs (MEEP, 16 px/um,
``python -m simulation.fdtd.calibrate``, section ``mmi`` of ``qc_pdk/data/calibration.json``,
which the PDK binds over these; a 2D estimate of the buried 3D strip: published SiN MMIs of
this kind lose 0.1-0.3 dB). Designs other than the default width are outside the fit.

Example:
    >>> s = mmi1x2(wl=1.55, length_mmi_um=22.0, imaging_length_um=22.0, excess_loss_dB=0.2,
    ...            imbalance_dB=0.0)
    >>> round(float(abs(s[("o1", "o2")]) ** 2 + abs(s[("o1", "o3")]) ** 2), 4)
    0.955
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from components.models.sdict import (
    SDict,
    check_finite,
    check_nonnegative,
    check_positive,
    reciprocal,
    wavelength_um,
)

__all__ = [
    "DEFAULT_MMI1X2_LENGTH_UM",
    "DEFAULT_MMI2X2_LENGTH_UM",
    "DEFAULT_MMI_WIDTH_UM",
    "mmi1x2",
    "mmi2x2",
    "mmi_kwargs",
    "split_powers",
]

# the library's designs (components/mmi1x2.py, mmi2x2.py; FDTD-picked lengths, see
# simulation.fdtd.calibrate.MMI_DESIGNS_UM); repeated here so the models import without
# gdsfactory, tests/components/test_model_defaults.py checks that cell and model agree
DEFAULT_MMI_WIDTH_UM = 6.0
DEFAULT_MMI_WIDTH_TAPER_UM = 2.0
DEFAULT_MMI2X2_WIDTH_UM = 6.0
DEFAULT_MMI2X2_WIDTH_TAPER_UM = 2.0
DEFAULT_MMI_LENGTH_TAPER_UM = 10.0
DEFAULT_MMI1X2_LENGTH_UM = 21.0
DEFAULT_MMI2X2_LENGTH_UM = 87.0
WL0_UM = 1.55

# 2D FDTD fit of the default designs (calibration.json, section mmi); the PDK binds the file's
MMI1X2_FIT: dict[str, float] = {
    "excess_loss_dB": 0.0719816, "imbalance_dB": -2.83011e-05, "imaging_length_um": 21.3718,
    "defocus_loss_dB": 25.3225,
}
MMI2X2_FIT: dict[str, float] = {
    "excess_loss_dB": 0.0312776, "imbalance_dB": 0.237939, "imaging_length_um": 86.9447,
    "defocus_loss_dB": 324.099, "imbalance_slope_dB": 6.49539, "cross_phase_deg": -90.0,
}


def _defocus(wl: np.ndarray, length_um: float, imaging_length_um: float) -> np.ndarray:
    """Fractional defocus x = (L / L_img) (lambda / lambda_0) - 1 of a self-imaging section."""
    return (length_um / imaging_length_um) * (wl / WL0_UM) - 1.0


def split_powers(total: ArrayLike, imbalance_dB: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Powers ``(p_a, p_b)`` with ``p_a + p_b = total`` and ``10 log10(p_a / p_b) = imbalance_dB``.

    Example:
        >>> a, b = split_powers(1.0, 10 * np.log10(3.0))
        >>> round(float(a), 3), round(float(b), 3)
        (0.75, 0.25)
    """
    r = 10.0 ** (np.asarray(imbalance_dB, float) / 10.0)
    t = np.asarray(total, float)
    return t * r / (1.0 + r), t / (1.0 + r)


def _checked(length_mmi_um: float, excess_loss_dB: float, imaging_length_um: float,
             defocus_loss_dB: float) -> tuple[float, float, float, float]:
    return (check_positive("length_mmi_um", length_mmi_um, "um"),
            check_nonnegative("excess_loss_dB", excess_loss_dB, "dB"),
            check_positive("imaging_length_um", imaging_length_um, "um"),
            check_nonnegative("defocus_loss_dB", defocus_loss_dB, "dB"))


def mmi1x2(
    *,
    wl: ArrayLike = 1.55,
    length_mmi_um: float = DEFAULT_MMI1X2_LENGTH_UM,
    excess_loss_dB: float = MMI1X2_FIT["excess_loss_dB"],
    imbalance_dB: float = MMI1X2_FIT["imbalance_dB"],
    imaging_length_um: float = MMI1X2_FIT["imaging_length_um"],
    defocus_loss_dB: float = MMI1X2_FIT["defocus_loss_dB"],
) -> SDict:
    """S-dict of the 1x2 MMI splitter: o1 in, o2 / o3 out (in phase).

    Args:
        wl: wavelength(s) in um.
        length_mmi_um: multimode section length in um (the cell's ``length_mmi``).
        excess_loss_dB: power lost at the best image (dB, >= 0): 1 - |S21|^2 - |S31|^2.
        imbalance_dB: 10 log10(|S21|^2 / |S31|^2) (0 by symmetry; the fit keeps its residual).
        imaging_length_um: length of the best twofold image at 1.55 um (3 L_pi / 8).
        defocus_loss_dB: extra loss per unit squared defocus x^2 (dB).

    Returns:
        ``(o1, o2)``, ``(o1, o3)`` and their reverses; complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = mmi1x2(wl=[1.50, 1.55], excess_loss_dB=0.1, imbalance_dB=0.0)
        >>> bool(abs(s[("o1", "o2")][0]) < abs(s[("o1", "o2")][1]))
        True
    """
    w = wavelength_um(wl)
    length, il, img, c = _checked(length_mmi_um, excess_loss_dB, imaging_length_um,
                                  defocus_loss_dB)
    imb = check_finite("imbalance_dB", imbalance_dB)
    x = _defocus(w, length, img)
    p2, p3 = split_powers(10.0 ** (-(il + c * x**2) / 10.0), imb)
    return reciprocal({("o1", "o2"): np.sqrt(p2) + 0j, ("o1", "o3"): np.sqrt(p3) + 0j})


def mmi2x2(
    *,
    wl: ArrayLike = 1.55,
    length_mmi_um: float = DEFAULT_MMI2X2_LENGTH_UM,
    excess_loss_dB: float = MMI2X2_FIT["excess_loss_dB"],
    imbalance_dB: float = MMI2X2_FIT["imbalance_dB"],
    imaging_length_um: float = MMI2X2_FIT["imaging_length_um"],
    defocus_loss_dB: float = MMI2X2_FIT["defocus_loss_dB"],
    imbalance_slope_dB: float = MMI2X2_FIT["imbalance_slope_dB"],
    cross_phase_deg: float = MMI2X2_FIT["cross_phase_deg"],
) -> SDict:
    """S-dict of the 2x2 MMI 3 dB coupler: bar o1 -> o4, o2 -> o3; cross o1 -> o3, o2 -> o4.

    Args:
        wl: wavelength(s) in um.
        length_mmi_um: multimode section length in um (the cell's ``length_mmi``).
        excess_loss_dB: power lost at the best image (dB, >= 0).
        imbalance_dB: 10 log10(bar / cross power) at zero defocus (the fit's intercept).
        imaging_length_um: length of the best twofold image at 1.55 um (3 L_pi / 2).
        defocus_loss_dB: extra loss per unit squared defocus x^2 (dB).
        imbalance_slope_dB: change of the imbalance per unit defocus x (dB).
        cross_phase_deg: phase of the cross paths relative to the bar paths (deg; 90 in
            self-imaging theory, the FDTD's value when calibrated).

    Returns:
        the eight bar/cross pairs (both directions); the cross paths carry
        ``cross_phase_deg`` relative to the bar paths.

    Raises:
        ValueError: a parameter out of range, or a phase that would make the coupler active
            (its largest singular value^2 is bar + cross + 2 sqrt(bar cross) |cos(phase)|,
            so a low-loss 2x2 coupler must be close to +-90 deg).

    Example:
        >>> s = mmi2x2(excess_loss_dB=0.0, imbalance_dB=0.0, imbalance_slope_dB=0.0,
        ...            length_mmi_um=30.0, imaging_length_um=30.0)
        >>> round(float(abs(s[("o1", "o4")]) ** 2), 3), round(float(np.angle(s[("o1", "o3")])), 4)
        (0.5, -1.5708)
    """
    w = wavelength_um(wl)
    length, il, img, c = _checked(length_mmi_um, excess_loss_dB, imaging_length_um,
                                  defocus_loss_dB)
    imb = check_finite("imbalance_dB", imbalance_dB)
    slope = check_finite("imbalance_slope_dB", imbalance_slope_dB)
    phase = check_finite("cross_phase_deg", cross_phase_deg)
    x = _defocus(w, length, img)
    p_bar, p_cross = split_powers(10.0 ** (-(il + c * x**2) / 10.0), imb + slope * x)
    gain = p_bar + p_cross + 2 * np.sqrt(p_bar * p_cross) * abs(np.cos(np.radians(phase)))
    if np.any(gain > 1.0 + 1e-12):
        raise ValueError(f"cross_phase_deg={cross_phase_deg!r} with excess_loss_dB={il} is not "
                         "passive: a low-loss 2x2 coupler's cross paths are +-90 deg")
    bar, cross = np.sqrt(p_bar) + 0j, np.exp(1j * np.radians(phase)) * np.sqrt(p_cross)
    return reciprocal({("o1", "o4"): bar, ("o2", "o3"): bar,
                       ("o1", "o3"): cross, ("o2", "o4"): cross})


def mmi_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Model keyword arguments of a built MMI cell: its multimode length (um).

    Example:
        >>> mmi_kwargs({"length_mmi": 22.0, "width_mmi": 6.0}, {})
        {'length_mmi_um': 22.0}
    """
    return {"length_mmi_um": float(settings["length_mmi"])}
