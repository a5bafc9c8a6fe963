"""The drawn switch-tree network as a graph for the network controller.

Read from the chip's cell hierarchy, not from the design that asked for it: each tree block
(``routing.network.tree_block``) records which output of each of its three switch nodes
(``node_pump_in``, ``node_stokes_in``, ``node_out``) is routed to which half (``A``, ``B``), and
the walk follows those instances down to the tiles. One walk visits each tile placement once
(O(tiles)); the cells themselves are never flattened.

Nodes (strings; a tile is named by its half-path from the root, e.g. ``"ABA"``, the one-tile
chip's by ``""``):

- ``fibre_pump_in``, ``fibre_stokes_in``, ``fibre_out``: the chip fibres;
- ``pump_in:AB`` ...: the switch node of that tree in block ``AB`` (``kind="switch"``,
  ``broadband=True``: an MZI switches every channel at once; ``common``: the neighbour on
  its input o1, towards the fibre);
- ``AB/pump_in``, ``AB/stokes_in``, ``AB/out``: the tile's feed ports;
- ``AB/qubitron_k`` and ``AB/switch_k``: qubitron k and its ring switch (``kind="switch"``,
  wavelength-selective). The tile's demuxes pass channel k only to qubitron k and the mux
  takes it only from switch k: those edges carry ``wavelengths={k}``.

Example:
    >>> g = nx.Graph()
    >>> add_tile(g, "", qubitrons=2)
    >>> sorted(g["/pump_in"]), g.edges["/pump_in", "/qubitron_1"]["wavelengths"]
    (['/qubitron_0', '/qubitron_1'], frozenset({1}))
"""

from __future__ import annotations

from collections.abc import Iterator

import kfactory as kf
import networkx as nx

from routing.tile import NETWORK_PORTS

__all__ = ["FEEDS", "add_tile", "balanced_tree_graph", "network_graph", "split_trees",
           "tile_names"]

#: how the pump and Stokes trees are driven (``flows.spec.NetworkSpec.feed``)
FEEDS = ("switched", "broadcast")


def split_trees(feed: str) -> tuple[str, ...]:
    """The trees whose MZIs a ``feed`` leaves unheated (passive splitters): the pump and
    Stokes trees for "broadcast", none for "switched".

    Example:
        >>> split_trees("broadcast"), split_trees("switched")
        (('pump_in', 'stokes_in'), ())
    """
    if feed not in FEEDS:
        raise ValueError(f"feed={feed!r}: one of {FEEDS}")
    return ("pump_in", "stokes_in") if feed == "broadcast" else ()


def add_tile(graph: nx.Graph, tile: str, *, qubitrons: int) -> None:
    """Add tile ``tile``'s feed ports, qubitrons and ring switches to ``graph``."""
    for k in range(qubitrons):
        q, s = f"{tile}/qubitron_{k}", f"{tile}/switch_{k}"
        only_k = frozenset({k})
        graph.add_edge(f"{tile}/pump_in", q, wavelengths=only_k)
        graph.add_edge(f"{tile}/stokes_in", q, wavelengths=only_k)
        graph.add_edge(q, s, wavelengths=only_k)
        graph.add_edge(s, f"{tile}/out", wavelengths=only_k)
        graph.nodes[q]["kind"] = "qubitron"
        graph.nodes[s]["kind"] = "switch"


def _walk(cell: kf.DKCell, path: str, parents: dict[str, tuple[str, str | None]],
          graph: nx.Graph, split: tuple[str, ...]) -> Iterator[str]:
    """Tiles under ``cell`` (half-paths); switch nodes and their links go into ``graph``.
    ``parents``: per tree, the graph node feeding this block's root port and the MZI output
    port it leaves by (None from a fibre); the edge keeps that port as ``switch_port`` and
    its switch as ``switch``."""
    branches = cell.info["branches"] if "branches" in cell.info else None
    children = {}
    if branches:
        for port in NETWORK_PORTS:
            children[port] = f"{port}:{path}"
            if port in split:  # an unheated MZI: a passive 3 dB splitter
                graph.add_node(children[port], kind="splitter")
            else:
                graph.add_node(children[port], kind="switch", broadband=True)
    else:
        children = {port: f"{path}/{port}" for port in NETWORK_PORTS}
    for port in NETWORK_PORTS:
        parent, via = parents[port]
        graph.add_edge(parent, children[port], switch_port=via,
                       switch=None if via is None else parent)
        if branches and port not in split:  # the 1x2 MZI's input (o1) faces the fibre
            graph.nodes[children[port]]["common"] = parent
    if not branches:
        yield path
        return
    for half in ("A", "B"):
        sub: dict[str, tuple[str, str | None]] = {}
        for port in NETWORK_PORTS:
            # the node output the block's routing joined to this half, as the MZI's port
            node_out = branches[port][half]
            switch_ports = cell.insts[f"node_{port}"].cell.info["switch_ports"]
            sub[port] = (children[port], str(switch_ports[node_out]))
        yield from _walk(cell.insts[half].cell, path + half, sub, graph, split)


def network_graph(root: kf.DKCell, *, qubitrons: int, split: tuple[str, ...] = ()
                  ) -> nx.Graph:
    """The graph of the switch trees drawn in ``root`` (the chip's ``network`` instance's
    cell, or a tile cell for a one-tile chip), with the three chip fibres at the roots and
    every tile's ``qubitrons`` qubitrons. The trees named in ``split`` (of ``pump_in``,
    ``stokes_in``, ``out``) have their MZIs unheated: passive splitters (``kind="splitter"``),
    not switches.

    Returns:
        an undirected ``networkx.Graph``: one tree per fibre, the three joined only at the
        qubitrons; ``graph.graph["tiles"]`` lists the tiles in drawing order.

    Raises:
        ValueError: ``qubitrons`` < 1, or ``split`` names no tree.
    """
    if qubitrons < 1:
        raise ValueError(f"qubitrons={qubitrons}: a tile has at least one")
    graph = nx.Graph()
    fibres: dict[str, tuple[str, str | None]] = {
        port: (f"fibre_{port}", None) for port in NETWORK_PORTS}
    unknown = set(split) - set(NETWORK_PORTS)
    if unknown:
        raise ValueError(f"split: {sorted(unknown)} are not trees (one of {NETWORK_PORTS})")
    tiles = list(_walk(root, "", fibres, graph, tuple(split)))
    for tile in tiles:
        add_tile(graph, tile, qubitrons=qubitrons)
    graph.graph["tiles"] = tiles
    return graph


def tile_names(graph: nx.Graph) -> list[str]:
    """The tiles of a graph from :func:`network_graph`, in drawing order."""
    return list(graph.graph["tiles"])


def balanced_tree_graph(levels: int, *, qubitrons: int, split: tuple[str, ...] = ()
                        ) -> nx.Graph:
    """The graph :func:`network_graph` reads from a chip of ``2**levels`` tiles, without a
    layout (for the scheduler's tests and benchmarks): the same node names and attributes,
    every MZI's outputs unnamed (no ``switch_port``).

    Example:
        >>> g = balanced_tree_graph(2, qubitrons=1)
        >>> tile_names(g), g.nodes["pump_in:A"]["common"]
        (['AA', 'AB', 'BA', 'BB'], 'pump_in:')
    """
    graph = nx.Graph()
    tiles: list[str] = []

    def walk(path: str, parents: dict[str, str], depth: int) -> None:
        if depth == levels:
            for port, parent in parents.items():
                graph.add_edge(parent, f"{path}/{port}")
            tiles.append(path)
            return
        nodes = {}
        for port, parent in parents.items():
            nodes[port] = f"{port}:{path}"
            if port in split:
                graph.add_node(nodes[port], kind="splitter")
            else:
                graph.add_node(nodes[port], kind="switch", broadband=True, common=parent)
            graph.add_edge(parent, nodes[port])
        for half in "AB":
            walk(path + half, nodes, depth + 1)

    walk("", {port: f"fibre_{port}" for port in NETWORK_PORTS}, 0)
    for tile in tiles:
        add_tile(graph, tile, qubitrons=qubitrons)
    graph.graph["tiles"] = tiles
    return graph
