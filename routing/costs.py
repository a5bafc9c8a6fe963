"""What routed waveguide costs, in dB, read from the PDK's compact models.

The router's cost is insertion loss; its three prices come from the same (calibrated) models
the loss budget uses, evaluated once per routing job: propagation per um of straight, the
radiation loss of one 90 deg routing bend, and one crossing.

Example:
    >>> costs = RouteCosts.from_models(radius_um=30.0)
    >>> round(costs.loss_dB_per_um * 1e4, 3)   # dB/cm
    0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import gdsfactory as gf
import numpy as np

__all__ = ["RouteCosts"]


def _loss_dB(sdict: Mapping[tuple[str, str], Any], a: str, b: str) -> float:
    t = np.abs(np.asarray(sdict[(a, b)]).ravel()[0]) ** 2
    return float(-10.0 * np.log10(max(t, 1e-30)))


@dataclass(frozen=True)
class RouteCosts:
    """Prices of routed waveguide in dB (units in the names)."""

    loss_dB_per_um: float
    bend_loss_dB: float
    crossing_loss_dB: float

    @classmethod
    def from_models(
        cls,
        models: Mapping[str, Callable[..., Any]] | None = None,
        *,
        radius_um: float,
        wl_um: float = 1.55,
    ) -> RouteCosts:
        """Prices at ``wl_um`` from ``models`` (default: the active PDK's, calibrated).

        Args:
            models: compact models by name (``straight``, ``bend_euler``, ``crossing``).
            radius_um: effective radius of the routing bends in um.
            wl_um: wavelength in um.
        """
        models = models if models is not None else gf.get_active_pdk().models
        length_um = 1e4
        straight = models["straight"](wl=wl_um, length_um=length_um)
        bend = models["bend_euler"](wl=wl_um, radius_um=radius_um, loss_dB_per_cm=0.0)
        cross = models["crossing"](wl=wl_um)
        return cls(
            loss_dB_per_um=_loss_dB(straight, "o1", "o2") / length_um,
            bend_loss_dB=_loss_dB(bend, "o1", "o2"),
            crossing_loss_dB=_loss_dB(cross, "o1", "o3"),
        )
