"""Effective and group index of the SiN strip waveguide: vectorial where tabulated, else EIM.

Where the PDK's mode table (``qc_pdk/data/mode_table.json``, ``components.models.mode_table``)
has the core's width x thickness, :func:`effective_index` is the **fully vectorial** value
(FEM, ``simulation.modes``): at 1.55 um n_eff = 1.5433, n_g = 1.907 for the 0.8 x 0.3 um strip
(the issue's independent check: 1.5432 / 1.9073). Elsewhere it falls back to the
effective-index method (EIM, :func:`eim_effective_index`), an **estimate**: the 0.8 um x 0.3 um
Si3N4 strip buried in SiO2 is reduced to two symmetric slabs (Okamoto, *Fundamentals of
Optical Waveguides*, ch. 2.3):

1. vertical slab, thickness ``thickness_um``, core n_SiN, cladding n_SiO2, **TE** polarisation
   -> slab index n_slab;
2. lateral slab, width ``width_um``, core n_slab, cladding n_SiO2, **TM** polarisation (the
   field of the TE-like strip mode is normal to the lateral interfaces) -> n_eff.

The EIM over-estimates n_eff of a strip (1.568 vs 1.543 here: it ignores the corners and
inflates the lateral contrast). The tabulated value is the EIM plus the vectorial correction
(quadratic over the table's three wavelengths, constant outside), so material dispersion
stays smooth over any band. Material indices come from Sellmeier fits: Si3N4 from Luke et
al., Opt. Lett. 40, 4823 (2015) (LPCVD stoichiometric Si3N4), SiO2 from Malitson, JOSA 55,
1205 (1965); both agree with ``qc_pdk.materials.MATERIALS`` at 1550 nm (1.996 and 1.444).

Units: wavelengths in micrometres (sax convention), widths/thicknesses in micrometres.

Example:
    >>> from components.models.waveguide_modes import effective_index, group_index
    >>> round(float(effective_index(1.55)), 4), round(float(group_index(1.55)), 3)
    (1.5433, 1.907)
    >>> round(float(eim_effective_index(1.55)), 3)
    1.568
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import brentq

# the PDK's strip (qc_pdk.cross_sections; repeated here so the models import without gdsfactory)
WG_WIDTH_UM = 0.8
WG_THICKNESS_UM = 0.3

__all__ = [
    "effective_index",
    "eim_effective_index",
    "evanescent_decay_um",
    "group_index",
    "n_sin",
    "n_sio2",
    "slab_effective_index",
]

# Central-difference step for d n_eff / d wl (um). 1 nm keeps truncation error ~1e-7 in n_g
# while staying far above the 1e-14 root tolerance.
_DWL_UM = 1e-3


def n_sin(wl_um: ArrayLike) -> np.ndarray:
    """Refractive index of LPCVD Si3N4 (Luke et al., Opt. Lett. 40, 4823 (2015) Sellmeier).

    Args:
        wl_um: vacuum wavelength(s) in um (fit valid 0.31-5.5 um).

    Returns:
        n (dimensionless), same shape as ``wl_um``.

    Example:
        >>> round(float(n_sin(1.55)), 3)
        1.996
    """
    wl2 = np.asarray(wl_um, dtype=float) ** 2
    n2 = 1.0 + 3.0249 * wl2 / (wl2 - 0.1353406**2) + 40314.0 * wl2 / (wl2 - 1239.842**2)
    return np.sqrt(n2)


def n_sio2(wl_um: ArrayLike) -> np.ndarray:
    """Refractive index of fused silica (Malitson, JOSA 55, 1205 (1965) Sellmeier).

    Args:
        wl_um: vacuum wavelength(s) in um (fit valid 0.21-3.71 um).

    Returns:
        n (dimensionless), same shape as ``wl_um``.

    Example:
        >>> round(float(n_sio2(1.55)), 3)
        1.444
    """
    wl2 = np.asarray(wl_um, dtype=float) ** 2
    n2 = (
        1.0
        + 0.6961663 * wl2 / (wl2 - 0.0684043**2)
        + 0.4079426 * wl2 / (wl2 - 0.1162414**2)
        + 0.8974794 * wl2 / (wl2 - 9.896161**2)
    )
    return np.sqrt(n2)


def _check_positive(name: str, value: float) -> float:
    value = float(value)
    if not value > 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def _slab_neff(wl_um: float, d_um: float, n_core: float, n_clad: float, tm: bool) -> float:
    """Fundamental mode of a symmetric slab (thickness d_um): brentq on its dispersion relation."""
    k0 = 2.0 * math.pi / wl_um
    ratio = (n_core / n_clad) ** 2 if tm else 1.0

    def f(n: float) -> float:
        kx = k0 * math.sqrt(max(n_core**2 - n**2, 0.0))
        gamma = k0 * math.sqrt(max(n**2 - n_clad**2, 0.0))
        # kx d/2 = atan(ratio * gamma / kx); decreasing in n, sign change on (n_clad, n_core)
        return kx * d_um / 2.0 - math.atan2(ratio * gamma, kx)

    eps = 1e-12
    return brentq(f, n_clad + eps, n_core - eps, xtol=1e-15, rtol=4 * np.finfo(float).eps)


@functools.lru_cache(maxsize=65536)
def strip_neff_eim(
    *, wl_um: float, n_core: float, n_clad: float, width_um: float, thickness_um: float
) -> float:
    """Two-step effective-index n_eff of a buried strip with the given core and cladding
    indices (the thermo-optic partials vary them; :func:`eim_effective_index` uses SiN/SiO2).

    Example:
        >>> round(strip_neff_eim(wl_um=1.55, n_core=1.996, n_clad=1.444, width_um=0.8,
        ...                      thickness_um=0.3), 3)
        1.568
    """
    if not (n_core > n_clad > 0):
        raise ValueError(f"n_core must be > n_clad > 0, got n_core={n_core}, n_clad={n_clad}")
    n_slab = _slab_neff(wl_um, thickness_um, n_core, n_clad, tm=False)
    return _slab_neff(wl_um, width_um, n_slab, n_clad, tm=True)


def slab_effective_index(wl_um: float = 1.55, *, thickness_um: float = WG_THICKNESS_UM) -> float:
    """TE effective index of the vertical SiN slab (first step of the effective-index method).

    Args:
        wl_um: vacuum wavelength in um.
        thickness_um: SiN film thickness in um (default: PDK ``WG_THICKNESS_UM`` = 0.3).

    Returns:
        slab effective index (dimensionless).

    Example:
        >>> 1.444 < slab_effective_index(1.55) < 1.996
        True
    """
    wl = _check_positive("wl_um", wl_um)
    t = _check_positive("thickness_um", thickness_um)
    return _slab_neff(wl, t, float(n_sin(wl)), float(n_sio2(wl)), tm=False)


def eim_effective_index(
    wl_um: ArrayLike = 1.55,
    *,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Effective-index-method estimate of the fundamental TE-like mode's n_eff (see module).

    Args:
        wl_um: vacuum wavelength(s) in um; any shape.
        width_um: core width in um (default PDK ``WG_WIDTH_UM`` = 0.8).
        thickness_um: core thickness in um (default PDK ``WG_THICKNESS_UM`` = 0.3).

    Returns:
        n_eff (dimensionless float array with the shape of ``wl_um``).

    Example:
        >>> round(float(eim_effective_index(1.55)), 3)
        1.568
    """
    w = _check_positive("width_um", width_um)
    t = _check_positive("thickness_um", thickness_um)
    wl = np.asarray(wl_um, dtype=float)
    if np.any(~np.isfinite(wl)) or np.any(wl <= 0):
        raise ValueError("wl_um must be finite and > 0 um")
    flat = _eim_on_grid(np.ascontiguousarray(wl).ravel().tobytes(), w, t)
    return flat.reshape(wl.shape).copy()  # the cached array itself is never handed out


@functools.lru_cache(maxsize=64)
def _eim_on_grid(wl_bytes: bytes, width_um: float, thickness_um: float) -> np.ndarray:
    # A ring model evaluates n_eff several times per call (arcs, straights, both couplers) on
    # the same 1000-point grid, and sweeps re-use grids: one root solve per point of a grid
    # (~7 ms per 1000 points in Python) is memoised by the grid's bytes (a pure function of
    # them); the cached result is read-only.
    wl = np.frombuffer(wl_bytes, dtype=float)
    n_core, n_clad = n_sin(wl), n_sio2(wl)
    out = np.array([
        strip_neff_eim(wl_um=float(x), n_core=float(a), n_clad=float(b), width_um=width_um,
                       thickness_um=thickness_um)
        for x, a, b in zip(wl, n_core, n_clad, strict=True)
    ])
    out.flags.writeable = False
    return out


def effective_index(
    wl_um: ArrayLike = 1.55,
    *,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    radius_um: float = math.inf,
) -> np.ndarray:
    """n_eff of the fundamental TE-like mode: vectorial where tabulated, else the EIM estimate.

    Args:
        wl_um: vacuum wavelength(s) in um; any shape.
        width_um: core width in um (default PDK ``WG_WIDTH_UM`` = 0.8).
        thickness_um: core thickness in um (default PDK ``WG_THICKNESS_UM`` = 0.3).
        radius_um: bend radius of the centreline in um (default ``inf``: straight). A bent
            mode's n_eff (referenced to the centreline, from the mode table; beyond the
            table's largest radius it relaxes to the straight value as 1/R^2; the straight
            value for an untabulated cross-section) is what sets the phase of a ring's arcs.

    Returns:
        n_eff (dimensionless float array with the shape of ``wl_um``).

    Example:
        >>> round(float(effective_index(1.55)), 4)
        1.5433
        >>> effective_index([1.5, 1.6]).shape
        (2,)
        >>> round(float(effective_index(1.55, radius_um=50.0) - effective_index(1.55)), 4)
        0.0006
    """
    from components.models.mode_table import mode_entry

    r = float(radius_um)
    if not r > 0:
        raise ValueError(f"radius_um must be > 0 um (inf: straight), got {radius_um!r}")
    n = eim_effective_index(wl_um, width_um=width_um, thickness_um=thickness_um)
    entry = mode_entry(width_um=width_um, thickness_um=thickness_um)
    if entry is None:
        return n
    return n + entry.n_eff_correction(np.asarray(wl_um, dtype=float), radius_um=r)


def group_index(
    wl_um: ArrayLike = 1.55,
    *,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    radius_um: float = math.inf,
) -> np.ndarray:
    """Group index n_g = n_eff - wl d n_eff / d wl of the SiN strip, material dispersion included.

    The derivative is a central difference (step 1 nm) of ``effective_index``, whose material
    indices follow the Sellmeier fits, so waveguide and material dispersion are both included.

    Args:
        wl_um: vacuum wavelength(s) in um; any shape.
        width_um: core width in um.
        thickness_um: core thickness in um.
        radius_um: bend radius in um (default ``inf``: straight; see :func:`effective_index`).

    Returns:
        n_g (dimensionless float array with the shape of ``wl_um``).

    Example:
        >>> round(float(group_index(1.55)), 3)
        1.907
    """
    wl = np.asarray(wl_um, dtype=float)
    kw = {"width_um": width_um, "thickness_um": thickness_um, "radius_um": radius_um}
    n0 = effective_index(wl, **kw)
    dn = (effective_index(wl + _DWL_UM, **kw) - effective_index(wl - _DWL_UM, **kw)) / (
        2.0 * _DWL_UM
    )
    return n0 - wl * dn


def evanescent_decay_um(
    wl_um: ArrayLike = 1.55,
    *,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Lateral 1/e decay length (um) of the guided field in the SiO2 cladding.

    decay = 1 / (k0 sqrt(n_eff^2 - n_clad^2)).

    Coupled-mode theory makes the coupling between two parallel guides scale as
    exp(-gap / decay) with this length (Yariv, IEEE JQE 9, 919 (1973)); the ring coupler model
    uses it as its default gap-decay constant.

    Args:
        wl_um: vacuum wavelength(s) in um.
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        decay length in um, shape of ``wl_um``.

    Example:
        >>> 0.2 < float(evanescent_decay_um(1.55)) < 0.6
        True
    """
    wl = np.asarray(wl_um, dtype=float)
    neff = effective_index(wl, width_um=width_um, thickness_um=thickness_um)
    k0 = 2.0 * np.pi / wl
    return 1.0 / (k0 * np.sqrt(neff**2 - n_sio2(wl) ** 2))
