"""Pump and Stokes pulse envelopes of STIRAP: Gaussian or sin^2, with their areas.

Units: time in ns, Rabi frequency in rad/us (1 rad/us = 1e6 rad/s; Omega / 2 pi in MHz is the
value / 2 pi), pulse area in rad. A pulse area is A = integral Omega(t) dt, so with Omega in
rad/us and t in ns, A = 1e-3 * Omega_peak * (area of the unit-peak envelope in ns).

Envelopes (unit peak, centre t_c, full width at half maximum ``fwhm_ns`` of Omega(t)):

- ``"gaussian"``: f(t) = exp(-4 ln2 (t - t_c)^2 / fwhm^2); area fwhm * sqrt(pi / (4 ln 2))
  (= 1.0645 fwhm); cut at |t - t_c| = 3 fwhm, where f < 2e-11 (the cut is part of the model).
- ``"sin2"``: f(t) = cos^2(pi (t - t_c) / (2 fwhm)) for |t - t_c| <= fwhm, 0 outside (a sin^2
  pulse of total length 2 fwhm); area fwhm.

Pulse order: ``delay_ns`` = t_c(pump) - t_c(Stokes). delay > 0 is the counter-intuitive order
of STIRAP (Stokes first; Vitanov et al., Rev. Mod. Phys. 89, 015006 (2017)); delay < 0 is the
intuitive order. The Stokes pulse is centred at -delay/2 and the pump at +delay/2.

Example:
    >>> p = StirapPulses(pump_peak_rabi_rad_per_us=500.0, stokes_peak_rabi_rad_per_us=500.0,
    ...                  fwhm_ns=20.0, delay_ns=12.0, shape="sin2")
    >>> round(p.pump_area_rad, 3), p.window_ns()
    (10.0, (-26.0, 26.0))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from control._checks import finite, nonnegative, positive

__all__ = [
    "GAUSSIAN_CUT_FWHM",
    "PulseShape",
    "PulseTiming",
    "StirapPulses",
    "envelope",
    "envelope_area_ns",
    "envelope_half_span_ns",
    "peak_rabi_for_area_rad_per_us",
]

PulseShape = Literal["gaussian", "sin2"]
PULSE_SHAPES: tuple[str, ...] = ("gaussian", "sin2")
# Gaussian pulses are cut at +- 3 FWHM (relative amplitude exp(-36 ln 2) < 2e-11 there).
GAUSSIAN_CUT_FWHM = 3.0
_GAUSS_AREA_PER_FWHM = math.sqrt(math.pi / (4.0 * math.log(2.0)))
_FOUR_LN2 = 4.0 * math.log(2.0)


def _shape(shape: str) -> str:
    if shape not in PULSE_SHAPES:
        raise ValueError(f"shape must be one of {PULSE_SHAPES}, got {shape!r}")
    return shape


def envelope(
    t_ns: ArrayLike, *, centre_ns: ArrayLike, fwhm_ns: ArrayLike, shape: PulseShape = "gaussian"
) -> NDArray[np.float64]:
    """Unit-peak envelope f(t) of one pulse (see the module docstring for the formulas).

    Args:
        t_ns: time(s) in ns.
        centre_ns: pulse centre(s) in ns (broadcast with ``t_ns``).
        fwhm_ns: full width at half maximum of Omega(t) in ns (> 0; broadcast).
        shape: ``"gaussian"`` or ``"sin2"``.

    Returns:
        f(t) in [0, 1], shape of the broadcast inputs.

    Example:
        >>> envelope([0.0, 5.0], centre_ns=0.0, fwhm_ns=10.0).round(3).tolist()
        [1.0, 0.5]
    """
    _shape(shape)
    u = (np.asarray(t_ns, dtype=float) - np.asarray(centre_ns, dtype=float)) / np.asarray(
        fwhm_ns, dtype=float
    )
    if shape == "gaussian":
        out = np.exp(-_FOUR_LN2 * u * u)
        return np.where(np.abs(u) <= GAUSSIAN_CUT_FWHM, out, 0.0)
    out = np.cos(0.5 * np.pi * u) ** 2
    return np.where(np.abs(u) <= 1.0, out, 0.0)


def envelope_area_ns(*, fwhm_ns: float, shape: PulseShape = "gaussian") -> float:
    """Area (ns) of the unit-peak envelope: 1.0645 fwhm (Gaussian) or fwhm (sin^2).

    Example:
        >>> round(envelope_area_ns(fwhm_ns=1.0), 4)
        1.0645
    """
    w = positive("fwhm_ns", fwhm_ns, "ns")
    return w * (_GAUSS_AREA_PER_FWHM if _shape(shape) == "gaussian" else 1.0)


def envelope_half_span_ns(*, fwhm_ns: float, shape: PulseShape = "gaussian") -> float:
    """Half of the pulse's support (ns): 3 fwhm (Gaussian, cut) or fwhm (sin^2).

    Example:
        >>> envelope_half_span_ns(fwhm_ns=2.0, shape="sin2")
        2.0
    """
    w = positive("fwhm_ns", fwhm_ns, "ns")
    return w * (GAUSSIAN_CUT_FWHM if _shape(shape) == "gaussian" else 1.0)


def peak_rabi_for_area_rad_per_us(
    *, area_rad: ArrayLike, fwhm_ns: float, shape: PulseShape = "gaussian"
) -> NDArray[np.float64]:
    """Peak Rabi frequency (rad/us) giving pulse area ``area_rad``: 1e3 A / envelope area.

    Example:
        >>> float(peak_rabi_for_area_rad_per_us(area_rad=10.0, fwhm_ns=20.0, shape="sin2"))
        500.0
    """
    a = np.asarray(area_rad, dtype=float)
    if a.size and (not np.all(np.isfinite(a)) or np.any(a < 0)):
        raise ValueError(f"area_rad must be finite and >= 0 rad, got {area_rad!r}")
    return 1e3 * a / envelope_area_ns(fwhm_ns=fwhm_ns, shape=shape)


@dataclass(frozen=True)
class StirapPulses:
    """Pump and Stokes pulse pair of one STIRAP transfer.

    Attributes:
        pump_peak_rabi_rad_per_us: peak pump Rabi frequency Omega_P (g1-e), rad/us, >= 0.
        stokes_peak_rabi_rad_per_us: peak Stokes Rabi frequency Omega_S (e-g2), rad/us, >= 0.
        fwhm_ns: FWHM of both Rabi envelopes in ns (> 0).
        delay_ns: t_c(pump) - t_c(Stokes) in ns; > 0 is counter-intuitive (Stokes first).
        shape: ``"gaussian"`` or ``"sin2"``.
    """

    pump_peak_rabi_rad_per_us: float
    stokes_peak_rabi_rad_per_us: float
    fwhm_ns: float = 20.0
    delay_ns: float = 12.0
    shape: PulseShape = "gaussian"

    def __post_init__(self) -> None:
        nonnegative("pump_peak_rabi_rad_per_us", self.pump_peak_rabi_rad_per_us, "rad/us")
        nonnegative("stokes_peak_rabi_rad_per_us", self.stokes_peak_rabi_rad_per_us, "rad/us")
        positive("fwhm_ns", self.fwhm_ns, "ns")
        finite("delay_ns", self.delay_ns)
        _shape(self.shape)

    @property
    def pump_area_rad(self) -> float:
        """Pump pulse area in rad."""
        area = envelope_area_ns(fwhm_ns=self.fwhm_ns, shape=self.shape)
        return 1e-3 * self.pump_peak_rabi_rad_per_us * area

    @property
    def stokes_area_rad(self) -> float:
        """Stokes pulse area in rad."""
        area = envelope_area_ns(fwhm_ns=self.fwhm_ns, shape=self.shape)
        return 1e-3 * self.stokes_peak_rabi_rad_per_us * area

    def window_ns(self) -> tuple[float, float]:
        """(start, end) in ns of the time span covering both pulses."""
        half = envelope_half_span_ns(fwhm_ns=self.fwhm_ns, shape=self.shape)
        d = 0.5 * abs(self.delay_ns)
        return (-d - half, d + half)

    def rabi_rad_per_ns(self, t_ns: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(Omega_P(t), Omega_S(t)) in rad/ns at times ``t_ns`` (the solvers' internal unit)."""
        common = {"fwhm_ns": self.fwhm_ns, "shape": self.shape}
        fp = envelope(t_ns, centre_ns=0.5 * self.delay_ns, **common)  # type: ignore[arg-type]
        fs = envelope(t_ns, centre_ns=-0.5 * self.delay_ns, **common)  # type: ignore[arg-type]
        pump = 1e-3 * self.pump_peak_rabi_rad_per_us * fp
        return pump, 1e-3 * self.stokes_peak_rabi_rad_per_us * fs


@dataclass(frozen=True)
class PulseTiming:
    """Shape and timing of the pump / Stokes pair shared by a chip (peaks come from power).

    Attributes:
        fwhm_ns: FWHM of both Rabi envelopes, ns (> 0).
        delay_ns: t_c(pump) - t_c(Stokes), ns (> 0: counter-intuitive).
        shape: ``"gaussian"`` or ``"sin2"``.

    Example:
        >>> PulseTiming(fwhm_ns=20.0, delay_ns=12.0).duration_ns
        132.0
    """

    fwhm_ns: float = 20.0
    delay_ns: float = 12.0
    shape: PulseShape = "gaussian"

    def __post_init__(self) -> None:
        positive("fwhm_ns", self.fwhm_ns, "ns")
        finite("delay_ns", self.delay_ns)
        _shape(self.shape)

    @property
    def duration_ns(self) -> float:
        """Length of the window covering both pulses, ns."""
        half = envelope_half_span_ns(fwhm_ns=self.fwhm_ns, shape=self.shape)
        return 2.0 * half + abs(self.delay_ns)
