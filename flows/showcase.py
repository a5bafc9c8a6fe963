"""A small layout exercising every PDK layer, DRC-clean; what `make demo` builds for now.

Example:
    >>> from flows.showcase import pdk_showcase
    >>> sorted(p.name for p in pdk_showcase().ports)[:2]
    ['heater_e1', 'heater_e2']
"""

from __future__ import annotations

import gdsfactory as gf

from qc_pdk import LAYER


def _rect(
    c: gf.Component, x0: float, y0: float, x1: float, y1: float, layer: gf.typings.LayerSpec
) -> None:
    c.add_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], layer=layer)


def _bond_pad(c: gf.Component, x: float, y: float, size_um: float = 80.0) -> None:
    """M2 pad with its passivation opening, centred at (x, y)."""
    h = size_um / 2
    _rect(c, x - h, y - h, x + h, y + h, LAYER.M2)
    _rect(c, x - h + 5, y - h + 5, x + h - 5, y + h - 5, LAYER.PAD)


def _via_stack(c: gf.Component, x: float, y: float) -> None:
    """Heater contact -> M1 -> VIA1 -> M2, centred at (x, y)."""
    _rect(c, x - 6, y - 6, x + 6, y + 6, LAYER.HEATER)
    _rect(c, x - 3, y - 3, x + 3, y + 3, LAYER.VIAC)
    _rect(c, x - 6, y - 6, x + 6, y + 6, LAYER.M1)
    _rect(c, x - 2, y - 2, x + 2, y + 2, LAYER.VIA1)
    _rect(c, x - 6, y - 6, x + 6, y + 6, LAYER.M2)


@gf.cell
def pdk_showcase() -> gf.Component:
    """Rings on both SiN layers, a heated waveguide with pads, an SNSPD, an emitter, a trench."""
    c = gf.Component()
    ring1 = c << gf.components.ring_single(radius=30.0, gap=0.3, cross_section="strip_wg1")
    ring2 = c << gf.components.ring_single(radius=30.0, gap=0.3, cross_section="strip_wg2")
    ring2.move((200.0, 0.0))
    c.add_ports(ring1.ports, prefix="ring_wg1_")
    c.add_ports(ring2.ports, prefix="ring_wg2_")

    # Heated WG2 waveguide: TiN strip over the core, leads down to via stacks and bond pads.
    y_wg = -60.0
    wg = c << gf.components.straight(length=300.0, cross_section="strip_wg2")
    wg.move((-50.0, y_wg))
    _rect(c, 0, y_wg - 1, 200, y_wg + 1, LAYER.HEATER)
    for x in (0.0, 194.0):
        _rect(c, x, y_wg - 40, x + 6, y_wg - 1, LAYER.HEATER)
        _via_stack(c, x + 3, y_wg - 46)
        _rect(c, x - 2, y_wg - 120, x + 8, y_wg - 46, LAYER.M2)
        _bond_pad(c, x + 3, y_wg - 160)
    for name, x in (("heater_e1", 3.0), ("heater_e2", 197.0)):
        c.add_port(
            name,
            center=(x, y_wg - 200),
            width=80,
            orientation=270,
            layer=LAYER.M2,
            port_type="electrical",
        )

    # SNSPD meander (NbN) on top of a WG2 waveguide end.
    det = c << gf.components.snspd(wire_width=0.1, wire_pitch=0.4, size=(10.0, 8.0), layer=LAYER.NW)
    det.move((250.0 - det.xmin, y_wg - det.y))

    # Emitter site on a WG1 waveguide; thermal trench clear of every core.
    wg1 = c << gf.components.straight(length=100.0, cross_section="strip_wg1")
    wg1.move((0.0, -300.0))
    _rect(c, 49.9, -300.1, 50.1, -299.9, LAYER.EMITTER)
    _rect(c, -50, -340, 300, -335, LAYER.TRENCH)
    c.add_label("QuantaCore PDK showcase", position=(0.0, -380.0), layer=LAYER.TEXT)
    return c
