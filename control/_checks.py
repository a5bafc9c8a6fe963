"""Parameter checks of the control package: each raises ``ValueError`` naming the parameter.

Scalars come back as ``float``; arrays as float ``ndarray`` (any shape). The unit string only
goes into the message.

Example:
    >>> positive("fwhm_ns", 5, "ns")
    5.0
    >>> fraction("branching_g1", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: branching_g1 must be a finite number in [0, 1], got 1.5
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "finite",
    "finite_array",
    "fraction",
    "fraction_array",
    "nonnegative",
    "nonnegative_array",
    "positive",
    "positive_array",
]


def _number(name: str, value: object) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, got {value!r}")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None


def finite(name: str, value: object) -> float:
    """``float(value)``; ValueError naming ``name`` unless a finite number."""
    v = _number(name, value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def positive(name: str, value: object, unit: str = "") -> float:
    """``float(value)``; ValueError naming ``name`` unless finite and > 0."""
    v = _number(name, value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0 {unit}, got {value!r}".rstrip())
    return v


def nonnegative(name: str, value: object, unit: str = "") -> float:
    """``float(value)``; ValueError naming ``name`` unless finite and >= 0."""
    v = _number(name, value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0 {unit}, got {value!r}".rstrip())
    return v


def fraction(name: str, value: object) -> float:
    """``float(value)``; ValueError naming ``name`` unless in [0, 1]."""
    v = _number(name, value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must be a finite number in [0, 1], got {value!r}")
    return v


def _array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {value!r}") from None
    if a.size and not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite everywhere, got {value!r}")
    return a


def finite_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Float array of ``value``; ValueError naming ``name`` unless all finite."""
    return _array(name, value)


def positive_array(name: str, value: ArrayLike, unit: str = "") -> NDArray[np.float64]:
    """Float array of ``value``; ValueError naming ``name`` unless all finite and > 0."""
    a = _array(name, value)
    if a.size and np.any(a <= 0):
        raise ValueError(f"{name} must be > 0 {unit} everywhere, min is {a.min()!r}".rstrip())
    return a


def nonnegative_array(name: str, value: ArrayLike, unit: str = "") -> NDArray[np.float64]:
    """Float array of ``value``; ValueError naming ``name`` unless all finite and >= 0."""
    a = _array(name, value)
    if a.size and np.any(a < 0):
        raise ValueError(f"{name} must be >= 0 {unit} everywhere, min is {a.min()!r}".rstrip())
    return a


def fraction_array(name: str, value: ArrayLike) -> NDArray[np.float64]:
    """Float array of ``value``; ValueError naming ``name`` unless all in [0, 1]."""
    a = _array(name, value)
    if a.size and (np.any(a < 0) or np.any(a > 1)):
        raise ValueError(
            f"{name} must be in [0, 1] everywhere, range is [{a.min()!r}, {a.max()!r}]"
        )
    return a
