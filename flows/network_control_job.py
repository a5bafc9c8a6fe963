"""The build's network control: one QEC round's light paths through the drawn switch trees.

The workload is what a QEC round asks of the network: every qubitron gets its pump and its
Stokes pulse on its WDM channel (its photon is counted by its own SNSPD, on the tile: the
readout tree is for photonic links, not the round). The controller
(``control.network_schedule``) sets the MZI trees for those 2 x qubitrons light paths: with
``feed="switched"`` in time slots, since one MZI would have to point two ways at once; with
``feed="broadcast"`` the pump and Stokes MZIs stay unheated (3 dB splitters) and one slot
feeds every tile. The graph is read from the drawn chip (``routing.network_graph``).

Outputs: ``network/schedule.csv`` (one row per light path: slot, channel, path length in
hops) and ``network/switch_states.json`` (per slot, each MZI's port joined to o1 and heater power,
each ring switch's channel).

Example:
    >>> import tempfile, pathlib
    >>> from flows.spec import default_chip
    >>> from routing.chip import chip_layout
    >>> chip = chip_layout(default_chip().chip_layout())  # doctest: +SKIP
    >>> s = run_network_control(chip, pathlib.Path(tempfile.mkdtemp()),  # doctest: +SKIP
    ...                         round_latency_ns=500.0)
    >>> s.slots, s.blocked  # doctest: +SKIP
    (4, 0)
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel, Field

from components.models.mzi_switch import mzi_state_power_mW
from control.network_control import Request
from control.network_schedule import NetworkSchedule, schedule_connections
from flows.network_job import network_root
from routing.network_graph import network_graph, split_trees, tile_names

__all__ = ["NetworkControlSummary", "mzi_settings", "qec_round_requests", "run_network_control"]

#: the MZI output that is the "bar" state (``components.models.mzi_switch``: bar is o1 -> o2)
BAR_PORT = "o2"


class NetworkControlSummary(BaseModel):
    """The network controller's plan for one QEC round (``control.network_schedule``)."""

    workload: str
    feed: str = Field(description="switched: MZIs set per slot; broadcast: pump and Stokes "
                      "MZIs unheated, every tile fed at once")
    requests: int
    assigned: int
    blocked: int
    blocked_reasons: dict[str, str] = Field(description="up to 5 blocked requests and why")
    slots: int = Field(description="time slots one round needs: one MZI tree points one way "
                       "per slot")
    channels_used: int = Field(description="distinct WDM channels in use")
    max_link_load: int = Field(description="most light paths on one link in one slot (the "
                               "channels that link carries at once)")
    requests_per_slot: float
    switches_set_per_slot: int = Field(description="most MZIs on a path in one slot")
    switch_power_per_slot_mW: float = Field(
        description="estimate: largest total MZI heater power in one slot, at the model's "
        "room-temperature P_pi (components.models.mzi_switch; the thermo-optic effect is far "
        "weaker at cryogenic temperature); MZIs off every path left unpowered")
    round_time_us: float | None = Field(
        description="estimate: slots x the QEC round's optical latency; the MZIs' settling "
        "between slots is not included")
    runtime_s: float
    files: list[str]


def qec_round_requests(graph: nx.Graph, *, qubitrons: int) -> list[Request]:
    """Pump and Stokes to each qubitron of each tile on its channel k: 2 x tiles x
    ``qubitrons`` requests."""
    out = []
    for tile in tile_names(graph):
        for k in range(qubitrons):
            q = f"{tile}/qubitron_{k}"
            out.append(Request("fibre_pump_in", q, name=f"pump {q}", channel=k))
            out.append(Request("fibre_stokes_in", q, name=f"stokes {q}", channel=k))
    return out


def mzi_settings(graph: nx.Graph, schedule: NetworkSchedule
                  ) -> dict[int, dict[str, dict[str, Any]]]:
    """Per slot, each MZI on a path: the port (o2 or o3) it joins to o1 (light runs o1 -> it
    in the feed trees, back in the readout tree) and its heater power.
    The output is the ``switch_port`` of the edge to its child (``routing.network_graph``)."""
    power = {port: mzi_state_power_mW("bar" if port == BAR_PORT else "cross")
             for port in ("o2", "o3")}
    out: dict[int, dict[str, dict[str, Any]]] = {}
    for slot, switches in schedule.switch_states.items():
        settings = {}
        for node, pairs in switches.items():
            (a, b), = pairs  # a 1x2 MZI joins its input to one output per slot
            child: Hashable = a if graph.edges[node, a].get("switch") == node else b
            port = str(graph.edges[node, child]["switch_port"])
            settings[str(node)] = {"o1_to": port, "heater_mW": round(power[port], 3)}
        out[slot] = settings
    return out


def run_network_control(chip: Any, out: Path, *, round_latency_ns: float | None = None,
                        feed: str = "switched") -> NetworkControlSummary:
    """Plan one QEC round's light paths on networked ``chip`` and write the schedule.

    Args:
        chip: the built chip (``routing.chip.chip_layout``; a switch tree or one tile).
        out: folder to write ``network/`` into (exists).
        round_latency_ns: one tile's QEC round latency (control stage), for the round
            time estimate; None leaves it out (the build fills it in after the control
            stage, which takes the slots as idle time).
        feed: "switched" (every MZI set, one tile per slot) or "broadcast" (the pump and
            Stokes MZIs unheated: one slot, 3 dB per level less power per tile).

    Returns:
        the summary for the report.
    """
    t0 = time.perf_counter()
    qubitrons = int(chip.info["qubitrons"]) // int(chip.info["tiles"])
    graph = network_graph(network_root(chip)[1], qubitrons=qubitrons, split=split_trees(feed))
    requests = qec_round_requests(graph, qubitrons=qubitrons)
    schedule = schedule_connections(graph, requests, channels=qubitrons)
    mzi = mzi_settings(graph, schedule)
    folder = out / "network"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "schedule.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["request", "source", "target", "slot", "channel", "hops"])
        for a in schedule.assigned:
            w.writerow([a.request.label, a.request.source, a.request.target, a.slot,
                        a.channel, len(a.path) - 1])
    states = {str(slot): {"mzi": mzi.get(slot, {}),
                          "rings": {str(n): sorted({c for *_, c, _ in v})
                                    for n, v in schedule.ring_states.get(slot, {}).items()}}
              for slot in range(schedule.slots)}
    (folder / "switch_states.json").write_text(json.dumps(states, indent=1, sort_keys=True))
    per_slot_power = [sum(s["heater_mW"] for s in m.values()) for m in mzi.values()]
    return NetworkControlSummary(
        workload="one QEC round: pump and Stokes to every qubitron on its channel (its "
        "photon is counted by its own SNSPD on the tile)",
        feed=feed,
        requests=len(requests),
        assigned=len(schedule.assigned),
        blocked=len(schedule.blocked),
        blocked_reasons=dict(list(schedule.blocked.items())[:5]),
        slots=schedule.slots,
        channels_used=schedule.channels_used,
        max_link_load=schedule.max_link_load,
        requests_per_slot=round(schedule.requests_per_slot, 3),
        switches_set_per_slot=max((len(m) for m in mzi.values()), default=0),
        switch_power_per_slot_mW=round(max(per_slot_power, default=0.0), 3),
        round_time_us=None if round_latency_ns is None else round(
            schedule.slots * round_latency_ns / 1000.0, 4),
        runtime_s=round(time.perf_counter() - t0, 3),
        files=["network/schedule.csv", "network/switch_states.json"],
    )
