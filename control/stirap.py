"""STIRAP dynamics of one qubitron, solved as a Lindblad master equation with QuTiP ``mesolve``.

The emitter is the Lambda system of :mod:`control.lambda_system` (|g1>, |e>, |g2> and a sink
|out> for decay out of the system), driven by the pump (g1-e) and Stokes (e-g2) pulses of
:mod:`control.pulses`. It starts in |g1>; STIRAP should move it to |g2> without populating
|e> (counter-intuitive order: Stokes first; Vitanov et al., Rev. Mod. Phys. 89, 015006
(2017)).

Error channels at the end of the pulses (all populations, so they sum to 1 with the
efficiency):

- ``transfer_efficiency`` = P(g2);
- ``leakage`` = P(g1) + P(e): population left behind in the initial or excited state
  (non-adiabatic coupling, detuning, dephasing of the dark state);
- ``loss`` = P(out): decayed out of the Lambda system during the pulses;
- ``dephasing_error`` = efficiency with both pure-dephasing rates set to 0 minus the efficiency:
  the part of 1 - efficiency caused by pure dephasing. It is an attribution, already contained
  in leakage + loss, not a further channel (0 when the system has no dephasing).

For many parameter points use :func:`control.stirap_batch.solve_stirap_batch` (same model,
vectorised integrator, checked against this function in the tests).

Example:
    >>> from control.pulses import StirapPulses
    >>> p = StirapPulses(pump_peak_rabi_rad_per_us=2000.0, stokes_peak_rabi_rad_per_us=2000.0,
    ...                  fwhm_ns=10.0, delay_ns=6.0)
    >>> r = simulate_stirap(pulses=p)
    >>> r.transfer_efficiency > 0.99, round(r.loss, 6)
    (True, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from control._checks import positive
from control.lambda_system import G1, G2, N_LEVELS, OUT, E, LambdaSystem, pump_coupling
from control.lambda_system import stokes_coupling as _stokes_coupling
from control.pulses import StirapPulses, envelope

__all__ = ["StirapResult", "simulate_stirap"]


@dataclass(frozen=True)
class StirapResult:
    """Outcome of one STIRAP transfer |g1> -> |g2> (populations are in [0, 1]).

    Attributes:
        transfer_efficiency: population of |g2> at the end.
        population_g1: population left in |g1>.
        population_e: population left in |e> (decays after the pulses).
        loss: population decayed out of the Lambda system.
        dephasing_error: efficiency without pure dephasing minus ``transfer_efficiency``.
        peak_excited_population: max over the run of P(e).
        times_ns: sample times (ns) of ``populations`` / ``density_matrices``.
        populations: (len(times_ns), 4) populations of g1, e, g2, out.
        density_matrices: (len(times_ns), 4, 4) complex states, or None unless requested.
    """

    transfer_efficiency: float
    population_g1: float
    population_e: float
    loss: float
    dephasing_error: float
    peak_excited_population: float
    times_ns: NDArray[np.float64] = field(repr=False)
    populations: NDArray[np.float64] = field(repr=False)
    density_matrices: NDArray[np.complex128] | None = field(default=None, repr=False)

    @property
    def leakage(self) -> float:
        """Population left in |g1> or |e>: P(g1) + P(e)."""
        return self.population_g1 + self.population_e


def _mesolve_states(
    pulses: StirapPulses, system: LambdaSystem, times_ns: NDArray[np.float64], rtol: float,
    atol: float,
) -> list[NDArray[np.complex128]]:
    import qutip

    peak_p = 1e-3 * pulses.pump_peak_rabi_rad_per_us
    peak_s = 1e-3 * pulses.stokes_peak_rabi_rad_per_us
    common = {"fwhm_ns": pulses.fwhm_ns, "shape": pulses.shape}

    def omega_p(t: float) -> float:
        return peak_p * float(envelope(t, centre_ns=0.5 * pulses.delay_ns, **common))  # type: ignore[arg-type]

    def omega_s(t: float) -> float:
        return peak_s * float(envelope(t, centre_ns=-0.5 * pulses.delay_ns, **common))  # type: ignore[arg-type]

    h = qutip.QobjEvo(
        [
            qutip.Qobj(system.static_hamiltonian()),
            [qutip.Qobj(pump_coupling()), omega_p],
            [qutip.Qobj(_stokes_coupling()), omega_s],
        ]
    )
    c_ops = [qutip.Qobj(c) for c in system.collapse_operators()]
    rho0 = qutip.fock_dm(N_LEVELS, G1)
    options = {
        "rtol": rtol,
        "atol": atol,
        "nsteps": 1_000_000,
        # the adaptive solver must not step over a pulse while the state is still idle
        "max_step": pulses.fwhm_ns / 8.0,
        "progress_bar": "",
    }
    res = qutip.mesolve(h, rho0, times_ns, c_ops=c_ops, options=options)
    return [np.asarray(s.full()) for s in res.states]


def simulate_stirap(
    *,
    pulses: StirapPulses,
    system: LambdaSystem | None = None,
    n_times: int = 201,
    keep_density_matrices: bool = False,
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> StirapResult:
    """Solve the STIRAP master equation of one qubitron with ``qutip.mesolve``.

    Args:
        pulses: pump / Stokes pulse pair (Rabi frequencies in rad/us, times in ns).
        system: decay, branching, dephasing and detunings (default: no decay, resonant).
        n_times: number of output times over the pulses' window (>= 2).
        keep_density_matrices: also return the (n_times, 4, 4) states.
        rtol, atol: ODE tolerances passed to mesolve.

    Returns:
        :class:`StirapResult`. With dephasing, a second solve without it gives
        ``dephasing_error``.

    Example:
        >>> from control.pulses import StirapPulses
        >>> p = StirapPulses(pump_peak_rabi_rad_per_us=2000.0, stokes_peak_rabi_rad_per_us=2000.0,
        ...                  fwhm_ns=10.0, delay_ns=-6.0)  # intuitive order: pump first
        >>> simulate_stirap(pulses=p).transfer_efficiency < 0.5
        True
    """
    system = LambdaSystem() if system is None else system
    if isinstance(n_times, bool) or int(n_times) != n_times or n_times < 2:
        raise ValueError(f"n_times must be an integer >= 2, got {n_times!r}")
    positive("rtol", rtol)
    positive("atol", atol)
    t0, t1 = pulses.window_ns()
    times = np.linspace(t0, t1, int(n_times))
    states = np.array(_mesolve_states(pulses, system, times, rtol, atol))
    pops = np.real(np.einsum("tii->ti", states))
    final = pops[-1]
    deph = 0.0
    if system.has_dephasing:
        clean = _mesolve_states(pulses, system.without_dephasing(), times[[0, -1]], rtol, atol)
        deph = float(np.real(clean[-1][G2, G2])) - float(final[G2])
    return StirapResult(
        transfer_efficiency=float(final[G2]),
        population_g1=float(final[G1]),
        population_e=float(final[E]),
        loss=float(final[OUT]),
        dephasing_error=deph,
        peak_excited_population=float(pops[:, E].max()),
        times_ns=times,
        populations=pops,
        density_matrices=states if keep_density_matrices else None,
    )
