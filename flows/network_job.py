"""The build's chip-level loss for a networked chip: fibre -> switch tree -> tile -> detector.

Each distinct tree level is solved once (``simulation.chip_loss``), the fibre couplers once
(the chip's top cut at the tree), the tile once (the build's tile loss budget); the numbers
compose per tile and qubitron, so the report gives the distribution over every qubitron of
the chip, not one tile's.

Example:
    >>> summary = NetworkSummary(topology="switch_tree", levels=2, switches=9, fibres=3,
    ...     chain_loss_dB={"pump_in": [0.3, 0.5]}, detection_min=0.6, detection_mean=0.62,
    ...     detection_max=0.64, detection_histogram=([1, 3], [0.6, 0.62, 0.64]),
    ...     qubitrons=4, solves=3, runtime_s=0.1)
    >>> summary.chain_loss_dB["pump_in"][1]
    0.5
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import gdsfactory as gf
import kfactory as kf
import numpy as np
from pydantic import BaseModel, Field

from simulation.chip_loss import tree_chains
from simulation.loss_budget import LossReport
from simulation.netlist import extract_netlist
from simulation.simulate import default_models, solve_netlist


class NetworkSummary(BaseModel):
    """The inter-tile network and what it does to every qubitron's light."""

    topology: str
    levels: int
    switches: int
    fibres: int
    chain_loss_dB: dict[str, list[float]] = Field(
        description="per tree (pump_in, stokes_in, out): [best, worst] loss in dB from the "
        "chip fibre (coupler included) to a tile's port, over tiles and the WDM channels"
    )
    detection_min: float = Field(description="lowest fibre-to-detector efficiency of any "
                                 "qubitron of the chip, on its channel")
    detection_mean: float
    detection_max: float
    detection_histogram: tuple[list[int], list[float]] = Field(
        description="counts and bin edges of the efficiency over all qubitrons")
    qubitrons: int
    solves: int = Field(description="distinct circuits solved (levels + couplers + tile)")
    runtime_s: float


def coupler_loss_dB(chip_inner: kf.DKCell, *, wl_um: list[float]) -> dict[str, np.ndarray]:
    """Loss (dB per wavelength) from each chip fibre to the tree's root port: the chip's top
    level solved with the tree cut out (``boundary=("network",)``)."""
    models = default_models()
    net = extract_netlist(chip_inner, boundary=("network",))
    s = solve_netlist(net, wl_um, models)[net.top]
    out = {}
    for port in chip_inner.ports:
        name = str(port.name)
        tree_port = name.removeprefix("fibre_")
        t = np.abs(np.asarray(s[(name, f"network,{tree_port}")])) ** 2
        out[tree_port] = -10 * np.log10(np.maximum(t, 1e-30))
    return out


@dataclass(frozen=True)
class ChipLevel:
    """The composed chip-level figures: detection efficiency per (tile, qubitron) in tree
    order, the worst feed loss per tree and channel (dB, fibre coupler included: what the
    control stage adds to the tile's own delivery), and the summary."""

    efficiency: np.ndarray
    feed_worst_dB: dict[str, np.ndarray]
    summary: NetworkSummary


def network_root(chip: kf.DKCell) -> tuple[kf.DKCell, kf.DKCell]:
    """The networked ``chip``'s tree cell with its fibre couplers (``routing.chip.
    tree_with_fibres``) and, inside it, the tree's root block (instance ``network``)."""
    inner = _find_cell(chip, str(chip.info["network"]["fibre_cell"]))
    return inner, inner.insts["network"].cell


def _find_cell(component: kf.DKCell, name: str) -> kf.DKCell:
    """The cell ``name`` under ``component`` (itself included), by depth-first search of the
    instances: the network's cells sit near the top, so this stays short."""
    if component.name == name:
        return component
    for inst in component.insts:
        try:
            return _find_cell(inst.cell, name)
        except LookupError:
            continue
    raise LookupError(f"cell {name!r} is not under {component.name!r}")


def chip_network_detection(
    chip: gf.Component, tile_loss: LossReport, *, channels_um: list[float],
    split: tuple[str, ...] = (),
) -> ChipLevel:
    """Detection efficiency of every qubitron of networked ``chip`` and the summary.

    Args:
        chip: the built chip (``routing.chip.chip_layout`` with a switch tree).
        tile_loss: the placed tile's loss budget (its input port ``pump_in``).
        channels_um: the tile's WDM channel wavelengths (um); qubitron k reads channel k.
        split: trees whose MZIs are unheated (``NetworkSpec.feed = "broadcast"``): every
            level splits their light to both halves.

    Returns:
        ``ChipLevel`` (efficiency of shape (tiles, qubitrons per tile), in tree order).
    """
    t0 = time.perf_counter()
    inner, root = network_root(chip)
    couplers = coupler_loss_dB(inner, wl_um=channels_um)
    chains = tree_chains(root, wl_um=channels_um, split=split)
    for port in couplers:  # a one-tile chip has no tree: its chains are empty
        chains.loss_dB.setdefault(port, np.zeros((len(chains.origins_um), len(channels_um))))
    per_qubitron: dict[int, tuple[float, float]] = {}
    for d in tile_loss.detectors:
        if d.input != "pump_in":
            continue
        k = int(np.argmin(np.abs(np.asarray(channels_um) - d.wl_um)))
        per_qubitron[k] = (d.efficiency, d.wl_um)
    ks = sorted(per_qubitron)
    tile_eff = np.array([per_qubitron[k][0] for k in ks])
    pump_dB = chains.loss_dB["pump_in"][:, ks] + couplers["pump_in"][None, ks]
    efficiency = tile_eff[None, :] * 10 ** (-pump_dB / 10)
    chain_total = {
        port: loss + couplers[port][None, :] for port, loss in chains.loss_dB.items()
    }
    counts, edges = np.histogram(efficiency, bins=10)
    info: dict[str, Any] = dict(chip.info["network"])
    summary = NetworkSummary(
        topology=str(info["topology"]),
        levels=int(info["levels"]),
        switches=int(info["switches"]),
        fibres=int(info["fibres"]),
        chain_loss_dB={p: [round(float(v.min()), 4), round(float(v.max()), 4)]
                       for p, v in chain_total.items()},
        detection_min=round(float(efficiency.min()), 6),
        detection_mean=round(float(efficiency.mean()), 6),
        detection_max=round(float(efficiency.max()), 6),
        detection_histogram=([int(c) for c in counts], [round(float(e), 6) for e in edges]),
        qubitrons=int(efficiency.size),
        solves=int(info["distinct_blocks"]) * 2 + 2,
        runtime_s=round(time.perf_counter() - t0, 3),
    )
    return ChipLevel(
        efficiency=efficiency,
        feed_worst_dB={p: v.max(axis=0) for p, v in chain_total.items()},
        summary=summary,
    )
