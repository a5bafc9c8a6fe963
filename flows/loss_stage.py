"""The build's loss stage, shared by ``quantacore build`` and each sweep point: the placed
tile's loss budget, and for a networked chip the chip-level composition through the tree.

Example:
    >>> from flows.spec import default_chip
    >>> MIN_DETECTION_EFFICIENCY
    0.01
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from components.resonance import wdm_grid_nm
from flows.network_job import ChipLevel, chip_network_detection
from flows.report import DetectorReading, LossSummary, QubitronDetection
from flows.spec import ChipSpec
from routing.tile import feed_port
from simulation.loss_budget import LossReport, loss_budget

#: a qubitron counts as reached when this fraction of the pump fibre's light is detected
MIN_DETECTION_EFFICIENCY = 0.01


@dataclass(frozen=True)
class LossStage:
    """The tile's loss budget, the report's loss summary and detection, and (networked
    chips) the chip-level composition."""

    tile_loss: LossReport
    summary: LossSummary
    detection: QubitronDetection
    chip_level: ChipLevel | None


def run_loss_stage(spec: ChipSpec, chip: Any, tile: Any) -> LossStage:
    """Loss budget of ``tile`` (the cell ``chip`` places) on the spec's WDM grid; through the
    network when ``chip`` has one (``flows.network_job``).

    Args:
        spec: the chip spec (WDM grid, qubitron count).
        chip: the chip layout (``routing.chip.chip_layout``).
        tile: the placed tile cell (``chip_tile(layout.placed_tile())``).
    """
    grid_um = wdm_grid_nm(
        centre_nm=spec.wdm.centre_nm, spacing_nm=spec.wdm.spacing_nm,
        channels=spec.array.tile_columns,
    ) * 1e-3
    tile_loss = loss_budget(tile, centre_wl_um=spec.wdm.centre_nm * 1e-3, detector_wl_um=grid_um)
    pump_input = feed_port(tile, "pump_in")
    networked = "network" in chip.info
    chip_level = (
        chip_network_detection(chip, tile_loss, channels_um=list(grid_um),
                               split=spec.network.split_trees()) if networked else None
    )
    summary = LossSummary(
        scope="one tile (every tile is the same cell); the network section composes the "
        "chip's paths" if networked else "one tile (every tile is the same cell)",
        paths=len(tile_loss.paths),
        # detector paths are reported on their own WDM channel in qubitron_detection
        worst=[p for p in tile_loss.paths if not p.to_detector][:10],
        insertion_loss_dB=[p.insertion_loss_dB for p in tile_loss.paths],
    )
    detection = (
        qubitron_detection(tile_loss, tile.info["qubitrons"], input_port=pump_input)
        if chip_level is None
        else chip_detection(chip_level.efficiency, tile_loss, spec.n_qubitrons,
                            input_port=pump_input)
    )
    return LossStage(tile_loss, summary, detection, chip_level)


def qubitron_detection(
    loss: LossReport, n_qubitrons: int, *, input_port: str
) -> QubitronDetection:
    """Per-qubitron detection efficiency of the pump path (fibre -> qubitron detector), on its
    WDM channel, for a tile with its own fibres."""
    per_qubitron = {
        d.detector: DetectorReading(
            efficiency=round(d.efficiency, 6), wl_nm=round(d.wl_um * 1e3, 4)
        )
        for d in loss.detectors
        if d.input == input_port
    }
    reached = [v for v in per_qubitron.values() if v.efficiency >= MIN_DETECTION_EFFICIENCY]
    return QubitronDetection(
        reachable=len(reached),
        expected=n_qubitrons,
        min_efficiency=MIN_DETECTION_EFFICIENCY,
        detector_efficiency=per_qubitron,
    )


def chip_detection(
    efficiency: np.ndarray, tile_loss: LossReport, n_qubitrons: int, *, input_port: str
) -> QubitronDetection:
    """Detection efficiency through the network (fibre -> tree -> tile -> detector): each of
    the tile's qubitrons at its worst tile; reachable counts every qubitron of the chip."""
    worst = efficiency.min(axis=0)
    per_qubitron: dict[str, DetectorReading] = {}
    for d in tile_loss.detectors:
        if d.input == input_port:
            k = len(per_qubitron)
            per_qubitron[d.detector] = DetectorReading(
                efficiency=round(float(worst[k]), 6), wl_nm=round(d.wl_um * 1e3, 4)
            )
    return QubitronDetection(
        reachable=int((efficiency >= MIN_DETECTION_EFFICIENCY).sum()),
        expected=n_qubitrons,
        min_efficiency=MIN_DETECTION_EFFICIENCY,
        detector_efficiency=per_qubitron,
    )
