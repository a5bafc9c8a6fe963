"""A Lindblad master-equation integrator vectorised over many independent small systems.

Why our own integrator: a STIRAP efficiency map is thousands of tiny (4-level) master
equations that differ only in a few numbers. QuTiP's ``mesolve`` solves one at a time, and
each call pays Python set-up, operator construction and an adaptive ODE solve of its own, so
a 50 x 50 map costs minutes. Here every system is written in a real basis of Hermitian
matrices (rho -> r, n^2 real numbers; the Liouvillian becomes a real n^2 x n^2 matrix M) and
all K systems are stepped together as one (K, n^2) array by an embedded Runge-Kutta
5(4) pair (Dormand & Prince, J. Comput. Appl. Math. 6, 19 (1980)). The step is shared, and its
error control uses the *maximum* over all systems and components (not an RMS, which would
let one stiff point hide among thousands of easy ones), so every system meets the tolerance.
``tests/control`` checks it against ``qutip.mesolve``.

The generator of each system is

    dr/dt = M0_k r + sum_j f_j,k(t) M_j r

with a per-system constant part M0_k and shared time-dependent terms M_j scaled by per-system
coefficients f_j,k(t) (for STIRAP: the pump and Stokes Rabi frequencies).

Example:
    >>> h = np.diag([0.0, 1.0]).astype(complex)
    >>> m = real_superoperator(h, [np.array([[0, 1], [0, 0]], dtype=complex)])
    >>> m.shape, float(np.abs(m @ to_real(np.eye(2) / 2)).max()) > 0
    ((4, 4), True)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "BatchSolution",
    "from_real",
    "hermitian_basis",
    "integrate_batch",
    "real_superoperator",
    "to_real",
]

Array = NDArray[np.float64]
CArray = NDArray[np.complex128]


def hermitian_basis(n: int) -> list[CArray]:
    """Orthonormal (Hilbert-Schmidt) basis of n x n Hermitian matrices, populations first.

    Order: |k><k| for k < n, then for each pair j < k: (|j><k| + |k><j|) / sqrt 2 and
    i (|j><k| - |k><j|) / sqrt 2. The real coordinates of rho are r_a = Tr(F_a rho), so the
    first n are the populations and the pair coordinates are sqrt 2 Re / Im rho_jk.

    Example:
        >>> len(hermitian_basis(3))
        9
    """
    out: list[CArray] = []
    for k in range(n):
        m = np.zeros((n, n), dtype=complex)
        m[k, k] = 1.0
        out.append(m)
    s = 1.0 / np.sqrt(2.0)
    for j in range(n):
        for k in range(j + 1, n):
            x = np.zeros((n, n), dtype=complex)
            x[j, k] = x[k, j] = s
            y = np.zeros((n, n), dtype=complex)
            y[j, k] = 1j * s
            y[k, j] = -1j * s
            out.extend([x, y])
    return out


def to_real(rho: CArray) -> Array:
    """Real coordinates r_a = Tr(F_a rho) of a Hermitian matrix (last two axes n x n).

    Example:
        >>> to_real(np.diag([0.25, 0.75]).astype(complex)).round(2).tolist()
        [0.25, 0.75, 0.0, 0.0]
    """
    rho = np.asarray(rho, dtype=complex)
    basis = np.array(hermitian_basis(rho.shape[-1]))
    return np.einsum("aij,...ji->...a", basis, rho).real


def from_real(r: Array) -> CArray:
    """Hermitian matrix sum_a r_a F_a from real coordinates (last axis n^2).

    Example:
        >>> from_real(np.array([0.5, 0.5, 0.0, 0.0])).real.tolist()
        [[0.5, 0.0], [0.0, 0.5]]
    """
    r = np.asarray(r, dtype=float)
    n = int(round(np.sqrt(r.shape[-1])))
    basis = np.array(hermitian_basis(n))
    return np.einsum("...a,aij->...ij", r, basis)


def real_superoperator(h: CArray, c_ops: Sequence[CArray]) -> Array:
    """Real matrix M of L(rho) = -i[h, rho] + sum_c (c rho c^+ - {c^+ c, rho} / 2).

    M_ab = Tr(F_a L(F_b)) in the basis of :func:`hermitian_basis`; L maps Hermitian to
    Hermitian matrices, so M is real.

    Args:
        h: Hamiltonian (n x n, Hermitian), in the caller's angular-frequency unit.
        c_ops: Lindblad operators (n x n), sqrt of the same unit.

    Returns:
        (n^2, n^2) real array.
    """
    h = np.asarray(h, dtype=complex)
    basis = hermitian_basis(h.shape[0])
    cols = []
    for f in basis:
        out = -1j * (h @ f - f @ h)
        for c in c_ops:
            cd = c.conj().T
            out = out + c @ f @ cd - 0.5 * (cd @ c @ f + f @ cd @ c)
        cols.append(to_real(out))
    return np.array(cols).T


# Dormand-Prince 5(4) tableau (FSAL); _B is the 5th-order solution, _E = b5 - b4.
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
_A = [
    [],
    [1 / 5],
    [3 / 40, 9 / 40],
    [44 / 45, -56 / 15, 32 / 9],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
]
_B = np.array(_A[6] + [0.0])
_E = np.array(
    [71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40]
)


@dataclass(frozen=True)
class BatchSolution:
    """Result of :func:`integrate_batch`.

    Attributes:
        y_final: (K, n^2) real coordinates at the end time.
        times: times of the recorded states (accepted steps), empty unless ``record``.
        states: (len(times), K, n^2) recorded coordinates, empty unless ``record``.
        n_steps: accepted steps; n_rejected: rejected steps.
    """

    y_final: Array
    times: Array
    states: Array
    n_steps: int
    n_rejected: int


def integrate_batch(
    *,
    m0: Array,
    terms: Sequence[Array],
    coefficients: Callable[[float], Sequence[Array]],
    y0: Array,
    t_start: float,
    t_end: float,
    max_step: float,
    group: NDArray[np.intp] | None = None,
    rtol: float = 1e-8,
    atol: float = 1e-10,
    record: bool = False,
) -> BatchSolution:
    """Integrate dr_k/dt = M0_g(k) r_k + sum_j f_j,k(t) M_j r_k for K systems at once.

    Coordinates that start at zero and cannot be reached from the initial state through
    non-zero matrix elements stay zero; they are dropped before stepping (for STIRAP: the
    coherences of |out>).

    Args:
        m0: constant parts, (n^2, n^2) shared by all systems or (G, n^2, n^2).
        terms: time-dependent parts M_j, each (n^2, n^2), shared by all systems.
        coefficients: t -> [f_j(t) for j], each of shape (K,) (or scalar).
        y0: (K, n^2) initial real coordinates.
        t_start, t_end: integration span (same unit as 1 / the rates in M).
        max_step: largest step (resolve the pulses: a few per FWHM).
        group: (K,) index into ``m0`` for each system (needed when ``m0`` is 3-D). Sorted
            groups (few of them) are applied slice by slice; otherwise per system.
        rtol, atol: tolerances of the max-norm error control.
        record: keep the state after every accepted step.

    Returns:
        :class:`BatchSolution` (full n^2 coordinates).
    """
    y_full = np.array(y0, dtype=float)
    k_sys, dim_full = y_full.shape
    m0 = np.asarray(m0, dtype=float)
    if m0.ndim == 2:
        m0 = m0[None]
        group = np.zeros(k_sys, dtype=np.intp)
    elif group is None:
        raise ValueError("group must be given when m0 is (G, n^2, n^2)")
    group = np.asarray(group, dtype=np.intp)
    mats = [np.asarray(m, dtype=float) for m in terms]
    # coordinates reachable from the initial state through non-zero couplings (j feeds i)
    feeds = np.abs(m0).sum(axis=0) + sum((np.abs(m) for m in mats), np.zeros_like(m0[0])) > 0
    reach = np.any(y_full != 0, axis=0)
    while True:
        grown = reach | np.any(feeds[:, reach], axis=1)
        if np.array_equal(grown, reach):
            break
        reach = grown
    active = np.flatnonzero(reach)
    sub = np.ix_(active, active)
    m0t = np.ascontiguousarray(np.transpose(m0[:, active][:, :, active], (0, 2, 1)))
    y = y_full[:, active]
    dim = active.size
    nt = len(mats)
    stacked = (
        np.ascontiguousarray(np.concatenate([m[sub].T for m in mats], axis=1)) if nt else None
    )
    n_groups = m0t.shape[0]
    sorted_groups = bool(np.all(np.diff(group) >= 0))
    if n_groups == 1:
        slices = [(0, k_sys, m0t[0])]
    elif sorted_groups and n_groups <= 32:
        bounds = np.searchsorted(group, np.arange(n_groups + 1))
        slices = [
            (int(bounds[g]), int(bounds[g + 1]), m0t[g])
            for g in range(n_groups)
            if bounds[g + 1] > bounds[g]
        ]
    else:
        slices = []
        per_system = np.ascontiguousarray(m0t[group])

    def rhs(t: float, yy: Array) -> Array:
        if slices:
            out = np.empty_like(yy)
            for a, b, m in slices:
                np.matmul(yy[a:b], m, out=out[a:b])
        else:
            out = np.matmul(yy[:, None, :], per_system)[:, 0, :]
        if stacked is not None:
            yc = yy @ stacked
            for j, f in enumerate(coefficients(t)):
                out += np.reshape(f, (-1, 1)) * yc[:, j * dim : (j + 1) * dim]
        return out

    t = float(t_start)
    span = float(t_end) - t
    h = min(max_step, span / 100.0) if span > 0 else 0.0
    times: list[float] = []
    states: list[Array] = []
    n_steps = n_rej = 0
    k1 = rhs(t, y)
    while span > 0 and t < t_end - 1e-12 * abs(span):
        h = min(h, t_end - t, max_step)
        ks = [k1]
        for i in range(1, 7):
            yi = y + h * sum(a * k for a, k in zip(_A[i], ks, strict=False) if a != 0.0)
            ks.append(rhs(t + _C[i] * h, yi))
        y_new = y + h * sum(b * k for b, k in zip(_B, ks, strict=True) if b != 0.0)
        err = h * sum(e * k for e, k in zip(_E, ks, strict=True) if e != 0.0)
        scale = atol + rtol * np.maximum(np.abs(y), np.abs(y_new))
        norm = float(np.max(np.abs(err) / scale))
        if norm <= 1.0:
            t += h
            y = y_new
            k1 = ks[6]
            n_steps += 1
            if record:
                full = np.zeros((k_sys, dim_full))
                full[:, active] = y
                times.append(t)
                states.append(full)
        else:
            n_rej += 1
        factor = 5.0 if norm == 0 else min(5.0, max(0.2, 0.9 * norm ** (-0.2)))
        h *= factor
    y_full[:, active] = y
    y = y_full
    return BatchSolution(
        y_final=y,
        times=np.array(times),
        states=np.array(states) if states else np.zeros((0,) + y.shape),
        n_steps=n_steps,
        n_rejected=n_rej,
    )
