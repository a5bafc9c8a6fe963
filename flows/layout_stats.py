"""Counts of placed cells in a GDS, read from its hierarchy without flattening.

Example:
    >>> import klayout.db as kdb, tempfile, pathlib
    >>> ly = kdb.Layout(); leaf = ly.create_cell("qubitron_R40"); top = ly.create_cell("TOP")
    >>> a, b = kdb.Vector(1000, 0), kdb.Vector(0, 1000)
    >>> _ = top.insert(kdb.CellInstArray(leaf.cell_index(), kdb.Trans(), a, b, 3, 2))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.gds"
    >>> _ = ly.write(str(path))
    >>> placed_cell_counts(path, {"qubitron": "qubitron"})
    {'qubitron': 6}
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import klayout.db as kdb


def placed_cell_counts(gds: str | Path, prefixes: dict[str, str]) -> dict[str, int]:
    """How many times cells whose name starts with each prefix are placed under the top cell.

    Args:
        gds: layout file.
        prefixes: ``{label: cell-name prefix}``; a cell matching counts once per placement and
            its own sub-cells are not searched further for the same label.

    Returns:
        ``{label: placements}`` (array instances count every element).
    """
    layout = kdb.Layout()
    layout.read(str(gds))
    top = layout.top_cell()
    out = {}
    for label, prefix in prefixes.items():

        @cache
        def count(ci: int, prefix: str = prefix) -> int:
            cell = layout.cell(ci)
            if cell.name.startswith(prefix):
                return 1
            total = 0
            for inst in cell.each_inst():
                n = inst.na * inst.nb if inst.is_regular_array() else 1
                total += n * count(inst.cell_index)
            return total

        out[label] = count(top.cell_index())
    return out
