"""Compiled inner loop of the net search (see ``routing.search`` for the moves and costs).

Why numba and not a library search: the moves are macro moves (an Euler bend occupies a
precomputed set of nodes and jumps two radii; a crossing jumps past the crossing cell), their
costs change after every committed net (negotiated congestion), and the search stops at the
target under an A* heuristic. ``scipy.sparse.csgraph`` would need the whole state graph rebuilt
per net and has neither goal stop nor heuristic; networkx (what gdsfactory's ``route_astar``
uses) runs ~30 us of Python per expansion. The same loop compiled runs ~100x faster.

States are ``node * 4 + heading``; arrays are flat over the grid (``node = iy * nx + ix``).
Bend types are ``2 * heading_in + (0 for a left turn, 1 for a right turn)``.
"""

from __future__ import annotations

import heapq

import numpy as np
from numba import njit

_DX = (1, 0, -1, 0)
_DY = (0, 1, 0, -1)


def bend_type(din: int, dout: int) -> int:
    """Index 0..7 of the bend ``din -> dout`` (left turns even, right turns odd).

    Example:
        >>> bend_type(0, 1), bend_type(0, 3), bend_type(3, 0)
        (0, 1, 6)
    """
    return 2 * din + (0 if dout == (din + 1) % 4 else 1)


@njit(cache=True)
def _min_turns(du, dv, heading, arrive, k_turn, k_start):
    """Fewest 90 deg turns from a free state heading ``heading`` to a target (du, dv) nodes
    away entered along ``arrive``: a lower bound that knows a turn cornering here lands
    ``k_turn`` nodes along its new heading and a final turn needs ``k_start`` nodes before
    the port, but nothing of obstacles."""
    if heading == 0:
        u, v = du, dv
    elif heading == 1:
        u, v = dv, -du
    elif heading == 2:
        u, v = -du, -dv
    else:
        u, v = -dv, du
    a = (arrive - heading) % 4
    if a == 0:  # same heading: straight, an S (lateral >= k_turn) or more
        if v == 0 and u > 0:
            return 0
        return 2 if (abs(v) >= k_turn and u >= k_start) else 4
    if a == 2:  # reversed: a U needs the lateral room of one turn
        return 2 if abs(v) >= k_turn else 4
    if a == 1:  # one left turn, cornering here or ahead
        return 1 if (u >= 0 and v >= k_start) else 3
    return 1 if (u >= 0 and v <= -k_start) else 3


@njit(cache=True)
def _heuristic(ix, iy, d, tx, ty, arrive, hw, bend_loss, k_turn, k_start, field_value, fw,
               tf_value):
    """A* estimate (dB): weighted distance + fewest turns x bend loss + ``fw`` x the penalty
    bound (``fw`` > 1: weighted A*, see ``SearchParams.penalty_weight``). The fewest turns
    is the larger of the geometric bound and ``tf_value`` (``turn_field``: around the
    walls); a state that cannot reach the target at all gets ``inf``."""
    if tf_value >= _UNREACHED:
        return np.inf
    turns = max(_min_turns(tx - ix, ty - iy, d, arrive, k_turn, k_start), tf_value)
    return hw * (abs(ix - tx) + abs(iy - ty)) + turns * bend_loss + fw * field_value


_UNREACHED = 32767


@njit(cache=True)
def turn_field(nx, wall, target, arrive, wx0, wx1, wy0, wy1):
    """Fewest 90 deg turns from each window state (``cell * 4 + heading``) to the target,
    entered along ``arrive``, around the walls: a backward breadth-first search by turn
    count where going straight is free and turning in place costs one (``_UNREACHED`` if the
    target cannot be reached). It relaxes the search's moves (a bend turns in place and its
    run is straight), so it is a lower bound; it is exact about obstacles where
    ``_min_turns`` knows none, so A* no longer floods the window with every state a detour
    of one more bend could reach.

    Why not scipy's csgraph: the state graph (4 states a node) would be built per search;
    this runs in the compiled search's own window arrays, a few ms a million states.
    """
    ww, wh = wx1 - wx0 + 1, wy1 - wy0 + 1
    n = ww * wh * 4
    tf = np.full(n, _UNREACHED, np.int16)
    ty, tx = target // nx - wy0, target % nx - wx0
    s = (ty * ww + tx) * 4 + arrive
    tf[s] = 0
    level_states = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    nxt = np.empty(n, np.int64)
    stack[0] = s
    top = 1
    level = 0
    while top > 0:
        # every state that reaches the target going straight from here: free moves
        count = 0
        while top > 0:
            top -= 1
            st = stack[top]
            level_states[count] = st
            count += 1
            d = st % 4
            cell = st // 4
            cy, cx = cell // ww, cell % ww
            px, py = cx - _DX[d], cy - _DY[d]  # the node a straight step came from
            if px < 0 or px >= ww or py < 0 or py >= wh:
                continue
            if wall[(py + wy0) * nx + (px + wx0)]:
                continue
            ps = (py * ww + px) * 4 + d
            if tf[ps] > level:
                tf[ps] = level
                stack[top] = ps
                top += 1
        # one more turn: the same node with a heading 90 deg off
        nn = 0
        for k in range(count):
            st = level_states[k]
            d = st % 4
            base = st - d
            for dd in ((d + 1) % 4, (d + 3) % 4):
                ps = base + dd
                if tf[ps] > level + 1:
                    tf[ps] = level + 1
                    nxt[nn] = ps
                    nn += 1
        level += 1
        for k in range(nn):
            stack[k] = nxt[k]
        top = nn
    return tf


@njit(cache=True)
def _run_pen(wall, pen, occ, hard, nx, node, d, k, wx0, wx1, wy0, wy1):
    """Penalty sum of the nodes 1..k ahead of ``node`` along ``d``; -1 if one is outside the
    window or a wall (or, when ``hard``, used by another net)."""
    iy, ix = node // nx, node % nx
    ex, ey = ix + _DX[d] * k, iy + _DY[d] * k
    if ex < wx0 or ex > wx1 or ey < wy0 or ey > wy1:
        return -1.0
    step = _DX[d] + _DY[d] * nx
    total = 0.0
    q = node
    for _ in range(k):
        q += step
        if wall[q] or (hard and occ[q] > 0):
            return -1.0
        total += pen[q]
    return total


@njit(cache=True)
def _on_run(nx, node, d, k, target):
    """True if ``target`` lies 1..k nodes ahead of ``node`` along ``d``."""
    iy, ix = node // nx, node % nx
    ty, tx = target // nx, target % nx
    if _DY[d] == 0:
        j = (tx - ix) * _DX[d]
        return iy == ty and 1 <= j <= k
    j = (ty - iy) * _DY[d]
    return ix == tx and 1 <= j <= k


@njit(cache=True)
def _hits_target(nx, node, d, k, target, arrive):
    """Steps from ``node`` to the target along ``d`` if it is entered there, else 0."""
    if d != arrive:
        return 0
    iy, ix = node // nx, node % nx
    ty, tx = target // nx, target % nx
    if _DY[d] == 0:
        j = (tx - ix) * _DX[d]
        return j if (iy == ty and 1 <= j <= k) else 0
    j = (ty - iy) * _DY[d]
    return j if (ix == tx and 1 <= j <= k) else 0


@njit(cache=True)
def is_crossable_kernel(occ, occ_h, occ_v, nx, arm, gap, node, heading):
    """True if a net heading ``heading`` may cross the committed straight at ``node``: exactly
    one perpendicular straight there, clean arms, no other crossing close enough to touch."""
    n_all = occ.size
    horizontal = heading == 0 or heading == 2
    other = occ_v if horizontal else occ_h
    if occ[node] != 1 or other[node] != 1:
        return False
    along_other = nx if horizontal else 1
    along_mine = 1 if horizontal else nx
    for j in range(1, arm + 1):
        for q in (node + j * along_other, node - j * along_other):
            if q < 0 or q >= n_all or occ[q] != 1 or other[q] != 1:
                return False
    for j in range(1, gap + 1):
        for q in (node + j * along_other, node - j * along_other,
                  node + j * along_mine, node - j * along_mine):
            if 0 <= q < n_all and occ_h[q] > 0 and occ_v[q] > 0:
                return False
    return True


@njit(cache=True)
def _own_clash(corner, b, r, nx, rec_corner, rec_type, rec_parent, rec_bb, clash_tab, kc):
    """True if a bend of type ``b`` cornering at ``corner`` comes too close to a bend of its
    own path before the last one (record ``r``, which it adjoins)."""
    cy, cx = corner // nx, corner % nx
    cur = rec_parent[r] if r >= 0 else -1
    while cur >= 0:
        # rec_bb[cur] holds the corners of cur and every bend before it
        if (cx + kc < rec_bb[cur, 0] or cx - kc > rec_bb[cur, 1] or cy + kc < rec_bb[cur, 2]
                or cy - kc > rec_bb[cur, 3]):
            return False
        e = rec_corner[cur]
        dx, dy = e % nx - cx, e // nx - cy
        if -kc <= dx <= kc and -kc <= dy <= kc and clash_tab[rec_type[cur], b, dy + kc, dx + kc]:
            return True
        cur = rec_parent[cur]
    return False


_NO_HIT = 1 << 40


@njit(cache=True)
def _ray_span(cx, cy, d, x0, x1, y0, y1):
    """Steps (lo, hi) along ``d`` from node (cx, cy), lo >= 1, for which the ray is inside the
    box x0..x1, y0..y1 (lo > hi: it never is)."""
    if _DY[d] == 0:
        if cy < y0 or cy > y1:
            return 1, 0
        if _DX[d] > 0:
            return max(1, x0 - cx), x1 - cx
        return max(1, cx - x1), cx - x0
    if cx < x0 or cx > x1:
        return 1, 0
    if _DY[d] > 0:
        return max(1, y0 - cy), y1 - cy
    return max(1, cy - y1), cy - y0


@njit(cache=True)
def _claimed_run_box(a, b, nx, lo, cut):
    """Box (x0, x1, y0, y1) of the straight nodes the run from node ``a`` to node ``b``
    claims (steps ``lo`` .. ``n - cut`` from ``a``); x0 > x1 if it claims none."""
    ay, ax = a // nx, a % nx
    by, bx = b // nx, b % nx
    if ay == by:
        n = abs(bx - ax)
        if lo > n - cut:
            return 1, 0, 0, 0
        s = 1 if bx >= ax else -1
        p, q = ax + s * lo, ax + s * (n - cut)
        return min(p, q), max(p, q), ay, ay
    n = abs(by - ay)
    if lo > n - cut:
        return 1, 0, 0, 0
    s = 1 if by >= ay else -1
    p, q = ay + s * lo, ay + s * (n - cut)
    return ax, ax, min(p, q), max(p, q)


@njit(cache=True)
def _ray_first_hit(corner, d, r, source, nx, k_r, rec_corner, rec_type, rec_parent, rec_bb,
                   arc_box, arc_mask):
    """Fewest steps along ``d`` from node ``corner`` to a node the path ending with bend
    record ``r`` already claims (``_NO_HIT`` if none).

    What a path claims, leaving out bend ``r`` itself (which the next piece adjoins): the
    straight nodes of the run into each bend up to ``r`` (steps ``k_r`` .. ``n - k_r`` of a
    run of ``n``, from the source's step 0 on the first; the ends near a corner belong to its
    bend) and the arc nodes of each bend before ``r``. A path never meets itself
    (PathFinder's occupancy only knows other nets, so this is the search's own memory).

    Every state a bend record leads to lies on its exit ray, so the search tests its runs
    against this one number. It asks one box query a piece of the path: testing each node
    against a walk of the path was 70 % of the search's time (captured searches of
    row-to-bank 12 at 20 um/net: 3.1x faster this way, the same paths). The prefix box
    ``rec_bb`` bounds all earlier pieces, so the walk stops once the ray misses it or enters
    it no sooner than a hit already found. Tests hold it to a node-by-node reference."""
    cy, cx = corner // nx, corner % nx
    first = _NO_HIT
    cur = r
    while cur >= 0:
        lo, hi = _ray_span(cx, cy, d, rec_bb[cur, 0], rec_bb[cur, 1], rec_bb[cur, 2],
                           rec_bb[cur, 3])
        if lo > hi or lo >= first:
            break
        par = rec_parent[cur]
        a = rec_corner[par] if par >= 0 else source
        x0, x1, y0, y1 = _claimed_run_box(a, rec_corner[cur], nx, k_r if par >= 0 else 0, k_r)
        if x0 <= x1:
            lo, hi = _ray_span(cx, cy, d, x0, x1, y0, y1)
            if lo <= hi and lo < first:
                first = lo
        if par >= 0:
            t = rec_type[par]
            e = rec_corner[par]
            ex, ey = e % nx, e // nx
            lo, hi = _ray_span(cx, cy, d, ex + arc_box[t, 0], ex + arc_box[t, 1],
                               ey + arc_box[t, 2], ey + arc_box[t, 3])
            for j in range(lo, min(hi, first - 1) + 1):
                qx, qy = cx + _DX[d] * j, cy + _DY[d] * j
                if arc_mask[t, qy - ey - arc_box[t, 2], qx - ex - arc_box[t, 0]]:
                    first = j
                    break
        cur = par
    return first


@njit(cache=True)
def _arc_self_hit(corner, b, r, source, nx, k_r, rec_corner, rec_type, rec_parent, rec_bb,
                  arc_box, arc_mask):
    """True if a node of bend type ``b`` cornering at ``corner`` is one the path ending with
    record ``r`` already claims (see ``_ray_first_hit``): the bend's box against each
    piece's box, nodes tested only where the boxes overlap, the same prefix-box stop."""
    cy, cx = corner // nx, corner % nx
    bx0, bx1 = cx + arc_box[b, 0], cx + arc_box[b, 1]
    by0, by1 = cy + arc_box[b, 2], cy + arc_box[b, 3]
    cur = r
    while cur >= 0:
        if (bx1 < rec_bb[cur, 0] or bx0 > rec_bb[cur, 1] or by1 < rec_bb[cur, 2]
                or by0 > rec_bb[cur, 3]):
            return False
        par = rec_parent[cur]
        a = rec_corner[par] if par >= 0 else source
        x0, x1, y0, y1 = _claimed_run_box(a, rec_corner[cur], nx, k_r if par >= 0 else 0, k_r)
        for qy in range(max(y0, by0), min(y1, by1) + 1):
            for qx in range(max(x0, bx0), min(x1, bx1) + 1):
                if arc_mask[b, qy - by0, qx - bx0]:
                    return True
        if par >= 0:
            t = rec_type[par]
            e = rec_corner[par]
            ex0, ey0 = e % nx + arc_box[t, 0], e // nx + arc_box[t, 2]
            ex1, ey1 = e % nx + arc_box[t, 1], e // nx + arc_box[t, 3]
            for qy in range(max(ey0, by0), min(ey1, by1) + 1):
                for qx in range(max(ex0, bx0), min(ex1, bx1) + 1):
                    if arc_mask[b, qy - by0, qx - bx0] and arc_mask[t, qy - ey0, qx - ex0]:
                        return True
        cur = par
    return False


@njit(cache=True)
def penalty_field(nx, wall, pen, occ, cross_loss, target, wx0, wx1, wy0, wy1):
    """Lower bound (dB) of the penalties a path still pays from each window node to the
    target: backward Dijkstra over 4-neighbour steps where entering a node costs its
    penalty, or at most the crossing loss if a committed straight runs through it (it might
    be crossed). Walls are impassable. Returned flat over the window (``inf`` = cut off).

    Adding it to the distance-and-turns heuristic keeps A* admissible and stops it flooding
    every state reachable with fewer crossings before it accepts a path that must cross.
    """
    ww, wh = wx1 - wx0 + 1, wy1 - wy0 + 1
    field = np.full(ww * wh, np.inf)
    ty, tx = target // nx, target % nx
    lt = (ty - wy0) * ww + (tx - wx0)
    field[lt] = 0.0
    heap = [(0.0, lt)]
    stack = np.empty(ww * wh, np.int64)  # same-cost region, processed before the heap
    done = np.zeros(ww * wh, np.bool_)
    while len(heap) > 0:
        f0, l0 = heapq.heappop(heap)
        if done[l0] or f0 > field[l0]:
            continue
        top = 0
        stack[top] = l0
        top += 1
        while top > 0:
            top -= 1
            lm = stack[top]
            if done[lm]:
                continue
            done[lm] = True
            fm = field[lm]
            my, mx = lm // ww, lm % ww
            m = (my + wy0) * nx + (mx + wx0)
            cm = 0.0
            if lm != lt:
                cm = pen[m]
                if occ[m] > 0 and cross_loss < cm:
                    cm = cross_loss
            for k in range(4):
                ax, ay = mx + _DX[k], my + _DY[k]
                if ax < 0 or ax >= ww or ay < 0 or ay >= wh:
                    continue
                la = ay * ww + ax
                if done[la] or wall[(ay + wy0) * nx + (ax + wx0)]:
                    continue
                fa = fm + cm
                if fa < field[la]:
                    field[la] = fa
                    if cm == 0.0:
                        stack[top] = la
                        top += 1
                    else:
                        heapq.heappush(heap, (fa, la))
    return field


@njit(cache=True)
def _grow(a, n):
    """``a`` with room for at least ``n`` rows (doubling)."""
    if n <= a.shape[0]:
        return a
    shape = (max(2 * a.shape[0], n),) + a.shape[1:]
    out = np.empty(shape, a.dtype)
    out[: a.shape[0]] = a
    return out


@njit(cache=True)
def astar_kernel(
    nx, ny, wall, pen, occ, occ_h, occ_v, clash, arc_penalty,
    arc_box, arc_delta, arc_count, arc_mask, clash_tab, kc,
    k_turn, k_start, k_cross, arm, gap,
    unit, hw, bend_loss, turn_cost, cross_loss,
    source, source_dir, target, target_dir, wx0, wx1, wy0, wy1, max_expansions, radius_nodes,
    hard, use_field, fw=1.0, cross_after_bend=False,
):
    """Cheapest path; returns (cost, expansions, vertices, crossings), cost = inf if none.

    ``arc_box[b]`` = (dx_lo, dx_hi, dy_lo, dy_hi) of bend type ``b``'s nodes around its
    corner, ``arc_delta[b, :arc_count[b]]`` their flat offsets, ``arc_mask[b]`` the same as a
    bitmap over the box; ``clash[b, node]`` the number of committed bends a bend of type ``b``
    cornering at ``node`` would come too close to; ``clash_tab[b_old, b_new, dy + kc,
    dx + kc]`` whether bends (dx, dy) apart come too close (for the path's own bends).
    ``radius_nodes`` = R / pitch (a final bend must end at least one radius before the port).
    ``hard``: other nets' nodes may only be crossed legally (no sharing at any penalty) and
    no bend may clash; what it finds is legal by construction. ``use_field``: add the
    penalty lower bound (a Dijkstra over the window; skipped on an empty board).
    ``cross_after_bend``: also let a crossing follow a bend as closely as it may precede
    one (a crossing whose landing is a corner is allowed; without this a bend's exit run,
    2R, takes no crossing, so a path walked backwards is not always found). Only
    ``search.astar``'s backward probe turns it on: it must find every path a forward search
    can, walked the other way.

    Every path the search extends knows its own bends (records: corner, type, parent, and the
    bounding box of what the path claims before its last bend, and how far its exit run may
    go before it meets the path), so no move may claim a node the path already claims or put
    a bend too close to one of its own: a net never runs over or crosses itself. States are
    expanded once (no re-opening under the weighted heuristic), so the path read back is the
    one that was checked.
    """
    empty = np.zeros(0, np.int64)
    inf = np.inf
    arrive = (target_dir + 2) % 4
    ty, tx = target // nx, target % nx
    cross_base = cross_loss + unit * (k_cross + 1)
    k_r = k_start
    # straight into the target within the first radius
    j = _hits_target(nx, source, source_dir, k_start, target, arrive)
    if j:
        if _run_pen(wall, pen, occ, hard, nx, source, source_dir, j, wx0, wx1, wy0, wy1) < 0:
            return inf, 0, empty, empty
        verts = np.empty(2, np.int64)
        verts[0], verts[1] = source, target
        return unit * j, 0, verts, empty
    p0 = _run_pen(wall, pen, occ, hard, nx, source, source_dir, k_start, wx0, wx1, wy0, wy1)
    if p0 < 0:
        return inf, 0, empty, empty
    start_node = source + (_DX[source_dir] + _DY[source_dir] * nx) * k_start
    ww = wx1 - wx0 + 1
    nstate = ww * (wy1 - wy0 + 1) * 4
    # a window of millions of states, of which a search touches a fraction: only zeroed
    # or uninitialised arrays (filling them took 0.24 s a search on 5.8 M states).
    # ``best`` counts where ``seen``; parent, pmove, pextra and rec are read only on
    # states written (the expanded ones and the path back)
    best = np.empty(nstate)
    seen = np.zeros(nstate, np.bool_)
    closed = np.zeros(nstate, np.bool_)
    parent = np.empty(nstate, np.int64)  # parent's local state
    # 0 straight, 1 turn (extra = corner), 2 cross (extra = crossing), 3 turn then cross
    pmove = np.zeros(nstate, np.int8)
    pextra = np.empty(nstate, np.int64)
    rec = np.empty(nstate, np.int64)  # the path's last bend record
    rec_corner = np.empty(1024, np.int64)
    rec_type = np.empty(1024, np.int64)
    rec_parent = np.empty(1024, np.int64)
    rec_bb = np.empty((1024, 4), np.int64)
    rec_lim = np.empty(1024, np.int64)  # _ray_first_hit along the record's exit heading
    n_rec = 0
    sy0, sx0 = source // nx, source % nx

    tfield = turn_field(nx, wall, target, arrive, wx0, wx1, wy0, wy1)
    if use_field:
        field = penalty_field(nx, wall, pen, occ, cross_loss, target, wx0, wx1, wy0, wy1)
    else:
        field = np.zeros(1)
    s0 = ((start_node // nx - wy0) * ww + (start_node % nx - wx0)) * 4 + source_dir
    g0 = unit * k_start + p0
    best[s0], seen[s0], rec[s0] = g0, True, -1
    sy, sx = start_node // nx, start_node % nx
    h0 = _heuristic(sx, sy, source_dir, tx, ty, arrive, hw, bend_loss, k_turn, k_start,
                    field[s0 // 4] if use_field else 0.0, fw, tfield[s0])
    heap = [(g0 + h0, 0, s0)]
    counter = 0
    goal_cost = inf
    goal_parent, goal_move, goal_extra = -1, 0, -1
    expansions = 0
    while len(heap) > 0:
        f, _, ls = heapq.heappop(heap)
        if f >= goal_cost:
            break
        if closed[ls]:
            continue
        closed[ls] = True
        expansions += 1
        if expansions > max_expansions:
            break
        gs = best[ls]
        d = ls % 4
        cell = ls // 4
        iy, ix = cell // ww + wy0, cell % ww + wx0
        node = iy * nx + ix
        r = rec[ls]
        # steps from the last corner along d (this state lies on that bend's exit ray), and
        # how many more the path may go before it meets itself
        room = _NO_HIT
        if r >= 0:
            rc = rec_corner[r]
            room = rec_lim[r] - ((ix - rc % nx) * _DX[d] + (iy - rc // nx) * _DY[d])
        # ---- successors: (node2, d2, cost, move, extra)
        # straight one node (or the final approach into the target)
        ix2, iy2 = ix + _DX[d], iy + _DY[d]
        nxt = node + _DX[d] + _DY[d] * nx
        if wx0 <= ix2 <= wx1 and wy0 <= iy2 <= wy1 and not wall[nxt] and room > 1:
            if nxt == target and d == arrive:
                c = gs + unit
                if c < goal_cost:
                    goal_cost, goal_parent, goal_move, goal_extra = c, ls, 0, -1
            else:
                c = gs + unit + pen[nxt]
                l2 = ((iy2 - wy0) * ww + (ix2 - wx0)) * 4 + d
                if hard and occ[nxt] > 0:
                    c = inf
                if c < (best[l2] if seen[l2] else inf) and not closed[l2]:
                    best[l2], parent[l2], pmove[l2], pextra[l2], rec[l2] = c, ls, 0, -1, r
                    seen[l2] = True
                    counter += 1
                    hh = _heuristic(ix2, iy2, d, tx, ty, arrive, hw, bend_loss, k_turn, k_start,
                                    field[l2 // 4] if use_field else 0.0, fw, tfield[l2])
                    heapq.heappush(heap, (c + hh, counter, l2))
                if occ[nxt] > 0 and is_crossable_kernel(occ, occ_h, occ_v, nx, arm, gap, nxt, d):
                    pj = _run_pen(wall, pen, occ, hard, nx, nxt, d, k_cross, wx0, wx1, wy0, wy1)
                    if (pj >= 0 and not _on_run(nx, nxt, d, k_cross, target)
                            and room > k_cross + 1):
                        c = gs + cross_base + pj
                        ix3, iy3 = ix2 + _DX[d] * k_cross, iy2 + _DY[d] * k_cross
                        l3 = ((iy3 - wy0) * ww + (ix3 - wx0)) * 4 + d
                        if c < (best[l3] if seen[l3] else inf) and not closed[l3]:
                            best[l3], parent[l3], pmove[l3], pextra[l3] = c, ls, 2, nxt
                            seen[l3] = True
                            rec[l3] = r
                            counter += 1
                            hh = _heuristic(ix3, iy3, d, tx, ty, arrive, hw, bend_loss, k_turn,
                                            k_start, field[l3 // 4] if use_field else 0.0, fw,
                                            tfield[l3])
                            heapq.heappush(heap, (c + hh, counter, l3))
        # bends with the corner here
        for side in range(2):
            d2 = (d + 1) % 4 if side == 0 else (d + 3) % 4
            b = 2 * d + side
            if (ix + arc_box[b, 0] < 0 or ix + arc_box[b, 1] >= nx
                    or iy + arc_box[b, 2] < 0 or iy + arc_box[b, 3] >= ny):
                continue
            arc_pen = 0.0
            blocked = False
            # the bend's box against the box of what the path claims: most bends miss it
            near_self = r >= 0 and not (
                ix + arc_box[b, 1] < rec_bb[r, 0] or ix + arc_box[b, 0] > rec_bb[r, 1]
                or iy + arc_box[b, 3] < rec_bb[r, 2] or iy + arc_box[b, 2] > rec_bb[r, 3])
            for m in range(arc_count[b]):
                q = node + arc_delta[b, m]
                if wall[q] or (hard and occ[q] > 0):
                    blocked = True
                    break
                arc_pen += pen[q]
            if not blocked and near_self:
                blocked = _arc_self_hit(node, b, r, source, nx, k_r, rec_corner, rec_type,
                                        rec_parent, rec_bb, arc_box, arc_mask)
            if blocked or (hard and clash[b, node] > 0):
                continue
            if _own_clash(node, b, r, nx, rec_corner, rec_type, rec_parent, rec_bb, clash_tab,
                          kc):
                continue
            arc_pen += arc_penalty * clash[b, node]
            jt = _hits_target(nx, node, d2, k_turn, target, arrive)
            if jt and jt < radius_nodes - 1e-9:
                continue
            # the bend's record, kept only if a successor uses it
            rec_corner = _grow(rec_corner, n_rec + 1)
            rec_type = _grow(rec_type, n_rec + 1)
            rec_parent = _grow(rec_parent, n_rec + 1)
            rec_bb = _grow(rec_bb, n_rec + 1)
            rec_lim = _grow(rec_lim, n_rec + 1)
            rec_corner[n_rec], rec_type[n_rec], rec_parent[n_rec] = node, b, r
            if r >= 0:
                a = rec_corner[r]
                ay, ax = a // nx, a % nx
                bx0 = min(rec_bb[r, 0], ax + arc_box[rec_type[r], 0], ix)
                bx1 = max(rec_bb[r, 1], ax + arc_box[rec_type[r], 1], ix)
                by0 = min(rec_bb[r, 2], ay + arc_box[rec_type[r], 2], iy)
                by1 = max(rec_bb[r, 3], ay + arc_box[rec_type[r], 3], iy)
            else:
                bx0, bx1 = min(sx0, ix), max(sx0, ix)
                by0, by1 = min(sy0, iy), max(sy0, iy)
            rec_bb[n_rec, 0], rec_bb[n_rec, 1] = bx0, bx1
            rec_bb[n_rec, 2], rec_bb[n_rec, 3] = by0, by1
            nr = n_rec
            lim = 0  # the record's _ray_first_hit, found when first needed
            if jt:
                pj = _run_pen(wall, pen, occ, hard, nx, node, d2, jt - 1, wx0, wx1, wy0, wy1)
                if pj >= 0 and not wall[target]:
                    lim = _ray_first_hit(node, d2, nr, source, nx, k_r, rec_corner, rec_type,
                                         rec_parent, rec_bb, arc_box, arc_mask)
                    c = gs + turn_cost + arc_pen + pj
                    if jt < lim and c < goal_cost:
                        goal_cost, goal_parent, goal_move, goal_extra = c, ls, 1, node
                continue
            used = False
            pj = _run_pen(wall, pen, occ, hard, nx, node, d2, k_turn, wx0, wx1, wy0, wy1)
            if pj >= 0 and not _on_run(nx, node, d2, k_turn, target):
                lim = _ray_first_hit(node, d2, nr, source, nx, k_r, rec_corner, rec_type,
                                     rec_parent, rec_bb, arc_box, arc_mask)
            if lim > k_turn:
                c = gs + turn_cost + arc_pen + pj
                ix3, iy3 = ix + _DX[d2] * k_turn, iy + _DY[d2] * k_turn
                l3 = ((iy3 - wy0) * ww + (ix3 - wx0)) * 4 + d2
                if c < (best[l3] if seen[l3] else inf) and not closed[l3]:
                    best[l3], parent[l3], pmove[l3], pextra[l3], rec[l3] = c, ls, 1, node, nr
                    seen[l3] = True
                    used = True
                    counter += 1
                    hh = _heuristic(ix3, iy3, d2, tx, ty, arrive, hw, bend_loss, k_turn,
                                    k_start, field[l3 // 4] if use_field else 0.0, fw,
                                    tfield[l3])
                    heapq.heappush(heap, (c + hh, counter, l3))
            # a crossing inside the bend's exit run, k_cross or more nodes past the corner:
            # the mirror image of a crossing whose landing is a corner
            step2 = _DX[d2] + _DY[d2] * nx
            for m in range(k_cross, k_turn + 1 if cross_after_bend else k_cross):
                q = node + step2 * m
                jump = m + k_cross
                ix3, iy3 = ix + _DX[d2] * jump, iy + _DY[d2] * jump
                if not (wx0 <= ix3 <= wx1 and wy0 <= iy3 <= wy1):
                    break
                if occ[q] == 0 or wall[q]:
                    continue
                pre = _run_pen(wall, pen, occ, hard, nx, node, d2, m - 1, wx0, wx1, wy0, wy1)
                if pre < 0:
                    break  # blocked before it: so is every later one
                if not is_crossable_kernel(occ, occ_h, occ_v, nx, arm, gap, q, d2):
                    continue
                post = _run_pen(wall, pen, occ, hard, nx, q, d2, k_cross, wx0, wx1, wy0, wy1)
                if post < 0 or _on_run(nx, node, d2, jump, target):
                    continue
                if lim == 0:
                    lim = _ray_first_hit(node, d2, nr, source, nx, k_r, rec_corner, rec_type,
                                         rec_parent, rec_bb, arc_box, arc_mask)
                if jump >= lim:
                    continue
                c = (gs + turn_cost + unit * (jump - k_turn) + cross_loss + arc_pen + pre
                     + post)
                l3 = ((iy3 - wy0) * ww + (ix3 - wx0)) * 4 + d2
                if c < (best[l3] if seen[l3] else inf) and not closed[l3]:
                    best[l3], parent[l3], pmove[l3], pextra[l3], rec[l3] = c, ls, 3, node, nr
                    seen[l3] = True
                    used = True
                    counter += 1
                    hh = _heuristic(ix3, iy3, d2, tx, ty, arrive, hw, bend_loss, k_turn,
                                    k_start, field[l3 // 4] if use_field else 0.0, fw,
                                    tfield[l3])
                    heapq.heappush(heap, (c + hh, counter, l3))
            if used:
                rec_lim[nr] = lim
                n_rec += 1
    if goal_parent < 0:
        return inf, expansions, empty, empty
    verts = [target]
    xings = [0]
    xings.pop()
    ls, move, extra = goal_parent, goal_move, goal_extra
    landing = -1  # the state the move being read back led to
    while True:
        if move == 1:
            verts.append(extra)
        elif move == 2:
            xings.append(extra)
        elif move == 3:  # bend at ``extra``, then a crossing k_cross short of the landing
            dl = landing % 4
            cl = landing // 4
            at = (cl // ww + wy0) * nx + cl % ww + wx0
            xings.append(at - (_DX[dl] + _DY[dl] * nx) * k_cross)
            verts.append(extra)
        if ls == s0:
            break
        landing = ls
        ls, move, extra = parent[ls], pmove[ls], pextra[ls]
    verts.append(source)
    v = np.array(verts[::-1], np.int64)
    x = np.array(xings[::-1], np.int64) if len(xings) else empty
    return goal_cost, expansions, v, x
