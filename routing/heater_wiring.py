"""Heater-to-pad wiring of a tile: a row of bond pads under the tile, M1/M2 Manhattan wires.

Each heater terminal (``e1`` / ``e2`` of a cell drawn with ``components._heater``: the
qubitrons' and the ring switches') is wired to one bond pad of a row along the tile's bottom
edge, so the tile is driven from its edge (direct drive: one pad per heater line, the count
``control.lines`` reads). The wires are a two-layer Manhattan channel:

.. code::

      [cell pad e2]  .                     M1 vertical under the cell's pads (a via in its own
      [cell pad e1]  .  .                  pad only), down to the wiring band
                     .  .
      ===============x==|========== M2     wiring band (between the pump bank and the row):
      ==================x=======x== M2     one M2 horizontal track per line
                                .          M1 vertical down to the pad row (clear of the
                              [pad]        pump bank and its grating coupler)

M1 runs vertically and M2 horizontally, so wires of different lines only meet where a VIA1
joins them, and an M1 line may pass under other nets' M2 pads. gdsfactory's electrical
routers (``route_bundle_electrical``) draw each route on one layer: over a column of stacked
M2 pads that would short them, hence this small channel router. Every wire keeps the rule
spacing to the tile's own metal (checked against the drawn M1/M2) and the result is verified
by :func:`metal_nets` (connectivity read back from the mask, shorts and opens).

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> s = c.add_ref(CELLS["ring_switch"](), name="switch_0")
    >>> r = wire_heaters_to_pads(c, terminals=heater_terminals(c), band_um=(-200.0, -20.0),
    ...                          keepouts_um=[])
    >>> r["pads"], r["lines"], r["shorts"], r["opens"]
    (2, 2, 0, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import gdsfactory as gf
import klayout.db as kdb
import networkx as nx

from components._common import rect
from components.bond_pad import PAD_SIZE_UM, bond_pad
from qc_pdk.cross_sections import METAL1_WIDTH_UM, METAL2_WIDTH_UM
from qc_pdk.layers import LAYER
from qc_pdk.rules import min_space_um, rule

__all__ = [
    "HeaterTerminal",
    "heater_terminals",
    "track_pitch_um",
    "shared_tracks",
    "wiring_order",
    "metal_nets",
    "wire_heaters_to_pads",
    "wiring_band_height_um",
]

HEATER_CELL_PREFIXES = ("qubitron_", "switch_")  # tile instances that carry a heater
PAD_PITCH_UM = PAD_SIZE_UM + 10.0  # pad row pitch: 10 um gaps (> M2.S.1)
PAD_ROW_CLEARANCE_UM = 30.0  # tile bottom to the pads' top edge
VIA_UM = 3.0  # VIA1 square: M1 (5 um) encloses it by 1 um (VIA1.EN.1: 0.5)
BAND_MARGIN_UM = 20.0  # band edge to the first / last track
BAND_CLEARANCE_UM = 5.0  # band edge to the cells' metal above and below it
# candidate x offsets (um) of a vertical from its pad centre, tried in order
_OFFSETS_UM = (0.0, -15.0, 15.0, -25.0, 25.0, -5.0, 5.0, -32.0, 32.0)


def track_pitch_um(*, compact: bool = True) -> float:
    """M2 track pitch (um) in the wiring band: the track width plus the M2 space rule and half
    a micron, so coordinates snapped to the grid never bring two tracks under the rule
    (``compact=False``: twice the space rule, the legacy pitch).

    Example:
        >>> track_pitch_um(), track_pitch_um(compact=False)
        (13.5, 16.0)
    """
    space_um = min_space_um("M2")
    return METAL2_WIDTH_UM + (space_um + 0.5 if compact else 2 * space_um)


def _tracks_height_um(lines: int, pitch_um: float) -> float:
    return 2 * BAND_MARGIN_UM + max(lines - 1, 0) * pitch_um


def wiring_band_height_um(lines: int, *, pitch_um: float | None = None) -> float:
    """Room (um) to leave between two rows of cells for ``lines`` M2 tracks at ``pitch_um``
    (default :func:`track_pitch_um`): the tracks, and ``BAND_CLEARANCE_UM`` from the cells'
    metal on each side.

    Example:
        >>> wiring_band_height_um(16), wiring_band_height_um(16, pitch_um=16.0)
        (252.5, 290.0)
    """
    pitch = track_pitch_um() if pitch_um is None else pitch_um
    return _tracks_height_um(lines, pitch) + 2 * BAND_CLEARANCE_UM


@dataclass(frozen=True)
class HeaterTerminal:
    """One heater line's end on a cell: ``instance,port`` and its pad centre (um)."""

    ref: str
    x_um: float
    y_um: float


def heater_terminals(component: gf.Component) -> list[HeaterTerminal]:
    """The heater pads (``e1``, ``e2``) of the component's qubitron and switch instances.

    Example:
        >>> import gdsfactory as gf
        >>> from components import CELLS
        >>> c = gf.Component()
        >>> _ = c.add_ref(CELLS["qubitron"](), name="qubitron_0")
        >>> [t.ref for t in heater_terminals(c)]
        ['qubitron_0,e1', 'qubitron_0,e2']
    """
    out = []
    for inst in component.insts:
        if not (inst.name or "").startswith(HEATER_CELL_PREFIXES):
            continue
        for port in ("e1", "e2"):  # the heater's pads (components._heater; qubitron e3/e4: SNSPD)
            x, y = inst.ports[port].center
            out.append(HeaterTerminal(f"{inst.name},{port}", float(x), float(y)))
    return out


# room (um) either side of a line's horizontal run: its columns' largest offset from the
# terminal or pad x, the M1 half width and the M1 space, so lines sharing a track stay apart
_RUN_MARGIN_UM = max(abs(o) for o in _OFFSETS_UM) + METAL1_WIDTH_UM + 2.0


def _left_edge_tracks(runs_um: Sequence[tuple[float, float]]) -> list[int]:
    """M2 track index of each line whose horizontal run goes between the two x (um):
    lines sorted by their run's left end take the first track whose last run ended to their
    left (the left-edge algorithm, optimal for intervals: as many tracks as runs overlap at
    one x). A few lines, so no library is worth it here."""
    spans = [(min(a, b) - _RUN_MARGIN_UM, max(a, b) + _RUN_MARGIN_UM) for a, b in runs_um]
    ends: list[float] = []
    out = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: spans[i][0]):
        left, right = spans[i]
        k = next((k for k, end in enumerate(ends) if end < left), len(ends))
        if k == len(ends):
            ends.append(right)
        else:
            ends[k] = right
        out[i] = k
    return out


def shared_tracks(runs_um: Sequence[tuple[float, float]]) -> int:
    """M2 tracks the lines with horizontal runs ``runs_um`` (terminal x, pad x; um) need
    when lines whose runs do not overlap share a track.

    Example:
        >>> shared_tracks([(0.0, 10.0), (500.0, 520.0)]), shared_tracks([(0.0, 300.0)] * 3)
        (1, 3)
    """
    return max(_left_edge_tracks(runs_um), default=-1) + 1


def wiring_order(terminals: Sequence[HeaterTerminal]) -> list[HeaterTerminal]:
    """The order :func:`wire_heaters_to_pads` wires ``terminals`` in (by x, then from the top
    down), which its ``pad_x_um`` follows.

    Example:
        >>> a, b = HeaterTerminal("q,e1", 0.0, 10.0), HeaterTerminal("q,e2", 0.0, 20.0)
        >>> [t.ref for t in wiring_order([a, b])]
        ['q,e2', 'q,e1']
    """
    return sorted(terminals, key=lambda t: (t.x_um, -t.y_um))


def _packed_pad_row(
    component: gf.Component, n: int, keepouts_um: Sequence[tuple[float, float]]
) -> list[float]:
    """x (um) of ``n`` pads in a row at ``PAD_PITCH_UM``, left to right, centred under
    ``component`` and skipping the keep-outs."""
    keep = sorted((a - PAD_SIZE_UM / 2, b + PAD_SIZE_UM / 2) for a, b in keepouts_um)
    xc = (component.xmin + component.xmax) / 2
    x = xc - (n - 1) * PAD_PITCH_UM / 2
    # shift the whole row left by the keep-out widths it will skip, so it stays centred
    skipped = sum(b - a for a, b in keep if a < x + n * PAD_PITCH_UM and b > x)
    x -= skipped / 2
    pad_x: list[float] = []
    for _ in range(n):
        for a, b in keep:
            if a - 1.0 < x < b + 1.0:
                x = b + 1.0
        pad_x.append(x)
        x += PAD_PITCH_UM
    return pad_x


def _region(component: gf.Component, layer: tuple[int, int]) -> kdb.Region:
    ly = component.kcl.layout
    li = ly.find_layer(*layer)
    if li is None:
        return kdb.Region()
    return kdb.Region(component.kdb_cell.begin_shapes_rec(li)).merged()


def _lt(layer: object) -> tuple[int, int]:
    return (int(layer.layer), int(layer.datatype)) if hasattr(layer, "layer") else tuple(layer)  # type: ignore[attr-defined,arg-type,return-value]


def _box(x0: float, y0: float, x1: float, y1: float, dbu: float) -> kdb.Box:
    xa, xb = sorted((x0, x1))
    ya, yb = sorted((y0, y1))
    return kdb.Box(round(xa / dbu), round(ya / dbu), round(xb / dbu), round(yb / dbu))


class _Metal:
    """Drawn metal of one layer (the tile's own plus the wires placed so far) for clearance."""

    def __init__(self, existing: kdb.Region, space_um: float, dbu: float) -> None:
        self.shapes = existing.dup()
        self.space = round(space_um / dbu)
        self.dbu = dbu

    def clear(self, box: kdb.Box) -> bool:
        """``box`` keeps the space rule to everything drawn on the layer."""
        return self.shapes.interacting(kdb.Region(box).sized(self.space - 1)).is_empty()

    def add(self, box: kdb.Box) -> None:
        self.shapes.insert(box)


def _via(c: gf.Component, x: float, y: float, m2: bool) -> None:
    h, v = METAL1_WIDTH_UM / 2, VIA_UM / 2
    rect(c, x - h, y - h, x + h, y + h, LAYER.M1)
    rect(c, x - v, y - v, x + v, y + v, LAYER.VIA1)
    if m2:
        w = METAL2_WIDTH_UM / 2
        rect(c, x - w, y - w, x + w, y + w, LAYER.M2)


def wire_heaters_to_pads(
    component: gf.Component,
    *,
    terminals: Sequence[HeaterTerminal],
    band_um: tuple[float, float],
    keepouts_um: Sequence[tuple[float, float]] = (),
    pitch_um: float | None = None,
    pad_x_um: Sequence[float] | None = None,
    pad_y_um: float | None = None,
) -> dict[str, float | int | str]:
    """Add a bond-pad row under ``component`` and wire each heater terminal to its own pad.

    Args:
        component: the tile (modified in place: pads named ``heater_pad_K`` and the wires).
        terminals: heater pad centres to wire (:func:`heater_terminals`).
        band_um: (y_low, y_high) of a band free of other metal across the tile, for the
            M2 tracks (``wiring_band_height_um(n) - 2 * BAND_CLEARANCE_UM`` high or more).
        keepouts_um: x intervals (um) the down-going M1 lines must not cross (optical cells
            below the band: a demux's rings, a grating coupler).
        pitch_um: M2 track pitch (default :func:`track_pitch_um`).
        pad_x_um: the pads' centre x (um), one per terminal in the order of their x (and,
            at one x, from the top down); None: a row packed at ``PAD_PITCH_UM``, centred
            under the component. With pads under their own terminals the lines' horizontal
            runs are short, and lines whose runs do not overlap share an M2 track (the
            left-edge channel routing algorithm), so the band needs
            :func:`shared_tracks` tracks instead of one per line.
        pad_y_um: the pads' centre y (um); None: ``PAD_ROW_CLEARANCE_UM`` under the
            component.

    Returns:
        a small report: pads, lines, wire length (um), the area before / after (um^2), the
        growth (%), and the shorts / opens :func:`metal_nets` reads back (both 0).

    Raises:
        ValueError: the band is too low for the tracks or a line finds no clear column.
    """
    dbu = component.kcl.dbu
    n = len(terminals)
    area0 = component.xsize * component.ysize
    y_lo, y_hi = band_um
    pitch = track_pitch_um() if pitch_um is None else pitch_um
    order = wiring_order(terminals)
    if pad_x_um is not None and len(pad_x_um) != n:
        raise ValueError(f"pad_x_um: {len(pad_x_um)} pads for {n} heater terminals")
    track_of = (
        list(range(n)) if pad_x_um is None
        else _left_edge_tracks([(t.x_um, px) for t, px in zip(order, pad_x_um, strict=True)])
    )
    used = max(track_of, default=-1) + 1
    if y_hi - y_lo < _tracks_height_um(used, pitch) - 1e-6:
        raise ValueError(
            f"wiring band {y_hi - y_lo:.0f} um holds fewer than {used} M2 tracks at {pitch:g} um"
        )
    m1 = _Metal(_region(component, _lt(LAYER.M1)), min_space_um("M1"), dbu)
    m2_existing = _region(component, _lt(LAYER.M2))
    hw1, hw2 = METAL1_WIDTH_UM / 2, METAL2_WIDTH_UM / 2
    band_box = _box(component.xmin, y_lo, component.xmax, y_hi, dbu)
    if not m2_existing.interacting(kdb.Region(band_box)).is_empty():
        raise ValueError(f"wiring band y = {y_lo:.1f} .. {y_hi:.1f} um holds other M2 metal")
    tracks = [y_hi - BAND_MARGIN_UM - track_of[i] * pitch for i in range(n)]

    pad_top = component.ymin - PAD_ROW_CLEARANCE_UM
    pad_cy = pad_top - PAD_SIZE_UM / 2 if pad_y_um is None else pad_y_um
    pad_x = (_packed_pad_row(component, n, keepouts_um) if pad_x_um is None
             else [float(v) for v in pad_x_um])

    pad = bond_pad()
    wire_um = 0.0
    for i, (t, y_t, px) in enumerate(zip(order, tracks, pad_x, strict=True)):
        x_up = next(
            (t.x_um + o for o in _OFFSETS_UM
             if m1.clear(_box(t.x_um + o - hw1, y_t - hw1, t.x_um + o + hw1, t.y_um + hw1, dbu))),
            None,
        )
        if x_up is None:
            raise ValueError(f"heater line {t.ref}: no clear M1 column down to the wiring band")
        up = _box(x_up - hw1, y_t - hw1, x_up + hw1, t.y_um + hw1, dbu)
        m1.add(up)  # before the line's own down column: DRC spaces same-net M1 too
        x_dn = next(
            (px + o for o in _OFFSETS_UM
             if m1.clear(_box(px + o - hw1, pad_cy - hw1, px + o + hw1, y_t + hw1, dbu))
             and not any(a < px + o < b for a, b in keepouts_um)),
            None,
        )
        if x_dn is None:
            raise ValueError(f"heater line {t.ref}: no clear M1 column down to its pad")
        ref = component.add_ref(pad, name=f"heater_pad_{i}")
        ref.move((px, pad_cy))
        m1.add(_box(x_dn - hw1, pad_cy - hw1, x_dn + hw1, y_t + hw1, dbu))
        rect(component, x_up - hw1, t.y_um, x_up + hw1, y_t, LAYER.M1)
        rect(component, x_dn - hw1, y_t, x_dn + hw1, pad_cy, LAYER.M1)
        rect(component, x_up, y_t - hw2, x_dn, y_t + hw2, LAYER.M2)
        _via(component, x_up, t.y_um, m2=False)  # inside the cell's pad: its M2 encloses it
        _via(component, x_up, y_t, m2=True)
        _via(component, x_dn, y_t, m2=True)
        _via(component, x_dn, pad_cy, m2=False)  # inside the row pad
        wire_um += abs(t.y_um - y_t) + abs(x_dn - x_up) + abs(y_t - pad_cy)
        component.info[f"heater_line_{i}"] = t.ref
    nets = metal_nets(component)
    pads = {f"heater_pad_{i}": (px, pad_cy) for i, px in enumerate(pad_x)}
    shorts, opens = _check_lines(component, nets, pads, order)
    return {
        "router": "two-layer Manhattan channel (M1 vertical, M2 horizontal)",
        "pads": n,
        "lines": n,
        "wire_length_um": round(wire_um, 1),
        "area_before_um2": round(area0, 1),
        "area_after_um2": round(component.xsize * component.ysize, 1),
        "area_growth_percent": round(100 * (component.xsize * component.ysize / area0 - 1), 2),
        "shorts": shorts,
        "opens": opens,
    }


def metal_nets(component: gf.Component) -> list[kdb.Region]:
    """Electrically connected M1/M2 metal (joined by VIA1) of ``component``, as M2 regions.

    Read back from the drawn mask (flattened per layer; the heater TiN, which joins a heater's
    two terminals through its resistance, is left out), so each returned region is one net's
    M2 metal. A short joins two lines' pads in one region; an open leaves a pad alone.

    Example:
        >>> import gdsfactory as gf
        >>> from components import CELLS
        >>> c = gf.Component(); _ = c << CELLS["ring_switch"]()
        >>> len(metal_nets(c))  # the heater's two terminals
        2
    """
    m1 = list(_region(component, _lt(LAYER.M1)).each())
    m2 = list(_region(component, _lt(LAYER.M2)).each())
    vias = list(_region(component, _lt(LAYER.VIA1)).each())
    graph = nx.Graph()
    graph.add_nodes_from(("m1", i) for i in range(len(m1)))
    graph.add_nodes_from(("m2", i) for i in range(len(m2)))
    for v in vias:
        vr = kdb.Region(v)
        hit = [
            (name, i)
            for name, polys in (("m1", m1), ("m2", m2))
            for i, p in enumerate(polys)
            if p.bbox().overlaps(v.bbox()) and not (kdb.Region(p) & vr).is_empty()
        ]
        graph.add_edges_from(zip(hit, hit[1:], strict=False))
    nets = []
    for comp in nx.connected_components(graph):
        region = kdb.Region()
        for name, i in comp:
            if name == "m2":
                region.insert(m2[i])
        if not region.is_empty():
            nets.append(region)
    return nets


def _check_lines(
    component: gf.Component,
    nets: list[kdb.Region],
    pads: dict[str, tuple[float, float]],
    terminals: Sequence[HeaterTerminal],
) -> tuple[int, int]:
    """(shorts, opens): nets joining two heater lines, and pads not joined to their terminal."""
    dbu = component.kcl.dbu

    def net_of(x: float, y: float) -> int | None:
        box = kdb.Region(kdb.Box(round(x / dbu) - 1, round(y / dbu) - 1,
                                 round(x / dbu) + 1, round(y / dbu) + 1))
        return next((k for k, r in enumerate(nets) if not r.interacting(box).is_empty()), None)

    term_nets = [net_of(t.x_um, t.y_um) for t in terminals]
    pad_nets = [net_of(*xy) for xy in pads.values()]
    opens = sum(1 for p, t in zip(pad_nets, term_nets, strict=True) if p is None or p != t)
    ends = [k for k in pad_nets + term_nets if k is not None]
    shorts = sum(1 for k in set(ends) if ends.count(k) > 2)
    return shorts, opens


# rule values the wire sizes rely on (fails at import if the rule table changes under them)
assert rule("VIA1.EN.1").value <= (METAL1_WIDTH_UM - VIA_UM) / 2
assert rule("M1.W.1").value <= METAL1_WIDTH_UM and rule("M2.W.1").value <= METAL2_WIDTH_UM
