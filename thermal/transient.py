"""Transient: a heater's step response and its time constant (implicit Euler).

C d(theta)/dt = -A theta + q with C = rho c_p V per cell (J/K) and A the steady conductance
matrix. Implicit (backward) Euler is unconditionally stable, so the time step can grow
geometrically from ``t_start_s`` (doubling every ``steps_per_level`` steps) to cover the many
decades between the heater film (~us) and the substrate (~ms). The time constant is when the
probe's rise first reaches 1 - 1/e of its steady value (linear interpolation between steps);
the march stops there.

Example:
    >>> from thermal.grid import Grid
    >>> from thermal.problem import HeatSource, build_problem
    >>> g = Grid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), np.linspace(0.0, 10.0, 21))
    >>> p = build_problem(grid=g, base_layers=[(0.0, 10.0, "sio2")], sources=[HeatSource(
    ...     polygon_um=[(0, 0), (1, 0), (1, 1), (0, 1)], zmin_um=9.5, zmax_um=10, power_W=1e-6)])
    >>> tau = step_response(p, probe=p.q_W > 0).time_constant_s
    >>> 2e-5 < tau < 2e-4  # ~ 0.4 L^2 rho c / k for a slab of 10 um SiO2
    True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from thermal.problem import ThermalProblem
from thermal.solver import assemble, linear_solve, prefers_direct

__all__ = ["StepResponse", "step_response"]


@dataclass
class StepResponse:
    """Times (s), probe rise (K) at each time, steady probe rise (K) and the time constant (s)."""

    times_s: np.ndarray
    probe_rise_K: np.ndarray
    steady_rise_K: float
    time_constant_s: float


def step_response(
    problem: ThermalProblem,
    *,
    probe: np.ndarray,
    t_start_s: float = 1e-8,
    t_end_s: float = 1e-1,
    steps_per_level: int = 4,
) -> StepResponse:
    """Step the problem's sources on at t = 0 and follow the mean rise of ``probe`` cells.

    Args:
        problem: the thermal problem (its sources are the step).
        probe: boolean mask (grid shape) of the cells to average.
        t_start_s: first time step in s (> 0).
        t_end_s: last time in s (> t_start_s).
        steps_per_level: steps per doubling of the time step.

    Returns:
        ``StepResponse``.
    """
    if not (t_start_s > 0 and t_end_s > t_start_s):
        raise ValueError(f"t_start_s must be > 0 and < t_end_s, got {t_start_s}, {t_end_s}")
    mask = np.asarray(probe, dtype=bool)
    if mask.shape != problem.grid.shape or not mask.any():
        raise ValueError("probe must be a non-empty boolean mask of the grid's shape")
    asm = assemble(problem)
    q = problem.q_W.ravel()[asm.cells] + asm.boundary_rhs_W
    cap = (problem.rho_cp_J_per_m3K * problem.grid.volumes_um3() * 1e-18).ravel()[asm.cells]
    sel = mask.ravel()[asm.cells]
    direct = prefers_direct(problem)
    steady, _, _ = linear_solve(asm.matrix, q, direct=direct)
    steady_probe = float(steady[sel].mean())
    theta = np.zeros_like(q)
    times, rises = [0.0], [0.0]
    t, dt = 0.0, float(t_start_s)
    while t < t_end_s:
        lhs = (sp.diags(cap / dt) + asm.matrix).tocsr()
        if direct:
            lu = spla.factorized(lhs.tocsc())
        else:
            import pyamg

            ml = pyamg.ruge_stuben_solver(lhs, max_coarse=500)
        for _ in range(steps_per_level):
            rhs = cap / dt * theta + q
            theta = lu(rhs) if direct else linear_solve(lhs, rhs, rtol=1e-8, ml=ml)[0]
            t += dt
            times.append(t)
            rises.append(float(theta[sel].mean()))
        if rises[-1] >= (1.0 - np.exp(-1.0)) * steady_probe:
            break  # the time constant is bracketed
        dt *= 2.0
    tt, rr = np.array(times), np.array(rises)
    level = (1.0 - np.exp(-1.0)) * steady_probe
    k = int(np.argmax(rr >= level)) if np.any(rr >= level) else len(rr) - 1
    tau = float(np.interp(level, rr[k - 1:k + 1], tt[k - 1:k + 1])) if k > 0 else float(tt[k])
    return StepResponse(times_s=tt, probe_rise_K=rr, steady_rise_K=steady_probe,
                        time_constant_s=tau)
