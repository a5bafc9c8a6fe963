"""S-bend: gdsfactory's cubic Bezier ``bend_s`` with its loss from the curvature profile.

The router's off-grid port jogs and the network's fan-outs draw it; registering it here gives
the netlist a model for it (``components.models.s_bend``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components.models.s_bend import s_bend as s_bend_model
from components.registry import OPTICAL, library_cell


def s_bend_kwargs(settings: Mapping[str, Any], info: Mapping[str, Any]) -> dict[str, Any]:
    """Model keyword arguments of a built S-bend: footprint (um) and drawn path length (um).

    Example:
        >>> s_bend_kwargs({"size": (120.0, 8.0)}, {"length": 120.6})
        {'length_um': 120.0, 'offset_um': 8.0, 'path_length_um': 120.6}
    """
    length, offset = settings.get("size", (120.0, 8.0))
    kw: dict[str, Any] = {"length_um": float(length), "offset_um": float(offset)}
    if "length" in info:
        kw["path_length_um"] = float(info["length"])
    return kw


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=s_bend_model,
    model_kwargs=s_bend_kwargs,
    category="bend",
)
def bend_s(
    size: tuple[float, float] = (120.0, 8.0),
    cross_section: CrossSectionSpec = "strip",
) -> gf.Component:
    """S-bend of footprint ``size`` = (length, offset) in um; its tightest radius must meet
    the cross-section's (gdsfactory refuses it otherwise).

    Args:
        size: (length along the heading, lateral offset) in um.
        cross_section: SiN cross-section ("strip", "strip_wg1", "strip_wg2").

    .. code::

                         ___ o2
                       /
        o1 ___________/      offset = size[1]
              size[0]

    Raises:
        ValueError: ``size[0]`` not > 0.
    """
    if not size[0] > 0:
        raise ValueError(f"size: the length size[0] must be > 0 um, got {size[0]!r}")
    return gf.components.bend_s(size=size, cross_section=cross_section)
