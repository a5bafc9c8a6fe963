"""STIRAP drive from chip figures: power at the qubitron -> intracavity photons -> Rabi frequency.

The pump and Stokes light reach the emitter through the qubitron ring (pump bus / Stokes bus),
so the field at the emitter is the ring's intracavity field. Formulas (SI inside, units in the
names outside; vectorised over numpy arrays):

1. Power at the qubitron from the loss budget: P = P_in 10^(-loss_dB / 10).
2. Intracavity photon number of a ring driven through a bus (temporal coupled-mode theory,
   Haus, *Waves and Fields in Optoelectronics* (1984), ch. 7; ring form in Bogaerts et al.,
   Laser Photon. Rev. 6, 47 (2012)): da/dt = (i dw - kappa/2) a + sqrt(kappa_ex) s_in, so in
   steady state

       n = 4 eta_c Q_L P / (hbar w^2) / (1 + (2 dw / kappa)^2),

   kappa = w / Q_L the loaded energy decay rate, eta_c = kappa_ex / kappa the fraction of it
   through the driven bus (1/2 for a symmetric add-drop ring without intrinsic loss; the
   default), dw the laser-cavity detuning.
3. Rabi frequency of a coherent intracavity field: Omega = 2 g sqrt(n) (Jaynes-Cummings
   coupling g (a sigma+ + h.c.) with <a> = sqrt(n)). Valid in the bad-cavity regime
   kappa > 2 g, where the cavity field follows the drive and adds Purcell decay rather than
   vacuum-Rabi splitting (:func:`bad_cavity` checks it).
4. Single-photon coupling from the emitter's dipole d and the mode volume V:
   g = xi (d / hbar) sqrt(hbar w / (2 eps0 n^2 V)), xi = field at the emitter / field maximum.
5. Purcell factor (cooperativity into the ring mode) F = 4 g^2 / (kappa gamma0); the excited
   state then decays at Gamma = gamma0 (1 + F) and a fraction beta = F / (1 + F) of the
   photons goes into the ring mode (Purcell, Phys. Rev. 69, 681 (1946); cavity-QED form in
   Reiserer & Rempe, Rev. Mod. Phys. 87, 1379 (2015)).

Estimates (no measured figure in ``/work/shared/reference/published_figures.md``; override
them): the emitter's dipole moment (:data:`DEFAULT_DIPOLE_DEBYE`), its free-space decay rate
(:data:`DEFAULT_FREE_DECAY_PER_NS`), the ring's effective mode area
(:data:`DEFAULT_MODE_AREA_UM2`) and the energy-weighted index (:data:`DEFAULT_MODE_INDEX`).

Example:
    >>> g = single_photon_coupling_rad_per_us(dipole_debye=30.0, mode_volume_um3=314.0)
    >>> round(float(g))
    2278
    >>> om = rabi_from_power_rad_per_us(power_mW=1.5e-7, loaded_q=1e5, coupling_rad_per_us=g)
    >>> round(float(om))
    1999
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from control import _checks as chk

__all__ = [
    "DEFAULT_DIPOLE_DEBYE",
    "DEFAULT_FREE_DECAY_PER_NS",
    "DEFAULT_MODE_AREA_UM2",
    "DEFAULT_MODE_INDEX",
    "DEFAULT_WAVELENGTH_NM",
    "bad_cavity",
    "cavity_decay_rad_per_us",
    "cavity_detuning_factor",
    "coupling_from_purcell_rad_per_us",
    "intracavity_photons",
    "power_at_qubitron_mW",
    "power_for_rabi_mW",
    "purcell_enhanced_decay_per_ns",
    "purcell_factor",
    "rabi_from_power_rad_per_us",
    "ring_mode_volume_um3",
    "single_photon_coupling_rad_per_us",
]

Array = NDArray[np.float64]

HBAR_J_S = 1.054571817e-34
C_M_PER_S = 299792458.0
EPS0_F_PER_M = 8.8541878128e-12
DEBYE_C_M = 3.33564e-30

# design wavelength of the toolkit (WDM grid centre), nm
DEFAULT_WAVELENGTH_NM = 1550.0
# unsourced estimate: transition dipole of a solid-state emitter (InAs quantum-dot order,
# 10-30 D); a parameter until the emitter is chosen.
DEFAULT_DIPOLE_DEBYE = 30.0
# unsourced estimate: free-space decay rate of |e> (1 ns lifetime, quantum-dot order).
DEFAULT_FREE_DECAY_PER_NS = 1.0
# unsourced estimate: effective mode area of the 0.8 x 0.3 um SiN strip at 1550 nm (the mode
# is weakly confined, so ~1 um^2); V = 2 pi R x area.
DEFAULT_MODE_AREA_UM2 = 1.0
# unsourced estimate: energy-weighted refractive index of the mode (SiN core ~2.0, SiO2 1.45).
DEFAULT_MODE_INDEX = 2.0


def _omega_rad_per_s(wavelength_nm: ArrayLike) -> Array:
    wl = chk.positive_array("wavelength_nm", wavelength_nm, "nm")
    return 2.0 * math.pi * C_M_PER_S / (wl * 1e-9)


def cavity_decay_rad_per_us(
    *, loaded_q: ArrayLike, wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM
) -> Array:
    """Loaded energy decay rate kappa = w / Q_L in rad/us.

    Example:
        >>> round(float(cavity_decay_rad_per_us(loaded_q=1e6)))
        1215
    """
    q = chk.positive_array("loaded_q", loaded_q)
    return _omega_rad_per_s(wavelength_nm) / q * 1e-6


def cavity_detuning_factor(
    *, detuning_nm: ArrayLike, loaded_q: ArrayLike,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
) -> Array:
    """Lorentzian 1 / (1 + (2 delta / kappa)^2) of a ring detuned from its channel.

    A laser on the channel but a ring ``detuning_nm`` away (2 delta / kappa = 2 Q_L
    detuning / wavelength) builds up that fraction of the on-resonance intracavity power,
    and an emitter on the channel sees the same fraction of the on-resonance Purcell factor.

    Args:
        detuning_nm: ring resonance minus the channel, nm (either sign).
        loaded_q: loaded Q of the ring (> 0).
        wavelength_nm: channel wavelength, nm.

    Returns:
        the factor in (0, 1] (1 on resonance; 0.5 at half a linewidth).

    Example:
        >>> [round(float(f), 3) for f in cavity_detuning_factor(
        ...     detuning_nm=[0.0, 0.0155, 0.1], loaded_q=5e4, wavelength_nm=1550.0)]
        [1.0, 0.5, 0.023]
    """
    d = chk.finite_array("detuning_nm", detuning_nm)
    q = chk.positive_array("loaded_q", loaded_q)
    wl = chk.positive_array("wavelength_nm", wavelength_nm, "nm")
    return 1.0 / (1.0 + (2.0 * q * d / wl) ** 2)


def power_at_qubitron_mW(*, input_power_mW: ArrayLike, path_loss_dB: ArrayLike) -> Array:
    """Power reaching the qubitron, P_in 10^(-loss_dB/10), mW.

    Example:
        >>> float(power_at_qubitron_mW(input_power_mW=1.0, path_loss_dB=10.0))
        0.1
    """
    p = chk.nonnegative_array("input_power_mW", input_power_mW, "mW")
    loss = chk.nonnegative_array("path_loss_dB", path_loss_dB, "dB")
    return p * 10.0 ** (-loss / 10.0)


def intracavity_photons(
    *,
    power_mW: ArrayLike,
    loaded_q: ArrayLike,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
    bus_coupling_fraction: ArrayLike = 0.5,
    cavity_detuning_rad_per_us: ArrayLike = 0.0,
) -> Array:
    """Mean intracavity photon number n = 4 eta_c Q_L P / (hbar w^2) / (1 + (2 dw/kappa)^2).

    Args:
        power_mW: power in the driving bus at the ring, mW (>= 0).
        loaded_q: loaded quality factor Q_L (> 0).
        wavelength_nm: vacuum wavelength, nm.
        bus_coupling_fraction: eta_c = kappa_ex / kappa of the driving bus, in [0, 1].
        cavity_detuning_rad_per_us: laser - cavity detuning dw, rad/us.

    Returns:
        n (dimensionless), broadcast shape.

    Example:
        >>> round(float(intracavity_photons(power_mW=1e-6, loaded_q=1e5)), 3)
        1.284
    """
    p = chk.nonnegative_array("power_mW", power_mW, "mW") * 1e-3
    q = chk.positive_array("loaded_q", loaded_q)
    eta = chk.fraction_array("bus_coupling_fraction", bus_coupling_fraction)
    dw = chk.finite_array("cavity_detuning_rad_per_us", cavity_detuning_rad_per_us)
    w = _omega_rad_per_s(wavelength_nm)
    kappa_us = w / q * 1e-6
    return 4.0 * eta * q * p / (HBAR_J_S * w * w) / (1.0 + (2.0 * dw / kappa_us) ** 2)


def rabi_from_power_rad_per_us(
    *,
    power_mW: ArrayLike,
    loaded_q: ArrayLike,
    coupling_rad_per_us: ArrayLike,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
    bus_coupling_fraction: ArrayLike = 0.5,
    cavity_detuning_rad_per_us: ArrayLike = 0.0,
) -> Array:
    """Rabi frequency Omega = 2 g sqrt(n) of the drive at the emitter, rad/us.

    Args:
        power_mW: power at the qubitron in the driving bus, mW.
        loaded_q: loaded Q of the ring at the drive wavelength.
        coupling_rad_per_us: single-photon coupling g, rad/us (>= 0).
        wavelength_nm, bus_coupling_fraction, cavity_detuning_rad_per_us: as in
            :func:`intracavity_photons`.

    Returns:
        Omega in rad/us.

    Example:
        >>> round(float(rabi_from_power_rad_per_us(power_mW=1e-6, loaded_q=1e5,
        ...                                        coupling_rad_per_us=1000.0)))
        2266
    """
    g = chk.nonnegative_array("coupling_rad_per_us", coupling_rad_per_us, "rad/us")
    n = intracavity_photons(
        power_mW=power_mW, loaded_q=loaded_q, wavelength_nm=wavelength_nm,
        bus_coupling_fraction=bus_coupling_fraction,
        cavity_detuning_rad_per_us=cavity_detuning_rad_per_us,
    )
    return 2.0 * g * np.sqrt(n)


def power_for_rabi_mW(
    *,
    rabi_rad_per_us: ArrayLike,
    loaded_q: ArrayLike,
    coupling_rad_per_us: ArrayLike,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
    bus_coupling_fraction: ArrayLike = 0.5,
) -> Array:
    """Power at the qubitron (mW) that gives the Rabi frequency ``rabi_rad_per_us`` on resonance.

    Inverse of :func:`rabi_from_power_rad_per_us`: P = (Omega / 2g)^2 hbar w^2 / (4 eta_c Q_L).

    Example:
        >>> p = power_for_rabi_mW(rabi_rad_per_us=2000.0, loaded_q=1e5, coupling_rad_per_us=1000.0)
        >>> round(float(rabi_from_power_rad_per_us(power_mW=p, loaded_q=1e5,
        ...                                        coupling_rad_per_us=1000.0)), 6)
        2000.0
    """
    om = chk.nonnegative_array("rabi_rad_per_us", rabi_rad_per_us, "rad/us")
    g = chk.positive_array("coupling_rad_per_us", coupling_rad_per_us, "rad/us")
    q = chk.positive_array("loaded_q", loaded_q)
    eta = chk.positive_array("bus_coupling_fraction", bus_coupling_fraction)
    if np.any(eta > 1):
        raise ValueError("bus_coupling_fraction must be in (0, 1]")
    w = _omega_rad_per_s(wavelength_nm)
    n = (om / (2.0 * g)) ** 2
    return n * HBAR_J_S * w * w / (4.0 * eta * q) * 1e3


def ring_mode_volume_um3(
    *, radius_um: ArrayLike, mode_area_um2: ArrayLike = DEFAULT_MODE_AREA_UM2
) -> Array:
    """Mode volume of a ring, V = 2 pi R A_eff, um^3 (A_eff default: estimate, 1 um^2).

    Example:
        >>> round(float(ring_mode_volume_um3(radius_um=50.0)), 1)
        314.2
    """
    r = chk.positive_array("radius_um", radius_um, "um")
    a = chk.positive_array("mode_area_um2", mode_area_um2, "um^2")
    return 2.0 * math.pi * r * a


def single_photon_coupling_rad_per_us(
    *,
    dipole_debye: ArrayLike = DEFAULT_DIPOLE_DEBYE,
    mode_volume_um3: ArrayLike,
    refractive_index: ArrayLike = DEFAULT_MODE_INDEX,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
    field_fraction: ArrayLike = 1.0,
) -> Array:
    """g = xi (d / hbar) sqrt(hbar w / (2 eps0 n^2 V)), rad/us.

    Args:
        dipole_debye: transition dipole moment, debye (default 30 D: estimate).
        mode_volume_um3: mode volume V, um^3 (see :func:`ring_mode_volume_um3`).
        refractive_index: energy-weighted index n of the mode (default 2.0: estimate).
        wavelength_nm: vacuum wavelength, nm.
        field_fraction: xi = |E(emitter)| / |E|max, in [0, 1], dipole alignment included.

    Returns:
        g in rad/us.
    """
    d = chk.nonnegative_array("dipole_debye", dipole_debye, "D") * DEBYE_C_M
    v = chk.positive_array("mode_volume_um3", mode_volume_um3, "um^3") * 1e-18
    n = chk.positive_array("refractive_index", refractive_index)
    xi = chk.fraction_array("field_fraction", field_fraction)
    w = _omega_rad_per_s(wavelength_nm)
    e_vac = np.sqrt(HBAR_J_S * w / (2.0 * EPS0_F_PER_M * n * n * v))
    return xi * d * e_vac / HBAR_J_S * 1e-6


def purcell_factor(
    *,
    coupling_rad_per_us: ArrayLike,
    loaded_q: ArrayLike,
    free_decay_per_ns: ArrayLike = DEFAULT_FREE_DECAY_PER_NS,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
) -> Array:
    """Purcell factor into the ring mode, F = 4 g^2 / (kappa gamma0) (dimensionless).

    Example:
        >>> round(float(purcell_factor(coupling_rad_per_us=2279.0, loaded_q=1e5)), 2)
        1.71
    """
    g = chk.nonnegative_array("coupling_rad_per_us", coupling_rad_per_us, "rad/us")
    g0 = chk.positive_array("free_decay_per_ns", free_decay_per_ns, "1/ns") * 1e3
    kappa = cavity_decay_rad_per_us(loaded_q=loaded_q, wavelength_nm=wavelength_nm)
    return 4.0 * g * g / (kappa * g0)


def coupling_from_purcell_rad_per_us(
    *,
    purcell_factor: ArrayLike,
    loaded_q: ArrayLike,
    free_decay_per_ns: ArrayLike = DEFAULT_FREE_DECAY_PER_NS,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
) -> Array:
    """g = sqrt(F kappa gamma0) / 2 in rad/us, from a measured or modelled Purcell factor F.

    Example:
        >>> g = coupling_from_purcell_rad_per_us(purcell_factor=1.71, loaded_q=1e5)
        >>> round(float(g))
        2279
    """
    f = chk.nonnegative_array("purcell_factor", purcell_factor)
    g0 = chk.positive_array("free_decay_per_ns", free_decay_per_ns, "1/ns") * 1e3
    kappa = cavity_decay_rad_per_us(loaded_q=loaded_q, wavelength_nm=wavelength_nm)
    return 0.5 * np.sqrt(f * kappa * g0)


def purcell_enhanced_decay_per_ns(
    *, free_decay_per_ns: ArrayLike = DEFAULT_FREE_DECAY_PER_NS, purcell_factor: ArrayLike
) -> Array:
    """Total decay rate of |e>, Gamma = gamma0 (1 + F), 1/ns.

    Example:
        >>> float(purcell_enhanced_decay_per_ns(free_decay_per_ns=1.0, purcell_factor=4.0))
        5.0
    """
    g0 = chk.positive_array("free_decay_per_ns", free_decay_per_ns, "1/ns")
    f = chk.nonnegative_array("purcell_factor", purcell_factor)
    return g0 * (1.0 + f)


def bad_cavity(
    *,
    coupling_rad_per_us: ArrayLike,
    loaded_q: ArrayLike,
    wavelength_nm: ArrayLike = DEFAULT_WAVELENGTH_NM,
) -> NDArray[np.bool_]:
    """True where kappa > 2 g, the regime in which Omega = 2 g sqrt(n) and Purcell decay hold.

    Example:
        >>> bool(bad_cavity(coupling_rad_per_us=2279.0, loaded_q=1e5))
        True
    """
    g = chk.nonnegative_array("coupling_rad_per_us", coupling_rad_per_us, "rad/us")
    kappa = cavity_decay_rad_per_us(loaded_q=loaded_q, wavelength_nm=wavelength_nm)
    return np.asarray(kappa > 2.0 * g)
