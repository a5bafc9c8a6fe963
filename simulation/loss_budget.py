"""Loss budget per optical path: total insertion loss and its breakdown by cause.

For every pair of external ports (input -> output, detectors included when exposed) with
non-negligible transmission, the total insertion loss comes from the circuit S-matrix at the
centre wavelength; the breakdown follows the dominant path (the lowest-loss chain of cells from
input to output, found with networkx on a graph whose edges are the cells' port-to-port
transmissions in dB) and sums each cell's loss into its category (propagation, bend,
crossing, ring, interlayer, coupler ...). Whatever interference adds or removes beyond the
dominant path is reported as ``other_dB``.

Example:
    >>> import gdsfactory as gf
    >>> c = gf.Component("loss_example")
    >>> s = c << gf.components.straight(length=10000.0)      # 1 cm at 0.1 dB/cm
    >>> b = c << gf.components.bend_euler(radius=30.0)
    >>> _ = b.connect("o1", s.ports["o2"])
    >>> _ = c.add_port("in", port=s.ports["o1"]), c.add_port("out", port=b.ports["o2"])
    >>> report = loss_budget(c)
    >>> path = report.path("in", "out")
    >>> round(path.breakdown_dB["propagation"], 3), path.counts["bend"]
    (0.1, 1)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import gdsfactory as gf
import networkx as nx
import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel

from components.models.sdict import SDict
from components.registry import ModelBinding
from simulation.netlist import DETECTOR_PREFIX, HierarchicalNetlist, extract_netlist
from simulation.simulate import default_models, solve_netlist

#: transmissions below this (dB) are not reported as paths
MIN_PATH_TRANSMISSION_DB = -60.0


class PathLoss(BaseModel):
    """One optical path. Losses in dB (positive = loss), lengths in um."""

    input: str
    output: str
    to_detector: bool
    insertion_loss_dB: float
    insertion_loss_min_dB: float
    insertion_loss_max_dB: float
    breakdown_dB: dict[str, float]
    other_dB: float
    counts: dict[str, int]
    length_um: float
    cells: int


class DetectorPath(BaseModel):
    """Light detected at one detector from one input: best over the detector wavelengths."""

    input: str
    detector: str
    efficiency: float
    wl_um: float


class LossReport(BaseModel):
    """All paths, worst first, plus per-detector efficiencies."""

    component: str
    centre_wl_um: float
    wl_um: list[float]
    paths: list[PathLoss]
    detector_efficiency: dict[str, float]
    detectors: list[DetectorPath] = []

    def path(self, input: str, output: str) -> PathLoss:
        for p in self.paths:
            if (p.input, p.output) == (input, output):
                return p
        raise KeyError(f"no path {input} -> {output}")


@dataclass
class _Flat:
    graph: nx.DiGraph
    edge_leaf: dict[tuple[str, str], ModelBinding]


def _flat_graph(net: HierarchicalNetlist, centre: Mapping[str, SDict]) -> _Flat:
    """Directed graph over (port, direction) nodes of every leaf instance in the hierarchy."""
    g = nx.DiGraph()
    edge_leaf: dict[tuple[str, str], ModelBinding] = {}

    def node(path: str, port: str, direction: str) -> str:
        return f"{path},{port}|{direction}"

    def add(key: str, path: str) -> dict[str, str]:
        """Add instance ``key`` at ``path``; returns its external port -> inner port path."""
        if key in net.leaves:
            for (a, b), v in centre[key].items():
                t2 = float(abs(v[0]) ** 2)
                if a != b and t2 > 10 ** (MIN_PATH_TRANSMISSION_DB / 10):
                    u, w = node(path, a, "in"), node(path, b, "out")
                    g.add_edge(u, w, weight=-10 * np.log10(t2))
                    edge_leaf[(u, w)] = net.leaves[key]
            return {p: f"{path},{p}" for pair in centre[key] for p in pair}
        circuit = net.circuits[key]
        inner = {
            inst: add(k, f"{path}/{inst}" if path else inst)
            for inst, k in circuit.instances.items()
        }

        def resolve(ref: str) -> str:
            inst, _, port = ref.rpartition(",")
            return inner[inst][port]

        for a, b in circuit.connections:
            ra, rb = resolve(a), resolve(b)
            g.add_edge(f"{ra}|out", f"{rb}|in", weight=0.0)
            g.add_edge(f"{rb}|out", f"{ra}|in", weight=0.0)
        return {p: resolve(ref) for p, ref in circuit.ports.items()}

    top_ports = add(net.top, "")
    for p, inner_ref in top_ports.items():
        g.add_edge(f"EXT:{p}|in", f"{inner_ref}|in", weight=0.0)
        g.add_edge(f"{inner_ref}|out", f"EXT:{p}|out", weight=0.0)
    return _Flat(graph=g, edge_leaf=edge_leaf)


def _dominant_path(flat: _Flat, a: str, b: str) -> list[tuple[str, str]]:
    """Leaf edges (cell port -> cell port) of the lowest-loss route from ``a`` to ``b``."""
    try:
        nodes = nx.dijkstra_path(flat.graph, f"EXT:{a}|in", f"EXT:{b}|out", weight="weight")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []
    return [e for e in zip(nodes, nodes[1:], strict=False) if e in flat.edge_leaf]


def loss_budget(
    component: gf.Component,
    wl: ArrayLike | None = None,
    *,
    centre_wl_um: float = 1.55,
    detector_wl_um: ArrayLike | None = None,
    models: Mapping[str, Callable[..., SDict]] | None = None,
) -> LossReport:
    """Loss budget of ``component``'s optical paths (worst first).

    Args:
        component: a gdsfactory component built from the QuantaCore library.
        wl: wavelengths in um for the min/max over the band (default centre +- 5 nm, 101 pts).
        centre_wl_um: wavelength (um) at which losses are broken down.
        detector_wl_um: wavelengths (um) at which detectors are read, e.g. a WDM grid; each
            detector reports its best one (on-resonance drop efficiency). Default: centre.
        models: compact models (default: the active PDK's, calibrated).

    Returns:
        ``LossReport``; detector paths end at outputs named ``det:<instance path>``;
        ``detector_efficiency`` maps ``"input->detector"`` to the detected fraction at
        ``detector_wl_um``'s best wavelength.
    """
    models = models or default_models()
    wl_arr = (
        np.linspace(centre_wl_um - 0.005, centre_wl_um + 0.005, 101)
        if wl is None
        else np.atleast_1d(np.asarray(wl, float))
    )
    net = extract_netlist(component, expose_detectors=True)
    solved: dict[tuple[float, ...], dict[str, SDict]] = {}

    def solve(wavelengths_um: ArrayLike) -> dict[str, SDict]:
        """The circuit at these wavelengths, solved once: a single-channel budget asks for
        the band, the centre and the detectors at the same wavelength."""
        key = tuple(float(x) for x in np.atleast_1d(np.asarray(wavelengths_um, float)))
        if key not in solved:
            solved[key] = solve_netlist(net, list(key), models)
        return solved[key]

    s_band = solve(wl_arr)[net.top]
    centre_solved = solve([centre_wl_um])
    s_centre = centre_solved[net.top]
    flat = _flat_graph(net, centre_solved)
    from components.models import detector_figures

    snspd_efficiency = float(detector_figures()["efficiency"])
    paths: list[PathLoss] = []
    efficiency: dict[str, float] = {}
    for (a, b), v in s_centre.items():
        if a == b or a.startswith(DETECTOR_PREFIX):
            continue
        t2 = float(abs(v[0]) ** 2)
        if t2 <= 10 ** (MIN_PATH_TRANSMISSION_DB / 10):
            continue
        band_dB = -10 * np.log10(np.maximum(abs(s_band[(a, b)]) ** 2, 1e-30))
        total = -10 * np.log10(t2)
        breakdown: dict[str, float] = defaultdict(float)
        counts: dict[str, int] = defaultdict(int)
        length = 0.0
        edges = _dominant_path(flat, a, b)
        for edge in edges:
            leaf = flat.edge_leaf[edge]
            breakdown[leaf.category] += flat.graph.edges[edge]["weight"]
            counts[leaf.category] += 1
            length += float(dict(leaf.kwargs).get("length_um", 0.0))
        to_detector = b.startswith(DETECTOR_PREFIX)
        paths.append(
            PathLoss(
                input=a,
                output=b,
                to_detector=to_detector,
                insertion_loss_dB=round(total, 6),
                insertion_loss_min_dB=round(float(band_dB.min()), 6),
                insertion_loss_max_dB=round(float(band_dB.max()), 6),
                breakdown_dB={k: round(v, 6) for k, v in sorted(breakdown.items())},
                other_dB=round(total - sum(breakdown.values()), 6),
                counts=dict(sorted(counts.items())),
                length_um=round(length, 3),
                cells=len(edges),
            )
        )
    paths.sort(key=lambda p: -p.insertion_loss_dB)
    det_wl = np.atleast_1d(
        np.asarray(centre_wl_um if detector_wl_um is None else detector_wl_um, float)
    )
    s_det = solve(det_wl)[net.top]
    detectors: list[DetectorPath] = []
    for (a, b), v in s_det.items():
        if a.startswith(DETECTOR_PREFIX) or not b.startswith(DETECTOR_PREFIX):
            continue
        power = np.abs(v) ** 2
        best = int(np.argmax(power))
        # light arriving at a detector cell is detected with the SNSPD efficiency; a model's
        # sink port (".../d1", the qubitron's) already includes it
        tail = b.rsplit("/", 1)[-1]
        is_sink = tail[:1] == "d" and tail[1:].isdigit()
        eff = float(power[best]) * (1.0 if is_sink else snspd_efficiency)
        detectors.append(
            DetectorPath(
                input=a,
                detector=b[len(DETECTOR_PREFIX) :],
                efficiency=eff,
                wl_um=float(det_wl[best]),
            )
        )
        efficiency[f"{a}->{b[len(DETECTOR_PREFIX) :]}"] = eff
    return LossReport(
        component=component.name,
        centre_wl_um=centre_wl_um,
        wl_um=[float(x) for x in wl_arr],
        paths=paths,
        detector_efficiency=efficiency,
        detectors=sorted(detectors, key=lambda d: (d.input, d.detector)),
    )
