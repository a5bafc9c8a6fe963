"""The inter-tile network: a binary tree of 1x2 switches from the chip's three fibres to
every tile, drawn hierarchically and routed by the QuantaCore router.

Each tile (``routing.tile`` with ``io_coupler="none"``) exposes ``pump_in`` and
``stokes_in`` on its west edge and ``out`` on its east edge. A block of tiles is two smaller
blocks and three switch nodes, one per tree; its ports have the same names on the same edges,
so the construction recurses::

    vertical (rows split)                     horizontal (columns split)

            +-------+                     ___________ detour over A ______
    pump ]--|   B   |--[ out              |                               |
    stokes ]|       |                    [ +-------+  gap  +-------+      |
            +-------+           pump  ]--+-|   A   |--  ---|   B   |--[ out
            +-------+           stokes ]-+-|       |-out   |       |
            |   A   |                      +-------+       +-------+
            +-------+                      detours under A / B ______

The pump and Stokes nodes (west) split the feed towards the two halves; the out node (east)
merges the halves' outputs (reciprocal: the same switch run backwards). A vertical split joins
ports facing the nodes directly; a horizontal split reaches the far half's west ports (and the
near half's east port) round the other half, through the gap between them. Every block of the
same size is one cell (``gf.cell`` caches it), so a chip of N tiles has O(log N) distinct
cells, each routed once; nothing is flattened.

Example:
    >>> design = NetworkDesign()
    >>> tree_levels(rows=4, columns=8)
    5
    >>> design.switches_for(tiles=32)
    93
"""

from __future__ import annotations

import math
from typing import Literal

import gdsfactory as gf
import klayout.db as kdb
from kfactory.typings import MetaData
from pydantic import BaseModel, ConfigDict, Field

from components import CELLS
from qc_pdk.errors import InputError
from routing.multilayer import route_nets_multilayer
from routing.port_jog import jog_cell
from routing.router import Connection, waveguide_layer_name
from routing.sjog import shortest_jog_um
from routing.tile import NETWORK_PORTS, TileDesign, check_ports_on_edges, chip_tile

#: (port, side the node sits on); each tree runs on its ports' SiN layer
TREES: tuple[tuple[str, Literal["west", "east"]], ...] = (
    ("pump_in", "west"),
    ("stokes_in", "west"),
    ("out", "east"),
)
MIN_PITCH_UM = 5.0  # the router's track pitch at every level


class NetworkError(InputError):
    """The network cannot be built as specified (the message names the field)."""


class NetworkDesign(BaseModel):
    """How tiles are joined (lengths in um)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topology: Literal["switch_tree", "none"] = Field(
        default="switch_tree",
        description="switch_tree: a binary tree of 1x2 switches per fibre (pump, Stokes, "
        "readout) joins every tile to three chip fibres; none: every tile has its own "
        "three fibre couplers (islands)",
    )
    node: Literal["mzi_switch"] = Field(
        default="mzi_switch",
        description="library cell of a tree node (1x2: o1 in, o2 and o3 out, on the side "
        "facing away from o1)",
    )
    channel_um: float = Field(
        default=300.0, ge=150.0, le=5000.0,
        description="room between a block and its nodes, and between the halves of a "
        "horizontal split, for the tree's bends and detours",
    )
    row_gap_um: float = Field(
        default=150.0, ge=20.0, le=5000.0,
        description="gap between the halves of a vertical split",
    )

    def switches_for(self, *, tiles: int) -> int:
        """Switch nodes of a tree over ``tiles`` tiles (three trees, tiles - 1 nodes each)."""
        return 0 if self.topology == "none" else 3 * (tiles - 1)


def tree_levels(*, rows: int, columns: int) -> int:
    """Switch stages from a chip fibre to the deepest tile of a ``rows`` x ``columns`` tree."""
    return math.ceil(math.log2(rows)) + math.ceil(math.log2(columns))


@gf.cell
def tree_node(node: str, cross_section: str, fanout_um: float) -> gf.Component:
    """A tree node: the library 1x2 switch ``node`` with S-bends fanning its outputs out to
    ``fanout_um`` apart (an MMI's outputs sit a few um apart, closer than the router's track
    pitch). Ports: o1 (west, in), o2 (east, upper), o3 (east, lower)."""
    c = gf.Component()
    switch = c.add_ref(CELLS[node](cross_section=cross_section), name="switch")
    radius_um = float(gf.get_cross_section(cross_section).radius or 0.0)
    upper, lower = sorted(("o2", "o3"), key=lambda p: -switch.ports[p].y)
    y_mid = (switch.ports[upper].y + switch.ports[lower].y) / 2
    for name, port, sign in (("o2", upper, 1.0), ("o3", lower, -1.0)):
        offset_um = round(y_mid + sign * fanout_um / 2 - switch.ports[port].y, 3)
        length_um = shortest_jog_um(offset_um, MIN_PITCH_UM, radius_um, cross_section)
        jog = c.add_ref(jog_cell(offset_um, length_um, cross_section), name=f"fanout_{name}")
        jog.connect("o1", switch.ports[port])
        c.add_port(name, port=jog.ports["o2"])
    c.add_port("o1", port=switch.ports["o1"])
    c.info["switch_ports"] = {"o2": upper, "o3": lower}  # node output -> switch output
    return c


def cross_section_of(port: gf.Port) -> str:
    """The PDK strip cross-section of the SiN layer ``port`` is on."""
    return f"strip_{waveguide_layer_name(gf.get_layer_tuple(port.layer)).lower()}"


def distinct_blocks(*, rows: int, columns: int) -> int:
    """Distinct block cells (sizes) of a tree over ``rows`` x ``columns`` tiles, tiles
    excluded: what is routed (and solved) once each.

    Example:
        >>> distinct_blocks(rows=4, columns=4), distinct_blocks(rows=3, columns=1)
        (4, 2)
    """
    seen: set[tuple[int, int]] = set()

    def visit(r: int, c: int) -> None:
        if (r, c) in seen or r == c == 1:
            return
        seen.add((r, c))
        halves = [(h, c) for h in _split(r)] if r > 1 else [(r, h) for h in _split(c)]
        for h in halves:
            if min(h) >= 1:
                visit(*h)

    visit(rows, columns)
    return len(seen)


def _split(n: int) -> tuple[int, int]:
    return n - n // 2, n // 2


def block(tile: TileDesign, rows: int, columns: int, network: NetworkDesign) -> gf.Component:
    """The cell of ``rows`` x ``columns`` tiles: the tile cell itself for one tile (shared,
    not copied), else :func:`tree_block`."""
    if rows == columns == 1:
        return chip_tile(tile)
    return tree_block(tile, rows, columns, network)


@gf.cell
def tree_block(
    tile: TileDesign, rows: int, columns: int, network: NetworkDesign
) -> gf.Component:
    """``rows`` x ``columns`` tiles joined by the three switch trees, routed.

    Rows split first (vertical joins, no detours), then columns. Ports: ``pump_in``,
    ``stokes_in`` (west edge) and ``out`` (east edge), as a tile's. ``info["tiles"]`` and
    ``info["route"]`` (this level's routing) are set.

    Raises:
        NetworkError: rows or columns < 1, or an unknown node cell.
    """
    if rows < 1 or columns < 1:
        raise NetworkError(f"array: rows={rows} and columns={columns} must be >= 1")
    if network.node not in CELLS:
        raise NetworkError(f"network.node: unknown cell {network.node!r}")
    if rows == columns == 1:
        raise NetworkError("tree_block: a 1 x 1 block is the tile itself (use block())")
    vertical = rows > 1
    (ra, rb), (ca, cb) = (_split(rows), (columns, columns)) if vertical else (
        (rows, rows), _split(columns))
    c = gf.Component()
    a = c.add_ref(block(tile, ra, ca, network), name="A")
    b = c.add_ref(block(tile, rb, cb, network), name="B")
    if vertical:
        b.move((a.xmin - b.xmin, a.ymax + network.row_gap_um - b.ymin))
    else:
        b.move((a.xmax + network.channel_um - b.xmin, a.ymin - b.ymin))
    # one track pitch at every level: above the router's node budget it routes in two
    # levels (a global route on g-cells, then A* along each net's corridor), so a large
    # block's memory follows its few long nets, not its area
    pitch_um = MIN_PITCH_UM
    nets = []
    branches: dict[str, MetaData] = {}  # tree port -> half -> node output towards it
    for port, side in TREES:
        xs = cross_section_of(a.ports[port])
        node = c.add_ref(tree_node(network.node, xs, 4 * pitch_um), name=f"node_{port}")
        pa, pb = a.ports[port], b.ports[port]
        if side == "east":
            node.rotate(180)
        outs = sorted(("o2", "o3"), key=lambda p: node.ports[p].y)  # lower, upper
        if vertical:
            to_a, to_b = outs  # A is the lower half
            dy = (pa.y + pb.y) / 2 - (node.ports[to_a].y + node.ports[to_b].y) / 2
        else:
            # the near half is reached straight (the output on the port's line), the far
            # one round the near half, on the side its port is nearer to
            near = a if side == "west" else b
            below = pa.y - near.ymin < near.ymax - pa.y
            to_far, to_near = outs if below else outs[::-1]
            to_a, to_b = (to_near, to_far) if side == "west" else (to_far, to_near)
            dy = (pa if side == "west" else pb).y - node.ports[to_near].y
        if side == "west":
            dx = min(a.xmin, b.xmin) - network.channel_um - node.xmax
        else:
            dx = max(a.xmax, b.xmax) + network.channel_um - node.xmin
        # the node's outputs on the router's grid, the channel kept at least as wide: an
        # output a fraction of a pitch off it starts its route with a sub-um piece whose
        # joint the DRC reads as a too-tight bend (measured: WG1.R.1 slivers at an MZI
        # output 0.2 um off the grid, with column tiles whose edges sit off it)
        x_um, y_um = node.ports[to_a].x + dx, node.ports[to_a].y + dy
        snap = math.floor if side == "west" else math.ceil
        dx += snap(x_um / pitch_um) * pitch_um - x_um
        dy += round(y_um / pitch_um) * pitch_um - y_um
        node.move((dx, dy))
        branches[port] = {"A": to_a, "B": to_b}
        nets.append(Connection(f"node_{port},{to_a}", f"A,{port}", name=f"{port}.A"))
        nets.append(Connection(f"node_{port},{to_b}", f"B,{port}", name=f"{port}.B"))
        c.add_port(port, port=node.ports["o1"])
    radius_um = float(gf.get_cross_section("strip_wg2").radius or 0.0)
    result = route_nets_multilayer(
        c, nets, layers=("WG1", "WG2"), radius_um=radius_um, pitch_um=pitch_um,
        margin_um=network.channel_um,
    )
    report = result.report
    if report.unrouted or not report.clean:
        failed = [f"{n.name}: {n.reason}" for n in report.nets if not n.routed]
        # the placement is the project's own: a failure is a router or placement bug
        raise RuntimeError(f"network block {rows} x {columns}: unrouted {failed}")
    check_ports_on_edges(c, NETWORK_PORTS)
    c.info["tiles"] = ra * ca + rb * cb
    c.info["branches"] = branches
    c.info["route"] = {
        "nets": len(nets),
        "crossings": report.total_crossings,
        "layer_changes": report.layer_changes,
        "total_insertion_loss_dB": round(report.total_insertion_loss_dB, 4),
        "pitch_um": pitch_um,
    }
    return c


def tile_placements(chip: gf.Component, *, tile_cell: str) -> list[tuple[float, float]]:
    """Origin (um, chip coordinates) of every placement of ``tile_cell`` in ``chip``, however
    deep in the tree: KLayout's ``RecursiveInstanceIterator`` walks the hierarchy without
    flattening (one entry per tile, O(tiles) memory).

    Raises:
        ValueError: ``tile_cell`` is not in the chip's layout.
    """
    layout = chip.kcl.layout
    target = layout.cell(tile_cell)
    if target is None:
        raise ValueError(f"tile_cell {tile_cell!r} is not in the layout")
    it = kdb.RecursiveInstanceIterator(layout, layout.cell(chip.cell_index()))
    it.targets = [target.cell_index()]
    out = []
    for x in it.each():
        disp = (x.dtrans() * x.inst_dtrans()).disp
        out.append((round(disp.x, 4), round(disp.y, 4)))
    return sorted(out)
