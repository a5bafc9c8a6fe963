"""Numeric limits every user-given number is checked against before any work starts.

They come from the database unit and the process: KLayout stores coordinates as 32-bit
integers of 1 nm, so nothing may reach 2^31 nm (2.1 m); a die is at most a 300 mm wafer; a
length a cell draws is at most a die side. Values outside these bounds (and NaN or infinity)
raise :class:`LimitError` naming the field, instead of overflowing KLayout later or running for
minutes.

Example:
    >>> check_number(25.0, field="length", low=0.0, high=MAX_LENGTH_UM)
    25.0
    >>> check_number(float("nan"), field="length", low=0.0, high=MAX_LENGTH_UM)
    Traceback (most recent call last):
    ...
    qc_pdk.limits.LimitError: length: nan is not a finite number
"""

from __future__ import annotations

import math

from qc_pdk.errors import InputError

__all__ = [
    "DBU_UM",
    "MAX_COORDINATE_UM",
    "MAX_COUNT",
    "MAX_DIE_SIDE_UM",
    "MAX_LENGTH_UM",
    "MAX_RADIUS_UM",
    "WAVELENGTH_RANGE_UM",
    "LimitError",
    "check_number",
]

#: database unit: every coordinate is an integer number of nm
DBU_UM = 0.001
#: largest coordinate KLayout can store (int32 database units)
MAX_COORDINATE_UM = (2**31 - 1) * DBU_UM
#: a die is at most a 300 mm wafer; a die placed anywhere in it stays inside int32 coordinates
MAX_DIE_SIDE_UM = 300_000.0
#: the longest length a cell may draw (a die side)
MAX_LENGTH_UM = MAX_DIE_SIDE_UM
#: the largest radius a cell may draw: arcs take vertices in proportion to their radius (a
#: 30 mm ring takes seconds and hundreds of MiB), and no bend on a die needs more
MAX_RADIUS_UM = 10_000.0
#: the largest repeat count of a cell parameter (wires, periods, ...), as the largest array side
MAX_COUNT = 4096
#: the band the compact models and the layer stack are characterised in
WAVELENGTH_RANGE_UM = (1.2, 1.7)


class LimitError(InputError):
    """A number outside the range the toolkit can build (the message names the field)."""


def check_number(
    value: float, *, field: str, low: float, high: float, low_inclusive: bool = True
) -> float:
    """``value`` when finite and in ``[low, high]`` (``(low, high]`` if not ``low_inclusive``).

    Raises:
        LimitError: ``"<field>: <value> ..."`` saying which bound it breaks.
    """
    v = float(value)
    if not math.isfinite(v):
        raise LimitError(f"{field}: {value} is not a finite number")
    if v < low or (v == low and not low_inclusive):
        op = ">=" if low_inclusive else ">"
        raise LimitError(f"{field}: {value:g} is out of range (must be {op} {low:g})")
    if v > high:
        raise LimitError(f"{field}: {value:g} is out of range (must be <= {high:g})")
    return v
