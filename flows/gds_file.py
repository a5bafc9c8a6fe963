"""Masks every KLayout opens, with gdsfactory's metadata kept.

gdsfactory stores layout-wide definitions (cross-sections, layer enclosures, versions) as
records of the ``$$$CONTEXT_INFO$$$`` cell that KLayout before 0.29 rejects ("Invalid record
inside a context info cell"); the per-cell metadata (settings, info, ports) it reads. So the
mask (``NAME.gds``) keeps each cell's metadata (``thermal``, ``loss`` and KLayout scripts read
it) and the layout-wide definitions go to a small sidecar (``NAME.meta.oas``) that
:func:`read_mask` puts back, so gdsfactory rebuilds the ports. Both files are deterministic:
identical inputs give byte-identical files.

Example:
    >>> import tempfile, pathlib, gdsfactory as gf
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> gds = write_mask(gf.components.straight(length=5.0), out / "wg.gds")
    >>> sorted(p.name for p in out.iterdir())
    ['wg.gds', 'wg.meta.oas']
    >>> [p.name for p in read_mask(gds).ports]
    ['o1', 'o2']
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb
from kfactory.utilities import save_layout_options

from flows.output import atomic_file
from qc_pdk.errors import InputError

__all__ = [
    "MaskInputError",
    "read_mask",
    "read_mask_layout",
    "sidecar_path",
    "top_cell_meta",
    "write_mask",
]

GDS_SUFFIXES = (".gds", ".oas")


class MaskInputError(InputError):
    """A mask whose metadata sidecar does not belong to it."""


def sidecar_path(gds: str | Path) -> Path:
    """Where the metadata of mask ``gds`` lives (``NAME.meta.oas`` beside it)."""
    gds = Path(gds)
    return gds.with_name(f"{gds.stem}.meta.oas")


def write_mask(component: gf.Component, path: str | Path, *, option: str = "--out") -> Path:
    """Write ``component`` as a mask KLayout >= 0.28 reads, plus its layout-wide metadata.

    Each file is written under a temporary name and renamed (``flows.output.atomic_file``).
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="quantacore-mask-") as tmp:
        full = component.write_gds(Path(tmp) / "full.gds")  # gdsfactory's file, all metadata
        layout = kdb.Layout()
        layout.read(str(full))
    wide = [info for info in layout.each_meta_info() if info.is_persisted()]
    for info in wide:
        layout.remove_meta_info(info.name)
    options = save_layout_options()  # gdsfactory's options: no timestamps, deterministic
    atomic_file(path, lambda t: layout.write(str(t), options), option=option)
    definitions = kdb.Layout()
    definitions.dbu = layout.dbu
    for info in wide:
        definitions.add_meta_info(info)
    atomic_file(sidecar_path(path), lambda t: definitions.write(str(t), options), option=option)
    return path


def top_cell_meta(path: str | Path) -> dict[str, object]:
    """gdsfactory's metadata of the single top cell of mask ``path`` (``{}`` if none).

    Read with KLayout alone (no gdsfactory cells are made), e.g. to pick a cell to import.
    """
    layout = kdb.Layout()
    layout.read(str(path))
    tops = layout.top_cells()
    if len(tops) != 1:
        return {}
    return {info.name: info.value for info in tops[0].each_meta_info()}


def read_mask_layout(path: str | Path) -> kdb.Layout:
    """Mask ``path`` as a KLayout layout carrying gdsfactory's metadata (from the sidecar if any).

    For readers that work on ``klayout.db`` directly (``kfactory:info`` of each cell, ...).

    Raises:
        MaskInputError: the sidecar names cells the mask does not have.
    """
    path = Path(path)
    layout = kdb.Layout()
    layout.read(str(path))
    meta = sidecar_path(path)
    if not meta.is_file():
        return layout
    skeleton = kdb.Layout()
    skeleton.read(str(meta))
    for info in skeleton.each_meta_info():
        layout.add_meta_info(info)
    for cell in skeleton.each_cell():
        target = layout.cell(cell.name)
        if target is None:
            raise MaskInputError(
                f"{meta}: metadata for cell {cell.name!r}, which {path.name} does not have "
                f"(the sidecar belongs to another mask; delete it to read {path.name} alone)"
            )
        for info in cell.each_meta_info():
            target.add_meta_info(info)
    return layout


def read_mask(path: str | Path, *, cellname: str | None = None) -> gf.Component:
    """The component in mask ``path`` with its gdsfactory metadata (from the sidecar if any).

    Files written with the metadata inside (by gdsfactory itself) are read as they are.

    Raises:
        MaskInputError: the sidecar names cells the mask does not have.
    """
    path = Path(path)
    if not sidecar_path(path).is_file():
        try:
            return gf.import_gds(path, cellname=cellname)
        except KeyError as e:  # a port names a cross-section the file does not define
            raise MaskInputError(
                f"{path}: its ports use cross-section {e} defined in {sidecar_path(path).name}, "
                "which is missing (copy it with the mask)"
            ) from None
    layout = read_mask_layout(path)
    options = kdb.SaveLayoutOptions()
    options.format = "OASIS"
    options.write_context_info = True
    with tempfile.TemporaryDirectory(prefix="quantacore-mask-") as tmp:
        merged = Path(tmp) / f"{path.stem}.oas"
        layout.write(str(merged), options)
        return gf.import_gds(merged, cellname=cellname)
