"""Draw routed nets as library instances: straights, Euler bends and crossing cells.

A path on the routing grid is a port, corner nodes and a port, plus the crossing nodes it
passes. Every corner is one ``bend_euler`` of effective radius R (its ports R before and R
after the corner, as the grid reserved), and every straight stretch between bends, ports and
crossing cells is one ``straight`` instance. Instances are placed with integer transformations
computed here rather than by ``gf.routing.route_single``: that routes and validates each piece
anew (~5 ms a piece), which dominates for layouts with thousands of crossings, while the
geometry here is already fixed and on the grid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import gdsfactory as gf
import klayout.db as kdb

from routing.grid import DIRS

StraightFactory = Callable[[float], gf.Component]


class RouteDrawer:
    """Places the instances of routed nets into ``component``.

    Args:
        component: the component to draw into.
        straight: ``length_um -> straight cell`` (cached here per length).
        bend: the 90 deg Euler bend cell; o1 at (0, 0) facing west, o2 at (R, R) facing north.
        jog: ``(offset_um, length_um) -> S-bend cell``, o1 at (0, 0) facing west, o2 at
            (length, offset) facing east (segments of a path that shift sideways).
        radius_um: the bend's effective radius R.
        crossing_half_um: half the crossing cell's length (port to centre).
    """

    def __init__(
        self, component: gf.Component, straight: StraightFactory, bend: gf.Component,
        radius_um: float, crossing_half_um: float,
        jog: Callable[[float, float], gf.Component] | None = None,
    ) -> None:
        self.c = component
        self.dbu = component.kcl.dbu
        self._straight_factory = straight
        self._straights: dict[int, gf.Component] = {}
        self.bend = bend
        self.r = radius_um
        self.h = crossing_half_um
        self.placed: list[gf.ComponentReference] = []  # instances of the net being drawn
        self._jog_factory = jog

    def _jog(self, offset_um: float, length_um: float) -> gf.Component:
        if self._jog_factory is None:
            raise ValueError("this drawer was given no S-bend factory for jogs")
        return self._jog_factory(offset_um, length_um)

    def _db(self, v: float) -> int:
        return round(v / self.dbu)

    def _straight(self, x: float, y: float, d: int, length_um: float) -> None:
        n = self._db(length_um)
        if n <= 0:
            return
        cell = self._straights.get(n)
        if cell is None:
            cell = self._straights[n] = self._straight_factory(n * self.dbu)
        ref = self.c.add_ref(cell)
        ref.trans = kdb.Trans(d, False, self._db(x), self._db(y))
        self.placed.append(ref)

    def _bend(self, x: float, y: float, din: int, dout: int) -> None:
        ref = self.c.add_ref(self.bend)
        right = dout != (din + 1) % 4
        ref.trans = kdb.Trans(din, right, self._db(x), self._db(y))
        self.placed.append(ref)

    def draw(
        self, points: list[tuple[float, float]], crossings: Iterable[tuple[float, float]]
    ) -> list[gf.ComponentReference]:
        """Draw one net through ``points`` (port, corners..., port; um, Manhattan), placing
        straights around the crossing centres ``crossings`` (cells placed by the caller);
        returns the instances placed."""
        self.placed = []
        xs = set(crossings)
        dirs = [_direction(a, b) for a, b in zip(points[:-1], points[1:], strict=True)]
        jogs = [_is_jog(a, b) for a, b in zip(points[:-1], points[1:], strict=True)]
        last = len(points) - 1

        def bend_at(i: int) -> bool:
            return 0 < i < last and not jogs[i - 1] and not jogs[i]

        for i, d in enumerate(dirs):
            (ax, ay), (bx, by) = points[i], points[i + 1]
            ux, uy = DIRS[d]
            if jogs[i]:  # an S-bend: along d, shifting to the left by the lateral offset
                along = (bx - ax) * ux + (by - ay) * uy
                left = -(bx - ax) * uy + (by - ay) * ux
                ref = self.c.add_ref(self._jog(round(left, 3), round(along, 3)))
                ref.trans = kdb.Trans(d, False, self._db(ax), self._db(ay))
                self.placed.append(ref)
                continue
            lo = self.r if bend_at(i) else 0.0
            hi = abs(bx - ax) + abs(by - ay) - (self.r if bend_at(i + 1) else 0.0)
            cuts = sorted(
                (px - ax) * ux + (py - ay) * uy
                for px, py in xs
                if _on_leg((px, py), (ax, ay), (bx, by))
            )
            pos = lo
            for t in cuts:
                self._straight(ax + ux * pos, ay + uy * pos, d, t - self.h - pos)
                pos = t + self.h
            self._straight(ax + ux * pos, ay + uy * pos, d, hi - pos)
            if bend_at(i + 1):
                self._bend(bx - ux * self.r, by - uy * self.r, d, dirs[i + 1])
        return self.placed


def _is_jog(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(b[0] - a[0]) > 1e-9 and abs(b[1] - a[1]) > 1e-9


def _direction(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Heading from a to b (for an S-jog: along its longer axis)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if abs(dy) <= abs(dx):
        return 0 if dx > 0 else 2
    return 1 if dy > 0 else 3


def _on_leg(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
    (px, py), (ax, ay), (bx, by) = p, a, b
    if abs(ay - by) < 1e-9:
        return abs(py - ay) < 1e-9 and min(ax, bx) < px < max(ax, bx)
    return abs(px - ax) < 1e-9 and min(ay, by) < py < max(ay, by)
