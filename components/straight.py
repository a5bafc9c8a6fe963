"""Straight waveguide: gdsfactory's ``straight`` with QuantaCore parameter checks."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_width, layer_name
from components._model_kwargs import length_kwargs
from components.models.waveguide import straight as straight_model
from components.registry import OPTICAL, library_cell
from qc_pdk.rules import min_width_um


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=straight_model,
    model_kwargs=length_kwargs,
    category="propagation",
)
@gf.cell
def straight(
    length: float = 10.0,
    npoints: int = 2,
    cross_section: CrossSectionSpec = "strip",
    width: float | None = None,
) -> gf.Component:
    """Straight waveguide (or wire) of the given cross-section.

    Args:
        length: length in um (>= 0). Standalone, a SiN straight shorter than ~2 um is a sliver
            under the width / area rules; short pieces are meant to join other waveguides.
        npoints: number of points along the path (gdsfactory).
        cross_section: cross-section spec ("strip", "strip_wg1", "strip_wg2", "metal1" ...).
        width: core width in um; default the cross-section's width (>= the layer's min width).

    .. code::

        o1 ────────────────── o2
                 length

    Raises:
        ValueError: negative ``length`` or ``width`` under the layer's minimum width rule.
    """
    check_positive("length", length, allow_zero=True)
    layer = layer_name(cross_section)
    if width is not None and min_width_um(layer) > 0:
        check_width("width", width, layer)
    c = gf.Component()
    inner = gf.components.straight(
        length=length, npoints=npoints, cross_section=cross_section, width=width
    )
    ref = c << inner
    c.add_ports(ref.ports)
    c.info.update(inner.info.model_dump())
    return c
