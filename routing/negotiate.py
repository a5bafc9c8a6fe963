"""Negotiated congestion (PathFinder): route every net, then rip up and reroute the nets that
share nodes illegally, with rising present-sharing and history costs, until no node is overused.

A node may hold one net, or exactly two nets running straight and perpendicular through it
with clean arms (a legal crossing, where a crossing cell goes). Everything else is overuse.
Nets are routed in a fixed order (half-perimeter, then name), so the result never depends on
luck or on dict order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from routing.channel import ChannelPlan, plan_bundle_with_crossings
from routing.claims import bends_of, legal_crossing, path_claims, self_conflicts
from routing.grid import DIRS, RoutingGrid
from routing.search import (
    Found,
    Occupancy,
    SearchParams,
    _geometry,
    arc_clashes,
    astar,
    clash_offsets,
)


@dataclass
class NetTask:
    """One physical net to route: port nodes and the directions the ports face (0=E..3=S)."""

    name: str
    source: int
    source_dir: int
    target: int
    target_dir: int
    stub_nodes: np.ndarray  # nodes reserved for this net near its ports


@dataclass
class NegotiationResult:
    """Paths of routed nets, reasons of unrouted ones, legal crossing nodes and statistics."""

    paths: dict[str, Found] = field(default_factory=dict)
    claims: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    unrouted: dict[str, str] = field(default_factory=dict)
    crossing_nodes: list[int] = field(default_factory=list)
    iterations: int = 0
    expansions: int = 0
    planned: dict[str, Found] = field(default_factory=dict)  # fixed by the channel planner
    bundle_notes: dict[str, str] = field(default_factory=dict)  # bundled nets left to search
    bundle_inversions: int = 0  # crossings no channel route of the bundles can avoid
    rip_ups: int = 0  # legal nets evicted to let a blocked net through (then rerouted)
    # bundled net the planner handed back -> why one Z route per net cannot hold its bundle
    channel_shortfall: dict[str, str] = field(default_factory=dict)


# seeded shuffles a negotiation tries whatever the number of nets left (see
# ``NegotiationParams.shuffle_more_max_left``)
SHUFFLES_ALWAYS = 2
# search states all retries of one ``negotiate`` call may expand (see
# ``NegotiationParams.retry_max_expansions``), ~1 M a second here. Row-to-bank 12 at
# 20 um/net seed 15, whose last net needed 13 shuffles, spends 96 M on its 16 retries in
# the wider area (2 min); one retry of row-to-bank 64 at 15 um/net costs ~155 M (3.5 min),
# so there two run in each area instead of up to 3 + 16
RETRY_MAX_EXPANSIONS = 300_000_000


@dataclass(frozen=True)
class NegotiationParams:
    """PathFinder schedule: penalties in dB, growth factor per iteration, window margin.

    Sharing starts at 0.1 dB a node (a fraction of a bend or a crossing) and grows 1.6x a
    pass: measured on 64 random nets this settles in ~7 passes with ~25 % less loss than
    starting above the crossing loss, where nets detour with extra bends early. Nets still
    in conflict after ``max_iterations`` are rerouted one by one under hard rules (legal
    crossings only), so the result is always legal.
    """

    max_iterations: int = 30
    present_dB: float = 0.1
    present_growth: float = 1.6
    history_dB: float = 0.02
    window_margin_nodes: int | None = None
    # passes without fewer conflicting nets before negotiation stops and legalises: on a
    # problem negotiation cannot settle, rising prices only push nets into longer detours
    # (16 nets in a 25 um/net channel: 30 passes 27 s and 15/16, stopping early 3 s, 16/16)
    patience: int = 3
    # in the legal pass, a net with no legal path may evict the nets blocking its cheapest
    # path, which are then routed again after it (off: such a net is left unrouted)
    rip_up: bool = True
    # reroute one net of each conflicting pair (the one whose last search was cheaper; the
    # other one when the same pair conflicts again) instead of both: on 96 random nets among
    # 48 obstacles the long nets' searches were 80 % of the run, rerouted every pass (CPU
    # 44 -> 30 s, total loss +2 %; 64 nets 16 -> 8.6 s, same loss)
    cover: bool = True
    # the rip-up may evict channel-planned nets too (they are searched again after the
    # blocked net): a bundle's planner leaves the long nets of a stack's top for last, when
    # no height has both their legs clear, and only moving planned nets makes room
    rip_up_planned: bool = True
    # legal pass: how often one net may evict others, and evictions per stuck net in all.
    # Row-to-bank 64 at 25 um of channel per net: 2 and 4 left 2 nets unrouted, 4 and 10
    # route 64/64 (937 crossings, bound 936); the budget bounds the pass on hopeless nets
    max_kicks: int = 4
    rip_up_budget: int = 10
    # when nets are left unrouted (and no cut proves them unroutable), negotiate again from
    # the start with those nets searched first, longest first, the others keeping their order
    # (so nets moved forward by an earlier round stay ahead), and keep the run that routes
    # most: the nets searched first take the detours the others then settle round. Rounds
    # stop when one routes everything, routes no more than the best so far, repeats an order,
    # or after ``retry_rounds``. Row-to-bank 16 at 20 um of channel per net: 15/16 -> 16/16
    # in one round; row-to-bank 12 (seed 2) at 20 um: 9 -> 10 -> 12/12 in two (one round
    # with the failed nets in routing order stays 9/12). Not a proof either way.
    retry_failed_first: bool = True
    retry_rounds: int = 3
    # when nets are still left unrouted (and no cut proves it) after those rounds, negotiate
    # again from the start in a seeded shuffle of the order, up to this many times, and keep
    # the run that routes most (only with ``retry_failed_first``). The half-perimeter order
    # seats the short nets first in the channel, and moving the failed nets forward can
    # leave the same nets boxed in: row-to-bank 16 (seed 2) at 20 um of channel per net stays
    # 15/16 through the rounds, in each of 3 shuffled orders 16/16 (5-18 s). Row-to-bank 12
    # at 20 um/net needed up to 13 shuffles in the router's wider area (seed 15; seeds 4, 6,
    # 7, 8: 2-6); 2 in each area left one net on 5 of 16 seeds. Not a proof; a shuffle costs
    # one negotiation (5-25 s there), on problems left incomplete only
    shuffle_rounds: int = 16
    # shuffles past the first ``SHUFFLES_ALWAYS`` run only while the best result leaves at
    # most this many nets (unproven): restarts finish the last few nets of a tight channel
    # (the 12-net seeds above left 1-3), they do not rescue a result many nets short, where
    # each one is a long negotiation (row-to-bank 64 at 15 um/net ran over 30 min with 16)
    shuffle_more_max_left: int = 3
    # no retry negotiation (failed-first round or shuffle) starts once the retries of this
    # ``negotiate`` call have expanded this many search states (found or not, their repairs
    # included; None: no bound). Counted, not timed, so a result never depends on the
    # machine. Rounds and shuffles pay off on small problems, where each is cheap; a big one
    # a few nets short could spend an hour on them (row-to-bank 64 at 15 um/net: 16 shuffles
    # of 64 nets). The nets left then say the retries stopped here
    retry_max_expansions: int | None = RETRY_MAX_EXPANSIONS
    # each net a negotiation leaves unrouted evicts the nets on its cheapest way through
    # others (at most this many) and takes that way, and they are placed legally again after
    # it; undone unless all of them are placed (``_repair``). A few searches a net, so it is
    # tried on each negotiation's result before another round: row-to-bank 12 (seed 2) at
    # 20 um without retry rounds 9/12 -> 10/12 (+0.3 s); all_to_all 12 65 -> 66/66 with no
    # round (267 -> 75 s)
    repair: bool = True
    repair_victims: int = 4
    # the repair's searches pay this much (dB a node) where a net boxes a port in: straight
    # ahead of a port, and through a row of ports between two of them
    # (``port_access_penalty``). all_to_all 12: net 0-4's U-turn through its node's row,
    # round 0-5's port, left 0-5 no legal way out, and 0-5's way round 0-4 the same; at 50
    # dB 0-5 goes inside the ring and 0-4 finds a legal way after it (65 -> 66/66). 1 and 20
    # dB were too little: the way inside crosses many nets, each at the search's crossing
    # price, so the price has to act almost as a wall that only a net with no other way pays
    repair_port_access_dB: float = 50.0


def negotiate(
    grid: RoutingGrid,
    tasks: list[NetTask],
    prm: SearchParams,
    schedule: NegotiationParams | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    bundles: Sequence[Sequence[str]] = (),
) -> NegotiationResult:
    """Route ``tasks`` (already in routing order) with negotiated congestion.

    Each of ``bundles`` (lists of task names) is first planned as a channel with
    ``plan_bundle_with_crossings``; its planned nets stay fixed, the rest join the search.
    ``progress(iteration, nets_done, nets_to_do)`` is called after each net. With
    ``schedule.retry_failed_first``, nets left unrouted without a cut that proves it are
    searched first in up to ``schedule.retry_rounds`` further negotiations, then in up to
    ``schedule.shuffle_rounds`` negotiations of seeded shuffles of the order (see there). With
    ``schedule.repair`` each negotiation's unrouted nets are ``_repair``-ed at once, and no
    round runs once a repair completes a result. The result with the fewest unrouted nets
    is kept (the earliest on a tie). A problem that routes completely the first time costs
    one negotiation, as without retries.
    """
    schedule = schedule or NegotiationParams()
    plans: dict[int, ChannelPlan] = {}  # each bundle's plan: the same in every negotiation
    best, settled = _negotiate_once(grid, tasks, prm, schedule, progress, bundles, plans)
    # the rounds reorder round what the negotiation itself left (before any repair) and
    # must beat its count; each result is repaired at once: a repair costs a few searches
    # a net, a round a whole negotiation (all_to_all 12: the first negotiation leaves 65/66
    # and the repair completes it in 4 s; the round it used to try first took 133 s and
    # routed no more)
    left, left_count = unproven_failures(tasks, best), len(best.unrouted)
    _repair_all(grid, prm, best, settled, schedule)
    order = list(tasks)
    planned = {n for p in plans.values() for n in p.paths}

    def searched(order: list[NetTask]) -> tuple[str, ...]:
        # a negotiation's result follows from its plans (the same every time) and the order
        # of the nets it searches; orders that differ only in planned nets give one result
        return tuple(t.name for t in order if t.name not in planned)

    tried = {searched(order)}
    budget = _RetryBudget(schedule.retry_max_expansions)
    for _ in range(schedule.retry_rounds if schedule.retry_failed_first else 0):
        failed = sorted(left, key=lambda t: -hpwl_um(grid, t))  # stable: ties keep order
        if not best.unrouted or not failed:
            break
        first = {t.name for t in failed}
        order = failed + [t for t in order if t.name not in first]
        key = searched(order)
        if key in tried or not budget.allows():
            break
        tried.add(key)
        last, state = _negotiate_once(grid, order, prm, schedule, progress, bundles, plans)
        if len(last.unrouted) >= left_count:
            budget.spend(state)
            break  # no progress: later rounds would reorder round the same conflicts
        left, left_count = unproven_failures(order, last), len(last.unrouted)
        _repair_all(grid, prm, last, state, schedule)
        budget.spend(state)
        if len(last.unrouted) < len(best.unrouted):  # compared repaired, as returned
            best = last
    # then whole negotiations in seeded shuffles of the order (the same shuffles every run)
    for k in range(schedule.shuffle_rounds if schedule.retry_failed_first else 0):
        left = unproven_failures(tasks, best)
        if not left or (k >= SHUFFLES_ALWAYS and len(left) > schedule.shuffle_more_max_left):
            break
        order = list(tasks)
        random.Random(k).shuffle(order)
        key = searched(order)
        if key in tried:  # a few searched nets have few orders: one run each is enough
            continue
        if not budget.allows():
            break
        tried.add(key)
        last, state = _negotiate_once(grid, order, prm, schedule, progress, bundles, plans)
        _repair_all(grid, prm, last, state, schedule)
        budget.spend(state)
        if len(last.unrouted) < len(best.unrouted):
            best = last
    if budget.stopped:
        for t in unproven_failures(tasks, best):
            best.unrouted[t.name] += (
                f"; retries stopped after {budget.runs} negotiation(s) and "
                f"{budget.spent:,} search states (NegotiationParams.retry_max_expansions = "
                f"{budget.limit:,}): a larger budget may route it")
    return best


class _RetryBudget:
    """Search states the retry negotiations of one ``negotiate`` call have expanded, against
    ``NegotiationParams.retry_max_expansions``."""

    def __init__(self, limit: int | None) -> None:
        self.limit, self.spent, self.runs, self.stopped = limit, 0, 0, False

    def allows(self) -> bool:
        """May another retry start? (Remembers a refusal, for the report.)"""
        if self.limit is not None and self.spent >= self.limit:
            self.stopped = True
        return not self.stopped

    def spend(self, state: _Settled) -> None:
        """Count one retry's negotiation (and repair) on the board it settled on."""
        self.spent += state.occ.search_expansions
        self.runs += 1


def hpwl_um(grid: RoutingGrid, t: NetTask) -> float:
    """Half-perimeter of a net's two ends (um)."""
    (ax, ay), (bx, by) = grid.xy(t.source), grid.xy(t.target)
    return abs(ax - bx) + abs(ay - by)


def unproven_failures(tasks: Sequence[NetTask], res: NegotiationResult) -> list[NetTask]:
    """The tasks ``res`` left unrouted that no cut proves unroutable (worth another try)."""
    return [t for t in tasks if t.name in res.unrouted
            and not res.unrouted[t.name].startswith("no legal routing")]


def _negotiate_once(
    grid: RoutingGrid,
    tasks: list[NetTask],
    prm: SearchParams,
    schedule: NegotiationParams,
    progress: Callable[[int, int, int], None] | None,
    bundles: Sequence[Sequence[str]],
    plans: dict[int, ChannelPlan],
) -> tuple[NegotiationResult, _Settled]:
    """One negotiation of ``tasks`` in the order given (``negotiate`` without its retries
    and repair), and the state it settled in. ``plans`` holds each bundle's channel plan
    (by its index in ``bundles``) once made: the planner sees the same empty board every
    time, and its plans took half of the 20 negotiations of a 48-net bus (80 of 162 s)."""
    g = _geometry(grid, prm)
    sep = prm.width_um + prm.space_um + 0.1  # the same margin as arc_clashes
    occ = Occupancy.zeros(grid, bucket_nodes=g.k_turn + 2,
                          clash_offsets=clash_offsets(prm.radius_um, grid.pitch_um, sep))
    hist = np.zeros(grid.size, float)
    res = NegotiationResult()
    margin = schedule.window_margin_nodes or (2 * g.k_turn + 4)
    pres = schedule.present_dB

    def apply(name: str, sign: int) -> None:
        nodes, kinds = res.claims[name]
        occ.commit(name, nodes, kinds, bends_of(grid, res.paths[name].vertices), sign)
        occ.pen[nodes] = pres * occ.occ[nodes] + hist[nodes]

    def board_to(board: _Board) -> None:
        """Make ``res`` (and the occupancy) what ``board`` recorded, committing only the
        nets whose paths differ."""
        for name in list(res.claims):
            if board.claims.get(name) is not res.claims[name]:
                apply(name, -1)
        now = dict(res.claims)
        for mine, theirs in ((res.paths, board.paths), (res.claims, board.claims),
                             (res.planned, board.planned), (res.unrouted, board.unrouted)):
            mine.clear()
            mine.update(theirs)  # type: ignore[arg-type]
        tasks[:] = board.tasks
        res.rip_ups = board.rip_ups
        for name in res.claims:
            if now.get(name) is not res.claims[name]:
                apply(name, +1)

    def legalise(stuck: list[NetTask], was: dict[str, list[str]], rip_up_planned: bool) -> None:
        """Rip up ``stuck`` and route each again where it may only cross legally (no
        sharing, no clashing bends), so whatever routes is clean; a net with no legal way
        may evict the nets on its cheapest way (planned ones only with
        ``rip_up_planned``), which are routed again after it."""
        for t in stuck:
            apply(t.name, -1)
            del res.claims[t.name]
            del res.paths[t.name]
        occ.pen[:] = hist  # only history steers the legal reroute
        queue = list(stuck)
        kicks: dict[str, int] = {}
        evicted: dict[str, NetTask] = {}
        budget = schedule.rip_up_budget * len(stuck)
        done = 0
        while queue:
            t = queue.pop(0)
            found = _route_one(grid, occ, prm, t, margin, hard=True)
            if (found is None and schedule.rip_up and kicks.get(t.name, 0) < schedule.max_kicks
                    and budget > 0):
                # no legal way: take the cheapest way through others, evict what it breaks
                budget -= 1
                kicks[t.name] = kicks.get(t.name, 0) + 1
                occ.pen[:] = pres * occ.occ + hist
                found = _route_one(grid, occ, prm, t, margin)
                occ.pen[:] = hist
                if found is not None:  # commit, then evict the nets it now overlaps
                    res.paths[t.name] = found
                    res.claims[t.name] = path_claims(grid, prm, found)
                    apply(t.name, +1)
                    hot = np.zeros(grid.size, bool)
                    hot[_overused(occ, grid, prm, res)] = True
                    victims = _conflicting(res, t.name, hot)
                    apply(t.name, -1)
                    del res.claims[t.name]
                    del res.paths[t.name]
                    if not rip_up_planned and any(v in res.planned for v in victims):
                        found = None
                    else:
                        res.rip_ups += len(victims)
                        for v in victims:
                            apply(v, -1)
                            del res.claims[v]
                            del res.paths[v]
                            if res.planned.pop(v, None) is not None:
                                tasks.append(by_name[v])  # searched from now on
                            queue.append(by_name[v])
                            evicted.setdefault(v, by_name[v])
            if found is None:
                res.unrouted[t.name] = (
                    f"congestion: no legal path left (it overlapped "
                    f"{', '.join(was.get(t.name, [])) or 'other nets'} after "
                    f"{res.iterations} rip-up-and-reroute iterations, and every legal way is "
                    f"blocked)")
                continue
            res.unrouted.pop(t.name, None)
            res.expansions += found.expansions
            res.paths[t.name] = found
            res.claims[t.name] = path_claims(grid, prm, found)
            apply(t.name, +1)
            done += 1
            if progress is not None:
                progress(res.iterations, done, len(stuck))
        # final pass: the nets still without a legal path (evicted ones too), routed
        # together again in the opposite order (the first of them to fail had the others in
        # its way), once
        again = {t.name: t for t in stuck} | evicted
        failed = [t for t in again.values() if t.name not in res.paths]
        for t in reversed(failed):
            found = _route_one(grid, occ, prm, t, margin, hard=True)
            if found is None:
                continue
            res.unrouted.pop(t.name, None)
            res.expansions += found.expansions
            res.paths[t.name] = found
            res.claims[t.name] = path_claims(grid, prm, found)
            apply(t.name, +1)

    by_name = {t.name: t for t in tasks}
    for k, names in enumerate(bundles):
        plan = plans.get(k)
        made_before = plan is not None
        if plan is None:  # the planner commits its paths into ``occ``
            plan = plans[k] = plan_bundle_with_crossings(grid, prm, occ, [
                (n, by_name[n].source, by_name[n].source_dir, by_name[n].target,
                 by_name[n].target_dir, by_name[n].stub_nodes) for n in names],
                progress=None if progress is None else (lambda done, n: progress(0, done, n)))
        for name, path in plan.paths.items():
            res.paths[name] = path
            res.claims[name] = path_claims(grid, prm, path)
            if made_before:
                apply(name, +1)
        res.planned.update(plan.paths)
        res.bundle_notes.update(plan.left_over)
        if plan.shortfall:
            res.channel_shortfall.update(dict.fromkeys(plan.left_over, plan.shortfall))
        res.bundle_inversions += plan.inversions
    tasks = [t for t in tasks if t.name not in res.planned]  # planned nets stay fixed
    todo = [t.name for t in tasks]
    was_over = np.zeros(grid.size, bool)
    best, stale = len(todo) + 1, 0
    last_pick: dict[tuple[str, str], str] = {}  # conflicting pair -> the net rerouted last
    for it in range(schedule.max_iterations):
        res.iterations = it + 1
        occ.pen[:] = pres * occ.occ + hist
        occ.arc_penalty_dB = pres
        for k, name in enumerate(todo):
            t = by_name[name]
            if name in res.claims:
                apply(name, -1)
                del res.claims[name]
                del res.paths[name]
            found = _route_one(grid, occ, prm, t, margin)
            if found is None:
                res.unrouted[name] = _reason(grid, prm, t)
            else:
                res.unrouted.pop(name, None)
                res.expansions += found.expansions
                res.paths[name] = found
                res.claims[name] = path_claims(grid, prm, found)
                apply(name, +1)
            if progress is not None:
                progress(it, k + 1, len(todo))
        over = _overused(occ, grid, prm, res)
        if over.size == 0:
            break
        # history only where congestion persists from the last pass: a node shared once on
        # the way to a solution keeps no memory that would push later nets into detours
        persist = over[was_over[over]] if it else over
        hist[persist] += schedule.history_dB
        was_over[:] = False
        was_over[over] = True
        pres *= schedule.present_growth
        mask = np.zeros(grid.size, bool)
        mask[over] = True
        in_conflict = [t.name for t in tasks
                       if t.name in res.claims and mask[res.claims[t.name][0]].any()]
        todo = (_conflict_cover(res, in_conflict, mask, last_pick, by_name)
                if schedule.cover else in_conflict)
        best, stale = ((len(in_conflict), 0) if len(in_conflict) < best
                       else (best, stale + 1))
        if stale >= schedule.patience:
            break
    over = _overused(occ, grid, prm, res)
    if over.size:
        # legalise: rip up every net still in conflict, then route each again where it may
        # only cross legally (no sharing, no clashing bends), so whatever routes is clean
        mask = np.zeros(grid.size, bool)
        mask[over] = True
        stuck = [t for t in tasks if t.name in res.claims and mask[res.claims[t.name][0]].any()]
        was = {t.name: _conflicting(res, t.name, mask) for t in stuck}
        before = _Board.of(res, tasks)
        legalise(stuck, was, schedule.rip_up_planned)
        if any(n in res.unrouted for n in before.planned):
            # the rip-ups evicted planned nets they could not place again: without evicting
            # planned nets fewer may be left (rows of 48 shifted 30 um, seed 7: one
            # left-over net's kicks ran through five planned nets and left two of them)
            first = _Board.of(res, tasks)
            board_to(before)
            legalise(stuck, was, rip_up_planned=False)
            if len(res.unrouted) >= len(first.unrouted):
                board_to(first)
        over = _overused(occ, grid, prm, res)
    if over.size:  # safety net: give up on nets still in conflict, most recent first
        mask = np.zeros(grid.size, bool)
        mask[over] = True
        for t in reversed(tasks):
            if t.name in res.claims and mask[res.claims[t.name][0]].any():
                others = _conflicting(res, t.name, mask)
                apply(t.name, -1)
                del res.claims[t.name]
                del res.paths[t.name]
                res.unrouted[t.name] = (
                    f"congestion: still overlaps {', '.join(others) or 'other nets'} after "
                    f"{res.iterations} rip-up-and-reroute iterations"
                )
                over = _overused(occ, grid, prm, res)
                if over.size == 0:
                    break
                mask[:] = False
                mask[over] = True
    res.crossing_nodes = _crossing_nodes(occ, grid, prm)
    failed_tasks = [by_name[n] for n in res.unrouted if n in by_name]
    for name, why in cut_reasons(grid, list(by_name.values()), failed_tasks).items():
        res.unrouted[name] = why
    return res, _Settled(occ, hist, pres, margin, tasks, by_name)


@dataclass
class _Settled:
    """What a negotiation ends with besides its result: the occupancy and prices, and the
    searched nets (what a repair of its unrouted nets starts from)."""

    occ: Occupancy
    hist: np.ndarray
    pres: float
    margin: int
    tasks: list[NetTask]
    by_name: dict[str, NetTask]


@dataclass
class _Board:
    """A negotiation's routes at one moment (copies), to go back to."""

    paths: dict[str, Found]
    claims: dict[str, tuple[np.ndarray, np.ndarray]]
    planned: dict[str, Found]
    unrouted: dict[str, str]
    tasks: list[NetTask]
    rip_ups: int

    @classmethod
    def of(cls, res: NegotiationResult, tasks: list[NetTask]) -> _Board:
        return cls(dict(res.paths), dict(res.claims), dict(res.planned), dict(res.unrouted),
                   list(tasks), res.rip_ups)


def _crossing_nodes(occ: Occupancy, grid: RoutingGrid, prm: SearchParams) -> list[int]:
    """Nodes where two nets cross legally (a crossing cell goes there)."""
    cand = np.nonzero((occ.occ == 2) & (occ.occ_h == 1) & (occ.occ_v == 1))[0]
    return [int(n) for n in cand if legal_crossing(occ, grid, prm, int(n))]


def _repair_all(grid: RoutingGrid, prm: SearchParams, res: NegotiationResult, st: _Settled,
                schedule: NegotiationParams) -> None:
    """``_repair`` the unrouted nets no cut proves unroutable, again while it routes one
    (nothing with ``schedule.repair`` off)."""
    left = unproven_failures(st.tasks, res)
    if not (schedule.repair and left):
        return
    hist = st.hist + port_access_penalty(grid, prm, list(st.by_name.values()),
                                         schedule.repair_port_access_dB)
    while left:
        _repair(grid, st.occ, prm, res, hist, st.pres, st.margin, left, st.by_name,
                schedule)
        res.crossing_nodes = _crossing_nodes(st.occ, grid, prm)
        if all(t.name in res.unrouted for t in left):
            return
        left = unproven_failures(st.tasks, res)


def port_access_penalty(grid: RoutingGrid, prm: SearchParams, tasks: Sequence[NetTask],
                        dB_per_node: float) -> np.ndarray:
    """A price (dB per node, summed where they meet) on where a passing net boxes a port in:
    the nodes straight ahead of every net's port out to ``k_cross`` nodes (a net passing
    there leaves the port's own net no room to cross it and then bend), and the nodes on
    the line of a row of ports between two neighbours facing the same way less than two
    turns apart (a net going through the row there U-turns round its neighbour's port).

    Example:
        >>> from routing.grid import RoutingGrid
        >>> from routing.search import SearchParams
        >>> grid = RoutingGrid.empty(bbox_um=(0, 0, 200, 100), pitch_um=5.0)
        >>> prm = SearchParams(radius_um=30.0, loss_dB_per_um=1e-5, bend_loss_dB=0.3,
        ...                    crossing_loss_dB=0.8, crossing_half_um=6.0, space_um=0.25)
        >>> t = NetTask("n", grid.node_at(50, 50), 0, grid.node_at(150, 50), 2,
        ...             np.zeros(0, np.int64))
        >>> u = NetTask("m", grid.node_at(50, 80), 0, grid.node_at(150, 80), 2,
        ...             np.zeros(0, np.int64))
        >>> pen = port_access_penalty(grid, prm, [t, u], 1.0)
        >>> float(pen[grid.node_at(55, 50)]), float(pen[grid.node_at(50, 65)])
        (1.0, 1.0)
    """
    g = _geometry(grid, prm)
    pen = np.zeros(grid.size, float)
    if dB_per_node <= 0:
        return pen
    steps = np.arange(1, g.k_cross + 1)
    rows: dict[tuple[int, int], list[int]] = {}  # (facing, line) -> positions along it
    for t in tasks:
        for node, d in ((t.source, t.source_dir), (t.target, t.target_dir)):
            iy, ix = divmod(node, grid.nx)
            dx, dy = DIRS[d]
            xs, ys = ix + dx * steps, iy + dy * steps
            ok = (xs >= 0) & (xs < grid.nx) & (ys >= 0) & (ys < grid.ny)
            np.add.at(pen, ys[ok] * grid.nx + xs[ok], dB_per_node)
            rows.setdefault((d, ix if dx else iy), []).append(iy if dx else ix)
    for (d, line), along in rows.items():
        along.sort()
        for a, b in zip(along[:-1], along[1:], strict=True):
            if 1 < b - a < 2 * g.k_turn:
                gap = np.arange(a + 1, b)
                nodes = gap * grid.nx + line if DIRS[d][0] else line * grid.nx + gap
                pen[nodes] += dB_per_node
    return pen


def _repair(grid: RoutingGrid, occ: Occupancy, prm: SearchParams, res: NegotiationResult,
            hist: np.ndarray, pres: float, margin: int, failed: list[NetTask],
            by_name: dict[str, NetTask], schedule: NegotiationParams) -> None:
    """Last try for each net the negotiation left unrouted, on its settled result: evict
    the nets its cheapest way through others meets (at most ``schedule.repair_victims``),
    place it on that way, then the evicted nets again, longest first. All or nothing: if
    any of them finds no legal way, the earlier paths are put back, so a repair never loses
    a routed net. ``res`` and ``occ`` are updated in place.

    A net is placed on a given path if that is legal as it stands (checked as the
    negotiation checks: no illegal sharing, no clashing bends), else on the hard search's
    path, else on its cheapest soft path if that is legal. The soft path is worth checking:
    on all_to_all 12 the hard search finds nothing for net 0-5 once 0-4 is evicted, though
    its cheapest soft path is then legal (a loop round its own port)."""

    def commit(name: str, found: Found) -> None:
        res.paths[name] = found
        res.claims[name] = nodes_kinds = path_claims(grid, prm, found)
        occ.commit(name, *nodes_kinds, bends_of(grid, found.vertices), +1)

    def remove(name: str) -> Found:
        nodes, kinds = res.claims.pop(name)
        found = res.paths.pop(name)
        occ.commit(name, nodes, kinds, bends_of(grid, found.vertices), -1)
        return found

    def cheapest(t: NetTask) -> Found | None:
        occ.pen[:] = pres * occ.occ + hist
        try:
            return _route_one(grid, occ, prm, t, margin)
        finally:
            occ.pen[:] = hist

    def kept_if_legal(name: str, found: Found | None) -> bool:
        if found is None:
            return False
        commit(name, found)
        if _overused(occ, grid, prm, res).size == 0:
            return True
        remove(name)
        return False

    def place(t: NetTask, candidate: Found | None) -> bool:
        if kept_if_legal(t.name, candidate):
            return True
        found = _route_one(grid, occ, prm, t, margin, hard=True)
        if found is not None:
            commit(t.name, found)
            return True
        return kept_if_legal(t.name, cheapest(t))

    for t in failed:
        way = cheapest(t)
        if way is None:
            continue
        if kept_if_legal(t.name, way):  # legal as it is
            res.unrouted.pop(t.name, None)
            continue
        commit(t.name, way)
        hot = np.zeros(grid.size, bool)
        hot[_overused(occ, grid, prm, res)] = True
        victims = sorted(_conflicting(res, t.name, hot),  # longest first, as the rounds
                         key=lambda v: (-hpwl_um(grid, by_name[v]), v))
        remove(t.name)
        if (not victims or len(victims) > schedule.repair_victims
                or (not schedule.rip_up_planned and any(v in res.planned for v in victims))):
            continue
        before = {v: remove(v) for v in victims}
        moved: list[str] = []
        for u, candidate in [(t.name, way), *((v, None) for v in victims)]:
            if not place(by_name[u], candidate):
                break
            moved.append(u)
        if len(moved) == len(victims) + 1:  # all placed legally: keep
            res.unrouted.pop(t.name, None)
            res.rip_ups += len(victims)
            for v in victims:
                res.planned.pop(v, None)  # searched now
            continue
        for u in moved:  # undo: the earlier paths back
            remove(u)
        for v, found in before.items():
            commit(v, found)


def _conflict_cover(res: NegotiationResult, hot: list[str], mask: np.ndarray,
                    last_pick: dict[tuple[str, str], str],
                    by_name: dict[str, NetTask]) -> list[str]:
    """The nets to reroute this pass, in routing order: one net of each conflicting pair
    (a vertex cover of the conflict graph, greedy by the cost of the nets' last searches),
    every net whose conflict has no partner net (a bend too close to another's bend without
    a shared node, or a net meeting a fixed planned net) and, for a pair that conflicted
    before, the net not rerouted then (the other one could not get out of the way).
    ``last_pick`` is updated."""
    cost = {n: res.paths[n].expansions for n in hot}
    picked: set[str] = set()
    edges: list[tuple[str, str]] = []
    users: dict[int, list[str]] = {}  # hot node -> the nets claiming it (one pass, not N^2)
    for name, (nodes, _) in res.claims.items():
        for q in nodes[mask[nodes]].tolist():
            users.setdefault(q, []).append(name)
    for a in hot:
        mine = res.claims[a][0]
        partners = sorted({b for q in mine[mask[mine]].tolist() for b in users[q]
                           if b != a and b in by_name})
        movable = [b for b in partners if b not in res.planned]
        if not movable:
            picked.add(a)
        edges.extend((min(a, b), max(a, b)) for b in movable)
    for a, b in sorted(set(edges),
                       key=lambda e: (-max(cost.get(e[0], 0), cost.get(e[1], 0)), e)):
        if a in picked or b in picked:
            continue
        if b not in cost or a not in cost:
            choice = a if a in cost else b
        elif (a, b) in last_pick:
            choice = b if last_pick[a, b] == a else a
        else:
            choice = a if (cost[a], a) <= (cost[b], b) else b
        picked.add(choice)
    for e in set(edges):
        if e[0] in picked or e[1] in picked:
            last_pick[e] = e[0] if e[0] in picked else e[1]
    return [n for n in hot if n in picked]


def _conflicting(res: NegotiationResult, name: str, mask: np.ndarray) -> list[str]:
    mine = res.claims[name][0]
    hot = set(mine[mask[mine]].tolist())
    return sorted(
        o for o, (nodes, _) in res.claims.items() if o != name and hot & set(nodes.tolist())
    )


def _overused(
    occ: Occupancy, grid: RoutingGrid, prm: SearchParams, res: NegotiationResult
) -> np.ndarray:
    """Nodes shared illegally, plus the nodes of bends that come too close to other bends."""
    cand = np.nonzero(occ.occ >= 2)[0]
    bad = [int(n) for n in cand if not legal_crossing(occ, grid, prm, int(n))]
    g = _geometry(grid, prm)
    for name, found in res.paths.items():
        for corner, din, dout in bends_of(grid, found.vertices):
            if arc_clashes(occ, grid, prm, corner, din, dout, name):
                bad.extend(g.path_arc_nodes(corner, din, dout).tolist())
    return np.unique(np.array(bad, np.int64))


def _route_one(
    grid: RoutingGrid, occ: Occupancy, prm: SearchParams, t: NetTask, margin: int,
    hard: bool = False,
) -> Found | None:
    grid.wall[t.stub_nodes] = False
    try:
        return _search_windows(grid, occ, prm, t, margin, hard)
    finally:
        grid.wall[t.stub_nodes] = True


def _search_windows(
    grid: RoutingGrid, occ: Occupancy, prm: SearchParams, t: NetTask, margin: int, hard: bool,
) -> Found | None:
    """The net's search in a window around its ports, then over the whole grid; a path that
    meets itself (never, by the search's construction) counts as none."""
    sy, sx = divmod(t.source, grid.nx)
    ty, tx = divmod(t.target, grid.nx)
    window = (
        max(min(sx, tx) - margin, 0),
        min(max(sx, tx) + margin, grid.nx - 1),
        max(min(sy, ty) - margin, 0),
        min(max(sy, ty) + margin, grid.ny - 1),
    )
    def search(w: tuple[int, int, int, int]) -> Found | None:
        return astar(grid, occ, prm, source=t.source, source_dir=t.source_dir,
                     target=t.target, target_dir=t.target_dir, window=w, hard=hard)

    found = search(window)
    full = (0, grid.nx - 1, 0, grid.ny - 1)
    if found is None and window != full:
        found = search(full)
    if found is not None and self_conflicts(grid, prm, found):
        return None
    return found


def _reason(grid: RoutingGrid, prm: SearchParams, t: NetTask) -> str:
    """Why a net has no path even before congestion: a clear sentence for the report."""
    p = grid.pitch_um
    sx, sy = grid.xy(t.source)
    tx, ty = grid.xy(t.target)
    dx, dy = tx - sx, ty - sy
    along = dx * DIRS[t.source_dir][0] + dy * DIRS[t.source_dir][1]
    lateral = abs(dx * DIRS[t.source_dir][1] - dy * DIRS[t.source_dir][0])
    if (t.source_dir + 2) % 4 == t.target_dir and 0 < lateral and along < 4 * prm.radius_um:
        return (
            f"no path: the ports are {along:g} um apart along the port axis with a "
            f"{lateral:g} um offset, but an offset needs two Euler bends of radius "
            f"{prm.radius_um:g} um ({4 * prm.radius_um:g} um along the axis); move the cells "
            f"apart or use a smaller radius"
        )
    return (
        f"no path from ({sx:g}, {sy:g}) to ({tx:g}, {ty:g}) um on the {p:g} um grid with "
        f"bend radius {prm.radius_um:g} um: blocked by cells or by the routing-area edge"
    )


def crossings_of(res: NegotiationResult) -> dict[str, list[int]]:
    """Crossing nodes on each routed net's path (legal crossings only)."""
    xs = set(res.crossing_nodes)
    return {
        name: [int(n) for n in nodes if int(n) in xs] for name, (nodes, _) in res.claims.items()
    }


def manhattan_um(grid: RoutingGrid, vertices: list[int]) -> float:
    """Length (um) of the Manhattan polyline through ``vertices``."""
    total = 0.0
    for a, b in zip(vertices[:-1], vertices[1:], strict=True):
        (ax, ay), (bx, by) = grid.xy(a), grid.xy(b)
        total += abs(bx - ax) + abs(by - ay)
    return total



# each candidate cut labels the whole grid once (~10 ms a million nodes): a bound on the
# explanation's cost when a problem has many small gaps between cells
_MAX_CUTS_TRIED = 100


@dataclass(frozen=True)
class Cut:
    """A straight run of free grid nodes between two walls (or a wall and the routing-area
    edge) that separates the nets' ends: ``demand`` nets must cross it, and at most
    ``capacity`` can (one per node: parallel waveguides sit at least a pitch apart)."""

    start_um: tuple[float, float]
    end_um: tuple[float, float]
    demand: int
    capacity: int
    nets: tuple[str, ...]

    def reason(self, pitch_um: float) -> str:
        """The sentence for the route report."""
        (x0, y0), (x1, y1) = self.start_um, self.end_um
        return (
            f"no legal routing: the gap from ({x0:g}, {y0:g}) to ({x1:g}, {y1:g}) um is a "
            f"cut {self.capacity} tracks wide ({self.capacity * pitch_um:g} um at the "
            f"{pitch_um:g} um pitch) that {self.demand} nets must cross; widen it or move "
            f"cells so fewer nets need it")


def find_cuts(grid: RoutingGrid, tasks: Sequence[NetTask], *,
              near: Sequence[NetTask] = ()) -> list[Cut]:
    """Cuts whose demand exceeds their capacity: proof that some nets have no legal routing.

    Candidates are the maximal straight runs of free nodes (rows and columns) bounded by
    walls or the grid edge at both ends and shorter than the number of nets (a longer run
    holds them all), one per stack of identical parallel runs (a corridor), and only those
    inside the bounding box of the ``near`` nets' ends when given. Blocking a candidate, the
    free space is labelled (``scipy.ndimage.label``); nets whose two ends fall apart must
    cross it. Ports and their reserved stubs count as free space of their own net.

    Example:
        >>> g = RoutingGrid.empty(bbox_um=(0, 0, 100, 100), pitch_um=5.0)
        >>> g.block_box(48, -1, 52, 40); g.block_box(48, 50, 52, 101)  # a wall, one gap
        >>> ts = [NetTask(f"n{k}", g.node_at(10, 10 + 20 * k), 0, g.node_at(90, 10 + 20 * k),
        ...               2, np.zeros(0, np.int64)) for k in range(3)]
        >>> [(c.demand, c.capacity, c.start_um) for c in find_cuts(g, ts)]
        [(3, 1, (50.0, 45.0))]
    """
    from scipy.ndimage import label

    if not tasks or not isinstance(grid.wall, np.ndarray):
        return []  # a block grid's walls are not one array: the corridors explain failures
    free = ~grid.wall.copy()
    for t in tasks:
        free[[t.source, t.target]] = True
        free[t.stub_nodes] = True
    img = free.reshape(grid.ny, grid.nx)
    base, _ = label(img)
    base = base.ravel()
    ends = np.array([(t.source, t.target) for t in tasks], np.int64)
    joined = (base[ends[:, 0]] == base[ends[:, 1]]) & (base[ends[:, 0]] > 0)
    limit = len(tasks)
    box = None
    if near:
        xy = np.array([divmod(int(n), grid.nx) for t in near for n in (t.source, t.target)])
        box = (xy[:, 1].min(), xy[:, 1].max(), xy[:, 0].min(), xy[:, 0].max())
    out: list[Cut] = []
    seen: set[tuple[int, int, int]] = set()
    for axis in (0, 1):  # runs along x (rows), then along y (columns)
        lines = img if axis == 0 else img.T
        for k, line in enumerate(lines):
            if box is not None and not (
                    (box[2] <= k <= box[3]) if axis == 0 else (box[0] <= k <= box[1])):
                continue
            for a, b in _runs(line):
                if b - a >= limit or (axis, a, b) in seen or len(seen) >= _MAX_CUTS_TRIED:
                    continue
                seen.add((axis, a, b))  # the first line of a corridor stands for it
                cut_img = img.copy()
                if axis == 0:
                    cut_img[k, a:b] = False
                else:
                    cut_img[a:b, k] = False
                lab, _ = label(cut_img)
                lab = lab.ravel()
                apart = joined & (lab[ends[:, 0]] != lab[ends[:, 1]])
                demand = int(apart.sum())
                if demand > b - a:
                    ij = [(k, a), (k, b - 1)] if axis == 0 else [(a, k), (b - 1, k)]
                    p0, p1 = (grid.xy(iy * grid.nx + ix) for iy, ix in ij)
                    out.append(Cut(p0, p1, demand, b - a,
                                   tuple(t.name for t, m in zip(tasks, apart, strict=True) if m)))
    return out


def _runs(line: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True in a 1-D bool array."""
    d = np.diff(np.concatenate([[0], line.astype(np.int8), [0]]))
    return list(zip(np.nonzero(d == 1)[0].tolist(), np.nonzero(d == -1)[0].tolist(),
                    strict=True))


def cut_reasons(grid: RoutingGrid, tasks: Sequence[NetTask],
                failed: Sequence[NetTask]) -> dict[str, str]:
    """Failed net -> why no legal routing exists, where a cut proves it (else no entry)."""
    if not failed:
        return {}
    out: dict[str, str] = {}
    for cut in find_cuts(grid, tasks, near=failed):
        for name in cut.nets:
            if name in {t.name for t in failed} and name not in out:
                out[name] = cut.reason(grid.pitch_um)
    return out
