"""Heater powers that put every ring on its WDM channel, crosstalk compensated.

Heaters only heat, so they only red-shift a SiN ring. Ring r, fabricated at
``offset_nm[r]`` from its channel, needs a red shift s_r = (-offset) mod FSR_r: a ring that sits
red of its channel (needing a blue shift) is pushed up by the rest of an FSR so that its next
lower order lands on the channel (``wrapped[r]``). With the shift matrix
S = diag(shift_nm_per_K) X (nm/mW; X the crosstalk matrix in K/mW) the powers solve
min ||S p - s|| subject to 0 <= p <= p_max (``scipy.optimize.lsq_linear``, bounded;
sparse for large arrays). A ring that its neighbours' heat pushes past its target moves to
its next order (s_r += FSR_r) and the solve repeats (at most ``max_rounds``). Rings left more
than half a linewidth off are ``untunable``.

Example:
    >>> import scipy.sparse as sp
    >>> x = sp.csr_matrix(np.array([[1.0, 0.1], [0.1, 1.0]]))  # K/mW
    >>> t = tune_rings(crosstalk_K_per_mW=x, offset_nm=np.array([-0.5, -0.2]),
    ...                shift_nm_per_K=np.array([0.01, 0.01]), fsr_nm=np.array([4.0, 4.0]),
    ...                linewidth_nm=np.array([0.01, 0.01]), max_power_mW=100.0)
    >>> t.untunable, [round(p, 2) for p in t.power_mW]
    ([], [48.48, 15.15])
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel
from scipy.optimize import lsq_linear
from threadpoolctl import threadpool_limits

__all__ = ["TuningResult", "fabrication_offsets_nm", "required_shift_nm", "tune_rings"]


class TuningResult(BaseModel):
    """Powers (mW, per heater), achieved and required shifts (nm, per ring), bookkeeping."""

    power_mW: list[float]
    total_power_mW: float
    required_shift_nm: list[float]
    achieved_shift_nm: list[float]
    wrapped: list[bool]
    extra_fsr: list[int]
    untunable: list[int]
    max_power_mW: float
    rounds: int


def fabrication_offsets_nm(*, n_rings: int, sigma_nm: float, seed: int = 0) -> np.ndarray:
    """A seeded normal draw of fabricated resonance offsets (nm), mean 0.

    Example:
        >>> fabrication_offsets_nm(n_rings=3, sigma_nm=0.5, seed=1).round(3).tolist()
        [0.173, 0.411, 0.165]
    """
    if isinstance(n_rings, bool) or int(n_rings) != n_rings or n_rings < 0:
        raise ValueError(f"n_rings must be an integer >= 0, got {n_rings!r}")
    if not (sigma_nm >= 0 and np.isfinite(sigma_nm)):
        raise ValueError(f"sigma_nm must be a finite number >= 0 nm, got {sigma_nm!r}")
    return np.random.default_rng(seed).normal(0.0, float(sigma_nm), int(n_rings))


def required_shift_nm(
    *, offset_nm: np.ndarray, fsr_nm: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Red shift (nm) to the channel for each ring, and whether it wrapped by one FSR.

    Example:
        >>> s, w = required_shift_nm(offset_nm=np.array([-0.3, 0.5]), fsr_nm=np.array([4.0, 4.0]))
        >>> s.round(3).tolist(), w.tolist()
        ([0.3, 3.5], [False, True])
    """
    off = np.asarray(offset_nm, dtype=float)
    fsr = np.asarray(fsr_nm, dtype=float)
    if off.shape != fsr.shape:
        raise ValueError(f"offset_nm and fsr_nm must have one shape, got {off.shape}, {fsr.shape}")
    if np.any(~np.isfinite(off)):
        raise ValueError("offset_nm must be finite")
    if np.any(~(fsr > 0)):
        raise ValueError("fsr_nm must be > 0 nm")
    s = np.mod(-off, fsr)
    return s, off > 0


def tune_rings(
    *,
    crosstalk_K_per_mW: sp.spmatrix | np.ndarray,
    offset_nm: np.ndarray,
    shift_nm_per_K: np.ndarray,
    fsr_nm: np.ndarray,
    linewidth_nm: np.ndarray,
    max_power_mW: float,
    max_rounds: int = 4,
) -> TuningResult:
    """Non-negative, bounded heater powers putting each ring on its channel (module docstring).

    Args:
        crosstalk_K_per_mW: (rings x heaters) mean ring rise per heater mW.
        offset_nm: fabricated resonance minus channel, per ring (nm).
        shift_nm_per_K: resonance shift per K of ring-averaged rise, per ring (nm/K, > 0).
        fsr_nm: free spectral range per ring (nm, > 0).
        linewidth_nm: resonance full width per ring (nm, > 0): tolerance is half of it.
        max_power_mW: largest power of one heater (mW, > 0).
        max_rounds: solves with order bumps for over-heated rings.

    Returns:
        ``TuningResult``.
    """
    x = sp.csr_matrix(crosstalk_K_per_mW)
    n_r, n_h = x.shape
    for name, arr in (("offset_nm", offset_nm), ("shift_nm_per_K", shift_nm_per_K),
                      ("fsr_nm", fsr_nm), ("linewidth_nm", linewidth_nm)):
        if np.shape(arr) != (n_r,):
            raise ValueError(f"{name} must have one entry per ring ({n_r}), got {np.shape(arr)}")
    if not (np.isfinite(max_power_mW) and max_power_mW > 0):
        raise ValueError(f"max_power_mW must be a finite number > 0 mW, got {max_power_mW!r}")
    if np.any(~(np.asarray(shift_nm_per_K) > 0)):
        raise ValueError("shift_nm_per_K must be > 0 nm/K for every ring")
    if np.any(~(np.asarray(linewidth_nm) > 0)):
        raise ValueError("linewidth_nm must be > 0 nm for every ring")
    fsr = np.asarray(fsr_nm, dtype=float)
    s0, wrapped = required_shift_nm(offset_nm=np.asarray(offset_nm), fsr_nm=fsr)
    smat = sp.diags(np.asarray(shift_nm_per_K, dtype=float)) @ x
    tol = 0.5 * np.asarray(linewidth_nm, dtype=float)
    extra = np.zeros(n_r, dtype=int)
    p = np.zeros(n_h)
    rounds = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007
        target = s0 + extra * fsr
        if n_h == 0:
            break
        # LSMR's many BLAS calls on ring-sized vectors gain nothing from threads, and on a
        # shared machine a threaded OpenBLAS makes them ~5x slower (measured at 4,096
        # qubitrons: the tuning solve 21 s -> 2 s with one thread, two other jobs running)
        with threadpool_limits(limits=1, user_api="blas"):
            res = lsq_linear(smat if n_h > 400 else smat.toarray(), target,
                             bounds=(0.0, float(max_power_mW)),
                             method="trf" if n_h > 400 else "bvls",
                             lsmr_tol="auto", tol=1e-12, max_iter=2000)
        p = res.x
        over = smat @ p - target > tol
        if not over.any():
            break
        extra[over] += 1
    achieved = smat @ p
    target = s0 + extra * fsr
    bad = np.flatnonzero(np.abs(achieved - target) > tol)
    return TuningResult(
        power_mW=p.tolist(), total_power_mW=float(p.sum()), required_shift_nm=target.tolist(),
        achieved_shift_nm=np.asarray(achieved).tolist(), wrapped=wrapped.tolist(),
        extra_fsr=extra.tolist(), untunable=bad.tolist(), max_power_mW=float(max_power_mW),
        rounds=rounds,
    )
