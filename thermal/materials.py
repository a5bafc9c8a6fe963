"""Temperature-dependent thermal and thermo-optic material data (units in every name).

Room-temperature values come from ``qc_pdk.materials.MATERIALS`` (each sourced there); this
module scales them to the operating temperature:

* thermal conductivity k(T) in W/(m K): a log-log interpolated table of k(T) / k(300 K) per
  material, with its source. Cryogenic values of thin films depend on film quality and size
  (boundary scattering, residual resistivity), so every point below 300 K is an **estimate**
  read from the cited bulk data, flagged ``estimate=True``.
* thermo-optic coefficient dn/dT(T) in 1/K: room value times a fall-off factor that follows the
  shape reported for Si at 1550 nm, which falls by orders of magnitude below ~30 K
  [ref: Thermo-optic coefficients at cryogenic temperature]; applying the same shape to SiN and
  SiO2 is an **estimate**.
* volumetric heat capacity rho c_p in J/(m^3 K): handbook room values scaled with the Debye
  function (an **estimate** below ~100 K; amorphous solids have excess low-T heat capacity).

Example:
    >>> round(conductivity_W_per_mK(material="sio2", temperature_K=300.0), 2)
    1.38
    >>> conductivity_W_per_mK(material="sio2", temperature_K=4.0) < 0.2
    True
    >>> dn_dT_per_K(material="sin", temperature_K=4.0) < 1e-7
    True
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from pydantic import BaseModel, ConfigDict
from scipy.integrate import quad

from qc_pdk.materials import MATERIALS

__all__ = [
    "MATERIAL_NAMES",
    "ThermalMaterialData",
    "conductivity_W_per_mK",
    "dn_dT_per_K",
    "heat_capacity_J_per_m3K",
    "material_data",
]

ROOM_K = 300.0

# k(T) / k(300 K) shapes: (temperature_K, ratio) points, log-log interpolated.
# Crystalline Si: Glassbrenner & Slack, Phys. Rev. 134, A1058 (1964), bulk (peak near 20-30 K);
# the 4 K value is boundary-limited and sample-size dependent: estimate for a thin substrate.
_SI_SHAPE = ((4.0, 1.5), (10.0, 13.0), (20.0, 30.0), (50.0, 18.0), (100.0, 6.0),
             (200.0, 1.8), (300.0, 1.0))
# Amorphous SiO2: Zeller & Pohl, Phys. Rev. B 4, 2029 (1971) (plateau ~0.1 W/m/K at 4-10 K).
_GLASS_SHAPE = ((1.0, 0.03), (4.0, 0.075), (10.0, 0.085), (20.0, 0.11), (50.0, 0.25),
                (100.0, 0.5), (200.0, 0.8), (300.0, 1.0))
# Thin metal films (TiN, Al): Wiedemann-Franz, k = L0 T / rho(T), rho = rho_res + rho_ph(T)
# with a residual-resistivity ratio RRR ~ 5 for a deposited film (estimate); rho_ph ~ T
# above ~50 K (Bloch-Grueneisen, simplified). Superconducting Al (< 1.2 K) is not modelled.
_FILM_RRR = 5.0


def _metal_shape(temperature_K: float) -> float:
    """k(T) / k(300 K) of a metal film from Wiedemann-Franz with rho = rho_res + rho_ph(T)."""

    def rho(t: float) -> float:  # in units of rho(300 K)
        phonon = t / ROOM_K if t >= 50.0 else (50.0 / ROOM_K) * (t / 50.0) ** 5
        return 1.0 / _FILM_RRR + (1.0 - 1.0 / _FILM_RRR) * phonon

    return (temperature_K / rho(temperature_K)) / (ROOM_K / rho(ROOM_K))


# dn/dT(T) / dn/dT(300 K): shape of Si at 1550 nm [ref: Thermo-optic coefficients at
# cryogenic temperature] (Komma et al. 2012): orders of magnitude smaller below ~30 K.
_DNDT_SHAPE = ((4.0, 1e-4), (10.0, 1e-3), (30.0, 0.02), (50.0, 0.08), (100.0, 0.35),
               (200.0, 0.75), (300.0, 1.0))

# Room-temperature rho * c_p (J/m^3/K) and Debye temperatures (K). CRC Handbook of Chemistry
# and Physics (density x specific heat at 300 K); Debye temperatures from Kittel, Introduction
# to Solid State Physics, table 5.1 (Si 645 K, Al 428 K); SiO2, SiN, TiN, NbN: estimates.
_RHO_CP_300: dict[str, tuple[float, float]] = {
    "si": (2329.0 * 705.0, 645.0),
    "sio2": (2200.0 * 740.0, 470.0),
    "sin": (3100.0 * 700.0, 900.0),
    "tin": (5400.0 * 600.0, 580.0),
    "al": (2700.0 * 897.0, 428.0),
    "nbn": (8400.0 * 360.0, 300.0),
    "air": (1.2 * 1005.0, 1.0),
}

AIR_K_300 = 0.026  # W/m/K, dry air at 300 K (CRC Handbook); trenches at room temperature
VACUUM_K = 1e-4  # W/m/K: an evacuated trench in a cryostat (radiation neglected), estimate

MATERIAL_NAMES: tuple[str, ...] = ("si", "sio2", "sin", "tin", "al", "nbn", "air")


class ThermalMaterialData(BaseModel):
    """One material's thermal data at one temperature (units in the field names)."""

    model_config = ConfigDict(frozen=True)

    name: str
    temperature_K: float
    conductivity_W_per_mK: float
    dn_dT_per_K: float
    heat_capacity_J_per_m3K: float
    source: str
    estimate: bool


def _loglog(shape: tuple[tuple[float, float], ...], temperature_K: float) -> float:
    t = np.log([p[0] for p in shape])
    r = np.log([p[1] for p in shape])
    return float(np.exp(np.interp(math.log(temperature_K), t, r)))


def _check(material: str, temperature_K: float) -> tuple[str, float]:
    name = str(material).lower()
    if name not in MATERIAL_NAMES:
        raise ValueError(f"material must be one of {MATERIAL_NAMES}, got {material!r}")
    try:
        t = float(temperature_K)
    except (TypeError, ValueError):
        raise ValueError(
            f"temperature_K must be a number in [1, 400] K, got {temperature_K!r}"
        ) from None
    if not (1.0 <= t <= 400.0):
        raise ValueError(f"temperature_K must be in [1, 400] K, got {temperature_K!r}")
    return name, t


def conductivity_W_per_mK(*, material: str, temperature_K: float = ROOM_K) -> float:
    """Thermal conductivity of ``material`` at ``temperature_K``.

    Args:
        material: one of ``MATERIAL_NAMES``.
        temperature_K: temperature in K, 1-400.

    Returns:
        k in W/(m K). Air becomes vacuum (1e-4) below 100 K: a cryostat's trenches are empty.

    Example:
        >>> conductivity_W_per_mK(material="si", temperature_K=300.0)
        148.0
    """
    name, t = _check(material, temperature_K)
    if name == "air":
        return AIR_K_300 * (t / ROOM_K) ** 0.8 if t >= 100.0 else VACUUM_K
    k300 = MATERIALS[name].thermal_conductivity_W_per_mK
    if t >= ROOM_K:
        return k300 if name != "si" else k300 * (ROOM_K / t) ** 1.3
    if name == "si":
        return k300 * _loglog(_SI_SHAPE, t)
    if name in ("tin", "al"):
        return k300 * _metal_shape(t)
    return k300 * _loglog(_GLASS_SHAPE, t)  # sio2, sin, nbn: glass-like (estimate for sin/nbn)


def dn_dT_per_K(*, material: str, temperature_K: float = ROOM_K) -> float:
    """Thermo-optic coefficient of ``material`` at 1550 nm and ``temperature_K`` (1/K).

    Example:
        >>> dn_dT_per_K(material="sio2", temperature_K=300.0)
        8.5e-06
    """
    name, t = _check(material, temperature_K)
    if name == "air":
        return 0.0
    d300 = MATERIALS[name].dn_dT_per_K
    return d300 if t >= ROOM_K else d300 * _loglog(_DNDT_SHAPE, t)


@lru_cache(maxsize=256)
def _debye_cv(x: float) -> float:
    """Debye heat-capacity function, 3 / x^3 * int_0^x t^4 e^t / (e^t - 1)^2 dt, x = theta / T."""
    if x < 1e-6:
        return 1.0
    val, _ = quad(lambda s: s**4 * math.exp(-s) / (1.0 - math.exp(-s)) ** 2, 1e-12, x)
    return 3.0 / x**3 * val


def heat_capacity_J_per_m3K(*, material: str, temperature_K: float = ROOM_K) -> float:
    """Volumetric heat capacity rho c_p of ``material`` (J/(m^3 K)), Debye-scaled from 300 K.

    Example:
        >>> round(heat_capacity_J_per_m3K(material="si") / 1e6, 2)
        1.64
    """
    name, t = _check(material, temperature_K)
    c300, theta = _RHO_CP_300[name]
    if name == "air":
        return c300
    return c300 * _debye_cv(theta / t) / _debye_cv(theta / ROOM_K)


def material_data(*, material: str, temperature_K: float = ROOM_K) -> ThermalMaterialData:
    """All thermal data of ``material`` at ``temperature_K`` with its source and estimate flag.

    Example:
        >>> material_data(material="sin", temperature_K=300.0).estimate
        False
    """
    name, t = _check(material, temperature_K)
    if name == "air":
        src = "CRC Handbook (air at 300 K); vacuum below 100 K (estimate)"
    else:
        m = MATERIALS[name]
        src = (
            f"k: {m.source_thermal_conductivity}; dn/dT: {m.source_dn_dT}; below 300 K "
            "scaled: see thermal.materials (Glassbrenner & Slack 1964, Zeller & Pohl 1971, "
            "Wiedemann-Franz, [ref: Thermo-optic coefficients at cryogenic temperature])"
        )
    return ThermalMaterialData(
        name=name,
        temperature_K=t,
        conductivity_W_per_mK=conductivity_W_per_mK(material=name, temperature_K=t),
        dn_dT_per_K=dn_dT_per_K(material=name, temperature_K=t),
        heat_capacity_J_per_m3K=heat_capacity_J_per_m3K(material=name, temperature_K=t),
        source=src,
        estimate=t < ROOM_K - 1e-9 or name in ("nbn",),
    )
