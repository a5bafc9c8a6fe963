"""Hierarchical netlist extraction from a gdsfactory component.

Each distinct cell is visited once: a cell with a compact model becomes a *leaf* (model name
plus keyword arguments); any other cell with optical ports becomes a ``Circuit`` over its
children. Array instances become one circuit instance per element, all sharing the element
cell's single evaluation. Cells without optical ports (pads, markers) are left out.

Example:
    >>> import gdsfactory as gf
    >>> c = gf.Component("two_straights")
    >>> a = c << gf.components.straight(length=5)
    >>> b = c << gf.components.straight(length=7)
    >>> _ = b.connect("o1", a.ports["o2"])
    >>> _ = c.add_port("in", port=a.ports["o1"]), c.add_port("out", port=b.ports["o2"])
    >>> net = extract_netlist(c)
    >>> len(net.leaves), len(net.circuits[net.top].instances)
    (2, 2)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import kfactory as kf
from gdsfactory.get_netlist import get_netlist

from components.registry import ModelBinding, bind_cell
from simulation.circuit import Circuit, NetlistError

# Child cells reached through instances are kfactory DKCells (gf.Component is one too).
Binder = Callable[[kf.DKCell], ModelBinding | None]


@dataclass
class HierarchicalNetlist:
    """``top``: key of the top circuit; ``circuits``/``leaves``: every distinct cell once."""

    top: str
    circuits: dict[str, Circuit] = field(default_factory=dict)
    leaves: dict[str, ModelBinding] = field(default_factory=dict)


def _has_optical_ports(cell: kf.DKCell) -> bool:
    return any(p.port_type == "optical" for p in cell.ports)


def default_binder() -> Binder:
    """The library table's binding (``components.registry.bind_cell``)."""
    return bind_cell


def extract_netlist(
    component: kf.DKCell,
    binder: Binder | None = None,
    *,
    expose_detectors: bool = False,
    boundary: Collection[str] = (),
) -> HierarchicalNetlist:
    """Hierarchical netlist of ``component``'s optical circuit.

    Args:
        component: any gdsfactory component (ports named as in the component library).
        binder: maps a cell to its compact model (default: the library table,
            ``components.registry.bind_cell``).
        expose_detectors: make every detector an external port: ``det:<instance path>`` for
            the waveguide port feeding a detector cell (light arriving), and
            ``det:<instance path>/d1`` for a model's detector sink such as the qubitron's
            (light detected, efficiency included), so the S-matrix tells each detector's share.
        boundary: names of ``component``'s own instances to cut the circuit at: each port of
            theirs that a net joins becomes an external port named ``"instance,port"`` (the
            light arriving there), and nothing inside them is extracted. A level of a
            repeated hierarchy is solved on its own this way (``simulation.chip_loss``).

    Raises:
        NetlistError: a cell with optical ports has neither a model nor sub-instances.
    """
    binder = binder or default_binder()
    net = HierarchicalNetlist(top="")
    memo: dict[str, str | None] = {}

    def visit(cell: kf.DKCell, cut: Collection[str] = ()) -> str | None:
        if cell.name in memo:
            return memo[cell.name]
        binding = binder(cell)
        if binding is not None:
            net.leaves[binding.key] = binding
            memo[cell.name] = binding.key
            return binding.key
        children = {inst.name: (inst, visit(inst.cell)) for inst in cell.insts
                    if inst.name not in cut}
        if not any(k is not None for _, k in children.values()):
            if _has_optical_ports(cell):
                raise NetlistError(
                    f"cell {cell.name!r} ({_function_name(cell)}) has optical ports but no "
                    "compact model; declare it with @library_cell(model=...) in its module"
                )
            memo[cell.name] = None
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dangling ports are matched terminations here
            raw = get_netlist(cell, instance_namer=lambda i: i.name, on_dangling_port="ignore")
        instances: dict[str, str] = {}
        for name, (inst, key) in children.items():
            if key is None:
                continue
            if raw["instances"][name].get("array"):
                for ia in range(inst.na):
                    for ib in range(inst.nb):
                        instances[f"{name}<{ia}.{ib}>"] = key
            else:
                instances[name] = key
        leaf_ports = _ports_of(net, instances)

        def optical(ref: str) -> bool:
            inst, _, port = ref.rpartition(",")
            return inst in instances and port in leaf_ports[inst]

        nets = [(n["p1"], n["p2"]) for n in raw["nets"] if optical(n["p1"]) and optical(n["p2"])]
        ports = {p: ref for p, ref in raw["ports"].items() if optical(ref)}
        for n in raw["nets"]:  # a cut instance's joined ports become external ports
            for here, there in ((n["p1"], n["p2"]), (n["p2"], n["p1"])):
                if here.rpartition(",")[0] in cut and optical(there):
                    ports[here] = there
        if expose_detectors:
            nets = _export_detectors(net, instances, leaf_ports, nets, ports)
        net.circuits[cell.name] = Circuit(instances=instances, connections=nets, ports=ports)
        memo[cell.name] = cell.name
        return cell.name

    missing = set(boundary) - {inst.name for inst in component.insts}
    if missing:
        raise NetlistError(f"boundary: {sorted(missing)} are not instances of {component.name!r}")
    top = visit(component, cut=frozenset(boundary))
    if top is None:
        raise NetlistError(f"component {component.name!r} has no optical circuit")
    net.top = top
    return net


def _function_name(cell: kf.DKCell) -> str:
    try:
        return cell.function_name or "no cell function"
    except ValueError:
        return "no cell function"


DETECTOR_PREFIX = "det:"


def _export_detectors(
    net: HierarchicalNetlist,
    instances: dict[str, str],
    leaf_ports: dict[str, set[str]],
    nets: list[tuple[str, str]],
    ports: dict[str, str],
) -> list[tuple[str, str]]:
    """Replace detector cells by external ports; export sinks and children's detector ports.

    Mutates ``instances`` and ``ports``; returns the remaining connections.
    """
    detectors = {
        i for i, k in instances.items() if k in net.leaves and net.leaves[k].category == "detector"
    }
    kept: list[tuple[str, str]] = []
    for a, b in nets:
        ia, ib = a.rpartition(",")[0], b.rpartition(",")[0]
        if ia in detectors:
            ports[f"{DETECTOR_PREFIX}{ia}"] = b
        elif ib in detectors:
            ports[f"{DETECTOR_PREFIX}{ib}"] = a
        else:
            kept.append((a, b))
    for i in detectors:
        del instances[i]
    for inst, pnames in leaf_ports.items():
        if inst in detectors:
            continue
        for p in sorted(pnames):
            if p.startswith(DETECTOR_PREFIX):  # a sub-circuit's detector
                ports[f"{DETECTOR_PREFIX}{inst}/{p[len(DETECTOR_PREFIX) :]}"] = f"{inst},{p}"
            elif instances[inst] in net.leaves and p.startswith("d") and p[1:].isdigit():
                ports[f"{DETECTOR_PREFIX}{inst}/{p}"] = f"{inst},{p}"  # a model's detector sink
    return kept


def _ports_of(net: HierarchicalNetlist, instances: dict[str, str]) -> dict[str, set[str]]:
    """Optical port names of each instance (from its model or its circuit's external ports)."""
    from components import MODELS  # port names do not depend on the calibration

    cache: dict[str, set[str]] = {}
    out = {}
    for inst, key in instances.items():
        if key not in cache:
            if key in net.leaves:
                b = net.leaves[key]
                s = MODELS[b.model](wl=1.55, **dict(b.kwargs))
                cache[key] = {p for pair in s for p in pair}
            else:
                cache[key] = set(net.circuits[key].ports)
        out[inst] = cache[key]
    return out
