"""S-parameter dict helpers shared by the compact models (sax ``SDict`` convention).

An S-dict maps ``(port_in, port_out)`` to a complex array over wavelength; absent pairs are
zero. Models build one direction of each coupled pair and call :func:`reciprocal`, so every
model is reciprocal (S = S^T) by construction.

Example:
    >>> import numpy as np
    >>> s = reciprocal({("o1", "o2"): np.asarray(0.5 + 0j)})
    >>> sorted(s)
    [('o1', 'o2'), ('o2', 'o1')]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "SDict",
    "amplitude_from_dB",
    "check_finite",
    "check_nonnegative",
    "check_positive",
    "reciprocal",
    "to_matrix",
    "wavelength_um",
]

SDict = dict[tuple[str, str], np.ndarray]


def wavelength_um(wl: ArrayLike) -> np.ndarray:
    """Validate a wavelength argument (um) and return it as a float array of the same shape.

    Args:
        wl: wavelength(s) in um (sax convention), finite and > 0.

    Returns:
        float ndarray, shape ``np.shape(wl)``.

    Example:
        >>> wavelength_um([1.5, 1.6]).tolist()
        [1.5, 1.6]
    """
    arr = np.asarray(wl, dtype=float)
    if np.any(~np.isfinite(arr)) or np.any(arr <= 0):
        raise ValueError("wl must be finite and > 0 (um)")
    return arr


def check_positive(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` or raise ValueError naming ``name`` unless finite and > 0.

    Example:
        >>> check_positive("radius_um", 5)
        5.0
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number > 0 {unit}, got {value!r}") from None
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0 {unit}, got {value!r}".rstrip())
    return v


def check_nonnegative(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` or raise ValueError naming ``name`` unless finite and >= 0.

    Example:
        >>> check_nonnegative("insertion_loss_dB", 0)
        0.0
    """
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0 {unit}, got {value!r}".rstrip())
    return v


def check_finite(name: str, value: float) -> float:
    """Return ``float(value)`` or raise ValueError naming ``name`` unless finite.

    Example:
        >>> check_finite("crosstalk_dB", -50)
        -50.0
    """
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def amplitude_from_dB(loss_dB: ArrayLike) -> np.ndarray:
    """Field amplitude transmission of a power loss in dB: 10^(-loss_dB / 20).

    Args:
        loss_dB: power loss in dB (positive = loss).

    Returns:
        amplitude (float array).

    Example:
        >>> round(float(amplitude_from_dB(3.0) ** 2), 3)
        0.501
    """
    return 10.0 ** (-np.asarray(loss_dB, dtype=float) / 20.0)


def reciprocal(sdict: Mapping[tuple[str, str], ArrayLike]) -> SDict:
    """Complete an S-dict with the reverse of every pair, making it reciprocal (S = S^T).

    Args:
        sdict: ``{(a, b): array}``; a pair may be given in one or both directions.

    Returns:
        new dict holding ``(a, b)`` and ``(b, a)`` for every entry, complex arrays.

    Raises:
        ValueError: if both directions are given with different values.

    Example:
        >>> s = reciprocal({("o1", "o2"): 1j, ("o1", "o1"): 0.1})
        >>> complex(s[("o2", "o1")]), len(s)
        (1j, 3)
    """
    out: SDict = {}
    for (a, b), value in sdict.items():
        v = np.asarray(value, dtype=complex)
        for key in ((a, b), (b, a)):
            if key in out and not np.array_equal(out[key], v):
                raise ValueError(
                    f"S-dict is not reciprocal: {key} given twice with different values"
                )
            out[key] = v
    return out


def to_matrix(sdict: Mapping[tuple[str, str], ArrayLike], ports: Sequence[str] | None = None
              ) -> tuple[list[str], np.ndarray]:
    """Dense S-matrix of an S-dict: ``S[..., i, j]`` = ``sdict[(ports[i], ports[j])]``.

    Args:
        sdict: S-dict (absent pairs are zero).
        ports: port order; default the sorted port names.

    Returns:
        ``(ports, S)`` with ``S`` complex of shape ``wl_shape + (n, n)``.

    Example:
        >>> ports, m = to_matrix({("o1", "o2"): [0.5, 0.6], ("o2", "o1"): [0.5, 0.6]})
        >>> ports, m.shape
        (['o1', 'o2'], (2, 2, 2))
    """
    names = sorted({p for pair in sdict for p in pair}) if ports is None else list(ports)
    index = {p: i for i, p in enumerate(names)}
    values = {k: np.asarray(v, dtype=complex) for k, v in sdict.items()}
    shape = np.broadcast_shapes(*(v.shape for v in values.values())) if values else ()
    mat = np.zeros((*shape, len(names), len(names)), dtype=complex)
    for (a, b), v in values.items():
        if a in index and b in index:
            mat[..., index[a], index[b]] = v
    return names, mat
