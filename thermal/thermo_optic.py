"""Thermo-optic response of the SiN ring mode: dn_eff/dT and resonance shift per kelvin.

The mode's effective thermo-optic coefficient is
dn_eff/dT = (d n_eff / d n_SiN) dn_SiN/dT + (d n_eff / d n_SiO2) dn_SiO2/dT,
with the partial derivatives taken by finite differences of the same two-step
effective-index method as ``components.models.waveguide_modes`` (``strip_neff_eim``, which
takes the core and cladding indices as inputs). The partials are the confinement-weighted
sensitivities of the mode; the effective-index method is itself an approximation, so dn_eff/dT is an
**estimate** (a few per cent).

A ring resonance at wl shifts by d wl = wl (dn_eff/dT) dT_avg / n_g, where dT_avg is the
temperature rise averaged along the ring's round trip (the phase integrates n_eff over it).

Example:
    >>> round(neff_eim(wl_um=1.55, n_core=1.996, n_clad=1.444), 3)
    1.568
    >>> 1.2e-5 < dneff_dT_per_K() < 2.2e-5
    True
    >>> 0.008 < shift_nm_per_K() < 0.02
    True
"""

from __future__ import annotations

from components.models.waveguide_modes import group_index, n_sin, n_sio2, strip_neff_eim
from qc_pdk.cross_sections import WG_THICKNESS_UM, WG_WIDTH_UM
from thermal.materials import dn_dT_per_K

__all__ = ["dneff_dT_per_K", "neff_eim", "shift_nm_per_K"]

_DN = 1e-4  # index step for the finite-difference partials


def neff_eim(
    *,
    wl_um: float,
    n_core: float,
    n_clad: float,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> float:
    """Effective index of the strip's TE-like mode (two-step effective-index method)."""
    return strip_neff_eim(wl_um=wl_um, n_core=n_core, n_clad=n_clad, width_um=width_um,
                          thickness_um=thickness_um)


def dneff_dT_per_K(*, wl_nm: float = 1550.0, temperature_K: float = 300.0) -> float:
    """Effective thermo-optic coefficient of the SiN strip mode (1/K), an estimate.

    Args:
        wl_nm: wavelength in nm (> 0).
        temperature_K: operating temperature in K (material dn/dT(T) from thermal.materials).

    Returns:
        dn_eff/dT in 1/K.
    """
    if not wl_nm > 0:
        raise ValueError(f"wl_nm must be > 0 nm, got {wl_nm!r}")
    wl = wl_nm * 1e-3
    nc, ncl = float(n_sin(wl)), float(n_sio2(wl))
    d_core = (neff_eim(wl_um=wl, n_core=nc + _DN, n_clad=ncl)
              - neff_eim(wl_um=wl, n_core=nc - _DN, n_clad=ncl)) / (2 * _DN)
    d_clad = (neff_eim(wl_um=wl, n_core=nc, n_clad=ncl + _DN)
              - neff_eim(wl_um=wl, n_core=nc, n_clad=ncl - _DN)) / (2 * _DN)
    return d_core * dn_dT_per_K(material="sin", temperature_K=temperature_K) + d_clad * dn_dT_per_K(
        material="sio2", temperature_K=temperature_K
    )


def shift_nm_per_K(*, wl_nm: float = 1550.0, temperature_K: float = 300.0) -> float:
    """Ring resonance red shift per kelvin of round-trip-averaged rise, wl dn_eff/dT / n_g (nm/K).

    Args:
        wl_nm: resonance wavelength in nm.
        temperature_K: operating temperature in K.
    """
    ng = float(group_index(wl_nm * 1e-3))
    return wl_nm * dneff_dT_per_K(wl_nm=wl_nm, temperature_K=temperature_K) / ng
