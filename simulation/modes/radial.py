"""Exact bent modes of a 2D slab (a ring of width w in a plane): Bessel/Hankel matching.

The structure is invariant in y (out of plane); the mode with H = H_y(r) exp(-i nu phi)
(E in the plane: the TE-like polarisation of a chip waveguide seen from above) obeys in each
homogeneous layer of index n Bessel's equation of order nu in k0 n r, with H_y and
(1/n^2) dH_y/dr continuous across the core edges (Marcuse, *Light Transmission Optics*, ch. 9;
Hiremath et al., Opt. Quantum Electron. 37, 37 (2005)):

- inside (r < R - w/2): a J_nu(k0 n_clad r) (regular at the centre);
- core: b J_nu(k0 n_core r) + c Y_nu(k0 n_core r);
- outside (r > R + w/2): d H2_nu(k0 n_clad r), outgoing for exp(+i omega t), so radiating.

The complex order nu = k0 n_eff R gives the complex effective index referenced to the
centreline radius R, the same definition as the FEM solver (``simulation.modes.fem``). Bessel
functions of complex order come from mpmath (arbitrary precision); the 2 x 2 matching
determinant is solved with the secant method. This is the closed form the vectorial solver is
checked against.

Example:
    >>> n = slab_bent_mode(wl_um=1.55, n_core=1.7, n_clad=1.444, width_um=0.8, radius_um=10.0,
    ...                    n_guess=1.58)
    >>> 1.5 < n.real < 1.7 and n.imag < 0
    True
"""

from __future__ import annotations

import math

import mpmath as mp

__all__ = ["slab_bent_mode", "slab_straight_mode"]


def slab_straight_mode(*, wl_um: float, n_core: float, n_clad: float, width_um: float) -> float:
    """Effective index of the fundamental H_y (TM-to-the-interfaces) mode of a straight slab.

    Solves k_x w/2 = atan((n_core/n_clad)^2 gamma / k_x) by bisection (mpmath).

    Example:
        >>> 1.444 < slab_straight_mode(wl_um=1.55, n_core=1.7, n_clad=1.444, width_um=0.8) < 1.7
        True
    """
    k0 = 2 * math.pi / wl_um

    def f(n: float) -> float:
        kx = k0 * math.sqrt(max(n_core**2 - n**2, 0.0))
        gamma = k0 * math.sqrt(max(n**2 - n_clad**2, 0.0))
        return kx * width_um / 2 - math.atan2((n_core / n_clad) ** 2 * gamma, kx)

    lo, hi = n_clad + 1e-12, n_core - 1e-12
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def slab_bent_mode(
    *,
    wl_um: float,
    n_core: float,
    n_clad: float,
    width_um: float,
    radius_um: float,
    n_guess: complex | None = None,
    digits: int = 30,
) -> complex:
    """Complex effective index (at radius R) of the fundamental bent H_y mode of a 2D slab.

    Args:
        wl_um: vacuum wavelength in um.
        n_core: core index.
        n_clad: cladding index (both sides).
        width_um: core width in um.
        radius_um: centreline radius R in um.
        n_guess: start of the secant iteration (default: the straight slab's index).
        digits: mpmath working precision in decimal digits.

    Returns:
        n_eff = nu / (k0 R), Im < 0 for a radiating mode.
    """
    k0 = 2 * math.pi / wl_um
    r1, r2 = radius_um - width_um / 2, radius_um + width_um / 2
    if n_guess is None:
        n_guess = slab_straight_mode(wl_um=wl_um, n_core=n_core, n_clad=n_clad, width_um=width_um)
    with mp.workdps(digits):
        kc, kl = mp.mpf(k0) * n_core, mp.mpf(k0) * n_clad

        def djv(nu: mp.mpc, z: mp.mpf) -> mp.mpc:
            return (mp.besselj(nu - 1, z) - mp.besselj(nu + 1, z)) / 2

        def dyv(nu: mp.mpc, z: mp.mpf) -> mp.mpc:
            return (mp.bessely(nu - 1, z) - mp.bessely(nu + 1, z)) / 2

        def dh2(nu: mp.mpc, z: mp.mpf) -> mp.mpc:
            return (mp.hankel2(nu - 1, z) - mp.hankel2(nu + 1, z)) / 2

        def det(nu: mp.mpc) -> mp.mpc:
            # (1/n^2) dH/dr / H on the cladding side of each edge
            l_in = kl * djv(nu, kl * r1) / mp.besselj(nu, kl * r1) / n_clad**2
            l_out = kl * dh2(nu, kl * r2) / mp.hankel2(nu, kl * r2) / n_clad**2
            # the core field b J + c Y must match both: 2 x 2 determinant in (b, c)
            g = kc / n_core**2
            a11 = g * djv(nu, kc * r1) - l_in * mp.besselj(nu, kc * r1)
            a12 = g * dyv(nu, kc * r1) - l_in * mp.bessely(nu, kc * r1)
            a21 = g * djv(nu, kc * r2) - l_out * mp.besselj(nu, kc * r2)
            a22 = g * dyv(nu, kc * r2) - l_out * mp.bessely(nu, kc * r2)
            # scale: Y grows and J shrinks with order, so normalise each column
            return (a11 * a22 - a12 * a21) / (mp.bessely(nu, kc * r1) * mp.besselj(nu, kc * r2))

        # Muller from a few starts near the straight index; the fundamental mode is the root
        # with n_clad < Re n_eff < n_core that radiates (Im < 0)
        for shift in (0.0, 0.01, 0.02, -0.01):
            nu0 = mp.mpc(k0 * radius_um * (complex(n_guess) + shift - 1e-4j))
            starts = (nu0, nu0 * (1 + 1e-4), nu0 * (1 - 1e-4))
            try:
                nu = mp.findroot(det, starts, solver="muller", tol=mp.mpf(10) ** -20, verify=False)
            except (ZeroDivisionError, ValueError):  # pragma: no cover - a pole on the path
                continue
            n = complex(nu / (k0 * radius_um))
            if n_clad < n.real < n_core and n.imag <= 0 and abs(det(nu)) < 1e-8 * abs(det(nu0)):
                return n
        raise ArithmeticError(f"no bent slab mode found near n_eff = {n_guess}")
