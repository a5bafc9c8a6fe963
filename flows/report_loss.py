"""Loss on each qubitron's own WDM channel: the path a designer asks about.

The tile's loss budget breaks paths down at the grid centre, where a fibre-to-detector path
through a ring sits between channels (tens of dB). A qubitron is driven and read on its own
channel, so here each detector's path from the pump fibre is broken down at the wavelength
where that detector reads best (its channel, found by the loss stage).

Example:
    >>> import gdsfactory as gf
    >>> from components.qubitron import qubitron
    >>> c = gf.Component("channel_paths_example")
    >>> q = c.add_ref(qubitron(), name="q")
    >>> _ = c.add_port("fibre_pump_in", port=q.ports["o1"])
    >>> _ = c.add_port("out", port=q.ports["o2"])
    >>> on_resonance_nm = q.cell.info["resonance_wl_nm"]  # the qubitron's own channel
    >>> [path] = qubitron_channel_paths(c, {"q/d1": on_resonance_nm})
    >>> path.output, 0 < path.insertion_loss_dB < 10, "qubitron" in path.breakdown_dB
    ('det:q/d1', True, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from simulation.loss_budget import PathLoss, loss_budget
from simulation.netlist import DETECTOR_PREFIX

__all__ = ["qubitron_channel_paths"]


def qubitron_channel_paths(
    tile: Any,
    channel_nm: Mapping[str, float],
    *,
    input_port: str = "fibre_pump_in",
) -> list[PathLoss]:
    """Each detector's path from ``input_port``, broken down on the detector's own channel.

    Args:
        tile: the routed tile (a gdsfactory component of the library's cells).
        channel_nm: ``{detector instance path: wavelength in nm}``, e.g. the build report's
            ``qubitron_detection.detector_efficiency`` wavelengths.
        input_port: the tile port the light enters by.

    Returns:
        one ``PathLoss`` per detector found (order of ``channel_nm``); insertion loss in dB at
        the channel wavelength, the band min/max equal to it (a single wavelength).

    One circuit solve per distinct channel (the tile's channel count, not the chip's
    qubitrons): the circuit solver reuses every sub-circuit within a solve.
    """
    by_wl: dict[float, list[str]] = defaultdict(list)
    for detector, wl_nm in channel_nm.items():
        by_wl[round(float(wl_nm), 6)].append(detector)
    found: dict[str, PathLoss] = {}
    for wl_nm, detectors in by_wl.items():
        wl_um = wl_nm * 1e-3
        budget = loss_budget(tile, [wl_um], centre_wl_um=wl_um, detector_wl_um=[wl_um])
        for detector in detectors:
            try:
                found[detector] = budget.path(input_port, DETECTOR_PREFIX + detector)
            except KeyError:
                continue  # below the reporting floor on its own channel: not reached
    return [found[d] for d in channel_nm if d in found]
