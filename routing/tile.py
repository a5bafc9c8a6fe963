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

That is the ``compact`` / ``legacy`` placement (banks packed, fan-outs between them and the
row). The default ``column`` placement stretches each bank along the row, channel k on
qubitron k's column, so each net is a straight drop::

     stokes in ==O=========O=========O====      Stokes demux (other SiN layer), ports south
                 |  O      |  O      |  O       mux rings between the Stokes lines
     ===========O|=======O-|=======O-|===> out  mux: its bus passes over the Stokes lines
            [sw] ||   [sw] ||   [sw] ||         switch west of its line, qubitron east,
                |[q]|     |[q]|     |[q]|       the Stokes line rising from the qubitron
          [pads]| [pads]| ...                   heater pads under their own column
     pump in ==O=======O=======O==============  pump demux, ports north

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

import math
from collections.abc import Mapping
from typing import Any, Literal

import gdsfactory as gf
import numpy as np
from kfactory.typings import MetaData
from pydantic import BaseModel, ConfigDict, Field

from components import CELLS
from components.bond_pad import PAD_SIZE_UM
from components.models.waveguide_modes import group_index
from components.resonance import wdm_ring_radii_um
from components.straight import straight
from qc_pdk.errors import InputError
from routing.heater_wiring import (
    BAND_CLEARANCE_UM,
    PAD_PITCH_UM,
    heater_terminals,
    shared_tracks,
    track_pitch_um,
    wire_heaters_to_pads,
    wiring_band_height_um,
    wiring_order,
)
from routing.length_match import length_matched_straight, min_extra_length_um
from routing.multilayer import route_nets_multilayer
from routing.router import Connection, route_nets

QUBITRON_PITCH_UM = 520.0
# Ring radii (um) from the 3D vectorial bend loss at 1550 nm (components.models.mode_table):
# 50 um circular arcs radiate 0.017 dB per round trip (30 um: 0.65 dB, which left the
# switches' drop at 0.06); a 50 um ring's FSR (4.0 nm; 3.4 nm for the qubitron's racetrack)
# still holds 4 channels at 0.8 nm.
SWITCH_RADIUS_UM = 50.0
WDM_RING_RADIUS_UM = 50.0
BANK_CLEARANCE_UM = 320.0  # legacy placement: vertical room for a bank's fan-out routes
SWITCH_OFFSET_UM = 60.0  # legacy placement: qubitron top to its switch's bus port
# Compact placement: room from what the routes need. A bank's fan-out is a staircase: each
# net turns twice (two bend radii of the routing cross-section) and takes its own horizontal
# track; the router's channel planner puts tracks 5 um apart (routing.router pitch_um), the
# fan-out gets three times that so rip-up and reroute has room to order them (at twice, the
# 8-channel Stokes fan-out beside the mux ended congested, measured).
FANOUT_TRACK_PITCH_UM = 15.0
FANOUT_MARGIN_UM = 25.0  # keep-outs (3 um per side) and the ports' snapping to the grid
# fewer tracks than this and the 4-channel switch_to_mux fan-out ended congested (measured at
# 230 um; 290 um routes 4 and 8 channels): the channel planner wants room to reorder
FANOUT_MIN_TRACKS = 9
# The router's congestion is not monotonic in the room it gets (7 channels: 9 tracks left a
# Stokes net unrouted, 10 routed, 11 did not; measured), so chip_tile retries a compact tile
# that does not route with one more track of room, up to RELAX_STEPS times, the last with the
# Stokes demux stacked above the mux as in the legacy placement.
RELAX_STEPS = 3
COMPACT_SWITCH_OFFSET_UM = 20.0  # a straight through route; clear of both cells' metal
BANK_GAP_UM = 65.0  # side-by-side banks (mux, Stokes demux) kept one bend radius apart
# Compact pitch: a switch sits above and east of its qubitron, so the next qubitron only has
# to clear the switch's heater lines going down past the row (M1 columns at its pads' x, up
# to 15 um aside, routing.heater_wiring), with the M1 space and the qubitron pads' margin.
HEATER_COLUMN_ROOM_UM = 40.0
# ... and each Stokes route comes down beside the previous switch into its riser: two bend
# radii and the keep-outs between that switch's east edge and the riser (at 490-510 um the
# router left an 8-channel Stokes fan-out congested, measured; 520 um routes)
STOKES_DESCENT_MARGIN_UM = 15.0
ROUTER_PITCH_UM = 5.0  # routing.router's default track pitch, what route_nets_multilayer uses
HEATER_LINES_PER_QUBITRON = 4  # two heaters (ring and switch), two lines each
# Pump length matching: meanders of 45 um Euler bends (>= 45 um radiate < 0.01 dB per 90 deg,
# qc_pdk rule WG*.R.1 note) hang below each qubitron, clear of its pads by MEANDER_GAP_UM.
MEANDER_RADIUS_UM = 45.0
MEANDER_GAP_UM = 20.0
C_UM_PER_PS = 299.792458
EDGE_LEAD_UM = 10.0  # an I/O lead ends this far beyond the placed cells: routes stay inside
#: ports a tile without fibre couplers exposes (io_coupler="none"); the network joins them
NETWORK_PORTS = ("pump_in", "stokes_in", "out")




class LengthMatchError(InputError):
    """The pump routes cannot be matched within the tile (the message names the field)."""


def pump_bank_clearance_um(
    design: TileDesign, *, pads_below_port_um: float = 0.0, relax: int = 0
) -> float:
    """Room (um) between the pump bank and the row: the fan-out, the heater wiring band and,
    with a pump skew bound, the meanders (hung ``pads_below_port_um`` + a gap below each
    qubitron's pump port, clear of its pads; ``relax``: see :func:`bank_clearance_um`)."""
    room = max(
        bank_clearance_um(design, relax=relax),
        wiring_band_height_um(
            HEATER_LINES_PER_QUBITRON * design.qubitrons,
            pitch_um=track_pitch_um(compact=design.placement == "compact"),
        ),
    )
    if design.max_pump_skew_ps is not None:
        room += pads_below_port_um + MEANDER_GAP_UM + 4 * MEANDER_RADIUS_UM + MEANDER_GAP_UM
    return room


def bank_clearance_um(design: TileDesign, *, relax: int = 0) -> float:
    """Vertical room (um) between a WDM bank and the row of cells it feeds, for the fan-out.

    ``legacy``: a fixed 320 um. ``compact``: two bends of the routing cross-section's radius,
    one track per channel (at least ``FANOUT_MIN_TRACKS``) and the margins: what a staircase
    fan-out of ``qubitrons`` nets needs, plus ``relax`` tracks (``chip_tile``'s retries).

    Example:
        >>> bank_clearance_um(TileDesign(qubitrons=8))
        290.0
        >>> bank_clearance_um(TileDesign(qubitrons=8, placement="legacy"))
        320.0
    """
    if design.placement == "legacy":
        return BANK_CLEARANCE_UM
    radius_um = _route_radius_um(design)
    tracks = max(design.qubitrons + 1, FANOUT_MIN_TRACKS) + relax
    return 2 * radius_um + tracks * FANOUT_TRACK_PITCH_UM + FANOUT_MARGIN_UM


def _switch_cell(design: TileDesign) -> gf.Component:
    return CELLS["ring_switch"](radius=SWITCH_RADIUS_UM, gap=0.3,
                                cross_section=_xs(design.routing_layer))


def _qubitron_cell(design: TileDesign, radius_um: float) -> gf.Component:
    return CELLS["qubitron"](radius=radius_um, gap=design.gap_um, length_y=design.length_y_um,
                             cross_section=_xs(design.qubitron_layer))


def _place_pair(
    c: gf.Component, design: TileDesign, *, k: int, x_um: float, radius_um: float,
) -> tuple[Any, Any]:
    """Qubitron ``k`` with its pump port at (x_um, 0), its switch above it on its through
    port, body to the east."""
    offset_um = SWITCH_OFFSET_UM if design.placement == "legacy" else COMPACT_SWITCH_OFFSET_UM
    q = c.add_ref(_qubitron_cell(design, radius_um), name=f"qubitron_{k}")
    q.rotate(90)
    s = c.add_ref(_switch_cell(design), name=f"switch_{k}")
    if design.placement == "column":
        # the pair mirrored: the qubitron's body (and Stokes port) east of its pump line, the
        # switch's west, so the Stokes line rises clear of the mux ring over the switch
        q.mirror_x()
        s.rotate(90)
    else:
        s.mirror_x()
        s.rotate(-90)  # mirrored switch: o1 faces south, body to the right of the bus
    q.move((x_um - q.ports["o1"].x, -q.ports["o1"].y))
    s.move((q.ports["o2"].x - s.ports["o1"].x, q.ymax + offset_um - s.ports["o1"].y))
    return q, s


def _column_pitch_um(q: Any, s: Any) -> float:
    """Column placement's pitch (um): the larger of (a) the switch's heater lines going down
    west of it, past the previous qubitron's east edge with ``HEATER_COLUMN_ROOM_UM``, and
    (b) the Stokes line rising straight from the qubitron's Stokes port, past the next
    switch's west edge with two waveguide keep-outs (``COLUMN_GAP_UM``)."""
    pads_west_um = q.ports["o1"].x - min(s.ports[e].x for e in ("e1", "e2"))
    heater_um = q.xmax - q.ports["o1"].x + pads_west_um + HEATER_COLUMN_ROOM_UM
    stokes_um = q.ports["o3"].x - q.ports["o1"].x + (q.ports["o1"].x - s.xmin) + COLUMN_GAP_UM
    return float(math.ceil(max(heater_um, stokes_um) / ROUTER_PITCH_UM) * ROUTER_PITCH_UM)


def qubitron_pitch_um(design: TileDesign) -> float:
    """Pitch (um) of the tile's qubitron row.

    ``legacy``: 520 um. ``compact``: from the cells, the larger of (a) the qubitron's extent
    west of its pump port, its switch's heater pads east of it, and ``HEATER_COLUMN_ROOM_UM``
    for those pads' lines down past the next qubitron; (b) the switch's east edge to the next
    qubitron's Stokes riser, plus two bend radii of the routing cross-section and
    ``STOKES_DESCENT_MARGIN_UM`` for the Stokes route coming down between them. With the
    library's cells (b) binds, at 520 um: the row is as tight as the Stokes feed allows.
    ``column``: the Stokes lines rise straight, so the switches' heater lines bind
    (:func:`_column_pitch_um`).

    Example:
        >>> [qubitron_pitch_um(TileDesign(placement=p)) for p in ("legacy", "compact", "column")]
        [520.0, 520.0, 490.0]
    """
    if design.placement == "legacy":
        return QUBITRON_PITCH_UM
    c = gf.Component()
    q, s = _place_pair(c, design, k=0, x_um=0.0, radius_um=float(qubitron_radii_um(design).max()))
    if design.placement == "column":
        return _column_pitch_um(q, s)
    pads_east_um = max(s.ports[e].x for e in ("e1", "e2")) - q.ports["o1"].x
    heater_um = q.ports["o1"].x - q.xmin + pads_east_um + HEATER_COLUMN_ROOM_UM
    stokes_um = (s.xmax - q.ports["o3"].x + 2 * _route_radius_um(design)
                 + STOKES_DESCENT_MARGIN_UM)
    need_um = max(heater_um, stokes_um)
    # a whole number of router tracks: every qubitron's ports then sit on the track grid the
    # first one's do (off-grid ports need jogs, which the short through route has no room for)
    return float(math.ceil(need_um / ROUTER_PITCH_UM) * ROUTER_PITCH_UM)


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
    io_coupler: Literal["grating", "edge", "none"] = Field(
        default="grating",
        description="the tile's own fibre couplers (pump, Stokes, out), or none: the tile "
        "exposes waveguide ports pump_in, stokes_in (west) and out (east) on its edges for "
        "the chip's inter-tile network (routing.network)",
    )
    router: Literal["quantacore", "gf_route_bundle"] = Field(
        default="quantacore",
        description="what routes the tile: the QuantaCore router with the 3D planner "
        "(routing.multilayer, the default) or gdsfactory's route_bundle, one bundle per bank "
        "(kept for comparison)",
    )
    max_pump_skew_ps: float | None = Field(
        default=None, gt=0, le=1e6,
        description="bound on the pump arrival skew across the row (ps); above it the pump "
        "routes get meanders (routing.length_match); None: no matching",
    )
    placement: Literal["column", "compact", "legacy"] = Field(
        default="column",
        description="column: each WDM bank's rings stretched to the qubitron pitch, so "
        "every channel port sits on its qubitron's column and every route is a straight "
        "drop (no fan-outs), heater pads under their own column; compact: bank clearances "
        "from the routes' bend radius and channel count, the Stokes demux beside the mux "
        "when the row is wide enough, switches close to their qubitrons; legacy: the fixed "
        "320 um clearances and stacked banks (compact and legacy are measured against column "
        "in benchmarks/bench_density.py)",
    )


def _xs(layer: str) -> str:
    return "strip_wg1" if layer == "WG1" else "strip_wg2"


def _stokes_xs(design: TileDesign) -> str:
    """The Stokes feed's cross-section: the SiN layer other than the qubitrons'."""
    return "strip_wg1" if _xs(design.qubitron_layer) == "strip_wg2" else "strip_wg2"


def fibre_coupler(kind: str, cross_section: str) -> gf.Component:
    """The library's fibre coupler of ``kind`` ("grating" or "edge") on ``cross_section``."""
    return CELLS["grating_coupler" if kind == "grating" else "edge_coupler"](
        cross_section=cross_section
    )


def qubitron_radii_um(design: TileDesign) -> np.ndarray:
    """Arc radius (um) of each qubitron of a tile so that qubitron k resonates on WDM channel k.

    A qubitron is a racetrack: arcs of radius R (bent-mode n_eff) and two straights of
    ``length_y_um`` (straight n_eff). The WDM arithmetic solves for R with the straights kept
    (``components.resonance.wdm_ring_radii_um(straight_um=...)``), the same optical length as
    the qubitron model's, so each resonates on its channel per the model; an equivalent circle
    at one n_eff would misplace them by 0.41 nm (the arcs' index is 6e-4 above the straights').
    """
    return wdm_ring_radii_um(
        centre_nm=design.wdm_centre_nm,
        spacing_nm=design.wdm_spacing_nm,
        channels=design.qubitrons,
        radius_um=design.radius_um,
        straight_um=2.0 * design.length_y_um,
    )


def tile_nets(
    design: TileDesign, *, relax: int = 0
) -> tuple[gf.Component, list[Connection]]:
    """Place the tile's cells and list the nets to route (nothing routed yet).

    ``relax`` (compact placement only): tracks of fan-out room added per bank, and at
    ``RELAX_STEPS`` the Stokes demux stacked above the mux (``chip_tile`` retries with it
    when the router leaves a net unrouted).

    Returns:
        the placed component and its nets: through nets (no bundle) from each qubitron to its
        switch, then per channel k the ``pump``, ``switch_to_mux`` and ``stokes`` bundles.
    """
    n = design.qubitrons
    xs_r = _xs(design.routing_layer)
    c = gf.Component()
    radii = qubitron_radii_um(design)
    pitch_um = qubitron_pitch_um(design)
    wdm = dict(
        centre_wl_nm=design.wdm_centre_nm,
        spacing_nm=design.wdm_spacing_nm,
        channels=n,
        radius=WDM_RING_RADIUS_UM,
        cross_section=xs_r,
    )
    nets: list[Connection] = []
    qubitrons, switches = [], []
    clearance_um = bank_clearance_um(design, relax=relax)
    for k in range(n):
        q, s = _place_pair(c, design, k=k, x_um=k * pitch_um, radius_um=float(radii[k]))
        qubitrons.append(q)
        switches.append(s)
        nets.append(Connection(f"qubitron_{k},o2", f"switch_{k},o1", name=f"q{k}.through"))

    if design.placement == "column":
        _place_banks_in_columns(c, design, wdm, qubitrons, switches)
        return _finish_tile_nets(c, design, nets, pitch_um)
    pump = c.add_ref(CELLS["wdm_demux"](**wdm), name="pump_demux")
    pump.move(
        (
            (qubitrons[0].xmin + qubitrons[-1].xmax) / 2 - (pump.xmin + pump.xmax) / 2,
            min(q.ymin for q in qubitrons)
            - pump_bank_clearance_um(
                design, pads_below_port_um=max(q.ports["o1"].y - q.ymin for q in qubitrons),
                relax=relax,
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
    mux.move((switches[-1].xmax - mux.xmax, top + clearance_um - mux.ymin))
    stokes_xs = _stokes_xs(design)
    stokes = c.add_ref(
        CELLS["wdm_demux"](**{**wdm, "cross_section": stokes_xs}), name="stokes_demux"
    )
    stokes.mirror_y()
    # Compact: the Stokes demux (other SiN layer) beside the mux when the row is wide enough,
    # its fan-out sharing the band under the mux with the switch_to_mux bundle (other layer),
    # and its channel 0 straight above its riser (an S-bend a few tens of um sideways needs
    # more height than the fan-out room holds).
    beside_x = qubitrons[0].ports["o3"].x - stokes.ports["o3"].x
    beside = (
        design.placement == "compact"
        and relax < RELAX_STEPS
        and stokes.xmax + beside_x + BANK_GAP_UM <= mux.xmin
    )
    if beside:
        stokes.move((beside_x, mux.ymin - stokes.ymin))
    else:
        stokes.move(
            (qubitrons[0].xmin - stokes.xmin, mux.ymax + clearance_um - stokes.ymin)
        )
    _place_stokes_risers(c, design, qubitrons)
    return _finish_tile_nets(c, design, nets, pitch_um)


# Column placement (um): a bank's channel ports this far from the cells they feed (a straight
# route with the router's keep-outs; an off-grid port's S-bend jog fits), the heater pads this
# far from the pump line that passes between them.
COLUMN_GAP_UM = 40.0
PAD_TO_PUMP_LINE_UM = 30.0


def column_heater_pads(component: gf.Component) -> tuple[list[float], float]:
    """Column placement: x (um) of each heater line's pad, in the wiring order
    (``routing.heater_wiring.wiring_order``), and the height (um) of the wiring band under
    the row for the M2 tracks the lines' short runs share (``shared_tracks``).

    A line's pad sits on its own side of its column's pump line (the nearest qubitron's pump
    port), packed outwards from ``PAD_TO_PUMP_LINE_UM`` beside it, so the pump route passes
    between them and each line's horizontal run stays inside its column."""
    lines = sorted(i.ports["o1"].x for i in component.insts
                   if (i.name or "").startswith("qubitron_"))
    order = wiring_order(heater_terminals(component))
    groups: dict[tuple[float, int], list[int]] = {}
    for i, t in enumerate(order):
        line = min(lines, key=lambda x: abs(x - t.x_um))
        groups.setdefault((line, 1 if t.x_um > line else -1), []).append(i)
    pad_x = [0.0] * len(order)
    for (line, side), members in groups.items():
        # the west group's first line (the top terminal) takes the outermost pad, so the
        # group's runs nest instead of crossing; the east group mirrors it
        ranked = members[::-1] if side < 0 else members
        for j, i in enumerate(ranked):
            pad_x[i] = line + side * (PAD_TO_PUMP_LINE_UM + PAD_SIZE_UM / 2 + j * PAD_PITCH_UM)
    runs = [(t.x_um, px) for t, px in zip(order, pad_x, strict=True)]
    return pad_x, wiring_band_height_um(shared_tracks(runs), pitch_um=track_pitch_um())


def _place_banks_in_columns(
    c: gf.Component, design: TileDesign, wdm: dict[str, Any], qubitrons: list[Any],
    switches: list[Any],
) -> None:
    """Column placement: each bank's rings at the qubitron pitch, its channel ports on the
    columns: the pump bank under the row, beyond the heater pads; the mux above the switches,
    its ports straight above their outputs; the Stokes demux on top, its ports straight above
    the Stokes risers, its lines passing between the mux rings. Every net is a straight
    drop (the Stokes ports, off the router's 5 um grid, join it by S-bend jogs of ~2.5 um)."""
    pitch_um = qubitron_pitch_um(design)
    risers = _place_stokes_risers(c, design, qubitrons)
    stacked = dict(wdm, channel_pitch_um=pitch_um)
    # heater wiring under the row: pads beside each column's pump line, tracks shared
    q_ymin = min(q.ymin for q in qubitrons)
    pad_top_um = q_ymin - column_heater_pads(c)[1]
    pump = c.add_ref(CELLS["wdm_demux"](**stacked), name="pump_demux")
    pump.move((qubitrons[0].ports["o1"].x - pump.ports["o3"].x,
               pad_top_um - PAD_SIZE_UM - COLUMN_GAP_UM - pump.ymax))
    mux = c.add_ref(CELLS["wdm_mux"](**stacked), name="mux")
    mux.mirror_y()  # channel ports face south, in the qubitrons' order
    out0 = switches[0].ports["o2"]
    mux.move((out0.x - mux.ports["o3"].x, max(s.ymax for s in switches) + COLUMN_GAP_UM
              - mux.ymin))
    # the risers sit on the qubitrons' Stokes ports, whose rings grow by nm per channel: the
    # Stokes bank takes their mean pitch, so its drops stay straight to a few nm
    tops = [r.ports[_riser_top_port(design)].x for r in risers]
    stokes_pitch_um = round((tops[-1] - tops[0]) / max(len(tops) - 1, 1), 3) or pitch_um
    stokes = c.add_ref(
        CELLS["wdm_demux"](**{**stacked, "cross_section": _stokes_xs(design),
                              "channel_pitch_um": stokes_pitch_um}),
        name="stokes_demux",
    )
    stokes.mirror_y()
    top0 = risers[0].ports[_riser_top_port(design)]
    stokes.move((top0.x - stokes.ports["o3"].x, mux.ymax + COLUMN_GAP_UM - stokes.ymin))


def _place_stokes_risers(c: gf.Component, design: TileDesign, qubitrons: list[Any]) -> list[Any]:
    """An interlayer coupler on each qubitron's Stokes port (o3): the Stokes feed runs on the
    other SiN layer."""
    xs_q = _xs(design.qubitron_layer)
    ics = []
    for k, q in enumerate(qubitrons):
        ic = c.add_ref(CELLS["interlayer_coupler"](), name=f"stokes_riser_{k}")
        ic.connect("o2" if xs_q == "strip_wg2" else "o1", q.ports["o3"])
        ics.append(ic)
    return ics


def _riser_top_port(design: TileDesign) -> str:
    return "o1" if _xs(design.qubitron_layer) == "strip_wg2" else "o2"


def _finish_tile_nets(
    c: gf.Component, design: TileDesign, nets: list[Connection], pitch_um: float
) -> tuple[gf.Component, list[Connection]]:
    """The bank nets of every channel, the fibre couplers, the tile's info."""
    n = design.qubitrons
    stokes_port = _riser_top_port(design)
    for k in range(n):
        nets.append(Connection(f"pump_demux,o{k + 3}", f"qubitron_{k},o1", k, "pump"))
        nets.append(Connection(f"switch_{k},o2", f"mux,o{k + 3}", k, "switch_to_mux"))
        nets.append(
            Connection(f"stokes_demux,o{k + 3}", f"stokes_riser_{k},{stokes_port}", k, "stokes")
        )

    if design.io_coupler != "none":  # else chip_tile leads the ports to the finished edges
        box = c.dbbox()
        for name, port, xs in _io_ports(c, design):
            if design.placement == "column":
                # a stretched bank's end port lies inside the row (the mux's output under the
                # last Stokes line): a lead takes it past the cells before the coupler; the
                # router passes the other layer's lines over it (route_tile_with_quantacore)
                lead = c.add_ref(straight(length=_span_to_edge_um(port, box) + EDGE_LEAD_UM,
                                          cross_section=xs), name=f"io_{name}_lead")
                lead.connect("o1", port)
                port = lead.ports["o2"]
            g = c.add_ref(fibre_coupler(design.io_coupler, xs), name=f"io_{name}")
            g.connect("o1", port)
            c.add_port(f"fibre_{name}", port=g.ports["o2"])
    c.info["qubitrons"] = n
    c.info["nets"] = len(nets)
    c.info["qubitron_pitch_um"] = pitch_um
    return c, nets


def _io_ports(component: gf.Component, design: TileDesign) -> list[tuple[str, gf.Port, str]]:
    """The banks' fibre-side ports: (name, port, cross-section)."""
    xs_r = _xs(design.routing_layer)
    stokes_xs = _stokes_xs(design)
    return [
        ("pump_in", component.insts["pump_demux"].ports["o1"], xs_r),
        ("stokes_in", component.insts["stokes_demux"].ports["o1"], stokes_xs),
        ("out", component.insts["mux"].ports["o2"], xs_r),
    ]


def _span_to_edge_um(port: gf.Port, box: Any) -> float:
    """Distance (um) from a west- or east-facing port to the edge of ``box`` it faces."""
    facing_west = round(port.orientation) % 360 == 180
    return max(port.x - box.left if facing_west else box.right - port.x, 0.0)


def _lead_ports_to_edges(component: gf.Component, design: TileDesign) -> None:
    """Bring each bank's I/O port out to the finished tile's edge it faces (west or east)
    with a straight lead, and expose it under its name: the inter-tile network reaches the
    tile there without entering it. The leads pass under the heater wiring's M1/M2 lines,
    2.6 um above the SiN core (qc_pdk.layer_stack): clear of the mode."""
    box = component.dbbox()
    for name, port, xs in _io_ports(component, design):
        lead = component.add_ref(
            straight(length=_span_to_edge_um(port, box) + EDGE_LEAD_UM, cross_section=xs),
            name=f"io_{name}",
        )
        lead.connect("o1", port)
        component.add_port(name, port=lead.ports["o2"])


def feed_port(tile: gf.Component, feed: str) -> str:
    """The tile's port where ``feed`` ("pump_in", "stokes_in", "out") enters or leaves: its
    fibre coupler's (``fibre_<feed>``) or, without couplers, the bare waveguide port.

    Example:
        >>> feed_port(chip_tile(TileDesign(qubitrons=2)), "pump_in")
        'fibre_pump_in'
    """
    name = f"fibre_{feed}"
    return name if name in [p.name for p in tile.ports] else feed


def check_ports_on_edges(component: gf.Component, names: tuple[str, ...]) -> None:
    """Raise if a port named in ``names`` is not on the cell's bounding box edge it faces
    (a route or cell drawn beyond it would bury it)."""
    box = component.dbbox()
    for name in names:
        port = component.ports[name]
        edge = box.left if round(port.orientation) % 360 == 180 else box.right
        if abs(port.x - edge) > 1e-3:
            raise RuntimeError(
                f"{component.name}: port {name} at x = {port.x:.3f} um is not on the cell's "
                f"edge (x = {edge:.3f} um)"
            )


def _port(component: gf.Component, ref: str) -> gf.Port:
    inst, _, port = ref.partition(",")
    return component.insts[inst].ports[port]


def route_tile_with_quantacore(
    component: gf.Component, nets: list[Connection], design: TileDesign
) -> dict[str, MetaData]:
    """Route the tile's nets with the QuantaCore router and its 3D planner.

    The planner gives each net a SiN layer (WG1, WG2): the Stokes feed starts and ends on the
    other layer than the pump and output buses, so it stays there and the buses pass over each
    other without crossings or couplers; the channel planner routes each bank's bundle. Every
    route is signed off (overlaps, DRC) before it is returned.

    Returns:
        the route report (``flows.report.RouteSummary`` fields): router, nets, crossings,
        layer changes, length (um), total and worst insertion loss (dB), unrouted nets.

    Raises:
        RuntimeError: a net could not be routed (the tile's placement is the project's own,
            so this is a router or placement bug, not bad input).
    """
    # column placement: the Stokes lines (one SiN layer) cross the mux bank's bus (the
    # other) between its rings, and the mux lines nothing: each bank walls only its own layer
    leads = [name for i in component.insts
             if (name := i.name or "").startswith("io_") and name.endswith("_lead")]
    pass_over = ("mux", "stokes_demux", *leads) if design.placement == "column" else ()
    result = route_nets_multilayer(
        component, nets, layers=("WG1", "WG2"), radius_um=_route_radius_um(design),
        pass_over=pass_over,
    )
    report = result.report
    if report.unrouted or not report.clean:
        raise RuntimeError(f"tile {design}: nets {report.unrouted} unrouted or not clean")
    length_um = sum(r.total_length_um for r in result.layer_reports.values())
    return {
        "router": "quantacore (3D planner on WG1+WG2, channel planner per bank)",
        "nets": len(nets),
        "crossings": report.total_crossings,
        "layer_changes": report.layer_changes,
        "total_length_um": round(length_um, 1),
        "total_insertion_loss_dB": round(report.total_insertion_loss_dB, 4),
        "max_insertion_loss_dB": round(report.max_insertion_loss_dB, 4),
    }


def _route_radius_um(design: TileDesign) -> float:
    """The routing cross-section's bend radius (um), what both routers bend with."""
    return float(gf.get_cross_section(_xs(design.routing_layer)).radius or 0.0)


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


def _pump_route_lengths_um(design: TileDesign, *, relax: int = 0) -> dict[int, float]:
    """Pump path length (um) per channel of the tile with zero-extra placeholders: route
    plus the placeholder, what a meander's extra is added to. The pump bundle is routed by
    the tile's own router, so the lengths are the ones the tile will have."""
    c, nets = tile_nets(design, relax=relax)
    nets = _place_pump_meanders(c, nets, design, {})
    pump = [n for n in nets if n.bundle == "pump"]
    xs, radius_um = _xs(design.routing_layer), _route_radius_um(design)
    route_um: dict[int, float] = {}
    if design.router == "quantacore":
        report = route_nets(c, pump, cross_section=xs, radius_um=radius_um).report
        by_name = {n.name: n for n in report.nets}
        for net in pump:
            routed = by_name[net.label]
            if not routed.routed:
                raise RuntimeError(f"tile {design}: pump net {net.label} unrouted: {routed.reason}")
            route_um[int(net.channel or 0)] = float(routed.length_um)
    else:
        routes = gf.routing.route_bundle(
            c, [_port(c, m.source) for m in pump], [_port(c, m.target) for m in pump],
            cross_section=xs, separation=10.0, sort_ports=True, on_collision=None,
        )
        for r in routes:
            ends = [np.asarray(p.center, dtype=float) * c.kcl.dbu
                    for p in (r.start_port, r.end_port)]  # route ports are in database units
            k = next(n.channel for n in pump
                     if any(np.allclose(_port(c, n.target).center, e, atol=1e-3) for e in ends))
            route_um[int(k or 0)] = float(r.length) * c.kcl.dbu
    placeholder = 4 * MEANDER_RADIUS_UM
    return {
        k: um + placeholder + float(c.insts[f"pump_lead_{k}"].cell.info["length"])
        for k, um in route_um.items()
    }


def length_match_pump(
    design: TileDesign, *, relax: int = 0
) -> tuple[dict[int, float], dict[str, MetaData]]:
    """Meander extras (um) per pump channel so the pump skew meets ``max_pump_skew_ps``, and
    a report (bound, skew before and after in ps, extras per qubitron).

    Every net gets at least the least extra a meander adds (the longest exactly that), so
    every net carries one meander and all end on the same lengths.
    """
    lengths = _pump_route_lengths_um(design, relax=relax)
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
    pitch_um = qubitron_pitch_um(design)
    if swing_um > pitch_um - 2 * MEANDER_GAP_UM:
        raise LengthMatchError(
            f"max_pump_skew_ps={bound:g}: the pump routes differ by "
            f"{longest - min(lengths.values()):.0f} um; a meander that long swings "
            f"{swing_um:.0f} um sideways, into the next qubitron's route "
            f"({pitch_um:g} um pitch); allow a larger skew"
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
    """The routed tile cell for ``design`` (see module docstring).

    A compact tile the router leaves a net of is placed again with more room
    (``tile_nets(relax=...)``, up to ``RELAX_STEPS``); ``info["placement_relax"]`` says how
    many retries it took. The legacy placement is routed as placed.
    """
    steps = RELAX_STEPS if design.placement == "compact" else 0
    for relax in range(steps + 1):
        try:
            c = _routed_tile(design, relax=relax)
            break
        except RuntimeError:  # a net left unrouted: a placement too tight for the router
            if relax == steps:
                raise
    c.info["placement_relax"] = relax
    c.info["heater_wiring"] = wire_tile_heaters(c, design)
    if design.io_coupler == "none":
        _lead_ports_to_edges(c, design)
        check_ports_on_edges(c, NETWORK_PORTS)
    return c


def _routed_tile(design: TileDesign, *, relax: int) -> gf.Component:
    """The tile placed with ``relax`` and routed; raises RuntimeError on an unrouted net."""
    c, nets = tile_nets(design, relax=relax)
    if design.max_pump_skew_ps is not None:
        if design.placement == "column":
            c.info["length_match"] = column_pump_skew(c, nets, design)
        else:
            extras, match = length_match_pump(design, relax=relax)
            nets = _place_pump_meanders(c, nets, design, extras)
            c.info["length_match"] = match
    route = (
        route_tile_with_quantacore if design.router == "quantacore" else route_tile_with_gf_bundles
    )
    c.info["route"] = route(c, nets, design)
    return c


def column_pump_skew(
    component: gf.Component, nets: list[Connection], design: TileDesign
) -> dict[str, MetaData]:
    """Column placement: the pump skew of the straight drops from the pump bank, checked
    against ``max_pump_skew_ps`` (the same report as :func:`length_match_pump`, no meanders).

    Each pump net's ends lie on one vertical line with nothing between them, so its route is
    the straight between them; the drops differ only by the bank rings' radii (nm to um).

    Raises:
        LengthMatchError: the drops' skew is over the bound (column placement cannot meander
            its pump routes: the message says to use placement "compact").
    """
    lengths: dict[str, float] = {}
    for net in nets:
        if net.bundle != "pump":
            continue
        a, b = _port(component, net.source), _port(component, net.target)
        if abs(a.x - b.x) > 1e-3:  # the placement's own invariant
            raise RuntimeError(f"column tile: pump net {net.label} is not a vertical drop")
        lengths[f"qubitron_{net.channel}"] = abs(a.y - b.y)
    skew = pump_skew_ps(lengths, design)
    bound = float(design.max_pump_skew_ps or 0.0)
    if skew > bound:
        raise LengthMatchError(
            f"max_pump_skew_ps={bound:g}: the column placement's straight pump drops differ by "
            f"{max(lengths.values()) - min(lengths.values()):.3f} um ({skew:.4g} ps, from the "
            "WDM rings' radii) and cannot meander; allow a larger skew or use placement "
            "\"compact\""
        )
    return {"bound_ps": bound, "skew_before_ps": round(skew, 6), "skew_after_ps": round(skew, 6),
            "extra_um": {}}


def wire_tile_heaters(component: gf.Component, design: TileDesign) -> dict[str, MetaData]:
    """Wire every heater of a placed tile to a pad row under it (``routing.heater_wiring``).

    The M2 tracks run in the band between the pump bank and the qubitron row (no other metal
    there); the lines down to the pads keep clear of the pump bank and its grating coupler.
    """
    q_ymin = min(
        i.ymin for i in component.insts if (i.name or "").startswith("qubitron_")
    )
    pump = component.insts["pump_demux"]
    if design.placement == "column":  # pads between the row and the pump bank
        pad_x_um, band_um = column_heater_pads(component)
        pad_top_um = q_ymin - band_um
        report = wire_heaters_to_pads(
            component,
            terminals=heater_terminals(component),
            band_um=(pad_top_um + BAND_CLEARANCE_UM, q_ymin - BAND_CLEARANCE_UM),
            pitch_um=track_pitch_um(),
            pad_x_um=pad_x_um,
            pad_y_um=pad_top_um - PAD_SIZE_UM / 2,
        )
    else:
        keepouts = [(pump.xmin, pump.xmax)]
        if design.io_coupler != "none":  # a grating under metal would scatter into it
            grating = component.insts["io_pump_in"]
            keepouts.append((grating.xmin, grating.xmax))
        report = wire_heaters_to_pads(
            component,
            terminals=heater_terminals(component),
            band_um=(pump.ymax + BAND_CLEARANCE_UM, q_ymin - BAND_CLEARANCE_UM),
            keepouts_um=keepouts,
            pitch_um=track_pitch_um(compact=design.placement == "compact"),
        )
    if report["shorts"] or report["opens"]:
        raise RuntimeError(f"heater wiring of tile {design}: {report}")  # a router bug
    return dict(report)
