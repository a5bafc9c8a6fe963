"""STIRAP of many parameter points at once: the model of :mod:`control.stirap`, vectorised.

Same Lambda system, pulses and error channels as :func:`control.stirap.simulate_stirap`
(QuTiP ``mesolve``), but all K points are integrated together by
:func:`control.lindblad.integrate_batch` (see there why). Every parameter is an array
broadcast to one common shape; the results have that shape. The tests check this solver
against ``mesolve`` point by point.

Units: Rabi frequencies and detunings in rad/us, times in ns, rates in 1/ns.

Example:
    >>> r = solve_stirap_batch(pump_peak_rabi_rad_per_us=[500.0, 2000.0],
    ...                        stokes_peak_rabi_rad_per_us=[500.0, 2000.0],
    ...                        delay_ns=6.0, fwhm_ns=10.0)
    >>> bool(r.transfer_efficiency[1] > 0.99 > r.transfer_efficiency[0])
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from control import _checks as chk
from control.lambda_system import G1, G2, N_LEVELS, OUT, E, pump_coupling, stokes_coupling
from control.lindblad import integrate_batch, real_superoperator
from control.pulses import PulseShape, envelope, envelope_half_span_ns

__all__ = ["StirapBatchResult", "solve_stirap_batch"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class StirapBatchResult:
    """Final populations of K STIRAP runs (arrays of the broadcast input shape).

    Attributes:
        transfer_efficiency: P(g2) at the end.
        population_g1: P(g1) left behind.
        population_e: P(e) left behind.
        loss: P(out), decayed out of the Lambda system.
        dephasing_error: efficiency without pure dephasing minus the efficiency.
        n_steps: accepted integrator steps (shared by all points).
    """

    transfer_efficiency: Array
    population_g1: Array
    population_e: Array
    loss: Array
    dephasing_error: Array
    n_steps: int

    @property
    def leakage(self) -> Array:
        """P(g1) + P(e) left behind."""
        return self.population_g1 + self.population_e


def _proj(i: int, j: int) -> NDArray[np.complex128]:
    m = np.zeros((N_LEVELS, N_LEVELS), dtype=complex)
    m[i, j] = 1.0
    return m


@cache
def _superoperators() -> tuple[Array, Array, Array]:
    """(pump term, Stokes term, stack of the 7 unit-rate constant terms)."""
    zero = np.zeros((N_LEVELS, N_LEVELS), dtype=complex)
    mp = real_superoperator(pump_coupling(), [])
    ms = real_superoperator(stokes_coupling(), [])
    z = _proj(G1, G1) - _proj(G2, G2)
    constant = np.array(
        [
            real_superoperator(_proj(E, E), []),  # one-photon detuning, per rad/ns
            real_superoperator(_proj(G2, G2), []),  # two-photon detuning
            real_superoperator(zero, [_proj(G1, E)]),  # decay e -> g1, per 1/ns
            real_superoperator(zero, [_proj(G2, E)]),  # decay e -> g2
            real_superoperator(zero, [_proj(OUT, E)]),  # decay e -> out
            real_superoperator(zero, [np.sqrt(0.5) * z]),  # ground dephasing
            real_superoperator(zero, [np.sqrt(2.0) * _proj(E, E)]),  # excited dephasing
        ]
    )
    return mp, ms, constant


def _run(
    coeffs: Array, peak_p: Array, peak_s: Array, delay: Array, fwhm: Array, shape: str,
    rtol: float, atol: float,
) -> tuple[Array, int]:
    """Integrate K points; returns the final (K, 4) populations and the step count."""
    mp, ms, constant = _superoperators()
    # points sharing a Lambda system share M0: solve them as contiguous groups
    unique, group = np.unique(coeffs, axis=0, return_inverse=True)
    order = np.argsort(group, kind="stable")
    group = group.ravel()[order]
    peak_p, peak_s, delay, fwhm = peak_p[order], peak_s[order], delay[order], fwhm[order]
    m0 = np.tensordot(unique, constant, axes=1)
    k = coeffs.shape[0]
    # every point's own window [-(|d|/2 + half), |d|/2 + half] is shifted to end at t = 0, so
    # all points stop when their pulses end (as a single solve would) and nothing happens to
    # a point before its window starts (it sits in |g1>, which neither decays nor dephases)
    half = fwhm * envelope_half_span_ns(fwhm_ns=1.0, shape=shape)  # type: ignore[arg-type]
    shift = 0.5 * np.abs(delay) + half
    t0 = float(np.min(-2.0 * shift))
    t1 = 0.0
    y0 = np.zeros((k, N_LEVELS * N_LEVELS))
    y0[:, G1] = 1.0
    cp, cs = 0.5 * delay - shift, -0.5 * delay - shift

    def coefficients(t: float) -> tuple[Array, Array]:
        fp = envelope(t, centre_ns=cp, fwhm_ns=fwhm, shape=shape)  # type: ignore[arg-type]
        fs = envelope(t, centre_ns=cs, fwhm_ns=fwhm, shape=shape)  # type: ignore[arg-type]
        return peak_p * fp, peak_s * fs

    sol = integrate_batch(
        m0=m0, terms=[mp, ms], coefficients=coefficients, y0=y0, t_start=t0, t_end=t1,
        max_step=float(fwhm.min()) / 8.0, group=group, rtol=rtol, atol=atol,
    )
    pops = np.empty((k, N_LEVELS))
    pops[order] = sol.y_final[:, :N_LEVELS]
    return pops, sol.n_steps


def solve_stirap_batch(
    *,
    pump_peak_rabi_rad_per_us: ArrayLike,
    stokes_peak_rabi_rad_per_us: ArrayLike,
    delay_ns: ArrayLike,
    fwhm_ns: ArrayLike,
    shape: PulseShape = "gaussian",
    gamma_per_ns: ArrayLike = 0.0,
    branching_g1: ArrayLike = 0.5,
    branching_g2: ArrayLike = 0.5,
    ground_dephasing_per_ns: ArrayLike = 0.0,
    excited_dephasing_per_ns: ArrayLike = 0.0,
    one_photon_detuning_rad_per_us: ArrayLike = 0.0,
    two_photon_detuning_rad_per_us: ArrayLike = 0.0,
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> StirapBatchResult:
    """STIRAP |g1> -> |g2> for every point of the broadcast parameter arrays.

    Args:
        pump_peak_rabi_rad_per_us: peak Omega_P, rad/us (>= 0).
        stokes_peak_rabi_rad_per_us: peak Omega_S, rad/us (>= 0).
        delay_ns: t_c(pump) - t_c(Stokes), ns (> 0: counter-intuitive order).
        fwhm_ns: FWHM of the Rabi envelopes, ns (> 0).
        shape: ``"gaussian"`` or ``"sin2"`` (one shape per call).
        gamma_per_ns: total decay rate of |e>, 1/ns (>= 0).
        branching_g1, branching_g2: decay fractions into g1 / g2 (in [0, 1], sum <= 1).
        ground_dephasing_per_ns, excited_dephasing_per_ns: pure dephasing rates, 1/ns.
        one_photon_detuning_rad_per_us, two_photon_detuning_rad_per_us: Delta, delta, rad/us.
        rtol, atol: tolerances of the integrator's max-norm error control.

    Returns:
        :class:`StirapBatchResult` with arrays of the broadcast shape.
    """
    names = [
        "pump_peak_rabi_rad_per_us", "stokes_peak_rabi_rad_per_us", "delay_ns", "fwhm_ns",
        "gamma_per_ns", "branching_g1", "branching_g2", "ground_dephasing_per_ns",
        "excited_dephasing_per_ns", "one_photon_detuning_rad_per_us",
        "two_photon_detuning_rad_per_us",
    ]
    values = [
        chk.nonnegative_array(names[0], pump_peak_rabi_rad_per_us, "rad/us"),
        chk.nonnegative_array(names[1], stokes_peak_rabi_rad_per_us, "rad/us"),
        chk.finite_array(names[2], delay_ns),
        chk.positive_array(names[3], fwhm_ns, "ns"),
        chk.nonnegative_array(names[4], gamma_per_ns, "1/ns"),
        chk.fraction_array(names[5], branching_g1),
        chk.fraction_array(names[6], branching_g2),
        chk.nonnegative_array(names[7], ground_dephasing_per_ns, "1/ns"),
        chk.nonnegative_array(names[8], excited_dephasing_per_ns, "1/ns"),
        chk.finite_array(names[9], one_photon_detuning_rad_per_us),
        chk.finite_array(names[10], two_photon_detuning_rad_per_us),
    ]
    if shape not in ("gaussian", "sin2"):
        raise ValueError(f"shape must be 'gaussian' or 'sin2', got {shape!r}")
    chk.positive("rtol", rtol)
    chk.positive("atol", atol)
    try:
        arrays = np.broadcast_arrays(*values)
    except ValueError:
        shapes = {n: v.shape for n, v in zip(names, values, strict=True)}
        raise ValueError(f"parameter shapes do not broadcast: {shapes}") from None
    out_shape = arrays[0].shape
    (pp, ps, delay, fwhm, gamma, b1, b2, gg, ge, d1, d2) = (a.ravel() for a in arrays)
    if np.any(b1 + b2 > 1.0 + 1e-12):
        raise ValueError("branching_g1 + branching_g2 must be <= 1 at every point")
    b_out = np.clip(1.0 - b1 - b2, 0.0, 1.0)
    coeffs = np.stack(
        [1e-3 * d1, 1e-3 * d2, gamma * b1, gamma * b2, gamma * b_out, gg, ge], axis=1
    )
    dephased = (gg > 0) | (ge > 0)
    idx = np.flatnonzero(dephased)
    # points with dephasing are solved a second time without it (dephasing_error), in one batch
    clean = coeffs[idx].copy()
    clean[:, 5:] = 0.0
    all_coeffs = np.concatenate([coeffs, clean])
    sel = np.concatenate([np.arange(coeffs.shape[0]), idx])
    pops, n_steps = _run(
        all_coeffs, 1e-3 * pp[sel], 1e-3 * ps[sel], delay[sel], fwhm[sel], shape, rtol, atol
    )
    n = coeffs.shape[0]
    eff = pops[:n, G2]
    deph = np.zeros(n)
    deph[idx] = pops[n:, G2] - eff[idx]
    return StirapBatchResult(
        transfer_efficiency=eff.reshape(out_shape),
        population_g1=pops[:n, G1].reshape(out_shape),
        population_e=pops[:n, E].reshape(out_shape),
        loss=pops[:n, OUT].reshape(out_shape),
        dephasing_error=deph.reshape(out_shape),
        n_steps=n_steps,
    )
