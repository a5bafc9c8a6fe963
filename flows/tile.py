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


def _coupler(spec: ChipSpec, cross_section: str) -> gf.Component:
    return CELLS["grating_coupler" if spec.io.coupler == "grating" else "edge_coupler"](
        cross_section=cross_section
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
    pump.move(
        (
            (qubitrons[0].xmin + qubitrons[-1].xmax) / 2 - (pump.xmin + pump.xmax) / 2,
            min(q.ymin for q in qubitrons) - BANK_CLEARANCE_UM - pump.ymax,
        )
    )
    top = max(s.ymax for s in switches)
    # Bar outputs go up to the mux on the routing layer; the Stokes feed rises through
    # interlayer couplers to the other SiN layer, so the two buses pass over each other
    # without crossings.
    mux = c.add_ref(CELLS["wdm_mux"](**wdm), name="mux")
    mux.rotate(180)
    mux.move((switches[-1].xmax - mux.xmax, top + BANK_CLEARANCE_UM - mux.ymin))
    stokes_xs = "strip_wg1" if xs_q == "strip_wg2" else "strip_wg2"
    stokes = c.add_ref(
        CELLS["wdm_demux"](**{**wdm, "cross_section": stokes_xs}), name="stokes_demux"
    )
    stokes.rotate(180)
    stokes.move((qubitrons[0].xmin - stokes.xmin, mux.ymax + BANK_CLEARANCE_UM - stokes.ymin))
    ics = []
    for k, q in enumerate(qubitrons):
        ic = c.add_ref(CELLS["interlayer_coupler"](), name=f"stokes_riser_{k}")
        ic.connect("o2" if xs_q == "strip_wg2" else "o1", q.ports["o3"])
        ics.append(ic)
    stokes_port = "o1" if xs_q == "strip_wg2" else "o2"
    for k in range(n):
        nets.append(Net(f"pump{k}->q{k}", pump.ports[f"o{k + 3}"], qubitrons[k].ports["o1"], k))
        nets.append(Net(f"switch{k}->mux{k}", switches[k].ports["o2"], mux.ports[f"o{k + 3}"], k))
        nets.append(
            Net(f"stokes{k}->q{k}", stokes.ports[f"o{k + 3}"], ics[k].ports[stokes_port], k)
        )

    for name, port, xs in (
        ("pump_in", pump.ports["o1"], xs_r),
        ("stokes_in", stokes.ports["o1"], stokes_xs),
        ("out", mux.ports["o2"], xs_r),
    ):
        g = c.add_ref(_coupler(spec, xs), name=f"io_{name}")
        g.connect("o1", port)
        c.add_port(f"fibre_{name}", port=g.ports["o2"])
    c.info["qubitrons"] = n
    c.info["nets"] = len(nets)
    return c, nets


def route_tile(component: gf.Component, nets: list[Net], spec: ChipSpec) -> dict:
    """Route the tile's nets: the short through nets straight, every bank as one bundle.

    Bundles (gdsfactory's ``route_bundle``: parallel, evenly pitched, no crossings within a
    bundle) fit this tile because each bank's channel order matches the qubitron order.
    Returns a small route report.
    """
    groups: dict[str, list[Net]] = {}
    for net in nets:
        groups.setdefault(net.name.split("->")[0].rstrip("0123456789").split(".")[0], []).append(
            net
        )
    xs_route = _xs(spec.layers.routing)
    total_um = 0.0
    for group, members in groups.items():
        xs = "strip_wg1" if group == "stokes" and xs_route == "strip_wg2" else xs_route
        if group == "q":  # qubitron through -> its own switch: aligned, one straight each
            routes = [
                gf.routing.route_single(component, m.a, m.b, cross_section=xs) for m in members
            ]
        else:
            routes = gf.routing.route_bundle(
                component,
                [m.a for m in members],
                [m.b for m in members],
                cross_section=xs,
                separation=10.0,
                sort_ports=True,
                on_collision=None,
            )
        total_um += sum(float(r.length) * component.kcl.dbu for r in routes)
    return {
        "router": "gdsfactory route_bundle (one bundle per bank)",
        "nets": len(nets),
        "crossings": 0,
        "total_length_um": round(total_um, 1),
    }


@gf.cell
def chip_tile(spec: ChipSpec) -> gf.Component:
    """The routed tile cell for ``spec`` (see module docstring)."""
    c, nets = tile_nets(spec)
    report = route_tile(c, nets, spec)
    c.info["route"] = report
    return c
