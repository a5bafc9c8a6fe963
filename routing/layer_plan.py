"""Which waveguide layer each net runs on: the 3D planner's assignment step.

Every net runs on one waveguide layer between its two ends; an end whose port sits on another
layer climbs to it through interlayer couplers (one per layer step, ``qc_pdk.layers.
layer_distance``). Two nets whose routes would cross on the same layer pay a crossing each
time; on different layers they pass one above the other for free. The plan minimises the
estimated insertion loss

    sum_nets  couplers(net) x coupler loss  +  sum_{pairs on one layer} crossings x crossing loss

a weighted Potts / k-way max-cut problem over the crossing-conflict graph. Two solvers:

- ``solve_exact``: a mixed-integer program (``scipy.optimize.milp``, HiGHS) with the usual
  linearisation y_ijl >= x_il + x_jl - 1; HiGHS also returns a lower bound, so a run cut by
  its time limit still says how far from optimal it may be;
- ``solve_heuristic``: greedy by conflict degree, then single-net moves to the best layer until
  none improves (a 1-opt local search), the best relabelling of the layers, and seeded
  simulated annealing, restarted from seeded random orders. Fast on hundreds of nets; where
  both run, ``routing.multilayer`` reports the gap between them.

The conflicts come from each net's proxy path (``proxy_path``: out of each port along its
direction, then straight across), counted with shapely; a routed planar result can be
passed instead (``conflicts_from_crossings``).

Example:
    >>> nets = [PlanNet("a", ("WG1", "WG1")), PlanNet("b", ("WG1", "WG1"))]
    >>> plan = solve_exact(nets, {(0, 1): 1}, ("WG1", "WG2"),
    ...                    LayerCosts(crossing_dB=0.77, coupler_dB=0.1))
    >>> sorted(plan.layer_of.values()), plan.layer_changes, plan.crossings
    (['WG1', 'WG2'], 2, 0)
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix
from shapely import STRtree
from shapely.geometry import LineString

from qc_pdk.layers import layer_distance

__all__ = [
    "LayerCosts",
    "LayerPlan",
    "PlanNet",
    "conflicts_from_crossings",
    "crossing_conflicts",
    "plan_cost_dB",
    "potts_adjacency",
    "potts_improve",
    "potts_milp",
    "proxy_path",
    "solve_exact",
    "solve_heuristic",
]

XY = tuple[float, float]
Conflicts = Mapping[tuple[int, int], int]


@dataclass(frozen=True)
class PlanNet:
    """A net to place on a layer: its name, the waveguide layers of its two ports, and the
    layers it may use (None: any; e.g. only its ports' layer where couplers do not fit)."""

    name: str
    end_layers: tuple[str, str]
    allowed: frozenset[str] | None = None

    def may_use(self, layer: str) -> bool:
        return self.allowed is None or layer in self.allowed


# the price (dB) of a layer a net may not use: larger than any real plan
_FORBIDDEN_DB = 1e6


@dataclass(frozen=True)
class LayerCosts:
    """Prices of the plan in dB: one waveguide crossing, one interlayer coupler."""

    crossing_dB: float
    coupler_dB: float

    def __post_init__(self) -> None:
        for field in ("crossing_dB", "coupler_dB"):
            if not getattr(self, field) >= 0:
                raise ValueError(f"{field}={getattr(self, field)} must be >= 0 dB")


@dataclass(frozen=True)
class LayerPlan:
    """A layer per net and what it costs.

    Attributes:
        layer_of: net name -> waveguide layer name.
        cost_dB: the objective (estimated couplers + crossings, dB).
        crossings: estimated crossings left on shared layers (conflict weights).
        layer_changes: interlayer couplers the plan inserts.
        method: "milp" or "heuristic".
        lower_bound_dB: a proven lower bound on the optimum (MILP only).
        runtime_s: solve time.
    """

    layer_of: dict[str, str]
    cost_dB: float
    crossings: int
    layer_changes: int
    method: str
    lower_bound_dB: float | None
    runtime_s: float

    @property
    def optimal(self) -> bool:
        """True when the lower bound meets the cost (within HiGHS's default relative MIP gap,
        1e-4)."""
        return (self.lower_bound_dB is not None
                and self.cost_dB - self.lower_bound_dB <= 1e-4 * max(1.0, abs(self.cost_dB)))


def proxy_path(a_xy: XY, a_dir: XY, b_xy: XY, b_dir: XY, *, stub_um: float) -> list[XY]:
    """A net's stand-in route: ``stub_um`` out of each port along its facing, straight across.

    Example:
        >>> proxy_path((0, 0), (1, 0), (100, 0), (-1, 0), stub_um=10)
        [(0, 0), (10, 0), (90, 0), (100, 0)]
    """
    a_out = (a_xy[0] + stub_um * a_dir[0], a_xy[1] + stub_um * a_dir[1])
    b_out = (b_xy[0] + stub_um * b_dir[0], b_xy[1] + stub_um * b_dir[1])
    return [a_xy, a_out, b_out, b_xy]


def crossing_conflicts(paths: Sequence[Sequence[XY]]) -> dict[tuple[int, int], int]:
    """Pairs of proxy paths that cross, with how many times: ``{(i, j): count}``, i < j.

    Touching at a shared end point is not a crossing (nets of one node fan out of it).

    Example:
        >>> crossing_conflicts([[(0, 0), (10, 10)], [(0, 10), (10, 0)], [(20, 0), (30, 0)]])
        {(0, 1): 1}
    """
    lines = [LineString(p) for p in paths]
    tree = STRtree(lines)
    left, right = tree.query(lines, predicate="crosses")
    out: dict[tuple[int, int], int] = {}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        hit = lines[i].intersection(lines[j])
        n = len(getattr(hit, "geoms", [hit])) if not hit.is_empty else 0
        if n:
            out[(i, j)] = n
    return out


def conflicts_from_crossings(names: Sequence[str], crossing_pairs: Sequence[tuple[str, str]]
                             ) -> dict[tuple[int, int], int]:
    """Conflict weights from a routed result: each crossing cell's two nets, counted.

    Example:
        >>> conflicts_from_crossings(["a", "b"], [("b", "a"), ("a", "b")])
        {(0, 1): 2}
    """
    index = {n: k for k, n in enumerate(names)}
    out: dict[tuple[int, int], int] = {}
    for a, b in crossing_pairs:
        i, j = sorted((index[a], index[b]))
        if i != j:
            out[(i, j)] = out.get((i, j), 0) + 1
    return out


def _unary(nets: Sequence[PlanNet], layers: Sequence[str], costs: LayerCosts) -> np.ndarray:
    """Coupler cost (dB) of each net on each layer, shape (nets, layers)."""
    return np.array([[sum(layer_distance(e, layer) for e in net.end_layers) * costs.coupler_dB
                      + (0.0 if net.may_use(layer) else _FORBIDDEN_DB)
                      for layer in layers] for net in nets]).reshape(len(nets), len(layers))


def _check(nets: Sequence[PlanNet], conflicts: Conflicts, layers: Sequence[str]) -> None:
    if not layers:
        raise ValueError("layers is empty: give at least one waveguide layer")
    if len(set(layers)) != len(layers):
        raise ValueError(f"layers={list(layers)} repeats a layer")
    for layer in layers:
        layer_distance(layer, layer)  # a waveguide layer, or ValueError naming it
    for net in nets:
        for e in net.end_layers:
            layer_distance(e, e)
        if not any(net.may_use(layer) for layer in layers):
            raise ValueError(f"net {net.name!r} may use none of {list(layers)}")
    n = len(nets)
    for (i, j), w in conflicts.items():
        if not (0 <= i < j < n) or w < 0:
            raise ValueError(f"conflict {(i, j)}: {w} must join two nets i < j < {n} with "
                             f"a count >= 0")


def plan_cost_dB(nets: Sequence[PlanNet], conflicts: Conflicts, costs: LayerCosts,
                 layer_of: Mapping[str, str]) -> tuple[float, int, int]:
    """(cost in dB, crossings on shared layers, couplers) of an assignment."""
    changes = sum(layer_distance(e, layer_of[n.name]) for n in nets for e in n.end_layers)
    xings = sum(w for (i, j), w in conflicts.items()
                if layer_of[nets[i].name] == layer_of[nets[j].name])
    return changes * costs.coupler_dB + xings * costs.crossing_dB, xings, changes


def _plan(nets: Sequence[PlanNet], conflicts: Conflicts, costs: LayerCosts,
          layers: Sequence[str], choice: Sequence[int], method: str, bound: float | None,
          t0: float) -> LayerPlan:
    layer_of = {n.name: layers[c] for n, c in zip(nets, choice, strict=True)}
    cost, xings, changes = plan_cost_dB(nets, conflicts, costs, layer_of)
    return LayerPlan(layer_of=layer_of, cost_dB=round(cost, 9), crossings=xings,
                     layer_changes=changes, method=method,
                     lower_bound_dB=None if bound is None else round(bound, 9),
                     runtime_s=round(time.perf_counter() - t0, 3))


def solve_exact(nets: Sequence[PlanNet], conflicts: Conflicts, layers: Sequence[str],
                costs: LayerCosts, *, time_limit_s: float = 30.0) -> LayerPlan:
    """The optimal plan by mixed-integer programming (HiGHS through ``scipy.optimize.milp``).

    Args:
        nets: the nets (their end layers).
        conflicts: ``{(i, j): crossings}`` between nets i < j on a shared layer.
        layers: the waveguide layers available, e.g. ``("WG1", "WG2")``.
        costs: crossing and coupler prices (dB).
        time_limit_s: HiGHS's time limit; the best plan found by then is returned with its
            proven lower bound (``LayerPlan.optimal`` says whether it was proven).

    Returns:
        the plan (``method="milp"``).

    Raises:
        ValueError: bad layers or conflicts; RuntimeError if HiGHS finds no plan in time.
    """
    _check(nets, conflicts, layers)
    t0 = time.perf_counter()
    edges = [(i, j, w * costs.crossing_dB) for (i, j), w in sorted(conflicts.items()) if w > 0]
    choice, bound = potts_milp(_unary(nets, layers, costs), edges, time_limit_s=time_limit_s)
    return _plan(nets, conflicts, costs, layers, choice, "milp", bound, t0)


def potts_milp(unary: np.ndarray, edges: Sequence[tuple[int, int, float]], *,
               time_limit_s: float = 30.0) -> tuple[list[int], float | None]:
    """Minimise ``sum_i unary[i, c_i] + sum_(i, j, w) w [c_i == c_j]`` over labels ``c`` by
    mixed-integer programming (HiGHS through ``scipy.optimize.milp``): x_il one-hot, and
    y_ijl >= x_il + x_jl - 1 pays the pair's weight. Entries of ``unary`` at or above
    ``_FORBIDDEN_DB`` are labels the item may not take (fixed to 0, not priced).

    Args:
        unary: cost (dB) of each item under each label, shape (items, labels).
        edges: ``(i, j, w)``: items i < j pay ``w`` dB when they share a label.
        time_limit_s: HiGHS's time limit (s).

    Returns:
        (label per item, HiGHS's proven lower bound on the objective or None).

    Raises:
        RuntimeError: HiGHS found no labelling in time.

    Example:
        >>> potts_milp(np.array([[0.0, 0.1], [0.0, 0.1]]), [(0, 1, 1.0)])[0] in ([0, 1], [1, 0])
        True
    """
    n, k = unary.shape
    nx = n * k
    m = len(edges)
    c = np.concatenate([unary.ravel(), np.repeat([w for _, _, w in edges], k)])
    rows, cols, vals = [], [], []
    for i in range(n):  # one label per item
        for li in range(k):
            rows.append(i)
            cols.append(i * k + li)
            vals.append(1.0)
    r = n
    for e, (i, j, _) in enumerate(edges):  # x_il + x_jl - y_el <= 1
        for li in range(k):
            rows += [r, r, r]
            cols += [i * k + li, j * k + li, nx + e * k + li]
            vals += [1.0, 1.0, -1.0]
            r += 1
    a = coo_matrix((vals, (rows, cols)), shape=(r, nx + m * k)).tocsr()
    lo = np.concatenate([np.ones(n), np.full(r - n, -np.inf)])
    hi = np.ones(r)
    integrality = np.concatenate([np.ones(nx), np.zeros(m * k)])
    upper = np.ones(nx + m * k)
    forbidden = unary.ravel() >= _FORBIDDEN_DB
    upper[:nx][forbidden] = 0.0
    c[:nx][forbidden] = 0.0
    res = milp(c, constraints=LinearConstraint(a, lo, hi), integrality=integrality,
               bounds=Bounds(0, upper), options={"time_limit": float(time_limit_s)})
    if res.x is None:
        raise RuntimeError(f"the assignment MILP found no solution in {time_limit_s} s "
                           f"({res.message}); use the heuristic")
    choice = np.argmax(res.x[:nx].reshape(n, k), axis=1).tolist()
    bound = getattr(res, "mip_dual_bound", None)
    return choice, None if bound is None or not np.isfinite(bound) else float(bound)


def solve_heuristic(nets: Sequence[PlanNet], conflicts: Conflicts, layers: Sequence[str],
                    costs: LayerCosts, *, restarts: int = 8, seed: int = 0) -> LayerPlan:
    """A good plan fast: greedy by conflict degree, 1-opt moves, a relabelling of the layers,
    then simulated annealing; best of ``restarts``.

    The first start takes the nets in falling conflict weight; the others in seeded random
    orders, and the annealing is seeded too, so the result is the same for the same inputs.

    Returns:
        the plan (``method="heuristic"``, no lower bound).
    """
    _check(nets, conflicts, layers)
    t0 = time.perf_counter()
    n, k = len(nets), len(layers)
    unary = _unary(nets, layers, costs)
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (i, j), count in conflicts.items():
        if count > 0:
            adj[i].append((j, count * costs.crossing_dB))
            adj[j].append((i, count * costs.crossing_dB))
    degree: list[float] = [sum(w for _, w in a) for a in adj]
    rng = random.Random(seed)
    best: list[int] | None = None
    best_cost = float("inf")
    for start in range(max(1, restarts)):
        order = sorted(range(n), key=lambda i: (-degree[i], i))
        if start:
            rng.shuffle(order)
        choice = [-1] * n
        for i in order:  # greedy: the cheapest layer given the nets already placed
            cost = unary[i].copy()
            for j, w in adj[i]:
                if choice[j] >= 0:
                    cost[choice[j]] += w
            choice[i] = int(np.argmin(cost))
        choice = _descend(choice, unary, adj)
        total = _total(choice, unary, adj)
        # relabelling the layers of the whole plan is one move 1-opt cannot make (all nets
        # would have to move together), and it matters when the ports sit on several layers
        for perm in itertools.permutations(range(k)):
            relabelled = _descend([perm[c] for c in choice], unary, adj)
            t = _total(relabelled, unary, adj)
            if t < total - 1e-12:
                choice, total = relabelled, t
        choice, total = _anneal(choice, total, unary, adj, rng)
        if total < best_cost - 1e-12:
            best, best_cost = list(choice), total
    assert best is not None or n == 0
    return _plan(nets, conflicts, costs, layers, best or [], "heuristic", None, t0)


def _move_costs(i: int, choice: list[int], unary: np.ndarray,
                adj: list[list[tuple[int, float]]]) -> np.ndarray:
    cost = unary[i].copy()
    for j, w in adj[i]:
        cost[choice[j]] += w
    return cost


def _descend(choice: list[int], unary: np.ndarray, adj: list[list[tuple[int, float]]]
             ) -> list[int]:
    """1-opt: move single nets to their best layer while that lowers the cost."""
    choice = list(choice)
    improved = True
    while improved:
        improved = False
        for i in range(len(choice)):
            cost = _move_costs(i, choice, unary, adj)
            b = int(np.argmin(cost))
            if cost[b] < cost[choice[i]] - 1e-12:
                choice[i] = b
                improved = True
    return choice


def _total(choice: list[int], unary: np.ndarray, adj: list[list[tuple[int, float]]]) -> float:
    return float(sum(unary[i, c] for i, c in enumerate(choice))
                 + sum(w for i, c in enumerate(choice) for j, w in adj[i]
                       if j > i and choice[j] == c))


def _anneal(choice: list[int], total: float, unary: np.ndarray,
            adj: list[list[tuple[int, float]]], rng: random.Random,
            sweeps: int = 200) -> tuple[list[int], float]:
    """Simulated annealing over single-net moves from a local optimum (seeded: repeatable);
    returns the best plan seen. Escapes the 1-opt traps where nets must move in groups."""
    n, k = unary.shape
    if n == 0 or k < 2:
        return choice, total
    scale = max((w for a in adj for _, w in a), default=1.0)
    cur, cur_t = list(choice), total
    best, best_t = list(choice), total
    steps = sweeps * n
    for step in range(steps):
        temp = scale * 0.5 * (1.0 - step / steps) + 1e-9
        i = rng.randrange(n)
        new = rng.randrange(k - 1)
        new += new >= cur[i]
        cost = _move_costs(i, cur, unary, adj)
        delta = cost[new] - cost[cur[i]]
        if delta <= 0 or rng.random() < math.exp(-delta / temp):
            cur[i] = new
            cur_t += float(delta)
            if cur_t < best_t - 1e-12:
                best, best_t = list(cur), cur_t
    best = _descend(best, unary, adj)
    return best, _total(best, unary, adj)


def potts_adjacency(n: int, edges: Sequence[tuple[int, int, float]]
                    ) -> list[list[tuple[int, float]]]:
    """Each item's neighbours with the pair's weight, from ``(i, j, w)`` edges.

    Example:
        >>> potts_adjacency(3, [(0, 2, 0.5)])
        [[(2, 0.5)], [], [(0, 0.5)]]
    """
    adj: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for i, j, w in edges:
        if w > 0:
            adj[i].append((j, w))
            adj[j].append((i, w))
    return adj


def potts_improve(choice: Sequence[int], unary: np.ndarray,
                  adj: list[list[tuple[int, float]]], *, seed: int = 0
                  ) -> tuple[list[int], float]:
    """A labelling improved by single-item moves: 1-opt descent, then seeded simulated
    annealing (the heuristic's local search, for callers with their own starts).

    Returns:
        (labels, objective in dB).

    Example:
        >>> potts_improve([0, 0], np.zeros((2, 2)), potts_adjacency(2, [(0, 1, 1.0)]))[1]
        0.0
    """
    start = _descend(list(choice), unary, adj)
    return _anneal(start, _total(start, unary, adj), unary, adj, random.Random(seed))
