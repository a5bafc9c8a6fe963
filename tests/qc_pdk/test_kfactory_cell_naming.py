"""The kfactory cell-naming patch (``quantacore.kfactory_cell_naming``): same cells, no layer
enum rebuilt per cell, the field still type-checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import gdsfactory as gf
import kfactory.layout as kl
import pytest

from components import CELLS
from quantacore import kfactory_cell_naming

ROOT = Path(__file__).resolve().parents[2]

# a few library cells, written to one GDS; run with or without the patch
_BUILD = """
import sys
sys.path.insert(0, {root!r})
import gdsfactory as gf
from quantacore.pdk import get_pdk
{install}
get_pdk().activate()
from components import CELLS
c = gf.Component("top")
for k, cell in enumerate([CELLS["straight"](length=12.345), CELLS["bend_euler"](radius=30.0),
                          CELLS["crossing"](), CELLS["ring_switch"]()]):
    c.add_ref(cell, name=f"i{{k}}").dmove((0, 200 * k))
c.write_gds({out!r}, with_metadata=False)
"""


def _gds_bytes(tmp_path: Path, patched: bool) -> bytes:
    out = tmp_path / f"cells_{patched}.gds"
    install = ("from quantacore import kfactory_cell_naming; kfactory_cell_naming.install()"
               if patched else "")
    code = _BUILD.format(root=str(ROOT), install=install, out=str(out))
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=300)
    return out.read_bytes()


def test_cells_and_their_gds_bytes_are_the_same_with_the_patch(tmp_path: Path) -> None:
    assert _gds_bytes(tmp_path, patched=True) == _gds_bytes(tmp_path, patched=False)


def test_a_new_cell_no_longer_rebuilds_the_layer_enum() -> None:
    kcl = gf.kcl
    layers_before, name_before = kcl.layers, kcl.future_cell_name
    cell = CELLS["straight"](length=17.0123)
    assert cell.name.startswith("straight")
    assert kcl.layers is layers_before  # the validator did not run again
    # restored after the cell was named (kfactory leaves it set when a cell function raises,
    # so compare with what it was, not with None)
    assert kcl.future_cell_name == name_before


def test_the_field_is_still_type_checked_and_install_is_idempotent() -> None:
    kfactory_cell_naming.install()
    kfactory_cell_naming.install()
    assert kl.KCLayout.__setattr__.__name__ == "set_attr_without_layer_rebuild"
    with pytest.raises(TypeError, match="future_cell_name"):
        gf.kcl.future_cell_name = 3  # type: ignore[assignment]
    assert not isinstance(gf.kcl.future_cell_name, int)
