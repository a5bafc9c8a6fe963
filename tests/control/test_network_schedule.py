"""Network control with broadband (MZI) switches: time slots, channels and switch states are
conflict-free, optimal on switch trees, and what cannot be served is named."""

from __future__ import annotations

import itertools
import random
from collections import defaultdict

import networkx as nx
import pytest

from control.network_control import Request, plan_connections
from control.network_schedule import NetworkSchedule, schedule_connections
from routing.network_graph import balanced_tree_graph


def _tree(levels: int, qubitrons: int, *, split: tuple[str, ...] = ()) -> nx.Graph:
    """Three binary MZI trees (pump, Stokes, out) over 2**levels tiles, as the chip draws;
    the trees in ``split`` have unheated MZIs: passive splitters, not switches."""
    return balanced_tree_graph(levels, qubitrons=qubitrons, split=split)


def _check(g: nx.Graph, s: NetworkSchedule, channels: int) -> None:
    """Every slot: each MZI joins its ports in pairs (a matching), each link carries a channel
    for one source only and only channels it passes; paths are real; fixed channels kept."""
    taken: dict[tuple[int, frozenset, int], object] = {}
    joined: dict[tuple[int, object], dict[object, object]] = defaultdict(dict)
    for a in s.assigned:
        r = a.request
        assert a.path[0] == r.source and a.path[-1] == r.target
        assert 0 <= a.slot < s.slots and 0 <= a.channel < channels
        if r.channel is not None:
            assert a.channel == r.channel
        for u, v in itertools.pairwise(a.path):
            assert g.has_edge(u, v)
            allowed = g.edges[u, v].get("wavelengths")
            assert allowed is None or a.channel in allowed
            key = (a.slot, frozenset((u, v)), a.channel)
            assert taken.setdefault(key, r.source) == r.source, key
        for prev, node, nxt in zip(a.path, a.path[1:], a.path[2:], strict=False):
            if g.nodes[node].get("broadband"):
                match = joined[(a.slot, node)]
                assert match.get(prev, nxt) == nxt and match.get(nxt, prev) == prev, node
                match[prev], match[nxt] = nxt, prev


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_a_qec_round_on_a_switch_tree_takes_one_slot_per_tile(levels: int) -> None:
    g = _tree(levels, qubitrons=4)
    reqs = []
    for tile in g.graph["tiles"]:
        for k in range(4):
            q = f"{tile}/qubitron_{k}"
            reqs += [Request("fibre_pump_in", q, name=f"p{q}", channel=k),
                     Request(q, "fibre_out", name=f"r{q}", channel=k)]
    s = schedule_connections(g, reqs, channels=4)
    _check(g, s, 4)
    assert not s.blocked
    # two tiles part at some MZI of each tree: one tile per slot is optimal, and first-fit
    # reaches it; within a tile its 4 qubitrons share the slot on 4 channels
    assert s.slots == 2**levels
    assert s.channels_used == s.max_link_load == 4
    assert s.requests_per_slot == 8
    for slot in range(s.slots):  # every MZI on the slot's path set one way, per tree
        assert len(s.switch_states[slot]) == 2 * levels
    # each ring switch passes only its own qubitron's channel
    rings = s.ring_states[0]
    assert {node: [c for *_, c, _ in v] for node, v in rings.items()} == {
        f"{g.graph['tiles'][0]}/switch_{k}": [k] for k in range(4)}


def test_first_fit_packs_requests_that_need_the_same_mzi_states() -> None:
    """Two trees served at once: a pump to one tile and a readout of another share a slot
    (different MZIs), a second pump to the other tile does not (the root MZI)."""
    g = _tree(1, qubitrons=2)
    reqs = [Request("fibre_pump_in", "A/qubitron_0", name="pA", channel=0),
            Request("B/qubitron_1", "fibre_out", name="rB", channel=1),
            Request("fibre_pump_in", "B/qubitron_0", name="pB", channel=0)]
    s = schedule_connections(g, reqs, channels=2)
    _check(g, s, 2)
    slot = {a.request.label: a.slot for a in s.assigned}
    assert slot["pA"] == slot["rB"] != slot["pB"] and s.slots == 2
    assert s.switch_states[slot["pA"]]["pump_in:"] == [("A/pump_in", "fibre_pump_in")]


def test_unheated_mzis_broadcast_a_laser_line_to_every_tile_in_one_slot() -> None:
    """Pump and Stokes trees of passive splitters: one signal per channel reaches every tile
    at once. Readout of the same channel from two tiles is two signals: they still need a
    slot each on the shared out link."""
    g = _tree(2, qubitrons=2, split=("pump_in", "stokes_in"))
    feeds = [Request(f"fibre_{p}", f"{t}/qubitron_{k}", name=f"{p}{t}{k}", channel=k)
             for t in g.graph["tiles"] for k in range(2) for p in ("pump_in", "stokes_in")]
    s = schedule_connections(g, feeds, channels=2)
    _check(g, s, 2)
    assert s.slots == 1 and not s.blocked and not s.switch_states
    assert s.max_link_load == 2  # two laser lines on the root links, whatever the tiles
    combiners = _tree(2, qubitrons=2, split=("pump_in", "stokes_in", "out"))
    reads = [Request(f"{t}/qubitron_0", "fibre_out", name=f"r{t}", channel=0)
             for t in combiners.graph["tiles"]]
    assert schedule_connections(combiners, reads, channels=2).slots == 4


def test_a_slot_limit_blocks_the_rest_and_names_the_mzi() -> None:
    g = _tree(2, qubitrons=1)
    reqs = [Request("fibre_pump_in", f"{t}/qubitron_0", name=t, channel=0)
            for t in g.graph["tiles"]]
    s = schedule_connections(g, reqs, channels=1, max_slots=1)
    assert len(s.assigned) == 1 and len(s.blocked) == 3
    assert all("max_slots=1" in why and "pump_in:" in why for why in s.blocked.values())


def test_qubitron_to_qubitron_through_a_1x2_tree_is_blocked_at_the_switch() -> None:
    """From one tile to another the tree path turns at an MZI from one output to the
    other, which a 1x2 switch cannot do: blocked, the switch named; the same request in a
    graph whose switch joins any two ports (a 2x2 or a ring) is served."""
    g = _tree(1, qubitrons=1)
    req = [Request("A/qubitron_0", "B/qubitron_0", name="q2q", channel=0)]
    s = schedule_connections(g, req, channels=1)
    assert not s.assigned and "switch 'pump_in:'" in s.blocked["q2q"]
    for node in ("pump_in:", "stokes_in:", "out:"):
        del g.nodes[node]["common"]
    s = schedule_connections(g, req, channels=1)
    assert not s.blocked and s.assigned[0].path[2] in ("pump_in:", "stokes_in:", "out:")


def test_a_channel_no_link_passes_is_blocked_with_the_channel_named() -> None:
    g = _tree(1, qubitrons=2)
    # qubitron 0's demux arm passes channel 0 only: channel 1 cannot reach it
    s = schedule_connections(g, [Request("fibre_pump_in", "A/qubitron_0", name="x",
                                         channel=1)], channels=2)
    assert not s.assigned and "on channel 1" in s.blocked["x"]


def test_free_channels_are_chosen_and_a_full_link_waits_for_the_next_slot() -> None:
    """Wavelength-selective switches only (no MZI): 3 requests over a 2-channel trunk take
    two channels in slot 0 and the third goes to slot 1."""
    g = nx.Graph()
    for i in range(3):
        g.add_edge(f"q{i}", "A")
        g.add_edge("B", f"d{i}")
    g.add_edge("A", "B", channels=2)
    g.nodes["A"]["kind"] = g.nodes["B"]["kind"] = "switch"
    s = schedule_connections(g, [Request(f"q{i}", f"d{i}") for i in range(3)], channels=8)
    _check(g, s, 8)
    assert s.slots == 2 and not s.blocked
    assert sorted((a.slot, a.channel) for a in s.assigned) == [(0, 0), (0, 1), (1, 0)]


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_are_scheduled_without_conflicts(seed: int) -> None:
    rng = random.Random(seed)
    g = nx.connected_watts_strogatz_graph(24, 4, 0.3, seed=seed)
    g = nx.relabel_nodes(g, {n: f"n{n}" for n in g})
    for n in rng.sample(sorted(g), 10):
        g.nodes[n].update(kind="switch", broadband=rng.random() < 0.6)
    for u, v in g.edges:
        if rng.random() < 0.3:
            g.edges[u, v]["wavelengths"] = frozenset(rng.sample(range(4), 2))
        g.edges[u, v]["loss_dB"] = rng.uniform(0.1, 1.0)
    nodes = sorted(g)
    reqs = [Request(*rng.sample(nodes, 2), name=f"r{i}",
                    channel=rng.choice([None, 0, 1, 2, 3])) for i in range(20)]
    s = schedule_connections(g, reqs, channels=4)
    _check(g, s, 4)
    assert len(s.assigned) + len(s.blocked) == 20
    assert all("no path" in why for why in s.blocked.values())  # unlimited slots


def test_bad_inputs_are_named() -> None:
    g = _tree(1, qubitrons=1)
    ok = Request("fibre_pump_in", "A/qubitron_0")
    with pytest.raises(ValueError, match="channels=0"):
        schedule_connections(g, [ok], channels=0)
    with pytest.raises(ValueError, match="max_slots=0"):
        schedule_connections(g, [ok], channels=1, max_slots=0)
    with pytest.raises(ValueError, match="not in the network"):
        schedule_connections(g, [Request("fibre_pump_in", "Z/qubitron_0")], channels=1)
    with pytest.raises(ValueError, match="channel 3 outside"):
        schedule_connections(g, [Request("fibre_pump_in", "A/qubitron_0", channel=3)],
                             channels=2)
    with pytest.raises(ValueError, match="share a name"):
        schedule_connections(g, [ok, ok], channels=1)
    with pytest.raises(ValueError, match="fixed channels"):
        plan_connections(g, [Request("fibre_pump_in", "A/qubitron_0", channel=0)],
                         channels=1)
