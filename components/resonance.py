"""Ring-resonance and WDM-grid arithmetic for the SiN strip (units in every name).

A ring of radius R (um) has round-trip length L = 2 pi R and resonates where
m * wl = n_eff(wl) * L for integer order m; its free spectral range is FSR = wl^2 / (n_g L).
n_eff and n_g are the vectorial values of the PDK's mode table
(``components.models.waveguide_modes``: n_eff 1.5433, n_g 1.907 at 1550 nm, FEM in
``simulation.modes``; the effective-index method gave 1.568 / 1.894), so material and
waveguide dispersion are included.

Heater tuning: a round-trip phase of pi moves a resonance by half an FSR; published ring
heaters need up to 25 mW per pi [ref: Ring heaters, conventional], so the default tuning
efficiency is FSR_nm / 2 / 25 nm per mW (override ``p_pi_mW``).

Every function checks its inputs and raises ``ValueError`` naming the parameter and the limit.

Example:
    >>> from components.resonance import ring_fsr_nm, wdm_grid_nm
    >>> round(ring_fsr_nm(radius_um=30.0), 2)
    6.68
    >>> wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=4).tolist()
    [1548.8, 1549.6, 1550.4, 1551.2]
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from components.models.sdict import check_positive

__all__ = [
    "DEFAULT_HEATER_P_PI_MW",
    "heater_tuning_nm_per_mW",
    "ring_fsr_nm",
    "ring_radius_for_resonance_um",
    "ring_resonances_nm",
    "wdm_grid_nm",
    "wdm_ring_radii_um",
]

# Heater power for a pi round-trip phase (mW) [ref: Ring heaters, conventional: up to 25 mW/pi].
DEFAULT_HEATER_P_PI_MW = 25.0


def _neff(wl_um: float | np.ndarray) -> np.ndarray:
    # imported lazily: components.models imports this module, so no import cycle at load time
    from components.models.waveguide_modes import effective_index

    return effective_index(wl_um)


def _ng(wl_um: float | np.ndarray) -> np.ndarray:
    from components.models.waveguide_modes import group_index

    return group_index(wl_um)


def ring_fsr_nm(
    *, radius_um: float, wl_nm: float = 1550.0, group_index: float | None = None
) -> float:
    """Free spectral range of a ring, FSR = wl^2 / (n_g * 2 pi R).

    Args:
        radius_um: ring centreline radius in um (> 0).
        wl_nm: wavelength in nm (> 0) at which the FSR is evaluated.
        group_index: n_g (dimensionless, > 0); default from the mode solver at ``wl_nm``.

    Returns:
        FSR in nm.

    Example:
        >>> round(ring_fsr_nm(radius_um=50.0, group_index=2.0), 3)
        3.824
    """
    r = check_positive("radius_um", radius_um, "um")
    wl = check_positive("wl_nm", wl_nm, "nm")
    ng = (
        float(_ng(wl * 1e-3))
        if group_index is None
        else check_positive("group_index", group_index)
    )
    length_nm = 2.0 * math.pi * r * 1e3
    return wl**2 / (ng * length_nm)


def ring_resonances_nm(*, radius_um: float, wl_min_nm: float, wl_max_nm: float) -> np.ndarray:
    """All resonance wavelengths of a ring in [wl_min_nm, wl_max_nm], solving m wl = n_eff(wl) L.

    Args:
        radius_um: ring centreline radius in um (> 0).
        wl_min_nm: lower end of the window in nm (> 0).
        wl_max_nm: upper end of the window in nm (> wl_min_nm).

    Returns:
        ascending array of resonance wavelengths in nm (may be empty).

    Example:
        >>> res = ring_resonances_nm(radius_um=30.0, wl_min_nm=1540.0, wl_max_nm=1560.0)
        >>> len(res), round(float(np.diff(res).mean()), 1)
        (3, 6.7)
    """
    r = check_positive("radius_um", radius_um, "um")
    lo = check_positive("wl_min_nm", wl_min_nm, "nm")
    hi = check_positive("wl_max_nm", wl_max_nm, "nm")
    if hi <= lo:
        raise ValueError(f"wl_max_nm must be > wl_min_nm = {lo} nm, got {hi}")
    length_um = 2.0 * math.pi * r

    def order(wl_nm: float) -> float:
        wl_um = wl_nm * 1e-3
        return float(_neff(wl_um)) * length_um / wl_um

    m_hi = math.floor(order(lo))
    m_lo = math.ceil(order(hi))
    out = []
    for m in range(m_hi, m_lo - 1, -1):  # descending order -> ascending wavelength
        out.append(brentq(lambda w, m=m: order(w) - m, lo, hi, xtol=1e-10, rtol=1e-15))
    return np.asarray(out, dtype=float)


def wdm_grid_nm(*, centre_nm: float, spacing_nm: float, channels: int) -> np.ndarray:
    """Grid of ``channels`` wavelengths spaced ``spacing_nm``, symmetric about ``centre_nm``.

    Args:
        centre_nm: grid centre in nm (> 0).
        spacing_nm: channel spacing in nm (> 0).
        channels: number of channels (integer >= 1).

    Returns:
        ascending array of channel wavelengths in nm, shape (channels,).

    Example:
        >>> wdm_grid_nm(centre_nm=1550.0, spacing_nm=1.6, channels=3).tolist()
        [1548.4, 1550.0, 1551.6]
    """
    c = check_positive("centre_nm", centre_nm, "nm")
    s = check_positive("spacing_nm", spacing_nm, "nm")
    n = _channels(channels)
    return c + (np.arange(n) - (n - 1) / 2.0) * s


def _channels(channels: int) -> int:
    if isinstance(channels, bool) or not float(channels).is_integer() or channels < 1:
        raise ValueError(f"channels must be an integer >= 1, got {channels!r}")
    return int(channels)


def ring_radius_for_resonance_um(*, wl_nm: float, approx_radius_um: float) -> float:
    """Exact ring radius (um) near ``approx_radius_um`` that puts a resonance exactly at ``wl_nm``.

    Picks the integer order m = round(n_eff(wl) 2 pi R_approx / wl) and returns
    R = m wl / (2 pi n_eff(wl)); n_eff is evaluated at ``wl_nm`` itself, so dispersion is exact.

    Args:
        wl_nm: target resonance wavelength in nm (> 0).
        approx_radius_um: desired radius in um (> 0).

    Returns:
        radius in um, within half an order (about wl / (2 pi n_eff) / 2 ~ 0.08 um) of the request.

    Example:
        >>> r = ring_radius_for_resonance_um(wl_nm=1550.0, approx_radius_um=30.0)
        >>> abs(r - 30.0) < 0.1
        True
    """
    wl = check_positive("wl_nm", wl_nm, "nm")
    r0 = check_positive("approx_radius_um", approx_radius_um, "um")
    wl_um = wl * 1e-3
    neff = float(_neff(wl_um))
    m = max(1, round(neff * 2.0 * math.pi * r0 / wl_um))
    return m * wl_um / (2.0 * math.pi * neff)


def wdm_ring_radii_um(
    *, centre_nm: float, spacing_nm: float, channels: int, radius_um: float
) -> np.ndarray:
    """Radii of the ``channels`` rings of a WDM filter bank, ring k resonant at grid channel k.

    All rings share the order m chosen at the grid centre for ``radius_um``, so they stay
    within a few tens of nm of ``radius_um`` and their neighbouring orders lie one FSR away.

    Args:
        centre_nm: grid centre in nm (> 0).
        spacing_nm: channel spacing in nm (> 0).
        channels: number of channels (integer >= 1).
        radius_um: nominal ring radius in um (> 0).

    Returns:
        radii in um, shape (channels,), in channel order (ascending wavelength).

    Raises:
        ValueError: naming the parameter for non-positive inputs, and naming ``spacing_nm`` and
            ``channels`` when channels * spacing_nm >= FSR (channels would alias).

    Example:
        >>> r = wdm_ring_radii_um(centre_nm=1550.0, spacing_nm=0.8, channels=4, radius_um=30.0)
        >>> bool(np.all(np.diff(r) > 0)), bool(np.all(abs(r - 30.0) < 0.2))
        (True, True)
    """
    grid = wdm_grid_nm(centre_nm=centre_nm, spacing_nm=spacing_nm, channels=channels)
    r0 = check_positive("radius_um", radius_um, "um")
    n = len(grid)
    fsr = ring_fsr_nm(radius_um=r0, wl_nm=float(centre_nm))
    if n * float(spacing_nm) >= fsr:
        raise ValueError(
            f"channels * spacing_nm = {n} * {spacing_nm} nm = {n * float(spacing_nm):.3g} nm must "
            f"be < the FSR {fsr:.3g} nm of a ring of radius_um={r0} (channels would alias): "
            "reduce spacing_nm or channels, or use a smaller radius_um"
        )
    wl_c_um = float(centre_nm) * 1e-3
    m = max(1, round(float(_neff(wl_c_um)) * 2.0 * math.pi * r0 / wl_c_um))
    wl_um = grid * 1e-3
    return m * wl_um / (2.0 * math.pi * _neff(wl_um))


def heater_tuning_nm_per_mW(
    *, radius_um: float, wl_nm: float = 1550.0, p_pi_mW: float | None = None
) -> float:
    """Thermal tuning efficiency of a ring heater, FSR / 2 / P_pi (nm of red shift per mW).

    A pi change of round-trip phase moves a resonance by FSR / 2. P_pi defaults to 25 mW
    [ref: Ring heaters, conventional].

    Args:
        radius_um: ring radius in um (> 0).
        wl_nm: wavelength in nm (> 0).
        p_pi_mW: heater power for a pi round-trip phase in mW (> 0), or None for the default.

    Returns:
        tuning efficiency in nm / mW (positive: heating red-shifts the SiN ring).

    Example:
        >>> round(heater_tuning_nm_per_mW(radius_um=30.0, p_pi_mW=25.0), 4)
        0.1336
    """
    p_pi = heater_p_pi_mW(p_pi_mW)
    return ring_fsr_nm(radius_um=radius_um, wl_nm=wl_nm) / 2.0 / p_pi


def heater_p_pi_mW(p_pi_mW: float | None = None) -> float:
    """Heater power (mW) for a pi round-trip phase: the argument, else 25 mW.

    Args:
        p_pi_mW: explicit value in mW (> 0) or None.

    Returns:
        P_pi in mW. Default 25 mW [ref: Ring heaters, conventional] (a calibration's
        ``ring_heater.p_pi_mW`` is bound into the models by the PDK).

    Example:
        >>> heater_p_pi_mW(10.0)
        10.0
    """
    return check_positive("p_pi_mW", DEFAULT_HEATER_P_PI_MW if p_pi_mW is None else p_pi_mW, "mW")
