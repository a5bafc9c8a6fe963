"""Book pages for nets between nodes in convex position: which (layer, side) each chord takes.

Nodes that sit on a closed convex curve (a ring of switches, say) in a fixed circular order
are the spine of a book; a net between two of them is a chord. Every waveguide layer offers
two pages: inside the ring and outside it. Two chords drawn on one page must cross exactly
when their ends interleave in the circular order (a < c < b < d); chords that do not
interleave nest or sit side by side, and chords sharing a node do not cross if the node's
ports serve them in the circular order of their far ends (``row_order``). So a page plan is a
colouring of the circle graph (chords, edges between interleaving pairs) with one colour per
page: ``2 x layers`` colours when every node has ports on both sides.

An outside chord runs around the ring the short way (fewer nodes passed). Two chords that do
not interleave, both drawn the short way, never cross: their arcs are nested or disjoint, as
the ends of one lie on one arc of the other and the short way between them stays on it.
So the outside page needs no cut point and every non-interleaving set is drawable on it.

Colouring (``colour_pages``), priced in dB like the layer plan:
``sum couplers x coupler loss + length x propagation loss + conflicts on a page x crossing
loss``. By default crossings come first (``crossings_first``): the search prices a conflict
above every saving in couplers and length put together, so a plan that can be
crossing-free is, and then uses as few couplers and as little length as it can. A crossing
costs more than its loss: each adds crosstalk (the crossing design allows up to -30 dB),
which adds up along a net and is not priced here. With ``crossings_first=False`` the plan
takes the cheapest estimated loss, crossings included (at 0.23 dB a crossing is cheaper
than moving a chord two layers up, 0.11 dB, plus its longer way round the outside).

- exact: ``layer_plan.potts_milp`` (HiGHS), with its proven lower bound;
- heuristic: seeded starts (the Bernhart-Kainen construction below, greedy by chord length,
  seeded random orders), each relabelled onto the pages by a linear assignment (pages differ
  only in their per-chord prices, so the best relabelling of a colouring is an assignment
  problem) and improved by ``layer_plan.potts_improve``; best of the starts.

The construction: chords whose ends sum to the same value mod N (N = n rounded up to even)
are parallel and never interleave; the classes ``s`` and ``s + 1`` together form the zigzag
Hamiltonian path ``p, p+1, p-1, p+2, ...`` of Bernhart and Kainen (1979), so
``((a + b) mod N) // 2`` puts K_n on ``ceil(n / 2)`` crossing-free pages, its book
thickness: K12 on 6 pages, i.e. three layers x (inside, outside).

Why a single inward row per node cannot give K12 0 crossings on three layers: along one
layer the routes form a plane drawing of that layer's subgraph, and since a node's ports sit
in one row, facing one way, in the circular order of their far ends (``bench_router.
all_to_all``), the cyclic order of the routes around every node is the one of the straight
convex drawing (the "convex rotation"), which fixes the embedding's faces. Give each corner
(routes to u, then w, at node v) the ring's arc from u counter-clockwise to w, in steps
between nodes. At a node the arcs make one turn (n steps); round a face they make k_f >= 1
whole turns (every second corner's far ends walk round the ring), so sum k_f = n (nodes
with a route). A face with k_f = 1 has odd length and visits its nodes, every second one,
once round the ring in order: a simple cycle whose arcs never pass over one of its own nodes.
But each node has one back corner (from its last route round to its first) whose arc passes
over the node itself; that face has k_f >= 2, so F <= n - 1 and, by Euler (F = E - n + 2),
a plane layer holds E <= 2n - 3 chords: 21 of K12's 66, 63 on three layers, so at least 3
crossings (deleting one route per crossing leaves a plane layer). The tests check 2n - 3 by
exhaustive enumeration for n = 5, 6 (``convex_rotation_genus``; 4 <= n <= 9 done once).
Ports on both sides of the node give each layer its outside page, and the construction
above routes K12 without any crossing.

``convex_rotation_genus`` computes the genus a set of chords needs under that rotation (the
tests enumerate the small cases).

Example:
    >>> chords = [(a, b) for a in range(6) for b in range(a + 1, 6)]   # K6
    >>> pages = zigzag_pages(chords, n_nodes=6)
    >>> len(set(pages)), page_conflicts(chords, pages)
    (3, 0)
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from routing.layer_plan import potts_adjacency, potts_improve, potts_milp

__all__ = [
    "BOOK_EXACT_MAX_CHORDS",
    "PagePlan",
    "chord_conflicts",
    "colour_pages",
    "convex_rotation_genus",
    "interleaved",
    "page_conflicts",
    "row_order",
    "zigzag_pages",
]

# above this many chords "auto" runs the heuristic alone (the MILP's relaxation is weak and
# the pages' symmetry makes its proof slow)
BOOK_EXACT_MAX_CHORDS = 40

Chord = tuple[int, int]


def interleaved(p: Chord, q: Chord) -> bool:
    """True when chords ``p`` and ``q`` (node positions on the circle) interleave: one end of
    ``q`` strictly inside each arc of ``p``. Chords sharing a node never interleave.

    Example:
        >>> interleaved((0, 2), (1, 3)), interleaved((0, 2), (2, 3)), interleaved((0, 3), (1, 2))
        (True, False, False)
    """
    a, b = sorted(p)
    c, d = q
    if len({a, b, c, d}) < 4:
        return False
    return (a < c < b) != (a < d < b)


def chord_conflicts(chords: Sequence[Chord]) -> dict[tuple[int, int], int]:
    """The circle graph: ``{(i, j): 1}`` for chords i < j that interleave.

    Example:
        >>> chord_conflicts([(0, 2), (1, 3), (0, 1)])
        {(0, 1): 1}
    """
    return {(i, j): 1 for i in range(len(chords)) for j in range(i + 1, len(chords))
            if interleaved(chords[i], chords[j])}


def page_conflicts(chords: Sequence[Chord], pages: Sequence[int]) -> int:
    """Interleaving pairs of chords that share a page (crossings the page plan leaves).

    Example:
        >>> page_conflicts([(0, 2), (1, 3)], [0, 0]), page_conflicts([(0, 2), (1, 3)], [0, 1])
        (1, 0)
    """
    return sum(1 for (i, j) in chord_conflicts(chords) if pages[i] == pages[j])


def zigzag_pages(chords: Sequence[Chord], *, n_nodes: int) -> list[int]:
    """The Bernhart-Kainen page of each chord: ``((a + b) mod N) // 2`` with N = ``n_nodes``
    rounded up to even; ``ceil(n_nodes / 2)`` pages, none with interleaving chords.

    Example:
        >>> zigzag_pages([(0, 1), (1, 3), (0, 3), (2, 3)], n_nodes=4)
        [0, 0, 1, 0]
    """
    n = n_nodes + n_nodes % 2
    return [((a + b) % n) // 2 for a, b in chords]


def row_order(node: int, far: Sequence[tuple[int, int]], *, n_nodes: int) -> list[int]:
    """The order in which one row of ``node``'s ports, read from its counter-clockwise end,
    must serve chords of one page so that none crosses another at the node: by the far end's
    counter-clockwise distance from ``node``, on either side of the ring (inside, chords fan
    out in that order; outside, the ones going counter-clockwise leave first, innermost
    first, and the clockwise ones last). Parallel chords (same far end) keep their nesting
    when the end at the lower position takes them in rising index and the other in falling.

    Args:
        node: this node's circular position.
        far: ``(chord index, far node position)`` of the chords served by this row.
        n_nodes: the number of positions on the circle.

    Returns:
        the chord indices in port order, counter-clockwise end first.

    Example:
        >>> row_order(0, [(7, 3), (8, 1), (9, 5)], n_nodes=6)
        [8, 7, 9]
    """
    return [i for i, _ in sorted(
        far, key=lambda f: ((f[1] - node) % n_nodes, f[0] if node < f[1] else -f[0]))]


@dataclass(frozen=True)
class PagePlan:
    """A page per chord and what it costs.

    Attributes:
        page_of: chord index -> page index.
        conflicts: interleaving pairs left on a shared page (each a crossing at least).
        cost_dB: the objective (couplers, length, conflicts x crossing loss; dB).
        method: "milp" or "heuristic".
        lower_bound_dB: the MILP's proven lower bound (None for the heuristic).
        exact_cost_dB: the MILP's objective where it ran.
        heuristic_cost_dB: the heuristic's objective where it ran.
        runtime_s: solve time (s).
    """

    page_of: list[int]
    conflicts: int
    cost_dB: float
    method: str
    lower_bound_dB: float | None
    exact_cost_dB: float | None
    heuristic_cost_dB: float | None
    runtime_s: float


def _objective(choice: Sequence[int], unary: np.ndarray,
               edges: Sequence[tuple[int, int, float]]) -> float:
    return float(sum(unary[i, c] for i, c in enumerate(choice))
                 + sum(w for i, j, w in edges if choice[i] == choice[j]))


def _relabel(choice: Sequence[int], unary: np.ndarray) -> list[int]:
    """The best renaming of a colouring's classes onto the pages: an assignment problem, as
    conflicts do not change under renaming (scipy's Hungarian solver does it exactly)."""
    k = unary.shape[1]
    gain = np.zeros((k, k))
    for i, c in enumerate(choice):
        gain[c] += unary[i]
    rows, cols = linear_sum_assignment(gain)
    to = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [to[c] for c in choice]


def _heuristic(chords: Sequence[Chord], n_nodes: int, unary: np.ndarray,
               edges: Sequence[tuple[int, int, float]], *, restarts: int, seed: int
               ) -> list[int]:
    m, k = unary.shape
    adj = potts_adjacency(m, edges)
    rng = random.Random(seed)
    zig = [p % k for p in zigzag_pages(chords, n_nodes=n_nodes)]
    span = [min((b - a) % n_nodes, (a - b) % n_nodes) for a, b in chords]
    starts: list[list[int]] = [zig]
    orders = [sorted(range(m), key=lambda i: (-span[i], i))]
    for _ in range(max(0, restarts - 2)):
        order = list(range(m))
        rng.shuffle(order)
        orders.append(order)
    for order in orders:  # greedy: the cheapest page given the chords already placed
        choice = [-1] * m
        for i in order:
            cost = unary[i].copy()
            for j, w in adj[i]:
                if choice[j] >= 0:
                    cost[choice[j]] += w
            choice[i] = int(np.argmin(cost))
        starts.append(choice)
    best: list[int] = []
    best_cost = float("inf")
    for s, start in enumerate(starts):
        choice, _ = potts_improve(_relabel(start, unary), unary, adj, seed=seed + s)
        choice, total = potts_improve(_relabel(choice, unary), unary, adj, seed=seed + s)
        if total < best_cost - 1e-12:
            best, best_cost = choice, total
    return best


def colour_pages(chords: Sequence[Chord], *, n_nodes: int, unary: np.ndarray,
                 crossing_dB: float, crossings_first: bool = True, solver: str = "auto",
                 time_limit_s: float = 20.0, restarts: int = 6, seed: int = 0) -> PagePlan:
    """Pages for ``chords`` that leave as few interleaving pairs on one page as the prices
    allow (with enough pages: none), then the cheapest couplers and lengths.

    Args:
        chords: node positions (0 .. n_nodes - 1, counter-clockwise) of each chord's ends.
        n_nodes: positions on the circle.
        unary: price (dB) of each chord on each page, shape (chords, pages); entries
            >= 1e6 dB forbid the page (``layer_plan._FORBIDDEN_DB``).
        crossing_dB: price of an interleaving pair sharing a page (one crossing).
        crossings_first: search with a conflict priced above all unary savings together
            (fewest crossings, then cheapest); False: at ``crossing_dB`` (cheapest estimated
            loss). The reported cost is in dB at ``crossing_dB`` either way.
        solver: "exact" (MILP), "heuristic", or "auto" (both up to
            ``BOOK_EXACT_MAX_CHORDS`` chords, the better kept; the heuristic above).
        time_limit_s: the MILP's time limit (s).
        restarts: heuristic starts (the construction, greedy by length, random orders).
        seed: the heuristic's seed (same inputs, same plan).

    Returns:
        ``PagePlan``.

    Raises:
        ValueError: chords with an end off the circle or both ends on one node, a unary
            table of the wrong shape, an unknown solver, or a chord with every page
            forbidden.

    Example:
        >>> k6 = [(a, b) for a in range(6) for b in range(a + 1, 6)]
        >>> plan = colour_pages(k6, n_nodes=6, unary=np.zeros((15, 4)), crossing_dB=0.2,
        ...                     solver="heuristic")
        >>> plan.conflicts, len(set(plan.page_of)) <= 4
        (0, True)
    """
    t0 = time.perf_counter()
    if solver not in ("auto", "exact", "heuristic"):
        raise ValueError(f"solver={solver!r}: use auto, exact or heuristic")
    for a, b in chords:
        if not (0 <= a < n_nodes and 0 <= b < n_nodes) or a == b:
            raise ValueError(f"chord {(a, b)}: its ends must be two distinct positions in "
                             f"0..{n_nodes - 1}")
    if unary.ndim != 2 or unary.shape[0] != len(chords) or unary.shape[1] < 1:
        raise ValueError(f"unary has shape {unary.shape}; want ({len(chords)}, pages >= 1)")
    for i, row in enumerate(unary):
        if not (row < 1e6).any():
            raise ValueError(f"chord {i} {tuple(chords[i])} may use no page")
    weight = crossing_dB
    if crossings_first:  # one conflict fewer beats any sum of coupler and length savings
        spread = [float(row[row < 1e6].max() - row[row < 1e6].min()) for row in unary]
        weight = max(crossing_dB, sum(spread) + 1e-3)
    search = [(i, j, weight) for (i, j) in sorted(chord_conflicts(chords))]
    edges = [(i, j, crossing_dB) for i, j, _ in search]
    exact = heur = None
    bound = None
    if solver in ("heuristic", "auto"):
        heur = _heuristic(chords, n_nodes, unary, search, restarts=restarts, seed=seed)
    if solver == "exact" or (solver == "auto" and len(chords) <= BOOK_EXACT_MAX_CHORDS):
        exact, bound = potts_milp(unary, search, time_limit_s=time_limit_s)
        if bound is not None and crossings_first:  # a bound at the search's price: in dB,
            # the plan's conflicts would be priced lower, so it bounds nothing to report
            bound = None if page_conflicts(chords, exact) else bound
    scored = [(_objective(c, unary, search), _objective(c, unary, edges), name, c)
              for name, c in (("milp", exact), ("heuristic", heur)) if c is not None]
    _, cost, method, best = min(scored, key=lambda t: (t[0], t[1]))
    return PagePlan(
        page_of=list(best), conflicts=page_conflicts(chords, best), cost_dB=round(cost, 9),
        method=method, lower_bound_dB=None if bound is None else round(bound, 9),
        exact_cost_dB=None if exact is None else round(_objective(exact, unary, edges), 9),
        heuristic_cost_dB=None if heur is None else round(_objective(heur, unary, edges), 9),
        runtime_s=round(time.perf_counter() - t0, 3))


def convex_rotation_genus(chords: Sequence[Chord], *, n_nodes: int) -> int:
    """The genus of the surface on which ``chords`` are embedded when every node's routes
    leave it in the circular order of their far ends (one row of ports facing one way, as in
    the straight convex drawing): 0 when one layer can route them without crossings.

    Faces are traced from the rotation (at node v, the edge after the one to u is the next
    far end counter-clockwise after u); Euler per connected component gives the genus:
    V - E + F = 2 (components) - 2 g.

    Example:
        >>> convex_rotation_genus([(0, 2), (1, 3)], n_nodes=4)   # two crossing chords: free
        0
        >>> k4 = [(a, b) for a in range(4) for b in range(a + 1, 4)]
        >>> convex_rotation_genus(k4, n_nodes=4)   # the ring closes round the crossing pair
        1
    """
    if not chords:
        return 0
    around: dict[int, list[int]] = {}
    for a, b in chords:
        around.setdefault(a, []).append(b)
        around.setdefault(b, []).append(a)
    after: dict[tuple[int, int], int] = {}
    for v, far in around.items():
        far.sort(key=lambda t: (t - v) % n_nodes)  # noqa: B023 - used inside the loop only
        for k, u in enumerate(far):
            after[(v, u)] = far[(k + 1) % len(far)]
    seen: set[tuple[int, int]] = set()
    faces = 0
    for a, b in chords:
        for dart in ((a, b), (b, a)):
            if dart in seen:
                continue
            faces += 1
            while dart not in seen:
                seen.add(dart)
                u, v = dart
                dart = (v, after[(v, u)])
    parent = {v: v for v in around}

    def root(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for a, b in chords:
        parent[root(a)] = root(b)
    components = len({root(v) for v in around})
    return (2 * components - (len(around) - len(chords) + faces)) // 2
