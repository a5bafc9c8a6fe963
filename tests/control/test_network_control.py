"""Network control: paths and channels realise requests without conflicts, or name the blocked."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import pytest

from control.network_control import Request, plan_connections


def _check_conflict_free(g: nx.Graph, plan, channels: int) -> None:
    taken: dict[tuple[frozenset, int], str] = {}
    for a in plan.assigned:
        assert a.path[0] == a.request.source and a.path[-1] == a.request.target
        assert all(g.has_edge(u, v) for u, v in itertools.pairwise(a.path))
        assert 0 <= a.channel < channels
        for u, v in itertools.pairwise(a.path):
            key = (frozenset((u, v)), a.channel)
            assert key not in taken, (key, taken.get(key), a.request.label)
            taken[key] = a.request.label
    # the colour count is at least the clique of the most loaded link, at most the channels
    assert plan.max_link_load <= plan.channels_used <= channels


def _two_stage(n: int, trunk_channels: int) -> nx.Graph:
    """n sources -> switch A == trunk == switch B -> n detectors."""
    g = nx.Graph()
    for i in range(n):
        g.add_edge(f"q{i}", "A")
        g.add_edge("B", f"d{i}")
    g.add_edge("A", "B", channels=trunk_channels)
    g.nodes["A"]["kind"] = g.nodes["B"]["kind"] = "switch"
    return g


def test_permutation_through_a_trunk_uses_one_channel_per_request() -> None:
    g = _two_stage(4, trunk_channels=4)
    perm = [2, 0, 3, 1]
    plan = plan_connections(g, [Request(f"q{i}", f"d{p}") for i, p in enumerate(perm)],
                            channels=4)
    assert not plan.blocked
    assert plan.channels_used == plan.max_link_load == 4  # all share the trunk
    _check_conflict_free(g, plan, 4)
    # each switch routes each request from its source link to the trunk on its channel
    assert sorted(c for _, _, c, _ in plan.switch_states["A"]) == [0, 1, 2, 3]


def test_a_full_trunk_blocks_the_excess_and_names_the_link() -> None:
    g = _two_stage(3, trunk_channels=2)
    plan = plan_connections(g, [Request(f"q{i}", f"d{i}") for i in range(3)], channels=8)
    assert len(plan.assigned) == 2 and len(plan.blocked) == 1
    (reason,) = plan.blocked.values()
    assert "every channel taken" in reason and "'A', 'B'" in reason
    _check_conflict_free(g, plan, 2)


def test_an_alternative_path_avoids_a_full_link() -> None:
    g = nx.Graph()
    nx.add_path(g, ["a", "s", "t", "b"], loss_dB=1.0)
    nx.add_path(g, ["c", "s", "u", "t", "d"], loss_dB=1.0)
    g.edges["s", "u"]["loss_dB"] = g.edges["u", "t"]["loss_dB"] = 2.0  # the long way round
    g.nodes["s"]["kind"] = g.nodes["t"]["kind"] = "switch"
    plan = plan_connections(g, [Request("a", "b"), Request("c", "d")], channels=1)
    assert not plan.blocked
    paths = {a.request.label: a.path for a in plan.assigned}
    assert paths["a->b"] == ("a", "s", "t", "b")
    assert paths["c->d"] == ("c", "s", "u", "t", "d")
    assert {a.loss_dB for a in plan.assigned} == {3.0, 6.0}


def test_unreachable_and_bad_requests() -> None:
    g = nx.Graph([("a", "b")])
    g.add_node("island")
    plan = plan_connections(g, [Request("a", "island")], channels=1)
    assert plan.blocked == {"a->island": "no path from 'a' to 'island'"}
    with pytest.raises(ValueError, match="not in the network"):
        plan_connections(g, [Request("a", "nowhere")], channels=1)
    with pytest.raises(ValueError, match="already serves"):
        plan_connections(g, [Request("a", "b"), Request("a", "island", name="x")], channels=1)
    with pytest.raises(ValueError, match="channels=0"):
        plan_connections(g, [Request("a", "b")], channels=0)


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_and_permutations_stay_conflict_free(seed: int) -> None:
    rng = random.Random(seed)
    g = nx.grid_2d_graph(4, 4)  # a switch mesh
    g = nx.relabel_nodes(g, {n: f"s{n[0]}{n[1]}" for n in g})
    for n in list(g):
        g.nodes[n]["kind"] = "switch"
    n = 8
    for i in range(n):  # sources on the west edge, detectors on the east edge
        g.add_edge(f"q{i}", f"s0{i % 4}")
        g.add_edge(f"d{i}", f"s3{i % 4}")
    perm = list(range(n))
    rng.shuffle(perm)
    channels = rng.choice((1, 2, 4))
    plan = plan_connections(g, [Request(f"q{i}", f"d{p}") for i, p in enumerate(perm)],
                            channels=channels)
    _check_conflict_free(g, plan, channels)
    assert len(plan.assigned) + len(plan.blocked) == n
    if channels >= 4:  # each edge node takes at most 2 sources: 4 channels always suffice
        assert not plan.blocked
