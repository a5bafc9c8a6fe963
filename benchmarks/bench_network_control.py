"""Benchmark: the network controller's time-slot scheduling against DSATUR on the conflict graph.

Problem: one QEC round on a chip of 2**levels tiles of 8 qubitrons joined by the build's
three binary MZI trees (``routing.network_graph.balanced_tree_graph``, the graph the build
reads from the drawn chip, without a layout): pump and Stokes to every qubitron on its
channel, 16 requests per tile, ``feed="switched"``.

- QuantaCore: ``control.network_schedule.schedule_connections`` (first-fit over bit-mask
  slot sets, requests grouped by the switch states they need).
- Peer: the textbook route, the conflict graph coloured by DSATUR
  (``networkx.greedy_color(strategy="saturation_largest_first")``): requests are nodes, an
  edge joins two that need one MZI in two states or one link's channel for two sources; a
  colour is a slot. Its paths come from the same single-source searches, not timed (the
  QuantaCore time includes its own path searches).

Both must give the optimum on a tree (one tile per slot); the line prints slots, time, and
the ratio. The peer is skipped where its conflict graph would exceed ``--peer-max-edges``.

Run: ``python benchmarks/bench_network_control.py [--levels 4 6 8 10 12]``
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from control.network_control import Request  # noqa: E402
from control.network_schedule import schedule_connections  # noqa: E402
from routing.network_graph import balanced_tree_graph  # noqa: E402

QUBITRONS = 8
TREES = ("pump_in", "stokes_in", "out")


def chip_graph(levels: int) -> nx.Graph:
    """Three binary MZI trees over 2**levels tiles (the build's graph, without the layout)."""
    return balanced_tree_graph(levels, qubitrons=QUBITRONS)


def round_requests(g: nx.Graph) -> list[Request]:
    return [Request(f"fibre_{feed}", f"{t}/qubitron_{k}", name=f"{feed} {t}/{k}", channel=k)
            for t in g.graph["tiles"] for k in range(QUBITRONS) for feed in TREES[:2]]


def dsatur_slots(g: nx.Graph, requests: list[Request], max_edges: int) -> tuple[int, float, int]:
    """Slots from DSATUR on the conflict graph, its time (s, graph build + colouring) and
    its edge count; (-1, 0, edges) when the graph would exceed ``max_edges``."""
    paths = {}
    for feed in TREES[:2]:
        found = nx.single_source_shortest_path(g, f"fibre_{feed}")
        paths.update({r.label: found[r.target] for r in requests if r.source == f"fibre_{feed}"})
    t0 = time.perf_counter()
    by_state: defaultdict[Hashable, defaultdict[frozenset, list[str]]] = defaultdict(
        lambda: defaultdict(list))
    by_link: defaultdict[tuple[frozenset, int], defaultdict[Hashable, list[str]]] = defaultdict(
        lambda: defaultdict(list))
    for r in requests:
        p = paths[r.label]
        for prev, node, nxt in zip(p, p[1:], p[2:], strict=False):
            if g.nodes[node].get("broadband"):
                by_state[node][frozenset((prev, nxt))].append(r.label)
        for link in itertools.pairwise(p):
            by_link[(frozenset(link), r.channel or 0)][r.source].append(r.label)
    groups = [list(d.values()) for d in (*by_state.values(), *by_link.values())]
    edges = sum(len(a) * len(b) for parts in groups for a, b in itertools.combinations(parts, 2))
    if edges > max_edges:
        return -1, 0.0, edges
    conflict = nx.Graph()
    conflict.add_nodes_from(paths)
    for parts in groups:
        for a, b in itertools.combinations(parts, 2):
            conflict.add_edges_from(itertools.product(a, b))
    colours = nx.greedy_color(conflict, strategy="saturation_largest_first")
    return max(colours.values()) + 1, time.perf_counter() - t0, edges


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=int, nargs="+", default=[4, 6, 8, 10, 12])
    ap.add_argument("--peer-max-edges", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"{'tiles':>6} {'requests':>9} | {'quantacore slots':>16} {'time s':>8} | "
          f"{'DSATUR slots':>12} {'time s':>8} {'edges':>11} | ratio")
    for levels in args.levels:
        g = chip_graph(levels)
        requests = round_requests(g)
        t0 = time.perf_counter()
        ours = schedule_connections(g, requests, channels=QUBITRONS)
        t_ours = time.perf_counter() - t0
        assert not ours.blocked and ours.slots == 2**levels  # the optimum on a tree
        slots, t_peer, edges = dsatur_slots(g, requests, args.peer_max_edges)
        peer = (f"{slots:12d} {t_peer:8.2f} {edges:11d} | {t_peer / t_ours:5.1f}x" if slots > 0
                else f"{'skipped':>12} {'':>8} {edges:11d} | (conflict graph too large)")
        print(f"{2**levels:6d} {len(requests):9d} | {ours.slots:16d} {t_ours:8.2f} | {peer}",
              flush=True)


if __name__ == "__main__":
    main()
