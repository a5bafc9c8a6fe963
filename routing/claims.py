"""What a routed path occupies on the grid, and when two paths may share a node.

A path is a list of grid nodes: port, corners, port. ``path_claims`` says which nodes it takes
and how (straight along x / y, or bend); ``legal_crossing`` says whether a node shared by two
committed paths is a crossing a crossing cell can go on. The negotiated search and the
channel planner both judge their paths by these.
"""

from __future__ import annotations

import numpy as np

from routing.grid import RoutingGrid
from routing.search import (
    BEND_KIND,
    H_KIND,
    V_KIND,
    Found,
    Occupancy,
    SearchParams,
    _geometry,
    arcs_clash,
)
from routing.sjog import is_jog, jog_claim_nodes


def _jogs(grid: RoutingGrid, verts: list[int]) -> list[bool]:
    return [is_jog(a, b, grid.nx) for a, b in zip(verts[:-1], verts[1:], strict=True)]


def _is_bend(jogs: list[bool], i: int) -> bool:
    """Vertex ``i`` is a 90 deg bend: an inner vertex between two straight segments."""
    return 0 < i < len(jogs) and not jogs[i - 1] and not jogs[i]


def _pieces(
    grid: RoutingGrid, prm: SearchParams, found: Found
) -> list[tuple[np.ndarray, int]]:
    """The path's pieces in order (runs, bends, S-jogs) as (claimed nodes, kind)."""
    g = _geometry(grid, prm)
    nx, p, r = grid.nx, grid.pitch_um, prm.radius_um
    verts = found.vertices
    last = len(verts) - 1
    jogs = _jogs(grid, verts)
    k_r = int(np.ceil(r / p - 1e-9))
    sep = prm.width_um + prm.space_um + 0.1  # the same margin as arc_clashes
    out: list[tuple[np.ndarray, int]] = []
    for i in range(last):
        a, b = verts[i], verts[i + 1]
        if _is_bend(jogs, i):
            din, dout = direction_of(verts[i - 1], a, nx), direction_of(a, b, nx)
            out.append((g.path_arc_nodes(a, din, dout).astype(np.int64), BEND_KIND))
        if jogs[i]:
            out.append((jog_claim_nodes(a, b, nx, p, prm.cross_section, sep), BEND_KIND))
            continue
        ay, ax = divmod(a, nx)
        by, bx = divmod(b, nx)
        horizontal = ay == by
        n = abs(bx - ax) if horizontal else abs(by - ay)
        step = (1 if bx > ax else -1) if horizontal else (nx if by > ay else -nx)
        lo = k_r if _is_bend(jogs, i) else 0
        hi = n - k_r if _is_bend(jogs, i + 1) else n
        run = a + step * np.arange(lo, hi + 1, dtype=np.int64) if hi >= lo else np.zeros(
            0, np.int64)
        out.append((run, H_KIND if horizontal else V_KIND))
    return out


def path_claims(
    grid: RoutingGrid, prm: SearchParams, found: Found
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes a path occupies and how (``H_KIND`` / ``V_KIND`` straight, ``BEND_KIND``).

    Straight runs claim their nodes except within one bend radius of a corner, where the
    Euler bend claims the nodes near its curve instead; an S-jog claims the nodes near its
    curve. A node claimed twice in different ways counts as a bend (never a legal crossing);
    where a path meets itself is ``self_conflicts``'s to find (the occupancy counts each
    path once per node).
    """
    pieces = _pieces(grid, prm, found)
    if not pieces:
        return np.zeros(0, np.int64), np.zeros(0, np.int8)
    nodes = np.concatenate([n for n, _ in pieces])
    kinds = np.concatenate([np.full(n.size, k, np.int8) for n, k in pieces])
    # sorted by node, then kind: each node's first and last entries are its lowest and
    # highest kind (one sort; np.unique plus ufunc.at was most of the planner's claim time)
    order = np.lexsort((kinds, nodes))
    nodes, kinds = nodes[order], kinds[order]
    first = np.ones(nodes.size, bool)
    first[1:] = nodes[1:] != nodes[:-1]
    starts = np.flatnonzero(first)
    lo_kind = kinds[starts]
    hi_kind = kinds[np.append(starts[1:], nodes.size) - 1]
    return nodes[starts], np.where(lo_kind == hi_kind, lo_kind, np.int8(BEND_KIND)).astype(
        np.int8)


def self_conflicts(grid: RoutingGrid, prm: SearchParams, found: Found) -> list[int]:
    """Nodes where a path meets itself: claimed by two of its pieces that do not adjoin
    (a piece adjoins its neighbours, and a bend the next bend), plus the nodes of its own
    bends that come too close to each other. Empty for every path the search returns (it
    checks the same as it goes); the channel planner and the negotiation check with it.
    """
    g = _geometry(grid, prm)
    nx, r = grid.nx, prm.radius_um
    pieces = _pieces(grid, prm, found)
    if not pieces:
        return []
    nodes = np.concatenate([n for n, _ in pieces])
    elems = np.concatenate([np.full(n.size, k, np.int64) for k, (n, _) in enumerate(pieces)])
    is_arc = [k == BEND_KIND for _, k in pieces]
    order = np.lexsort((elems, nodes))
    nodes, elems = nodes[order], elems[order]
    bad: set[int] = set()
    same = np.nonzero(nodes[1:] == nodes[:-1])[0]
    for j in same:  # pieces meeting at a node: fine only between neighbours
        e1, e2 = int(elems[j]), int(elems[j + 1])
        if e2 - e1 > 1 and not (e2 - e1 == 2 and is_arc[e1] and is_arc[e2]):
            bad.add(int(nodes[j]))
    bends = bends_of(grid, found.vertices)
    verts = found.vertices
    corners = {c for c, _, _ in bends}
    k_turn = int(np.ceil(2 * r / grid.pitch_um - 1e-9))
    for i in range(1, len(verts) - 2):  # two bends in a row need two radii between corners
        if verts[i] in corners and verts[i + 1] in corners:
            ay, ax = divmod(verts[i], nx)
            by, bx = divmod(verts[i + 1], nx)
            if abs(ax - bx) + abs(ay - by) < k_turn:
                bad.add(int(verts[i + 1]))
    sep = prm.width_um + prm.space_um + 0.1
    for k1 in range(len(bends)):
        for k2 in range(k1 + 2, len(bends)):  # a bend adjoins the next one
            (c1, i1, o1), (c2, i2, o2) = bends[k1], bends[k2]
            y1, x1 = divmod(c1, nx)
            y2, x2 = divmod(c2, nx)
            if arcs_clash(x1 - x2, y1 - y2, (i2, o2), (i1, o1), r, grid.pitch_um, sep):
                bad.update(g.path_arc_nodes(c2, i2, o2).tolist())
    return sorted(bad)


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
    """(corner node, heading in, heading out) of every 90 deg bend of a path (the ends of an
    S-jog are not bends)."""
    nx = grid.nx
    jogs = _jogs(grid, vertices)
    return [
        (
            vertices[i],
            direction_of(vertices[i - 1], vertices[i], nx),
            direction_of(vertices[i], vertices[i + 1], nx),
        )
        for i in range(1, len(vertices) - 1)
        if _is_bend(jogs, i)
    ]
