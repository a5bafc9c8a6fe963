"""A qubitron tile: one row of qubitrons with their WDM pump feed, switch bank and I/O.

::

        stokes in (fibre)                         out (fibre)
             |                                        |
        [ Stokes WDM demux ]                   [ WDM mux ]         (top; channel ports south)
              \\  \\  ...          routed nets      /  /
          [switch 0]   [switch 1]   ...                             ring switches (bar -> mux)
              |            |
          [qubitron 0] [qubitron 1] ...                             pump in (south), through
              |            |                                         (north), Stokes in (north)
        [ pump WDM demux ]                                          (bottom; channel ports north)
              |
         pump in (fibre)

Channel k of both demuxes and of the mux belongs to qubitron k (its heater tunes the ring onto
the channel). The tile is one cell; the chip places it as an array instance.

Example:
    >>> from flows.spec import default_chip
    >>> tile = chip_tile(default_chip())
    >>> tile.info["qubitrons"], tile.info["nets"]
    (4, 16)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gdsfactory as gf
import numpy as np

from components import CELLS
from components.resonance import wdm_ring_radii_um
from flows.spec import ChipSpec

QUBITRON_PITCH_UM = 520.0
BANK_CLEARANCE_UM = 320.0  # vertical room for fan-out routes between a bank and the row


@dataclass(frozen=True)
class Net:
    """One optical connection to route: ``"instance,port"`` pair plus its WDM channel."""

    name: str
    a: gf.Port
    b: gf.Port
    channel: int | None = None


Router = Callable[[gf.Component, list[Net]], dict]


def _xs(layer: str) -> str:
    return "strip_wg1" if layer == "WG1" else "strip_wg2"


def _coupler(spec: ChipSpec) -> gf.Component:
    return CELLS["grating_coupler" if spec.io.coupler == "grating" else "edge_coupler"](
        cross_section=_xs(spec.layers.routing)
    )


def qubitron_radii_um(spec: ChipSpec) -> np.ndarray:
    """Ring radius (um) of each qubitron of a tile so that qubitron k resonates on WDM channel k.

    The racetrack straights are part of the round trip, so the WDM arithmetic runs on the
    equivalent circle (round trip / 2 pi) and the straights are taken off again.
    """
    straight_um = spec.qubitron.length_y_um / np.pi
    radii_eff = wdm_ring_radii_um(
        centre_nm=spec.wdm.centre_nm,
        spacing_nm=spec.wdm.spacing_nm,
        channels=spec.array.tile_columns,
        radius_um=spec.qubitron.radius_um + straight_um,
    )
    return radii_eff - straight_um


def tile_nets(spec: ChipSpec) -> tuple[gf.Component, list[Net]]:
    """Place the tile's cells and list the nets to route (nothing routed yet)."""
    n = spec.array.tile_columns
    xs_q, xs_r = _xs(spec.layers.qubitron), _xs(spec.layers.routing)
    c = gf.Component()
    radii = qubitron_radii_um(spec)
    sw_cell = CELLS["ring_switch"](radius=30.0, gap=0.3, cross_section=xs_r)
    wdm = dict(
        centre_wl_nm=spec.wdm.centre_nm,
        spacing_nm=spec.wdm.spacing_nm,
        channels=n,
        cross_section=xs_r,
    )
    nets: list[Net] = []
    qubitrons, switches = [], []
    for k in range(n):
        q_cell = CELLS["qubitron"](
            radius=float(radii[k]),
            gap=spec.qubitron.gap_um,
            length_y=spec.qubitron.length_y_um,
            cross_section=xs_q,
        )
        q = c.add_ref(q_cell, name=f"qubitron_{k}")
        q.rotate(90)
        q.move((k * QUBITRON_PITCH_UM - q.ports["o1"].x, -q.ports["o1"].y))
        qubitrons.append(q)
        s = c.add_ref(sw_cell, name=f"switch_{k}")
        s.mirror_x()
        s.rotate(-90)  # mirrored switch: o1 faces south, body to the right of the bus
        s.move((q.ports["o2"].x - s.ports["o1"].x, q.ymax + 60.0 - s.ports["o1"].y))
        switches.append(s)
        nets.append(Net(f"q{k}.through->switch{k}", q.ports["o2"], s.ports["o1"]))

    pump = c.add_ref(CELLS["wdm_demux"](**wdm), name="pump_demux")
    pump.move((-pump.xmin, min(q.ymin for q in qubitrons) - BANK_CLEARANCE_UM - pump.ymax))
    top = max(s.ymax for s in switches)
    # Top banks face south; the mux sits left so both fibre ports point outwards.
    stokes = c.add_ref(CELLS["wdm_demux"](**wdm), name="stokes_demux")
    stokes.rotate(180)
    stokes.move((qubitrons[-1].xmax - stokes.xmax, top + BANK_CLEARANCE_UM - stokes.ymin))
    mux = c.add_ref(CELLS["wdm_mux"](**wdm), name="mux")
    mux.rotate(180)
    mux.move((stokes.xmin - 200.0 - mux.xmax, stokes.ymin - mux.ymin))
    for k in range(n):
        nets.append(Net(f"pump{k}->q{k}", pump.ports[f"o{k + 3}"], qubitrons[k].ports["o1"], k))
        nets.append(Net(f"switch{k}->mux{k}", switches[k].ports["o2"], mux.ports[f"o{k + 3}"], k))
        nets.append(Net(f"stokes{k}->q{k}", stokes.ports[f"o{k + 3}"], qubitrons[k].ports["o3"], k))

    gc = _coupler(spec)
    for name, port in (
        ("pump_in", pump.ports["o1"]),
        ("stokes_in", stokes.ports["o1"]),
        ("out", mux.ports["o2"]),
    ):
        g = c.add_ref(gc, name=f"io_{name}")
        g.connect("o1", port)
        c.add_port(f"fibre_{name}", port=g.ports["o2"])
    c.info["qubitrons"] = n
    c.info["nets"] = len(nets)
    return c, nets


def route_with_gdsfactory(component: gf.Component, nets: list[Net], cross_section: str) -> dict:
    """Route each net with gdsfactory's single-net router (baseline until routing/ lands)."""
    for net in nets:
        gf.routing.route_single(component, net.a, net.b, cross_section=cross_section)
    return {"router": "gdsfactory.route_single", "nets": len(nets)}


@gf.cell
def chip_tile(spec: ChipSpec) -> gf.Component:
    """The routed tile cell for ``spec`` (see module docstring)."""
    c, nets = tile_nets(spec)
    report = route_with_gdsfactory(c, nets, _xs(spec.layers.routing))
    c.info["route"] = report
    return c
