"""Linear taper: gdsfactory's ``taper`` with QuantaCore width / length checks."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec, LayerSpec, Port

from components._common import check_positive, check_width, layer_name
from components._model_kwargs import taper_kwargs
from components.models.waveguide import taper as taper_model
from components.registry import OPTICAL, library_cell
from qc_pdk.rules import min_width_um

END_STUB_UM = 0.01  # shortest straight stub squaring each end of a taper (um)


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=taper_model,
    model_kwargs=taper_kwargs,
    category="taper",
)
@gf.cell
def taper(
    length: float = 10.0,
    width1: float = 0.8,
    width2: float | None = 2.0,
    layer: LayerSpec | None = None,
    port: Port | None = None,
    with_two_ports: bool = True,
    cross_section: CrossSectionSpec = "strip",
    port_names: tuple[str, str] = ("o1", "o2"),
    port_types: tuple[str, str] = ("optical", "optical"),
    with_bbox: bool = True,
) -> gf.Component:
    """Linear taper from ``width1`` (o1, west) to ``width2`` (o2, east).

    Args:
        length: taper length in um (> 0).
        width1: width at o1 in um (>= the layer's minimum width, 0.5 um for SiN).
        width2: width at o2 in um; None = width1.
        layer: layer override.
        port: taper from this port's width instead of ``width1``.
        with_two_ports: False drops o2 (terminations).
        cross_section: cross-section spec.
        port_names: names of the two ports.
        port_types: types of the two ports.
        with_bbox: draw the cross-section's bbox layers (none in the QuantaCore PDK).

    .. code::

                 _____
            ____/     |
        o1  ____      |  o2
                \\_____|
              length

    Raises:
        ValueError: ``length`` <= 0 or a width under the layer's minimum width rule.
    """
    check_positive("length", length)
    lname = layer_name(cross_section)
    if min_width_um(lname) > 0:
        check_width("width1", width1 if port is None else float(port.width), lname)
        if width2 is not None:
            check_width("width2", width2, lname)
    c = gf.Component()
    w2 = width1 if width2 is None else width2
    # The stub must be as long as the minimum width, or the end face and the tapered edge still
    # face each other closer than the width rule.
    stub = max(END_STUB_UM, min_width_um(lname))
    if port is None and with_two_ports and abs(w2 - width1) > 1e-9 and length > 4 * stub:
        # Square both ends with straight stubs inside ``length`` (same ports and length):
        # a free tapered end has a corner just under 90 degrees, which width checks flag.
        kw = dict(layer=layer, cross_section=cross_section, with_bbox=with_bbox)
        mid = gf.components.taper(
            length=length - 2 * stub, width1=width1, width2=w2, port_types=port_types, **kw
        )
        s1 = gf.components.taper(
            length=stub, width1=width1, width2=width1, port_types=port_types, **kw
        )
        s2 = gf.components.taper(length=stub, width1=w2, width2=w2, port_types=port_types, **kw)
        r1, rm, r2 = c << s1, c << mid, c << s2
        rm.connect("o1", r1.ports["o2"])
        r2.connect("o1", rm.ports["o2"])
        c.add_port(port_names[0], port=r1.ports["o1"])
        c.add_port(port_names[1], port=r2.ports["o2"])
        c.info.update(mid.info.model_dump())
        c.info["length"] = length
        return c
    inner = gf.components.taper(
        length=length,
        width1=width1,
        width2=width2,
        layer=layer,
        port=port,
        with_two_ports=with_two_ports,
        cross_section=cross_section,
        port_names=port_names,
        port_types=port_types,
        with_bbox=with_bbox,
    )
    ref = c << inner
    c.add_ports(ref.ports)
    c.info.update(inner.info.model_dump())
    return c
