"""What a routed path occupies on the grid, and when two paths may share a node.

A path is a list of grid nodes: port, corners, port. ``path_claims`` says which nodes it takes
and how (straight along x / y, or bend); ``legal_crossing`` says whether a node shared by two
committed paths is a crossing a crossing cell can go on. The negotiated search and the
channel planner both judge their paths by these.
"""

from __future__ import annotations

import numpy as np

from routing.grid import RoutingGrid
from routing.search import BEND_KIND, H_KIND, V_KIND, Found, Occupancy, SearchParams, _geometry


def path_claims(
    grid: RoutingGrid, prm: SearchParams, found: Found
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes a path occupies and how (``H_KIND`` / ``V_KIND`` straight, ``BEND_KIND``).

    Straight runs claim their nodes except within one bend radius of a corner, where the
    Euler bend claims the nodes near its curve instead; a node claimed twice in different
    ways counts as a bend (never a legal crossing).
    """
    g = _geometry(grid, prm)
    nx, p, r = grid.nx, grid.pitch_um, prm.radius_um
    verts = found.vertices
    last = len(verts) - 1
    k_r = int(np.ceil(r / p - 1e-9))  # nodes within one radius of a corner are the bend's
    nodes_l, kinds_l = [], []
    for i in range(last):
        a, b = verts[i], verts[i + 1]
        ay, ax = divmod(a, nx)
        by, bx = divmod(b, nx)
        horizontal = ay == by
        n = abs(bx - ax) if horizontal else abs(by - ay)
        step = (1 if bx > ax else -1) if horizontal else (nx if by > ay else -nx)
        lo = k_r if i > 0 else 0
        hi = n - k_r if i + 1 < last else n
        if hi >= lo:
            nodes_l.append(a + step * np.arange(lo, hi + 1, dtype=np.int64))
            kinds_l.append(np.full(hi - lo + 1, H_KIND if horizontal else V_KIND, np.int8))
    for corner, din, dout in bends_of(grid, verts):
        arc = g.path_arc_nodes(corner, din, dout)
        nodes_l.append(arc.astype(np.int64))
        kinds_l.append(np.full(arc.size, BEND_KIND, np.int8))
    nodes = np.concatenate(nodes_l) if nodes_l else np.zeros(0, np.int64)
    kinds = np.concatenate(kinds_l) if kinds_l else np.zeros(0, np.int8)
    uniq, inv = np.unique(nodes, return_inverse=True)
    lo_kind = np.full(uniq.size, 127, np.int8)
    hi_kind = np.full(uniq.size, -1, np.int8)
    np.minimum.at(lo_kind, inv, kinds)
    np.maximum.at(hi_kind, inv, kinds)
    return uniq, np.where(lo_kind == hi_kind, lo_kind, np.int8(BEND_KIND)).astype(np.int8)


def direction_of(a: int, b: int, nx: int) -> int:
    """Heading (0=E, 1=N, 2=W, 3=S) from node ``a`` to node ``b`` on the same grid line."""
    ay, ax = divmod(a, nx)
    by, bx = divmod(b, nx)
    if ay == by:
        return 0 if bx > ax else 2
    return 1 if by > ay else 3


def legal_crossing(occ: Occupancy, grid: RoutingGrid, prm: SearchParams, node: int) -> bool:
    """True if ``node`` holds exactly one horizontal and one vertical straight with clean arms
    and no other crossing close enough for the cells to overlap."""
    g = _geometry(grid, prm)
    if not (occ.occ[node] == 2 and occ.occ_h[node] == 1 and occ.occ_v[node] == 1):
        return False
    n_all = occ.occ.size
    for along, kind in ((g.step[0], occ.occ_h), (g.step[1], occ.occ_v)):
        for j in range(1, g.arm + 1):
            for q in (node + j * along, node - j * along):
                if not (0 <= q < n_all) or occ.occ[q] != 1 or kind[q] != 1:
                    return False
        for j in range(1, g.gap + 1):
            for q in (node + j * along, node - j * along):
                if 0 <= q < n_all and occ.occ_h[q] > 0 and occ.occ_v[q] > 0:
                    return False
    return True


def bends_of(grid: RoutingGrid, vertices: list[int]) -> list[tuple[int, int, int]]:
    """(corner node, heading in, heading out) of every bend of a path."""
    nx = grid.nx
    return [
        (
            vertices[i],
            direction_of(vertices[i - 1], vertices[i], nx),
            direction_of(vertices[i], vertices[i + 1], nx),
        )
        for i in range(1, len(vertices) - 1)
    ]
