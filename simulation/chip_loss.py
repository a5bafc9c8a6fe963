"""Chip-level loss through the inter-tile network, composed from each distinct cell's solve.

A networked chip (``routing.network``) is a tree: from a chip fibre, each level's node sends
the light to one half (the switch set towards it), through that level's routes, to the half's
port, down to a tile. Every block of one size is one cell, so each distinct level is solved
once, on its own: the circuit is cut at its two halves (``extract_netlist(boundary=...)``),
and with the node switched towards half X the solve gives the transmission from the block's
port to X's port. A tile's chain is the product of its levels' transmissions (the tree has no
loops, and the models are reflectionless, so a chain composes by multiplication); the tile's
own circuit (solved once) adds each qubitron's path. N tiles cost O(log N) solves and O(N)
numbers.

Example:
    >>> chain = TreeChains(loss_dB={"pump_in": np.array([[1.0], [1.5]])},
    ...                    origins_um=np.array([[0.0, 0.0], [100.0, 0.0]]))
    >>> chain.worst_dB("pump_in")
    1.5
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import kfactory as kf
import numpy as np

from components.models.sdict import SDict
from components.registry import ModelBinding, bind_cell
from simulation.netlist import extract_netlist
from simulation.simulate import default_models, solve_netlist


@dataclass(frozen=True)
class TreeChains:
    """Per tile (tree order): chain loss in dB from each tree's root port to the tile's
    port (``loss_dB[port]``, shape (tiles, wavelengths)), and the tile's origin in the
    block's coordinates (um, shape (tiles, 2))."""

    loss_dB: dict[str, np.ndarray]
    origins_um: np.ndarray

    def worst_dB(self, port: str) -> float:
        """Largest chain loss (dB) of tree ``port`` over the tiles and wavelengths."""
        return float(np.max(self.loss_dB[port]))


def _switched_binder(state: str | None) -> Callable[..., ModelBinding | None]:
    """The library binder with every MZI node in ``state`` ("bar", "cross", or None:
    unheated, a 3 dB split)."""

    def binder(cell: kf.DKCell) -> ModelBinding | None:
        binding = bind_cell(cell)
        if binding is None or binding.model != "mzi_switch":
            return binding
        kwargs = dict(binding.kwargs) | {"state": state}
        return ModelBinding(binding.model, tuple(sorted(kwargs.items())), binding.category)

    return binder


def level_branch_loss_dB(
    block: kf.DKCell,
    *,
    wl_um: Sequence[float],
    models: Mapping[str, Callable[..., SDict]] | None = None,
    split: tuple[str, ...] = (),
) -> dict[str, dict[str, np.ndarray]]:
    """Loss (dB per wavelength) from each of ``block``'s tree ports to each half's port, with
    the port's node switched towards that half (unheated, splitting to both, for the trees
    in ``split``); only this level is solved.

    Args:
        block: a ``routing.network.tree_block`` cell (``info["branches"]`` names, per tree
            port, the node output towards each half).
        wl_um: wavelengths in um.
        models: compact models (default: the active PDK's, calibrated).
        split: tree ports whose node is unheated (a broadcast), e.g. ("pump_in",).

    Returns:
        ``{port: {"A": loss_dB, "B": loss_dB}}``, arrays of ``len(wl_um)``.
    """
    models = models or default_models()
    branches = block.info["branches"]
    out: dict[str, dict[str, np.ndarray]] = {port: {} for port in branches}
    # which MZI state sends o1 to o2 / o3 (the model's own convention)
    probe = models["mzi_switch"](wl=1.55, state="bar")
    bar_output = "o2" if abs(probe[("o1", "o2")]) ** 2 > abs(probe[("o1", "o3")]) ** 2 else "o3"
    solved: dict[str | None, SDict] = {}
    for port, halves in branches.items():
        for half, output in halves.items():
            # the tree node's fan-out keeps its switch's port names (tree_node: o2 upper ...),
            # so the node output names the switch output it carries
            state: str | None = (
                None if port in split
                else "bar" if _switch_output(block, port, output) == bar_output else "cross")
            if state not in solved:
                net = extract_netlist(block, _switched_binder(state),
                                      boundary=("A", "B"))
                solved[state] = solve_netlist(net, list(wl_um), models)[net.top]
            t = solved[state][(port, f"{half},{port}")]
            out[port][half] = -10 * np.log10(np.maximum(np.abs(np.asarray(t)) ** 2, 1e-30))
    return out


def _switch_output(block: kf.DKCell, port: str, node_output: str) -> str:
    """The switch port (o2 / o3) behind tree node output ``node_output`` of tree ``port``."""
    node = block.insts[f"node_{port}"].cell
    return str(node.info["switch_ports"][node_output])


def tree_chains(
    chip_root: kf.DKCell,
    *,
    wl_um: Sequence[float],
    models: Mapping[str, Callable[..., SDict]] | None = None,
    split: tuple[str, ...] = (),
) -> TreeChains:
    """Chain loss from every tree port of ``chip_root`` to every tile (tree order), each
    distinct block solved once; the trees in ``split`` have their MZIs unheated (each level
    splits the light to both halves: a broadcast).

    Args:
        chip_root: the root block of a networked chip (``routing.network.block``), or a tile.
        wl_um: wavelengths in um (a tile's WDM channels, say).
        models: compact models (default: the active PDK's).
        split: tree ports whose MZIs are unheated (broadcast), e.g. ("pump_in", "stokes_in").

    Returns:
        ``TreeChains`` over the root's tiles, origins in the root's coordinates.
    """
    models = models or default_models()
    memo: dict[str, TreeChains] = {}

    def visit(cell: kf.DKCell) -> TreeChains:
        if cell.name in memo:
            return memo[cell.name]
        if "branches" not in cell.info:  # a tile: the chain ends here
            result = TreeChains(loss_dB={}, origins_um=np.zeros((1, 2)))
        else:
            level = level_branch_loss_dB(cell, wl_um=wl_um, models=models, split=split)
            parts = []
            for half in ("A", "B"):
                inst = cell.insts[half]
                sub = visit(inst.cell)
                disp = np.array([inst.dcplx_trans.disp.x, inst.dcplx_trans.disp.y])
                below = {port: sub.loss_dB.get(port, np.zeros((1, len(wl_um)))) for port in level}
                loss = {port: level[port][half][None, :] + below[port] for port in level}
                parts.append((loss, sub.origins_um + disp))
            result = TreeChains(
                loss_dB={port: np.concatenate([loss[port] for loss, _ in parts])
                         for port in parts[0][0]},
                origins_um=np.concatenate([origins for _, origins in parts]),
            )
        memo[cell.name] = result
        return result

    return visit(chip_root)
