"""Network control with broadband switches: time slots, channels and switch states.

``control.network_control`` plans one configuration of wavelength-selective switches (a ring
switch drops or passes each channel on its own). A broadband switch (an MZI) sends *every*
channel entering one port out of one other port: in one configuration it joins its ports in
pairs (a matching). Two requests that need one MZI in two different states cannot be served
at once; the controller serves them in different time slots. This is the chip's switch tree
(``routing.network``): each stage is a 1x2 MZI, so one fibre reaches one tile per slot.

``schedule_connections`` assigns each request a path (least loss, on the links that carry its
channel), a slot and a channel such that in every slot

- every broadband switch is in one state (its used port pairs form a matching),
- every link carries each channel at most once, within its channel count and the
  wavelengths it passes (edge attribute ``wavelengths``, e.g. a demux arm passes one);
  requests from one source on one channel are one signal (one laser line) and may share
  links: through passive splitters (nodes that are not switches) one slot broadcasts it,

first-fit over slots: requests in order of their switch signature (the states they need),
the smallest slot that fits each. First-fit is the standard greedy for time-slot and
wavelength assignment; it is not optimal in general (graph colouring is NP-hard), but on a
tree of 1x2 switches it is: two requests to different leaves of one tree always conflict at
the switch where their paths part, so the slots equal the most leaves any one tree serves,
which the tests check.

Requests may share endpoints (every pump request starts at the pump fibre); a request may fix
its channel (``Request.channel``: a qubitron's ring drops one channel of the WDM grid).

Example:
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edges_from([("fibre", "mzi"), ("mzi", "t0"), ("mzi", "t1")])
    >>> g.nodes["mzi"].update(kind="switch", broadband=True)
    >>> s = schedule_connections(g, [Request("fibre", "t0"), Request("fibre", "t1")],
    ...                          channels=4)
    >>> s.slots, [a.slot for a in s.assigned], s.blocked
    (2, [0, 1], {})
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field

import networkx as nx

from control.network_control import Request, check_requests

__all__ = ["NetworkSchedule", "SlotAssignment", "schedule_connections"]

Link = frozenset[Hashable]
State = tuple[Hashable, Hashable]  # the two neighbours a broadband switch joins (sorted)


@dataclass(frozen=True)
class SlotAssignment:
    """A realised request: its path (nodes), time slot (0-based), channel (0-based WDM index)
    and path loss (dB, the edges' ``loss_dB``; 0 where the graph has none)."""

    request: Request
    path: tuple[Hashable, ...]
    slot: int
    channel: int
    loss_dB: float


@dataclass
class NetworkSchedule:
    """What the network controller sets, slot by slot.

    Attributes:
        assigned: the realised requests (in request order).
        blocked: request label -> why it could not be realised.
        slots: time slots used.
        channels_used: distinct channels in use.
        max_link_load: most signals (channel, source) one link carries in one slot (<= its
            channel count).
        switch_states: slot -> broadband switch -> the port pairs it joins
            (``(neighbour, neighbour)``, sorted by name).
        ring_states: slot -> wavelength-selective switch -> [(from, to, channel, request)].
    """

    assigned: list[SlotAssignment]
    blocked: dict[str, str]
    slots: int
    channels_used: int
    max_link_load: int
    switch_states: dict[int, dict[Hashable, list[tuple[Hashable, Hashable]]]] = field(
        default_factory=dict)
    ring_states: dict[int, dict[Hashable, list[tuple[Hashable, Hashable, int, str]]]] = field(
        default_factory=dict)

    @property
    def requests_per_slot(self) -> float:
        """Mean requests served at once."""
        return len(self.assigned) / max(1, self.slots)


def _pair(a: Hashable, b: Hashable) -> State:
    return (a, b) if str(a) <= str(b) else (b, a)


def _carries(graph: nx.Graph, u: Hashable, v: Hashable, channel: int, channels: int) -> bool:
    data = graph[u][v]  # the adjacency dict: edges[u, v] builds a view per call
    if channel >= int(data.get("channels", channels)):
        return False
    allowed = data.get("wavelengths")
    return allowed is None or channel in allowed


def _carries_path(graph: nx.Graph, path: Sequence[Hashable], channel: int,
                  channels: int) -> bool:
    return all(_carries(graph, u, v, channel, channels) for u, v in itertools.pairwise(path))


def _loss_dB(graph: nx.Graph, path: Sequence[Hashable]) -> float:
    return sum(float(graph[u][v].get("loss_dB", 0.0)) for u, v in itertools.pairwise(path))


def _illegal_turn(graph: nx.Graph, path: Sequence[Hashable]) -> Hashable | None:
    """The first switch ``path`` crosses without using its ``common`` port (the input of a
    1x2 switch: light cannot pass from one output to the other), or None."""
    for prev, node, nxt in zip(path, path[1:], path[2:], strict=False):
        common = graph.nodes[node].get("common")
        if common is not None and common not in (prev, nxt):
            return node
    return None


def _paths(graph: nx.Graph, requests: Sequence[Request], channels: int
           ) -> tuple[dict[str, tuple[Hashable, ...]], dict[str, list[int]], dict[str, str]]:
    """Least-loss path per request and the channels that run all of it (the request's own
    when fixed), one single-source search per shared endpoint and channel
    (a tree of 1x2 switches has one fibre for thousands of requests: one search, not
    thousands)."""
    weight = "loss_dB" if any("loss_dB" in d for _, _, d in graph.edges(data=True)) else None
    ends: defaultdict[Hashable, int] = defaultdict(int)
    for r in requests:
        ends[r.source] += 1
        ends[r.target] += 1
    searched: dict[tuple[Hashable, int | None], dict[Hashable, list[Hashable]]] = {}

    def search(root: Hashable, channel: int | None) -> dict[Hashable, list[Hashable]]:
        if (root, channel) not in searched:
            # only the links that pass the channel (a demux arm passes one)
            view = graph if channel is None else nx.subgraph_view(
                graph, filter_edge=lambda u, v: _carries(graph, u, v, channel, channels))
            searched[(root, channel)] = (
                nx.single_source_dijkstra_path(view, root, weight=weight) if weight
                else nx.single_source_shortest_path(view, root))
        return searched[(root, channel)]

    paths: dict[str, tuple[Hashable, ...]] = {}
    carried: dict[str, list[int]] = {}
    blocked: dict[str, str] = {}
    for r in requests:
        if r.source == r.target:
            blocked[r.label] = "source and target are the same node"
            continue
        root, far = ((r.source, r.target) if ends[r.source] >= ends[r.target]
                     else (r.target, r.source))
        # the least-loss path overall is the least-loss one on the channel when it carries
        # the channel: one unfiltered search per root serves most requests
        p = search(root, None).get(far)
        c = r.channel
        wanted = range(channels) if c is None else (c,)
        ok = [] if p is None else [k for k in wanted if _carries_path(graph, p, k, channels)]
        if p is not None and not ok:
            # no channel runs the whole least-loss path: the best path of each channel
            found = [q for k in wanted if (q := search(root, k).get(far)) is not None]
            p = min(found, key=lambda q: (_loss_dB(graph, q), len(q)), default=None)
            ok = [] if p is None else [k for k in wanted
                                       if _carries_path(graph, p, k, channels)]
        if p is None:
            on = " on any one channel" if c is None else f" on channel {c}"
            blocked[r.label] = f"no path from {r.source!r} to {r.target!r}{on}"
            continue
        if (turn := _illegal_turn(graph, p)) is not None:
            blocked[r.label] = (f"its least-loss path passes switch {turn!r} between two "
                                "outputs: a 1x2 switch only joins its input to an output")
            continue
        paths[r.label] = tuple(p) if root == r.source else tuple(p[::-1])
        carried[r.label] = ok
    return paths, carried, blocked


def schedule_connections(graph: nx.Graph, requests: Sequence[Request], *, channels: int,
                         max_slots: int | None = None) -> NetworkSchedule:
    """Slots, channels, paths and switch states realising ``requests`` without conflicts.

    Args:
        graph: the network (undirected). Nodes with ``kind="switch"`` are switches; with
            ``broadband=True`` too, one state serves every channel (an MZI), else each
            channel is switched on its own (a ring). ``common=<neighbour>`` marks a 1x2
            switch's input: every path through it must use that neighbour (a path that
            would join two outputs is blocked, named). Edges may carry ``channels`` (WDM
            channels of that link), ``wavelengths`` (the channel indices it passes) and
            ``loss_dB`` (the path weight).
        requests: the light paths wanted; ``Request.channel`` fixes a request's channel.
        channels: WDM channels per link where an edge does not say (>= 1).
        max_slots: at most this many time slots (default: as many as needed); requests that
            fit in none are blocked, naming the switch or link that refused them.

    Returns:
        the schedule; ``blocked`` names every request left out and why.

    Raises:
        ValueError: ``channels`` or ``max_slots`` < 1, two requests with one name, or a
            request naming a node not in the graph.

    Example:
        >>> import networkx as nx
        >>> g = nx.path_graph(["a", "s", "b"])
        >>> g.nodes["s"].update(kind="switch", broadband=True)
        >>> schedule_connections(g, [Request("a", "b", channel=2)], channels=4).channels_used
        1
    """
    if channels < 1:
        raise ValueError(f"channels={channels}: a link carries at least one channel")
    if max_slots is not None and max_slots < 1:
        raise ValueError(f"max_slots={max_slots}: must be >= 1")
    check_requests(graph, requests)
    for r in requests:
        if r.channel is not None and not 0 <= r.channel < channels:
            raise ValueError(f"request {r.label}: channel {r.channel} outside 0..{channels - 1}")

    paths, carried, blocked = _paths(graph, requests, channels)
    broadband = {n for n, d in graph.nodes(data=True)
                 if d.get("kind") == "switch" and d.get("broadband")}

    def signature(path: tuple[Hashable, ...]) -> tuple[tuple[Hashable, State], ...]:
        return tuple((node, _pair(prev, nxt))
                     for prev, node, nxt in zip(path, path[1:], path[2:], strict=False)
                     if node in broadband)

    sig = {lab: signature(p) for lab, p in paths.items()}
    # slot bookkeeping: which slots set a switch at all / to a given port pair / use a link's
    # channel; states are pairs (a matching), so a pair is compatible with a slot when that
    # slot uses the pair already or touches neither of its ports at that switch
    # slot sets as int bit masks (bit s = slot s): a group's conflicts are a few ORs of
    # machine words per switch, not a set per slot (measured: 1,024 tiles 7 s -> 1 s)
    ports_used: defaultdict[tuple[Hashable, Hashable], int] = defaultdict(int)
    pair_in: defaultdict[tuple[Hashable, State], int] = defaultdict(int)
    # (slot, link) -> channel -> the source whose light it carries: light of one source on
    # one channel is one signal, which a splitter may send down many links (a broadcast)
    used: defaultdict[tuple[int, Link], dict[int, Hashable]] = defaultdict(dict)
    n_slots = 0
    slot_of: dict[str, int] = {}
    channel_of: dict[str, int] = {}
    # requests needing the same states go together: their switch conflicts are computed once
    order = sorted(paths, key=lambda lab: (repr(sig[lab]), lab))
    for key, members_iter in itertools.groupby(order, key=lambda lab: sig[lab]):
        members = list(members_iter)
        bad = 0
        for node, pair in key:
            for port in pair:
                bad |= ports_used[(node, port)] & ~pair_in[(node, pair)]
        for lab in members:
            links = [frozenset(e) for e in itertools.pairwise(paths[lab])]
            wanted = carried[lab]
            src = paths[lab][0]
            placed = None
            limit = n_slots + 1 if max_slots is None else min(n_slots + 1, max_slots)
            for s in _zero_bits(bad, limit):
                for c in wanted:
                    if all(used[(s, link)].get(c, src) == src for link in links):
                        placed = (s, c)
                        break
                if placed:
                    break
            if placed is None:
                blocked[lab] = _why(key, links, wanted, limit, bad, used)
                continue
            s, c = placed
            slot_of[lab], channel_of[lab] = s, c
            n_slots = max(n_slots, s + 1)
            for link in links:
                used[(s, link)][c] = src
            for node, pair in key:
                pair_in[(node, pair)] |= 1 << s
                for port in pair:
                    ports_used[(node, port)] |= 1 << s

    return _schedule(graph, requests, paths, slot_of, channel_of, blocked, n_slots, broadband)


def _zero_bits(mask: int, limit: int) -> Iterator[int]:
    """The slots below ``limit`` whose bit in ``mask`` is 0, ascending."""
    free = ~mask & ((1 << limit) - 1)
    while free:
        low = free & -free
        yield low.bit_length() - 1
        free ^= low


def _why(key: tuple[tuple[Hashable, State], ...], links: list[Link], wanted: Sequence[int],
         limit: int, bad: int,
         used: defaultdict[tuple[int, Link], dict[int, Hashable]]) -> str:
    free = list(_zero_bits(bad, limit))
    if not free:
        node = key[0][0] if key else "?"
        return (f"max_slots={limit}: every slot sets the broadband switches on its path "
                f"(first {node!r}) another way")
    full = next((link for link in links
                 if all(any(c in used[(s, link)] for c in wanted) for s in range(limit)
                        if s in free)), None)
    where = "" if full is None else f" (link {tuple(sorted(map(str, full)))})"
    return f"max_slots={limit}: no slot has a free channel on its path{where}"


def _schedule(graph: nx.Graph, requests: Sequence[Request],
              paths: dict[str, tuple[Hashable, ...]], slot_of: dict[str, int],
              channel_of: dict[str, int], blocked: dict[str, str], n_slots: int,
              broadband: set[Hashable]) -> NetworkSchedule:
    assigned = []
    signals: defaultdict[tuple[int, Link], set[tuple[int, Hashable]]] = defaultdict(set)
    states: dict[int, dict[Hashable, set[tuple[Hashable, Hashable]]]] = defaultdict(dict)
    rings: dict[int, dict[Hashable, list[tuple[Hashable, Hashable, int, str]]]] = defaultdict(
        dict)
    for r in requests:
        if r.label not in slot_of:
            continue
        path, s, c = paths[r.label], slot_of[r.label], channel_of[r.label]
        assigned.append(SlotAssignment(r, path, s, c, round(_loss_dB(graph, path), 6)))
        for link in itertools.pairwise(path):
            signals[(s, frozenset(link))].add((c, path[0]))
        for prev, node, nxt in zip(path, path[1:], path[2:], strict=False):
            if node in broadband:
                states[s].setdefault(node, set()).add(_pair(prev, nxt))
            elif graph.nodes[node].get("kind") == "switch":
                rings[s].setdefault(node, []).append((prev, nxt, c, r.label))
    return NetworkSchedule(
        assigned=assigned,
        blocked=dict(sorted(blocked.items())),
        slots=n_slots,
        channels_used=len({a.channel for a in assigned}),
        max_link_load=max(map(len, signals.values()), default=0),
        switch_states={s: {n: sorted(p, key=str) for n, p in sw.items()}
                       for s, sw in sorted(states.items())},
        ring_states=dict(sorted(rings.items())),
    )
