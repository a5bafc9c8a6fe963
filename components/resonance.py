"""Ring-resonance and WDM-grid arithmetic for the SiN strip (units in every name).

A ring's round trip is its circular arcs of radius R (total length 2 pi R) plus, for a
racetrack, straights of total length S (um). The bent mode of the arcs has a higher n_eff than
the straight one (referenced to the centreline: +6e-4 at R = 50 um, about 0.12 of an FSR of
resonance shift), so the round trip's optical length is

    OL(wl) = n_eff(wl, R) 2 pi R + n_eff(wl) S

and the ring resonates where m * wl = OL(wl) for integer order m; its free spectral range is
FSR = wl^2 / GL with the group length GL = n_g(wl, R) 2 pi R + n_g(wl) S. n_eff and n_g are
the vectorial values of the PDK's mode table (``components.models.waveguide_modes``: straight
n_eff 1.5433, n_g 1.907 at 1550 nm, FEM in ``simulation.modes``), so material and waveguide
dispersion are included. The compact models (``components.models.ring`` and those built on
it) take their round-trip phase from the same :func:`ring_optical_length_um`, so a radius
designed here resonates where the model says.

Heater tuning: a round-trip phase of pi moves a resonance by half an FSR; published ring
heaters need up to 25 mW per pi [ref: Ring heaters, conventional], so the default tuning
efficiency is FSR_nm / 2 / 25 nm per mW (override ``p_pi_mW``).

Every function checks its inputs and raises ``ValueError`` naming the parameter and the limit.

Example:
    >>> from components.resonance import ring_fsr_nm, wdm_grid_nm
    >>> round(ring_fsr_nm(radius_um=30.0), 2)   # bent n_g 1.896 (straight 1.907)
    6.72
    >>> round(ring_fsr_nm(radius_um=50.0, straight_um=60.0), 3)   # the qubitron racetrack
    3.372
    >>> wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=4).tolist()
    [1548.8, 1549.6, 1550.4, 1551.2]
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

from components.models.sdict import check_nonnegative, check_positive
from components.models.waveguide_modes import WG_THICKNESS_UM, WG_WIDTH_UM

__all__ = [
    "DEFAULT_HEATER_P_PI_MW",
    "heater_tuning_nm_per_mW",
    "ring_fsr_nm",
    "ring_group_length_um",
    "ring_optical_length_um",
    "ring_radius_for_resonance_um",
    "ring_resonances_nm",
    "wdm_grid_nm",
    "wdm_ring_radii_um",
]

# Heater power for a pi round-trip phase (mW) [ref: Ring heaters, conventional: up to 25 mW/pi].
DEFAULT_HEATER_P_PI_MW = 25.0


def ring_optical_length_um(
    wl_um: ArrayLike = 1.55,
    *,
    radius_um: float,
    straight_um: float = 0.0,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Optical length of a ring's round trip, n_eff(wl, R) 2 pi R + n_eff(wl) S, in um.

    The round-trip phase is 2 pi OL / wl; the ring models and the design functions below
    both use this one function.

    Args:
        wl_um: vacuum wavelength(s) in um; any shape.
        radius_um: radius of the ring's circular arcs in um (> 0); the arcs total 2 pi R.
        straight_um: total length of the racetrack's straights in um (>= 0; 0: a circle).
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        OL in um, the shape of ``wl_um``.

    Example:
        >>> ol = ring_optical_length_um(1.55, radius_um=50.0)
        >>> round(float(ol / (2 * math.pi * 50.0)), 4)   # the bent n_eff at 50 um
        1.5439
    """
    from components.models.waveguide_modes import effective_index

    return _round_trip_um(effective_index, wl_um, radius_um, straight_um, width_um, thickness_um)


def ring_group_length_um(
    wl_um: ArrayLike = 1.55,
    *,
    radius_um: float,
    straight_um: float = 0.0,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Group length of a ring's round trip, n_g(wl, R) 2 pi R + n_g(wl) S, in um.

    Args:
        wl_um: vacuum wavelength(s) in um; any shape.
        radius_um: radius of the ring's circular arcs in um (> 0).
        straight_um: total length of the racetrack's straights in um (>= 0).
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        GL in um (FSR = wl^2 / GL, round-trip time = GL / c), the shape of ``wl_um``.

    Example:
        >>> round(float(ring_group_length_um(1.55, radius_um=50.0, straight_um=60.0)), 1)
        712.5
    """
    from components.models.waveguide_modes import group_index

    return _round_trip_um(group_index, wl_um, radius_um, straight_um, width_um, thickness_um)


def _round_trip_um(
    index: Callable[..., np.ndarray], wl_um: ArrayLike, radius_um: float, straight_um: float,
    width_um: float, thickness_um: float,
) -> np.ndarray:
    """index(wl, R) 2 pi R + index(wl) S: the arcs at the bent mode's index, the straights
    at the straight one (``index``: effective or group index)."""
    r = check_positive("radius_um", radius_um, "um")
    s = check_nonnegative("straight_um", straight_um, "um")
    wl = np.asarray(wl_um, dtype=float)
    kw = {"width_um": width_um, "thickness_um": thickness_um}
    arcs = index(wl, radius_um=r, **kw) * (2.0 * math.pi * r)
    return arcs if s == 0.0 else arcs + index(wl, **kw) * s


def ring_fsr_nm(
    *,
    radius_um: float,
    wl_nm: float = 1550.0,
    group_index: float | None = None,
    straight_um: float = 0.0,
) -> float:
    """Free spectral range of a ring or racetrack, FSR = wl^2 / GL (:func:`ring_group_length_um`).

    Args:
        radius_um: radius of the ring's arcs in um (> 0).
        wl_nm: wavelength in nm (> 0) at which the FSR is evaluated.
        group_index: one n_g (dimensionless, > 0) for the whole round trip, GL = n_g (2 pi R + S);
            default: the mode table's, bent for the arcs and straight for the straights.
        straight_um: total length of a racetrack's straights in um (>= 0; 0: a circle).

    Returns:
        FSR in nm.

    Example:
        >>> round(ring_fsr_nm(radius_um=50.0, group_index=2.0), 3)
        3.824
    """
    r = check_positive("radius_um", radius_um, "um")
    wl = check_positive("wl_nm", wl_nm, "nm")
    s = check_nonnegative("straight_um", straight_um, "um")
    if group_index is None:
        gl_um = float(ring_group_length_um(wl * 1e-3, radius_um=r, straight_um=s))
    else:
        gl_um = check_positive("group_index", group_index) * (2.0 * math.pi * r + s)
    return wl**2 / (gl_um * 1e3)


def ring_resonances_nm(
    *, radius_um: float, wl_min_nm: float, wl_max_nm: float, straight_um: float = 0.0
) -> np.ndarray:
    """All resonance wavelengths of a ring in [wl_min_nm, wl_max_nm], solving m wl = OL(wl).

    Args:
        radius_um: radius of the ring's arcs in um (> 0).
        wl_min_nm: lower end of the window in nm (> 0).
        wl_max_nm: upper end of the window in nm (> wl_min_nm).
        straight_um: total length of a racetrack's straights in um (>= 0; 0: a circle).

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
    s = check_nonnegative("straight_um", straight_um, "um")
    if hi <= lo:
        raise ValueError(f"wl_max_nm must be > wl_min_nm = {lo} nm, got {hi}")

    def order(wl_nm: float) -> float:
        wl_um = wl_nm * 1e-3
        return float(ring_optical_length_um(wl_um, radius_um=r, straight_um=s)) / wl_um

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


def _radius_for_order_um(*, order: int, wl_um: float, straight_um: float, guess_um: float) -> float:
    """Arc radius R with OL(wl, R) = order * wl: OL grows with R (n_eff + R dn_eff/dR > 0:
    the bent index falls by < 2e-3 per um), so the root is unique; brentq on a bracket grown
    from the guess, since n_eff(R) comes from a table and has no closed-form inverse."""

    def excess(r: float) -> float:
        return float(ring_optical_length_um(wl_um, radius_um=r, straight_um=straight_um)) - (
            order * wl_um
        )

    step = wl_um / (2.0 * math.pi * 1.5)  # about one order of radius
    lo, hi = max(guess_um - step, 1e-3), guess_um + step
    while excess(lo) > 0.0:
        if lo <= 1e-3:
            raise ValueError(
                f"order {order} at {wl_um * 1e3:.6g} nm needs a racetrack shorter than its "
                f"straights alone (straight_um={straight_um}): shorten straight_um"
            )
        lo = max(lo - 4.0 * step, 1e-3)
    while excess(hi) < 0.0:
        hi += 4.0 * step
    return float(brentq(excess, lo, hi, xtol=1e-12, rtol=1e-15))


def _order_near(*, wl_um: float, radius_um: float, straight_um: float) -> int:
    ol = float(ring_optical_length_um(wl_um, radius_um=radius_um, straight_um=straight_um))
    straight_only = (
        float(ring_optical_length_um(wl_um, radius_um=1e-3, straight_um=straight_um))
    )
    return max(round(ol / wl_um), math.floor(straight_only / wl_um) + 1)


def ring_radius_for_resonance_um(
    *, wl_nm: float, approx_radius_um: float, straight_um: float = 0.0
) -> float:
    """Arc radius (um) near ``approx_radius_um`` that puts a resonance exactly at ``wl_nm``.

    Picks the integer order m nearest OL(wl, R_approx) / wl and solves OL(wl, R) = m wl for the
    arc radius R (:func:`ring_optical_length_um`: bent n_eff on the arcs, straight n_eff on a
    racetrack's straights), so dispersion and the bend's index are both exact.

    Args:
        wl_nm: target resonance wavelength in nm (> 0).
        approx_radius_um: desired arc radius in um (> 0).
        straight_um: total length of a racetrack's straights in um (>= 0; 0: a circle).

    Returns:
        arc radius in um, within half an order (about wl / (2 pi n_eff) / 2 ~ 0.08 um) of the
        request.

    Example:
        >>> r = ring_radius_for_resonance_um(wl_nm=1550.0, approx_radius_um=30.0)
        >>> abs(r - 30.0) < 0.1
        True
        >>> r = ring_radius_for_resonance_um(wl_nm=1550.0, approx_radius_um=50.0, straight_um=60.0)
        >>> res = ring_resonances_nm(radius_um=r, straight_um=60.0, wl_min_nm=1549.0,
        ...                          wl_max_nm=1551.0)
        >>> abs(r - 50.0) < 0.1, round(float(res[0]), 6)
        (True, 1550.0)
    """
    wl_um = check_positive("wl_nm", wl_nm, "nm") * 1e-3
    r0 = check_positive("approx_radius_um", approx_radius_um, "um")
    s = check_nonnegative("straight_um", straight_um, "um")
    m = _order_near(wl_um=wl_um, radius_um=r0, straight_um=s)
    return _radius_for_order_um(order=m, wl_um=wl_um, straight_um=s, guess_um=r0)


def wdm_ring_radii_um(
    *,
    centre_nm: float,
    spacing_nm: float,
    channels: int,
    radius_um: float,
    straight_um: float = 0.0,
) -> np.ndarray:
    """Arc radii of the ``channels`` rings of a WDM bank, ring k resonant at grid channel k.

    All rings share the order m chosen at the grid centre for ``radius_um``, so they stay
    within a few tens of nm of ``radius_um`` and their neighbouring orders lie one FSR away.
    Racetracks (``straight_um`` > 0, e.g. the tile's qubitrons) keep their straights and
    change only their arc radius.

    Args:
        centre_nm: grid centre in nm (> 0).
        spacing_nm: channel spacing in nm (> 0).
        channels: number of channels (integer >= 1).
        radius_um: nominal arc radius in um (> 0).
        straight_um: total length of each racetrack's straights in um (>= 0; 0: circles).

    Returns:
        arc radii in um, shape (channels,), in channel order (ascending wavelength).

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
    s = check_nonnegative("straight_um", straight_um, "um")
    n = len(grid)
    fsr = ring_fsr_nm(radius_um=r0, wl_nm=float(centre_nm), straight_um=s)
    if n * float(spacing_nm) >= fsr:
        raise ValueError(
            f"channels * spacing_nm = {n} * {spacing_nm} nm = {n * float(spacing_nm):.3g} nm must "
            f"be < the FSR {fsr:.3g} nm of a ring of radius_um={r0}"
            + (f", straight_um={s}" if s else "")
            + " (channels would alias): reduce spacing_nm or channels, or use a smaller radius_um"
        )
    m = _order_near(wl_um=float(centre_nm) * 1e-3, radius_um=r0, straight_um=s)
    return np.array([
        _radius_for_order_um(order=m, wl_um=float(wl) * 1e-3, straight_um=s, guess_um=r0)
        for wl in grid
    ])


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
        0.1344
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
