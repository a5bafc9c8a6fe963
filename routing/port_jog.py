"""Ports off the routing grid: a short S-bend jog onto the nearest track, then on to a node.

The router's tracks lie every ``pitch_um``; a cell placed anywhere has its ports anywhere. A
port off its track sideways gets gdsfactory's ``bend_s`` (a Bezier S-bend, its length the
shortest multiple of the pitch whose tightest curvature still meets the routing radius);
a port off the grid along its own axis simply starts its route with a straight to the next
node ahead.

Example:
    >>> s = snap_port(x_um=0.0, y_um=2.0, direction=0, pitch_um=5.0, radius_um=30.0,
    ...               cross_section="strip")
    >>> s.node_xy_um, s.start_xy_um, s.jog_offset_um
    ((20.0, 0.0), (20.0, 0.0), -2.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import gdsfactory as gf

from routing.grid import DIRS
from routing.sjog import shortest_jog_um

_TOL_UM = 1e-3


@dataclass(frozen=True)
class PortSnap:
    """Where a port joins the grid.

    Attributes:
        node_xy_um: the grid node the route starts from (um).
        start_xy_um: where the drawn route starts: the port, or the far end of the jog (um).
        jog_offset_um: sideways offset of the S-bend in its own frame (+ = left of the port's
            direction), 0 when the port is on its track.
        jog_length_um: the S-bend's length along the port axis (0 without a jog).
        extra_length_um: waveguide length from the port to ``node_xy_um`` (um).
    """

    node_xy_um: tuple[float, float]
    start_xy_um: tuple[float, float]
    jog_offset_um: float
    jog_length_um: float
    extra_length_um: float


@lru_cache(maxsize=256)
def jog_cell(offset_um: float, length_um: float, cross_section: str) -> gf.Component:
    """gdsfactory's S-bend: o1 at (0, 0) facing west, o2 at (length, offset) facing east."""
    return gf.components.bend_s(size=(length_um, offset_um), cross_section=cross_section)


def snap_port(
    *, x_um: float, y_um: float, direction: int, pitch_um: float, radius_um: float,
    cross_section: str,
) -> PortSnap:
    """Join a port at (x, y) facing ``direction`` (0=E, 1=N, 2=W, 3=S) to the grid."""
    ux, uy = DIRS[direction]
    along, lateral = (x_um, y_um) if uy == 0 else (y_um, x_um)
    sign = ux + uy  # +1 facing +x / +y
    lat_s = round(lateral / pitch_um) * pitch_um
    delta = lat_s - lateral
    length = 0.0
    offset = 0.0
    if abs(delta) > _TOL_UM:
        # in the jog's own frame +y is left of the port's direction
        left_is_plus = direction in (0, 3)
        offset = delta if left_is_plus else -delta
        length = shortest_jog_um(round(offset, 3), pitch_um, radius_um, cross_section)
    start_along = along + sign * length
    k = start_along / pitch_um
    k_s = math.ceil(k - _TOL_UM / pitch_um) if sign > 0 else math.floor(k + _TOL_UM / pitch_um)
    node_along = k_s * pitch_um
    extra = abs(node_along - along)
    if length:
        extra += float(jog_cell(round(offset, 3), length, cross_section).info["length"]) - length

    def xy(a: float, lat: float) -> tuple[float, float]:
        return (a, lat) if uy == 0 else (lat, a)

    return PortSnap(xy(node_along, lat_s), xy(start_along, lat_s), round(offset, 3), length,
                    extra)
