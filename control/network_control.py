"""Network control, static part: paths, wavelengths and switch states for requested connections.

The chip's photonic network is a graph (``networkx``): nodes are endpoints (qubitrons,
detectors, fibres) and micro-ring switches (``kind="switch"``), edges are waveguide links,
each carrying ``channels`` WDM channels (a default for all links, or the edge attribute
``channels``) and optionally a ``loss_dB`` weight. A request asks for a light path from one
node to another. Without wavelength converters a path keeps one channel end to end, and two
paths that share a link need different channels: routing and wavelength assignment (RWA).

``plan_connections``:

1. gives every request its least-loss path (``k_paths`` alternatives kept);
2. colours the conflict graph (requests that share a link) with DSATUR
   (``networkx.greedy_color(strategy="saturation_largest_first")``), the standard greedy
   colouring for RWA; a colour is a channel;
3. while more colours are needed than the links carry, blocks the request that conflicts most
   and tries its alternative paths again, first-fit, after the others are placed;
4. sets each switch on each path: the link it takes the channel from and the link it sends it
   on (a ring switch drops or passes that channel), and checks no switch port carries one
   channel twice.

What is blocked is named with the reason (no path at all, or every channel of some link on
every alternative path already taken).

Example:
    >>> g = nx.Graph()
    >>> nx.add_path(g, ["q0", "s0", "d0"]); g.add_edge("q1", "s0"); g.add_edge("s0", "d1")
    >>> g.nodes["s0"]["kind"] = "switch"
    >>> plan = plan_connections(g, [Request("q0", "d0"), Request("q1", "d1")], channels=2)
    >>> plan.channels_used, plan.blocked
    (1, {})
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import networkx as nx

__all__ = ["Assignment", "NetworkPlan", "Request", "check_requests", "plan_connections"]

Link = frozenset[Hashable]


@dataclass(frozen=True)
class Request:
    """A light path wanted from ``source`` to ``target`` (graph nodes)."""

    source: Hashable
    target: Hashable
    name: str | None = None
    channel: int | None = None  # fixed WDM channel (``network_schedule``); None: any

    @property
    def label(self) -> str:
        return self.name or f"{self.source}->{self.target}"


@dataclass(frozen=True)
class Assignment:
    """A realised request: its path (nodes) and channel (0-based WDM channel index)."""

    request: Request
    path: tuple[Hashable, ...]
    channel: int
    loss_dB: float


@dataclass
class NetworkPlan:
    """What the network controller sets.

    Attributes:
        assigned: the realised requests.
        blocked: request label -> why it could not be realised.
        channels_used: distinct channels in use (the colouring's colour count).
        max_link_load: most requests on one link (a lower bound on the channels the chosen
            paths need).
        link_load: requests per link.
        switch_states: switch -> [(from node, to node, channel, request label)].
    """

    assigned: list[Assignment]
    blocked: dict[str, str]
    channels_used: int
    max_link_load: int
    link_load: dict[Link, int] = field(default_factory=dict)
    switch_states: dict[Hashable, list[tuple[Hashable, Hashable, int, str]]] = field(
        default_factory=dict)

    @property
    def bandwidth_used(self) -> float:
        """Mean channels in use per loaded link."""
        return sum(self.link_load.values()) / max(1, len(self.link_load))


def _links(path: Sequence[Hashable]) -> list[Link]:
    return [frozenset(e) for e in itertools.pairwise(path)]


def _capacity(graph: nx.Graph, link: Link, channels: int) -> int:
    u, v = tuple(link)
    return int(graph.edges[u, v].get("channels", channels))


def _path_loss(graph: nx.Graph, path: Sequence[Hashable]) -> float:
    return float(sum(graph.edges[u, v].get("loss_dB", 0.0) for u, v in itertools.pairwise(path)))


def check_requests(graph: nx.Graph, requests: Sequence[Request]) -> None:
    """Raise ``ValueError`` when two requests share a name or one names a node not in
    ``graph``."""
    labels = [r.label for r in requests]
    if len(set(labels)) != len(labels):
        raise ValueError("requests: two requests share a name")
    for r in requests:
        for end in (r.source, r.target):
            if end not in graph:
                raise ValueError(f"request {r.label}: node {end!r} is not in the network")


def plan_connections(graph: nx.Graph, requests: Sequence[Request], *, channels: int,
                     k_paths: int = 3) -> NetworkPlan:
    """Paths, channels and switch states realising ``requests`` without conflicts.

    Args:
        graph: the network (undirected); nodes with ``kind="switch"`` are switches; edges may
            carry ``channels`` (WDM channels of that link) and ``loss_dB`` (path weight).
        requests: the connections wanted; an endpoint may serve one request (a qubitron or
            detector port takes one light path).
        channels: WDM channels per link where an edge does not say (>= 1).
        k_paths: alternative least-loss paths tried per request (>= 1).

    Returns:
        the plan; ``blocked`` names every request left out and why.

    Raises:
        ValueError: ``channels`` or ``k_paths`` < 1, a request naming a node not in the graph,
            or an endpoint used by two requests.
    """
    if channels < 1:
        raise ValueError(f"channels={channels}: a link carries at least one channel")
    if k_paths < 1:
        raise ValueError(f"k_paths={k_paths}: must be >= 1")
    if any(r.channel is not None for r in requests):
        raise ValueError("requests: plan_connections chooses the channels itself; "
                         "schedule_connections takes fixed channels")
    check_requests(graph, requests)
    seen: dict[Hashable, str] = {}
    for r in requests:
        for end in (r.source, r.target):
            if end in seen:
                raise ValueError(f"request {r.label}: endpoint {end!r} already serves "
                                 f"request {seen[end]}")
            seen[end] = r.label

    blocked: dict[str, str] = {}
    options: dict[str, list[tuple[Hashable, ...]]] = {}
    weight = "loss_dB" if any("loss_dB" in d for _, _, d in graph.edges(data=True)) else None
    for r in requests:
        if r.source == r.target:
            blocked[r.label] = "source and target are the same node"
            continue
        try:
            gen = nx.shortest_simple_paths(graph, r.source, r.target, weight=weight)
            options[r.label] = [tuple(p) for p in itertools.islice(gen, k_paths)]
        except nx.NetworkXNoPath:
            blocked[r.label] = f"no path from {r.source!r} to {r.target!r}"
    by_label = {r.label: r for r in requests}
    chosen = {lab: paths[0] for lab, paths in options.items()}

    # DSATUR colouring of the conflict graph; drop the most conflicted request while the
    # colours exceed what a link it uses carries
    def colouring(labels_in: list[str]) -> dict[str, int]:
        conflict = nx.Graph()
        conflict.add_nodes_from(labels_in)
        users: dict[Link, list[str]] = {}
        for lab in labels_in:
            for link in _links(chosen[lab]):
                users.setdefault(link, []).append(lab)
        for group in users.values():
            conflict.add_edges_from(itertools.combinations(group, 2))
        return dict(nx.greedy_color(conflict, strategy="saturation_largest_first"))

    def over_capacity(colours: dict[str, int]) -> list[str]:
        return [lab for lab, c in colours.items()
                if any(c >= _capacity(graph, link, channels) for link in _links(chosen[lab]))]

    placed = sorted(chosen)
    dropped: list[str] = []
    colours = colouring(placed)
    while over := over_capacity(colours):
        worst = max(over, key=lambda lab: (colours[lab], lab))
        placed.remove(worst)
        dropped.append(worst)
        colours = colouring(placed)

    # dropped requests: first-fit over their alternative paths around what is placed
    used: dict[Link, set[int]] = {}
    for lab in placed:
        for link in _links(chosen[lab]):
            used.setdefault(link, set()).add(colours[lab])
    for lab in dropped:
        best: tuple[int, tuple[Hashable, ...]] | None = None
        for path in options[lab]:
            links = _links(path)
            cap = min(_capacity(graph, link, channels) for link in links)
            free = [c for c in range(cap) if all(c not in used.get(link, set())
                                                  for link in links)]
            if free and (best is None or free[0] < best[0]):
                best = (free[0], path)
        if best is None:
            full = sorted({str(tuple(sorted(map(str, link)))) for path in options[lab]
                           for link in _links(path)
                           if len(used.get(link, set())) >= _capacity(graph, link, channels)})
            blocked[lab] = (f"every channel taken on {len(options[lab])} path(s); full "
                            f"links: {', '.join(full[:4])}")
            continue
        colours[lab], chosen[lab] = best
        placed.append(lab)
        for link in _links(best[1]):
            used.setdefault(link, set()).add(best[0])

    assigned = [Assignment(by_label[lab], chosen[lab], colours[lab],
                           round(_path_loss(graph, chosen[lab]), 6)) for lab in sorted(placed)]
    load: dict[Link, int] = {}
    states: dict[Hashable, list[tuple[Hashable, Hashable, int, str]]] = {}
    port_use: dict[tuple[Hashable, Hashable, int], str] = {}
    for a in assigned:
        for link in _links(a.path):
            load[link] = load.get(link, 0) + 1
        for prev, node, nxt in zip(a.path, a.path[1:], a.path[2:], strict=False):
            if graph.nodes[node].get("kind") != "switch":
                continue
            states.setdefault(node, []).append((prev, nxt, a.channel, a.request.label))
            for port in (prev, nxt):
                key = (node, port, a.channel)
                if key in port_use:  # pragma: no cover - excluded by the link colouring
                    raise RuntimeError(f"switch {node!r}: channel {a.channel} on its port to "
                                       f"{port!r} set twice ({port_use[key]}, "
                                       f"{a.request.label})")
                port_use[key] = a.request.label
    return NetworkPlan(
        assigned=assigned, blocked=dict(sorted(blocked.items())),
        channels_used=len({a.channel for a in assigned}),
        max_link_load=max(load.values(), default=0), link_load=load, switch_states=states)
