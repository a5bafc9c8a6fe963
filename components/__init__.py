"""QuantaCore parametric cells and their compact models.

``CELLS`` maps cell names to gdsfactory cell functions; the PDK registers them on top of
gdsfactory's primitives.
"""

from __future__ import annotations

from collections.abc import Callable

import gdsfactory as gf

CELLS: dict[str, Callable[..., gf.Component]] = {}
