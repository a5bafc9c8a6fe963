"""Vectorial mode data of the PDK's waveguides (the cached table) and bend loss from curvature.

``qc_pdk/data/mode_table.json`` holds, per cross-section, the fully vectorial n_eff, n_g and
radiation loss per um of centreline vs bend radius at 1.54 / 1.55 / 1.56 um, computed by
``python -m simulation.modes.table`` (FEM with the exact cylindrical transformation and a PML,
checked against the exact radial solution of a bent slab; see ``simulation/modes``). It is
package data, read once at import like a Sellmeier table; the models stay pure functions of
their arguments.

A bend's radiation loss is the table integrated over its curvature profile,
loss = int alpha(R(s), wl) ds, for a circular arc (R constant) or gdsfactory's partial Euler
bend (curvature rising linearly over the first p/2 of the angle, constant, then falling;
Vogelbacher et al., Opt. Express 27, 31394 (2019)). This is the local (adiabatic) radiation
loss; the mode-mismatch loss at an abrupt straight-to-arc junction is not included.

Interpolation: ln(alpha) is linear in R between the tabulated radii (radiation loss decays
exponentially with R, Marcuse, Bell Syst. Tech. J. 50, 2551 (1971)) and extrapolated with the
slope of the nearest resolved segment beyond them; ln(alpha) is linear in wavelength between
the three tabulated wavelengths (held at the end slopes within +-50 nm).

Example:
    >>> round(bend_loss_dB(radius_um=30.0, angle_deg=90.0, p=0.0), 2)   # circular, 1550 nm
    0.16
    >>> round(euler_min_radius_um(radius_um=30.0), 2)
    21.18
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "DEFAULT_EULER_P",
    "ModeEntry",
    "bend_loss_dB",
    "curvature_loss_dB",
    "euler_curvature_profile",
    "euler_min_radius_um",
    "mode_entry",
    "table_path",
]

# gdsfactory's bend_euler default: half the angle in Euler (clothoid) sections
DEFAULT_EULER_P = 0.5
_WL_CLAMP_UM = 0.05
_MATCH_UM = 1e-6


def table_path() -> Path:
    """Where the mode table lives: ``qc_pdk/data/mode_table.json``."""
    return Path(__file__).resolve().parents[2] / "qc_pdk" / "data" / "mode_table.json"


@dataclass(frozen=True)
class ModeEntry:
    """One cross-section's vectorial mode data (arrays: radius x wavelength)."""

    name: str
    width_um: float
    thickness_um: float
    wl_um: np.ndarray
    straight_n_eff: np.ndarray
    radius_um: np.ndarray
    n_eff: np.ndarray
    n_g: np.ndarray
    ln_loss: np.ndarray  # ln(dB/um), NaN where under the solver's floor

    def _ln_loss_at_wl_index(self, radius_um: np.ndarray, j: int) -> np.ndarray:
        col = self.ln_loss[:, j]
        ok = np.isfinite(col)
        r, v = self.radius_um[ok], col[ok]
        lo_slope = (v[1] - v[0]) / (r[1] - r[0])
        hi_slope = (v[-1] - v[-2]) / (r[-1] - r[-2])
        out = np.interp(radius_um, r, v)
        out = np.where(radius_um < r[0], v[0] + lo_slope * (radius_um - r[0]), out)
        return np.where(radius_um > r[-1], v[-1] + hi_slope * (radius_um - r[-1]), out)

    def loss_dB_per_um(self, radius_um: ArrayLike, wl_um: float = 1.55) -> np.ndarray:
        """Radiation loss (dB per um of centreline) of a bend of radius ``radius_um``.

        Example:
            >>> e = mode_entry(width_um=0.8, thickness_um=0.3)
            >>> bool(e.loss_dB_per_um(20.0) > e.loss_dB_per_um(40.0) > 0)
            True
        """
        r = np.asarray(radius_um, dtype=float)
        curves = [self._ln_loss_at_wl_index(r, j) for j in range(len(self.wl_um))]
        wl = float(np.clip(wl_um, self.wl_um[0] - _WL_CLAMP_UM, self.wl_um[-1] + _WL_CLAMP_UM))
        if wl <= self.wl_um[1]:
            j0 = 0
        else:
            j0 = 1
        w0, w1 = self.wl_um[j0], self.wl_um[j0 + 1]
        ln = curves[j0] + (curves[j0 + 1] - curves[j0]) * (wl - w0) / (w1 - w0)
        return np.exp(ln)

    def n_eff_correction(self, wl_um: ArrayLike, radius_um: float = math.inf) -> np.ndarray:
        """Vectorial n_eff minus the effective-index value at ``wl_um`` (straight or bent at R).

        Quadratic through the three tabulated wavelengths, held constant outside them, so
        adding it to the effective-index solver keeps that solver's material dispersion away
        from the table and reproduces the vectorial values on it.
        """
        from components.models.waveguide_modes import eim_effective_index

        r_max = float(self.radius_um[-1])
        if math.isinf(radius_um):
            n_vec = self.straight_n_eff
        elif radius_um > r_max:
            # beyond the table the centreline-referenced bent index relaxes to the straight one
            # as 1/R^2 (the table's 50 -> 100 um excess falls 4.1x), so a ring's phase stays
            # continuous in R across the table's end instead of stepping by 1.5e-4
            n_vec = self.straight_n_eff + (self.n_eff[-1] - self.straight_n_eff) * (
                r_max / radius_um) ** 2
        else:
            n_vec = np.array([
                np.interp(radius_um, self.radius_um, self.n_eff[:, j])
                for j in range(len(self.wl_um))
            ])
        eim = eim_effective_index(self.wl_um, width_um=self.width_um,
                                  thickness_um=self.thickness_um)
        coef = np.polyfit(self.wl_um, n_vec - eim, 2)
        wl = np.clip(np.asarray(wl_um, dtype=float), self.wl_um[0], self.wl_um[-1])
        return np.polyval(coef, wl)


@functools.cache
def _entries() -> tuple[ModeEntry, ...]:
    path = table_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    out = []
    for name, e in data["cross_sections"].items():
        loss = np.array([[np.nan if v is None else v for v in row] for row in e["loss_dB_per_um"]])
        out.append(ModeEntry(
            name=name,
            width_um=float(e["width_um"]),
            thickness_um=float(e["thickness_um"]),
            wl_um=np.asarray(e["wl_um"], dtype=float),
            straight_n_eff=np.asarray(e["straight_n_eff"], dtype=float),
            radius_um=np.asarray(e["radius_um"], dtype=float),
            n_eff=np.asarray(e["n_eff"], dtype=float),
            n_g=np.asarray(e["n_g"], dtype=float),
            ln_loss=np.log(loss),
        ))
    return tuple(out)


def mode_entry(*, width_um: float = 0.8, thickness_um: float = 0.3) -> ModeEntry | None:
    """The table's entry for a width x thickness core, or None if it is not tabulated.

    Example:
        >>> mode_entry(width_um=0.8, thickness_um=0.3).name
        'sin_800x300'
        >>> mode_entry(width_um=1.234, thickness_um=0.3) is None
        True
    """
    for e in _entries():
        same_w = abs(e.width_um - width_um) < _MATCH_UM
        if same_w and abs(e.thickness_um - thickness_um) < _MATCH_UM:
            return e
    return None


def _entry_or_raise(width_um: float, thickness_um: float) -> ModeEntry:
    e = mode_entry(width_um=width_um, thickness_um=thickness_um)
    if e is None:
        known = ", ".join(f"{x.width_um} x {x.thickness_um}" for x in _entries()) or "none"
        raise ValueError(
            f"no vectorial bend data for a {width_um} x {thickness_um} um core (tabulated: "
            f"{known}); add it to simulation.modes.table.PDK_CROSS_SECTIONS and run "
            "python -m simulation.modes.table"
        )
    return e


def euler_curvature_profile(
    *, radius_um: float, angle_deg: float = 90.0, p: float = DEFAULT_EULER_P, samples: int = 801
) -> tuple[np.ndarray, np.ndarray]:
    """Arc length s (um) and curvature (1/um) along gdsfactory's partial Euler bend.

    ``radius_um`` is the effective (footprint) radius, as in ``gf.path.euler(use_eff=True)``:
    the bend is scaled so that its end points match a circular arc of that radius. In units of
    the clothoid constant the curvature rises as s over the first p alpha / 2 of the angle
    (length sqrt(p alpha)), stays at sqrt(p alpha) over the middle (1 - p) alpha, and falls
    back; the footprint follows from integrating the tangent angle.

    Example:
        >>> s, k = euler_curvature_profile(radius_um=30.0, p=0.0)
        >>> round(float(1 / k.max()), 6), round(float(s[-1]), 4)
        (30.0, 47.1239)
    """
    alpha = math.radians(abs(angle_deg))
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    if alpha <= 0 or radius_um <= 0:
        raise ValueError("radius_um and angle_deg must be > 0")
    if p == 0.0:
        s = np.linspace(0.0, radius_um * alpha, samples)
        return s, np.full(samples, 1.0 / radius_um)
    sp = math.sqrt(p * alpha)  # clothoid length (unit constant); curvature there = sp
    arc = (1.0 - p) * alpha / sp
    total = 2 * sp + arc
    s = np.linspace(0.0, total, max(samples, 3))
    k = np.minimum(np.minimum(s, sp), total - s)
    theta = np.concatenate([[0.0], np.cumsum(0.5 * (k[1:] + k[:-1]) * np.diff(s))])
    x = np.concatenate([[0.0], np.cumsum(0.5 * (np.cos(theta[1:]) + np.cos(theta[:-1]))
                                         * np.diff(s))])
    y = np.concatenate([[0.0], np.cumsum(0.5 * (np.sin(theta[1:]) + np.sin(theta[:-1]))
                                         * np.diff(s))])
    if abs(abs(angle_deg) - 180.0) < 1e-3:
        r_eff = y[-1] / 2
    else:
        r_eff = y[-1] - math.tan(alpha - math.pi / 2) * x[-1]
    scale = radius_um / r_eff
    return s * scale, k / scale


def euler_min_radius_um(
    *, radius_um: float, angle_deg: float = 90.0, p: float = DEFAULT_EULER_P
) -> float:
    """Smallest radius of curvature (um) of a partial Euler bend of footprint ``radius_um``.

    Example:
        >>> round(euler_min_radius_um(radius_um=20.0), 2)   # tighter than a 20 um rule
        14.12
    """
    _, k = euler_curvature_profile(radius_um=radius_um, angle_deg=angle_deg, p=p, samples=40001)
    return float(1.0 / k.max())


def curvature_loss_dB(
    *,
    s_um: ArrayLike,
    curvature_per_um: ArrayLike,
    wl_um: float = 1.55,
    width_um: float = 0.8,
    thickness_um: float = 0.3,
) -> float:
    """Radiation loss (dB) of a path with curvature profile kappa(s): int alpha(1/kappa) ds.

    Straight stretches (kappa = 0) radiate nothing.

    Example:
        >>> s = np.linspace(0, 50, 101)
        >>> round(curvature_loss_dB(s_um=s, curvature_per_um=np.zeros_like(s)), 9)
        0.0
    """
    e = _entry_or_raise(width_um, thickness_um)
    s = np.asarray(s_um, dtype=float)
    k = np.abs(np.asarray(curvature_per_um, dtype=float))
    alpha = np.zeros_like(k)
    bent = k > 0
    alpha[bent] = e.loss_dB_per_um(1.0 / k[bent], wl_um)
    return float(np.sum(0.5 * (alpha[1:] + alpha[:-1]) * np.diff(s)))


def bend_loss_dB(
    *,
    radius_um: float,
    angle_deg: float = 90.0,
    p: float = DEFAULT_EULER_P,
    wl_um: float = 1.55,
    width_um: float = 0.8,
    thickness_um: float = 0.3,
) -> float:
    """Radiation loss (dB) of a bend of footprint radius ``radius_um`` (p = 0: circular arc).

    Example:
        >>> euler = bend_loss_dB(radius_um=30.0)
        >>> circle_at_rmin = bend_loss_dB(radius_um=euler_min_radius_um(radius_um=30.0), p=0.0)
        >>> bend_loss_dB(radius_um=30.0, p=0.0) < euler < circle_at_rmin
        True
    """
    e = _entry_or_raise(width_um, thickness_um)
    if p == 0.0:
        return float(e.loss_dB_per_um(radius_um, wl_um) * radius_um * math.radians(abs(angle_deg)))
    s, k = euler_curvature_profile(radius_um=radius_um, angle_deg=angle_deg, p=p)
    return curvature_loss_dB(
        s_um=s, curvature_per_um=k, wl_um=wl_um, width_um=width_um, thickness_um=thickness_um
    )
