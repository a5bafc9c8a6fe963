"""Global routing on g-cells: which coarse cells each net passes, before any track is chosen.

The routing area is cut into square g-cells, the wall blocks of a ``BlockRoutingGrid``
(``block_nodes`` x ``block_nodes`` track nodes, 250 um at the default 50 nodes of 5 um). A
net's global route is a path of (g-cell, heading) states: it moves to a neighbouring g-cell
through their shared edge, or turns inside a g-cell (one Euler bend). Costs are insertion
loss in dB like the detailed search (g-cell length x propagation loss, bend loss per turn),
so the coarse path has the bends the detailed one will have.

Each g-cell edge has a capacity: the tracks free on both sides of it (cells' keep-outs and
reserved port stubs removed) divided by ``tracks_per_net``. Nets are routed with negotiated
congestion (PathFinder, as ``routing.negotiate`` does on the fine grid): an edge used beyond
its capacity costs ``present_dB`` per extra net, growing each pass, plus a history cost where
the overflow persists; nets on overflowing edges are ripped up and rerouted until no edge
overflows or the passes run out. The corridor of a net is its g-cells dilated by a margin;
the detailed router (``routing.corridor_route``) searches only there.

Why scipy's ``csgraph.dijkstra`` and not networkx: the state graph (4 headings per g-cell,
~64 000 states on a 40 x 25 mm die) is built once as a sparse matrix whose weights are
updated with one vectorised expression per net; a Dijkstra in C over it takes milliseconds,
where networkx pays ~30 us of Python per edge relaxation.

Example:
    >>> from routing.grid import RoutingGrid
    >>> g = RoutingGrid.for_area(bbox_um=(0, 0, 2000, 1000), pitch_um=5.0, max_nodes=1000)
    >>> g.block_box(750, 0, 1250, 800)  # a wall from the bottom edge, 200 um short of the top
    >>> graph = GCellGraph.from_grid(g)
    >>> net = GlobalNet("n", source=g.node_at(100, 100), source_dir=0,
    ...                 target=g.node_at(1900, 100), target_dir=2)
    >>> route = global_route(graph, [net], loss_dB_per_um=1e-5, bend_loss_dB=0.01)
    >>> max(graph.cell_xy_um(c)[1] for c, _ in route.paths["n"]) > 800  # over the wall
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from routing.grid import DIRS, BlockRoutingGrid

# a turn in a g-cell with less free area than this costs as much as a detour (its bend may
# not fit), and none where nothing is free
_TIGHT_FREE_FRACTION = 0.5


@dataclass(frozen=True)
class GlobalNet:
    """A net for the global router: port nodes on the fine grid and the ports' directions
    (0=E, 1=N, 2=W, 3=S; the target's is the way its port faces)."""

    name: str
    source: int
    source_dir: int
    target: int
    target_dir: int


@dataclass
class GCellGraph:
    """G-cells of a ``BlockRoutingGrid`` and their edge capacities.

    Attributes:
        ncx, ncy: g-cells along x / y; cell ``c = cy * ncx + cx``.
        block_nodes: fine nodes per g-cell side; ``pitch_um`` their spacing.
        cap: capacity (nets) of every edge: first the ``ncy * (ncx - 1)`` edges between
            (cx, cy) and (cx + 1, cy), then the ``(ncy - 1) * ncx`` between (cx, cy) and
            (cx, cy + 1).
        free: (ncy, ncx) fraction of each g-cell's nodes not walled.
        nx, ny, ix0, iy0: the fine lattice (for coordinates).
    """

    ncx: int
    ncy: int
    block_nodes: int
    pitch_um: float
    cap: np.ndarray
    free: np.ndarray
    nx: int
    ny: int
    ix0: int
    iy0: int

    @property
    def n_h(self) -> int:
        """Number of edges between horizontal neighbours (the first part of ``cap``)."""
        return self.ncy * (self.ncx - 1)

    @classmethod
    def from_grid(cls, grid: BlockRoutingGrid, *, tracks_per_net: int = 2) -> GCellGraph:
        """G-cells = the grid's wall blocks; an edge's capacity is the number of track
        rows (columns) free on both sides of it over ``tracks_per_net`` (a net's own track
        and room beside it for its bends). Reads only the blocks that hold obstacles."""
        if tracks_per_net < 1:
            raise ValueError(f"tracks_per_net must be >= 1, got {tracks_per_net}")
        w = grid.wall
        b, nbx, nby = w.b, w.nbx, w.nby
        # free[k] along each block's four sides, all True for blocks without obstacles
        west = np.ones((nby, nbx, b), bool)
        east = np.ones((nby, nbx, b), bool)
        south = np.ones((nby, nbx, b), bool)
        north = np.ones((nby, nbx, b), bool)
        free = np.ones((nby, nbx))
        touched = set(w.blocks) | set(w.pending)
        for k in touched:
            arr = ~w.block(k)
            by, bx = divmod(k, nbx)
            west[by, bx], east[by, bx] = arr[:, 0], arr[:, -1]
            south[by, bx], north[by, bx] = arr[0, :], arr[-1, :]
            free[by, bx] = arr.mean()
        # nodes beyond the lattice's edge (last blocks are partial) are not tracks
        rows = np.arange(nby)[:, None] * b + np.arange(b)[None, :] < grid.ny  # (nby, b)
        cols = np.arange(nbx)[:, None] * b + np.arange(b)[None, :] < grid.nx  # (nbx, b)
        cap_h = (east[:, :-1] & west[:, 1:] & rows[:, None, :]).sum(axis=2) // tracks_per_net
        cap_v = (north[:-1] & south[1:] & cols[None, :, :]).sum(axis=2) // tracks_per_net
        cap = np.concatenate([cap_h.ravel(), cap_v.ravel()]).astype(np.int64)
        return cls(nbx, nby, b, grid.pitch_um, cap, free, grid.nx, grid.ny, grid.ix0, grid.iy0)

    def cell_of(self, node: int) -> int:
        """G-cell of fine node ``node``."""
        iy, ix = divmod(int(node), self.nx)
        return (iy // self.block_nodes) * self.ncx + ix // self.block_nodes

    def cell_xy_um(self, cell: int) -> tuple[float, float]:
        """Centre (um) of g-cell ``cell``."""
        cy, cx = divmod(cell, self.ncx)
        half = (self.block_nodes - 1) / 2
        return ((self.ix0 + cx * self.block_nodes + half) * self.pitch_um,
                (self.iy0 + cy * self.block_nodes + half) * self.pitch_um)

    def edge_of(self, cell: int, d: int) -> int:
        """Edge crossed leaving ``cell`` along heading ``d``; -1 at the area's border."""
        cy, cx = divmod(cell, self.ncx)
        if d == 0:
            return cy * (self.ncx - 1) + cx if cx + 1 < self.ncx else -1
        if d == 2:
            return cy * (self.ncx - 1) + cx - 1 if cx > 0 else -1
        if d == 1:
            return self.n_h + cy * self.ncx + cx if cy + 1 < self.ncy else -1
        return self.n_h + (cy - 1) * self.ncx + cx if cy > 0 else -1


@dataclass
class GlobalRoute:
    """Global routes: per net its (g-cell, heading) states from source to target, the use
    of every edge, and the nets that found no global path with the reason."""

    paths: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    use: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    unrouted: dict[str, str] = field(default_factory=dict)
    iterations: int = 0

    def overflow(self, graph: GCellGraph) -> int:
        """Nets beyond capacity, summed over the edges."""
        return int(np.maximum(self.use - graph.cap, 0).sum())

    def edges_of(self, graph: GCellGraph, name: str) -> list[int]:
        """Edges a net's global path crosses, in order."""
        path = self.paths[name]
        return [graph.edge_of(c, d) for (c, d), (c2, _) in zip(path[:-1], path[1:], strict=True)
                if c2 != c]


@dataclass(frozen=True)
class GlobalParams:
    """Negotiation schedule of the global router (dB, like ``NegotiationParams``)."""

    max_iterations: int = 12
    present_dB: float = 0.05
    present_growth: float = 2.0
    history_dB: float = 0.02


class _StateGraph:
    """The (g-cell, heading) state graph as a CSR matrix; move weights depend on congestion."""

    def __init__(self, graph: GCellGraph, move_dB: float, bend_dB: float) -> None:
        n_cells = graph.ncx * graph.ncy
        src, dst, wts, edges = [], [], [], []
        cells = np.arange(n_cells)
        cy, cx = np.divmod(cells, graph.ncx)
        for d, (dx, dy) in enumerate(DIRS):
            ok = (0 <= cx + dx) & (cx + dx < graph.ncx) & (0 <= cy + dy) & (cy + dy < graph.ncy)
            c = cells[ok]
            e = np.array([graph.edge_of(int(k), d) for k in c], np.int64)
            open_ = graph.cap[e] > 0
            c, e = c[open_], e[open_]
            src.append(c * 4 + d)
            dst.append((c + dx + dy * graph.ncx) * 4 + d)
            wts.append(np.full(c.size, move_dB))
            edges.append(e)
        self.n_moves = sum(s.size for s in src)
        free = graph.free.ravel()
        turn_dB = np.where(free >= _TIGHT_FREE_FRACTION, bend_dB, bend_dB + 20 * move_dB)
        turnable = free > 0
        for d in range(4):
            for d2 in ((d + 1) % 4, (d + 3) % 4):
                c = cells[turnable]
                src.append(c * 4 + d)
                dst.append(c * 4 + d2)
                wts.append(turn_dB[turnable])
                edges.append(np.full(c.size, -1, np.int64))
        self.src = np.concatenate(src)
        self.dst = np.concatenate(dst)
        self.base = np.concatenate(wts)
        self.edge = np.concatenate(edges)
        self.n_states = n_cells * 4
        order = np.lexsort((self.dst, self.src))
        self.src, self.dst = self.src[order], self.dst[order]
        self.base, self.edge = self.base[order], self.edge[order]
        self.is_move = self.edge >= 0
        self.matrix = csr_matrix((self.base.copy(), (self.src, self.dst)),
                                 shape=(self.n_states, self.n_states))
        # csr_matrix keeps (src, dst)-sorted entries in that order: data[i] is entry i
        self.matrix.sort_indices()

        # the matrix entries of each edge's moves (both ways), for updates of a few edges
        moves = np.nonzero(self.is_move)[0]
        by_edge = moves[np.argsort(self.edge[moves], kind="stable")]
        counts = np.bincount(self.edge[moves], minlength=graph.cap.size)
        self._edge_start = np.concatenate([[0], np.cumsum(counts)])
        self._edge_entries = by_edge

    def set_costs(self, extra_dB: np.ndarray) -> None:
        """Move weights = base + ``extra_dB[edge]`` (congestion of the edge crossed)."""
        data = self.base.copy()
        data[self.is_move] += extra_dB[self.edge[self.is_move]]
        self.matrix.data[:] = data

    def update_edges(self, edges: np.ndarray, extra_dB: np.ndarray) -> None:
        """``set_costs`` for the moves across ``edges`` only."""
        for e in np.unique(edges).tolist():
            idx = self._edge_entries[self._edge_start[e]:self._edge_start[e + 1]]
            self.matrix.data[idx] = self.base[idx] + extra_dB[e]


def global_route(
    graph: GCellGraph,
    nets: Sequence[GlobalNet],
    *,
    loss_dB_per_um: float,
    bend_loss_dB: float,
    params: GlobalParams | None = None,
) -> GlobalRoute:
    """Route ``nets`` on the g-cells with negotiated congestion.

    Args:
        graph: g-cells and capacities (``GCellGraph.from_grid``).
        nets: port nodes and directions on the fine grid.
        loss_dB_per_um, bend_loss_dB: the detailed search's prices, so the coarse path
            trades length against bends as the fine one will.
        params: the congestion schedule.

    Returns:
        ``GlobalRoute``: per net its (g-cell, heading) states, the source's heading first and
        the heading it arrives at the target last; the use of every edge.
    """
    prm = params or GlobalParams()
    move_dB = graph.block_nodes * graph.pitch_um * loss_dB_per_um
    sg = _StateGraph(graph, move_dB, bend_loss_dB)
    out = GlobalRoute(use=np.zeros(graph.cap.size, np.int64))
    hist = np.zeros(graph.cap.size)
    cap = graph.cap
    edges: dict[str, list[int]] = {}
    pres = prm.present_dB

    def extra() -> np.ndarray:  # what one more net pays on each edge
        return hist + pres * np.maximum(out.use + 1 - cap, 0)

    def route(net: GlobalNet) -> None:
        s = graph.cell_of(net.source) * 4 + net.source_dir
        t = graph.cell_of(net.target) * 4 + (net.target_dir + 2) % 4
        # a search bounded near the straight-line cost first: a short net explores only its
        # neighbourhood, not the die; unbounded only if nothing is found within it
        (sy, sx), (ty, tx) = divmod(s // 4, graph.ncx), divmod(t // 4, graph.ncx)
        bound = 1.5 * (abs(sx - tx) + abs(sy - ty) + 2) * move_dB + 3 * bend_loss_dB + pres
        dist, pred = dijkstra(sg.matrix, indices=s, return_predecessors=True, limit=bound)
        if not np.isfinite(dist[t]):
            dist, pred = dijkstra(sg.matrix, indices=s, return_predecessors=True)
        if not np.isfinite(dist[t]):
            out.unrouted[net.name] = (
                "no global path: every way between the ports' g-cells is blocked by cells "
                "(no free track across some g-cell edge)")
            return
        states = [t]
        while states[-1] != s:
            states.append(int(pred[states[-1]]))
        path = [(st // 4, st % 4) for st in reversed(states)]
        out.paths[net.name] = path
        out.unrouted.pop(net.name, None)
        edges[net.name] = out.edges_of(graph, net.name)
        np.add.at(out.use, edges[net.name], 1)
        changed = np.array(edges[net.name], np.int64)
        sg.update_edges(changed, extra())

    def rip(name: str) -> None:
        changed = np.array(edges.pop(name), np.int64)
        np.add.at(out.use, changed, -1)
        sg.update_edges(changed, extra())
        del out.paths[name]

    todo = list(nets)
    for it in range(prm.max_iterations):
        out.iterations = it + 1
        sg.set_costs(extra())
        for net in todo:
            if net.name in out.paths:
                rip(net.name)
            route(net)
        over = out.use > cap
        if not over.any():
            break
        hist[over] += prm.history_dB
        pres *= prm.present_growth
        todo = [n for n in nets if n.name in edges and over[edges[n.name]].any()]
    return out


def corridor_cells(graph: GCellGraph, path: Sequence[tuple[int, int]],
                   margin_cells: int = 1) -> set[int]:
    """G-cells of a global path and all g-cells within ``margin_cells`` of them (Chebyshev):
    where the detailed router may search for the net.

    Example:
        >>> graph = GCellGraph(4, 3, 50, 5.0, np.ones(17, np.int64), np.ones((3, 4)),
        ...                    200, 150, 0, 0)
        >>> sorted(corridor_cells(graph, [(0, 0), (1, 0)], margin_cells=1))
        [0, 1, 2, 4, 5, 6]
    """
    out: set[int] = set()
    for c, _ in path:
        cy, cx = divmod(c, graph.ncx)
        for y in range(max(cy - margin_cells, 0), min(cy + margin_cells, graph.ncy - 1) + 1):
            for x in range(max(cx - margin_cells, 0), min(cx + margin_cells, graph.ncx - 1) + 1):
                out.add(y * graph.ncx + x)
    return out
