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
the channel). The tile is one cell; the chip places it as an array instance. The nets are
``routing.router.Connection`` values (``"instance,port"`` ends, WDM channel, bundle name), the
same type the QuantaCore router takes.

Example:
    >>> tile = chip_tile(TileDesign(qubitrons=4))
    >>> tile.info["qubitrons"], tile.info["nets"]
    (4, 16)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import gdsfactory as gf
import numpy as np
from kfactory.typings import MetaData
from pydantic import BaseModel, ConfigDict, Field

from components import CELLS
from components.models.waveguide_modes import group_index
from components.resonance import wdm_ring_radii_um
from components.straight import straight
from qc_pdk.errors import InputError
from routing.heater_wiring import (
    BAND_CLEARANCE_UM,
    heater_terminals,
    wire_heaters_to_pads,
    wiring_band_height_um,
)
from routing.length_match import length_matched_straight, min_extra_length_um
from routing.router import Connection

QUBITRON_PITCH_UM = 520.0
# Ring radii (um) from the 3D vectorial bend loss at 1550 nm (components.models.mode_table):
# 50 um circular arcs radiate 0.017 dB per round trip (30 um: 0.65 dB, which left the
# switches' drop at 0.06); a 50 um ring's FSR (4.0 nm; 3.4 nm for the qubitron's racetrack)
# still holds 4 channels at 0.8 nm.
SWITCH_RADIUS_UM = 50.0
WDM_RING_RADIUS_UM = 50.0
BANK_CLEARANCE_UM = 320.0  # vertical room for fan-out routes between a bank and the row
HEATER_LINES_PER_QUBITRON = 4  # two heaters (ring and switch), two lines each
# Pump length matching: meanders of 45 um Euler bends (>= 45 um radiate < 0.01 dB per 90 deg,
# qc_pdk rule WG*.R.1 note) hang below each qubitron, clear of its pads by MEANDER_GAP_UM.
MEANDER_RADIUS_UM = 45.0
MEANDER_GAP_UM = 20.0
C_UM_PER_PS = 299.792458




class LengthMatchError(InputError):
    """The pump routes cannot be matched within the tile (the message names the field)."""


def pump_bank_clearance_um(design: TileDesign, *, pads_below_port_um: float = 0.0) -> float:
    """Room (um) between the pump bank and the row: the fan-out, the heater wiring band and,
    with a pump skew bound, the meanders (hung ``pads_below_port_um`` + a gap below each
    qubitron's pump port, clear of its pads)."""
    room = max(
        BANK_CLEARANCE_UM, wiring_band_height_um(HEATER_LINES_PER_QUBITRON * design.qubitrons)
    )
    if design.max_pump_skew_ps is not None:
        room += pads_below_port_um + MEANDER_GAP_UM + 4 * MEANDER_RADIUS_UM + MEANDER_GAP_UM
    return room


class TileDesign(BaseModel):
    """What a tile is made of (lengths in um, wavelengths in nm); the chip spec makes one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    qubitrons: int = Field(4, ge=1, le=64, description="qubitrons in the tile's row")
    radius_um: float = Field(50.0, gt=0, description="qubitron ring radius")
    gap_um: float = Field(0.5, gt=0, description="qubitron ring-bus gap")
    length_y_um: float = Field(30.0, gt=0, description="qubitron racetrack straight")
    wdm_centre_nm: float = Field(1550.0, gt=0, description="WDM grid centre")
    wdm_spacing_nm: float = Field(0.8, gt=0, description="WDM channel spacing")
    qubitron_layer: Literal["WG1", "WG2"] = "WG2"
    routing_layer: Literal["WG1", "WG2"] = "WG2"
    io_coupler: Literal["grating", "edge"] = "grating"
    max_pump_skew_ps: float | None = Field(
        default=None, gt=0, le=1e6,
        description="bound on the pump arrival skew across the row (ps); above it the pump "
        "routes get meanders (routing.length_match); None: no matching",
    )


def _xs(layer: str) -> str:
    return "strip_wg1" if layer == "WG1" else "strip_wg2"


def _coupler(design: TileDesign, cross_section: str) -> gf.Component:
    return CELLS["grating_coupler" if design.io_coupler == "grating" else "edge_coupler"](
        cross_section=cross_section
    )


def qubitron_radii_um(design: TileDesign) -> np.ndarray:
    """Ring radius (um) of each qubitron of a tile so that qubitron k resonates on WDM channel k.

    The racetrack straights are part of the round trip, so the WDM arithmetic runs on the
    equivalent circle (round trip / 2 pi) and the straights are taken off again.
    """
    straight_um = design.length_y_um / np.pi
    radii_eff = wdm_ring_radii_um(
        centre_nm=design.wdm_centre_nm,
        spacing_nm=design.wdm_spacing_nm,
        channels=design.qubitrons,
        radius_um=design.radius_um + straight_um,
    )
    return radii_eff - straight_um


def tile_nets(design: TileDesign) -> tuple[gf.Component, list[Connection]]:
    """Place the tile's cells and list the nets to route (nothing routed yet).

    Returns:
        the placed component and its nets: through nets (no bundle) from each qubitron to its
        switch, then per channel k the ``pump``, ``switch_to_mux`` and ``stokes`` bundles.
    """
    n = design.qubitrons
    xs_q, xs_r = _xs(design.qubitron_layer), _xs(design.routing_layer)
    c = gf.Component()
    radii = qubitron_radii_um(design)
    sw_cell = CELLS["ring_switch"](radius=SWITCH_RADIUS_UM, gap=0.3, cross_section=xs_r)
    wdm = dict(
        centre_wl_nm=design.wdm_centre_nm,
        spacing_nm=design.wdm_spacing_nm,
        channels=n,
        radius=WDM_RING_RADIUS_UM,
        cross_section=xs_r,
    )
    nets: list[Connection] = []
    qubitrons, switches = [], []
    for k in range(n):
        q_cell = CELLS["qubitron"](
            radius=float(radii[k]),
            gap=design.gap_um,
            length_y=design.length_y_um,
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
        nets.append(Connection(f"qubitron_{k},o2", f"switch_{k},o1", name=f"q{k}.through"))

    pump = c.add_ref(CELLS["wdm_demux"](**wdm), name="pump_demux")
    pump.move(
        (
            (qubitrons[0].xmin + qubitrons[-1].xmax) / 2 - (pump.xmin + pump.xmax) / 2,
            min(q.ymin for q in qubitrons)
            - pump_bank_clearance_um(
                design, pads_below_port_um=max(q.ports["o1"].y - q.ymin for q in qubitrons)
            )
            - pump.ymax,
        )
    )
    top = max(s.ymax for s in switches)
    # Bar outputs go up to the mux on the routing layer; the Stokes feed rises through
    # interlayer couplers to the other SiN layer, so the two buses pass over each other
    # without crossings.
    mux = c.add_ref(CELLS["wdm_mux"](**wdm), name="mux")
    mux.mirror_y()  # channel ports face south in the qubitrons' order (no crossing, channel k to k)
    mux.move((switches[-1].xmax - mux.xmax, top + BANK_CLEARANCE_UM - mux.ymin))
    stokes_xs = "strip_wg1" if xs_q == "strip_wg2" else "strip_wg2"
    stokes = c.add_ref(
        CELLS["wdm_demux"](**{**wdm, "cross_section": stokes_xs}), name="stokes_demux"
    )
    stokes.mirror_y()
    stokes.move((qubitrons[0].xmin - stokes.xmin, mux.ymax + BANK_CLEARANCE_UM - stokes.ymin))
    ics = []
    for k, q in enumerate(qubitrons):
        ic = c.add_ref(CELLS["interlayer_coupler"](), name=f"stokes_riser_{k}")
        ic.connect("o2" if xs_q == "strip_wg2" else "o1", q.ports["o3"])
        ics.append(ic)
    stokes_port = "o1" if xs_q == "strip_wg2" else "o2"
    for k in range(n):
        nets.append(Connection(f"pump_demux,o{k + 3}", f"qubitron_{k},o1", k, "pump"))
        nets.append(Connection(f"switch_{k},o2", f"mux,o{k + 3}", k, "switch_to_mux"))
        nets.append(
            Connection(f"stokes_demux,o{k + 3}", f"stokes_riser_{k},{stokes_port}", k, "stokes")
        )

    for name, port, xs in (
        ("pump_in", pump.ports["o1"], xs_r),
        ("stokes_in", stokes.ports["o1"], stokes_xs),
        ("out", mux.ports["o2"], xs_r),
    ):
        g = c.add_ref(_coupler(design, xs), name=f"io_{name}")
        g.connect("o1", port)
        c.add_port(f"fibre_{name}", port=g.ports["o2"])
    c.info["qubitrons"] = n
    c.info["nets"] = len(nets)
    return c, nets


def _port(component: gf.Component, ref: str) -> gf.Port:
    inst, _, port = ref.partition(",")
    return component.insts[inst].ports[port]


def route_tile_with_gf_bundles(
    component: gf.Component, nets: list[Connection], design: TileDesign
) -> dict[str, MetaData]:
    """Route the tile's nets with gdsfactory's ``route_bundle``: each net without a bundle on
    its own, then each bundle as one (parallel, evenly pitched, no crossings within it).

    Bundles fit this tile because each bank's channel order matches the qubitron order; the
    ``stokes`` bundle runs on the other SiN layer. Returns a small route report.
    """
    xs_route = _xs(design.routing_layer)
    groups: dict[str, list[Connection]] = {}
    for net in nets:
        groups.setdefault(net.bundle or f"net:{net.label}", []).append(net)
    total_um = 0.0
    for group, members in groups.items():
        xs = "strip_wg1" if group == "stokes" and xs_route == "strip_wg2" else xs_route
        routes = gf.routing.route_bundle(
            component,
            [_port(component, m.source) for m in members],
            [_port(component, m.target) for m in members],
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


def pump_skew_ps(lengths_um: Mapping[str, float], design: TileDesign) -> float:
    """Arrival skew (ps) of pump paths of ``lengths_um`` at the WDM centre's group index.

    (``control.timing`` computes the same from the loss budget; ``routing`` may not import
    ``control``.)

    Example:
        >>> round(pump_skew_ps({"a": 0.0, "b": 1000.0}, TileDesign()), 2)
        6.36
    """
    ng = float(group_index(design.wdm_centre_nm * 1e-3))
    values = list(lengths_um.values())
    return (max(values) - min(values)) * ng / C_UM_PER_PS if len(values) > 1 else 0.0


def _place_pump_meanders(
    component: gf.Component, nets: list[Connection], design: TileDesign,
    extras_um: Mapping[int, float],
) -> list[Connection]:
    """Hang a meander (or, for an extra of 0, a straight of the same span) below each
    qubitron's pump port and retarget its pump net to the meander's free end.

    The pieces are placed as the library's straights and bends themselves (no wrapper cell),
    like a route's, so the netlist and the loss budget read them as route segments.
    """
    xs = _xs(design.routing_layer)
    out = []
    for net in nets:
        if net.bundle != "pump":
            out.append(net)
            continue
        k = int(net.channel or 0)
        q = component.insts[f"qubitron_{k}"]
        drop = q.ports["o1"].y - q.ymin + MEANDER_GAP_UM
        lead = component.add_ref(straight(length=drop, cross_section=xs), name=f"pump_lead_{k}")
        lead.connect("o1", q.ports["o1"])
        cell = length_matched_straight(
            span_um=4 * MEANDER_RADIUS_UM, extra_length_um=float(extras_um.get(k, 0.0)),
            cross_section=xs, radius_um=MEANDER_RADIUS_UM,
        )
        scratch = gf.Component()
        m = scratch << cell
        m.connect("o2", lead.ports["o2"])
        end = m.ports["o1"]
        leaves: list[Any] = []
        for inst in cell.insts:
            subs: list[Any] = list(inst.cell.insts) or [None]
            for sub in subs:
                leaf = inst.cell if sub is None else sub.cell
                trans = m.dcplx_trans * inst.dcplx_trans
                trans = trans if sub is None else trans * sub.dcplx_trans
                ref = component.add_ref(leaf, name=f"pump_match_{k}_{len(leaves)}")
                ref.dcplx_trans = trans
                leaves.append(ref)
        first = next(
            f"{r.name},{p.name}" for r in leaves for p in r.ports
            if np.allclose(p.center, end.center, atol=1e-3)
        )
        out.append(Connection(net.source, first, net.channel, net.bundle, net.name))
    return out


def _pump_route_lengths_um(design: TileDesign) -> dict[int, float]:
    """Pump path length (um) per channel of the tile with zero-extra placeholders: route
    plus the placeholder, what a meander's extra is added to."""
    c, nets = tile_nets(design)
    nets = _place_pump_meanders(c, nets, design, {})
    pump = [n for n in nets if n.bundle == "pump"]
    routes = gf.routing.route_bundle(
        c, [_port(c, m.source) for m in pump], [_port(c, m.target) for m in pump],
        cross_section=_xs(design.routing_layer), separation=10.0, sort_ports=True,
        on_collision=None,
    )
    lengths = {}
    for r in routes:
        ends = [np.asarray(p.center, dtype=float) * c.kcl.dbu
                for p in (r.start_port, r.end_port)]  # route ports are in database units
        k = next(n.channel for n in pump
                 if any(np.allclose(_port(c, n.target).center, e, atol=1e-3) for e in ends))
        placeholder = 4 * MEANDER_RADIUS_UM
        lead = float(c.insts[f"pump_lead_{k}"].cell.info["length"])
        lengths[int(k or 0)] = float(r.length) * c.kcl.dbu + placeholder + lead
    return lengths


def length_match_pump(design: TileDesign) -> tuple[dict[int, float], dict[str, MetaData]]:
    """Meander extras (um) per pump channel so the pump skew meets ``max_pump_skew_ps``, and
    a report (bound, skew before and after in ps, extras per qubitron).

    Every net gets at least the least extra a meander adds (the longest exactly that), so
    every net carries one meander and all end on the same lengths.
    """
    lengths = _pump_route_lengths_um(design)
    before = pump_skew_ps({str(k): v for k, v in lengths.items()}, design)
    bound = float(design.max_pump_skew_ps or 0.0)
    if before <= bound:
        return {}, {"bound_ps": bound, "skew_before_ps": round(before, 4),
                    "skew_after_ps": round(before, 4), "extra_um": {}}
    least = min_extra_length_um(cross_section=_xs(design.routing_layer),
                                radius_um=MEANDER_RADIUS_UM)
    longest = max(lengths.values())
    extras = {k: round(longest - v + least, 3) for k, v in lengths.items()}
    # a meander swings 2 R + leg sideways (leg = (extra - least) / 2): keep it off the
    # neighbouring qubitron's pump route, one pitch away
    swing_um = 2 * MEANDER_RADIUS_UM + (max(extras.values()) - least) / 2
    if swing_um > QUBITRON_PITCH_UM - 2 * MEANDER_GAP_UM:
        raise LengthMatchError(
            f"max_pump_skew_ps={bound:g}: the pump routes differ by "
            f"{longest - min(lengths.values()):.0f} um; a meander that long swings "
            f"{swing_um:.0f} um sideways, into the next qubitron's route "
            f"({QUBITRON_PITCH_UM:g} um pitch); allow a larger skew"
        )
    after = pump_skew_ps({str(k): v + extras[k] for k, v in lengths.items()}, design)
    return extras, {
        "bound_ps": bound,
        "skew_before_ps": round(before, 4),
        "skew_after_ps": round(after, 4),
        "extra_um": {f"qubitron_{k}": v for k, v in sorted(extras.items())},
    }


@gf.cell
def chip_tile(design: TileDesign) -> gf.Component:
    """The routed tile cell for ``design`` (see module docstring)."""
    c, nets = tile_nets(design)
    if design.max_pump_skew_ps is not None:
        extras, match = length_match_pump(design)
        nets = _place_pump_meanders(c, nets, design, extras)
        c.info["length_match"] = match
    report = route_tile_with_gf_bundles(c, nets, design)
    c.info["route"] = report
    c.info["heater_wiring"] = wire_tile_heaters(c, design)
    return c


def wire_tile_heaters(component: gf.Component, design: TileDesign) -> dict[str, MetaData]:
    """Wire every heater of a placed tile to a pad row under it (``routing.heater_wiring``).

    The M2 tracks run in the band between the pump bank and the qubitron row (no other metal
    there); the lines down to the pads keep clear of the pump bank and its grating coupler.
    """
    q_ymin = min(
        i.ymin for i in component.insts if (i.name or "").startswith("qubitron_")
    )
    pump, grating = component.insts["pump_demux"], component.insts["io_pump_in"]
    report = wire_heaters_to_pads(
        component,
        terminals=heater_terminals(component),
        band_um=(pump.ymax + BAND_CLEARANCE_UM, q_ymin - BAND_CLEARANCE_UM),
        keepouts_um=[(pump.xmin, pump.xmax), (grating.xmin, grating.xmax)],
    )
    if report["shorts"] or report["opens"]:
        raise RuntimeError(f"heater wiring of tile {design}: {report}")  # a router bug
    return dict(report)
