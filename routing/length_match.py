"""Length matching: a meander (trombone of four PDK Euler bends) that lengthens a straight.

A straight segment of span S between two ports is replaced by the same span holding one
meander, so the ports stay where they are and the path gets ``extra_length_um`` longer:

.. code::

                 ____             h = (extra - 4 (L_bend - R)) / 2
                |    |            R: the bend's effective radius (port offset R, R)
                |    |            L_bend: the bend's path length
        o1 _____|    |_____ o2

The four 90 deg bends are the library's ``bend_euler`` (the PDK's bend-radius check), the
legs the library's ``straight``. Four bends cover 4 R of span and add 4 (L_bend - R) even
with no leg, so a meander cannot add less than :func:`min_extra_length_um`. The meander rises
``2 R + h`` (plus half the core width) on the left of the route's direction: keep that free.

Example:
    >>> c = length_matched_straight(span_um=400.0, extra_length_um=150.0,
    ...                             cross_section="strip_wg2", radius_um=30.0)
    >>> round(c.info["path_length_um"] - 400.0, 3), c.ports["o2"].center
    (150.0, (400.0, 0.0))
"""

from __future__ import annotations

from collections.abc import Mapping

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec

from components.bend_euler import bend_euler
from components.straight import straight

__all__ = [
    "length_match_extras_um",
    "length_matched_straight",
    "meander",
    "min_extra_length_um",
    "path_length_um",
]

GRID_UM = 0.001


def _bend(cross_section: CrossSectionSpec, radius_um: float | None) -> gf.Component:
    return bend_euler(radius=radius_um, cross_section=cross_section)


def _bend_radius_and_length(bend: gf.Component) -> tuple[float, float]:
    r = float(bend.ports["o2"].center[0] - bend.ports["o1"].center[0])
    return r, float(bend.info["length"])


def min_extra_length_um(
    *, cross_section: CrossSectionSpec = "strip_wg2", radius_um: float | None = None
) -> float:
    """Smallest extra length (um) one meander adds: 4 (L_bend - R), legs of zero length.

    Example:
        >>> 0 < min_extra_length_um(cross_section="strip_wg2", radius_um=30.0) < 120
        True
    """
    r, lb = _bend_radius_and_length(_bend(cross_section, radius_um))
    return 4 * (lb - r)


def path_length_um(component: gf.Component) -> float:
    """Sum of the ``length`` info of ``component``'s instances (a drawn route's path length).

    Example:
        >>> path_length_um(meander(extra_length_um=200.0, radius_um=30.0)) > 200.0
        True
    """
    return float(sum(float(inst.cell.info["length"]) for inst in component.insts))


def length_match_extras_um(path_lengths_um: Mapping[str, float]) -> dict[str, float]:
    """Extra length (um) each net needs to match the longest of ``path_lengths_um``.

    Example:
        >>> length_match_extras_um({"a": 100.0, "b": 250.0})
        {'a': 150.0, 'b': 0.0}
    """
    if not path_lengths_um:
        raise ValueError("path_lengths_um is empty: nothing to match")
    longest = max(path_lengths_um.values())
    return {k: float(longest - v) for k, v in path_lengths_um.items()}


@gf.cell
def meander(
    extra_length_um: float = 200.0,
    cross_section: CrossSectionSpec = "strip_wg2",
    radius_um: float | None = None,
) -> gf.Component:
    """One trombone of four Euler bends adding ``extra_length_um`` over its 4 R span.

    o1 at (0, 0) facing west, o2 at (4 R, 0) facing east; the meander rises on +y.

    Args:
        extra_length_um: path length added over a straight of the same span (um);
            at least :func:`min_extra_length_um`.
        cross_section: the route's cross-section.
        radius_um: the bends' effective radius (um); default the cross-section's.

    Raises:
        ValueError: ``extra_length_um`` below what four bends add by themselves.

    Example:
        >>> m = meander(extra_length_um=200.0, cross_section="strip_wg2", radius_um=30.0)
        >>> m.ports["o2"].center
        (120.0, 0.0)
    """
    bend = _bend(cross_section, radius_um)
    r, lb = _bend_radius_and_length(bend)
    least = 4 * (lb - r)
    if not extra_length_um >= least - 1e-9:
        raise ValueError(
            f"extra_length_um={extra_length_um} is below {least:.3f} um, the least a meander "
            f"of four {r:g} um bends adds; use a smaller radius_um or match to a longer net"
        )
    leg = round(max(0.0, (extra_length_um - least) / 2) / GRID_UM) * GRID_UM
    c = gf.Component()
    b1 = c << bend  # east -> north (left turn)
    port = b1.ports["o2"]
    for turn in ("leg", "right", "right", "leg", "left"):
        if turn == "leg":
            if leg <= 0:
                continue
            ref = c << straight(length=leg, cross_section=cross_section)
            ref.connect("o1", port)
            port = ref.ports["o2"]
        elif turn == "left":
            ref = c << bend
            ref.connect("o1", port)
            port = ref.ports["o2"]
        else:  # right turn: the bend entered backwards
            ref = c << bend
            ref.connect("o2", port)
            port = ref.ports["o1"]
    c.add_port("o1", port=b1.ports["o1"])
    c.add_port("o2", port=port)
    c.info["extra_length_um"] = float(path_length_um(c) - 4 * r)
    c.info["height_um"] = float(2 * r + leg)
    return c


@gf.cell
def length_matched_straight(
    span_um: float = 400.0,
    extra_length_um: float = 200.0,
    cross_section: CrossSectionSpec = "strip_wg2",
    radius_um: float | None = None,
) -> gf.Component:
    """A straight segment of ``span_um`` (o1 at (0, 0) west, o2 at (span, 0) east) whose path
    is ``extra_length_um`` longer: a centred :func:`meander` between two straights.

    With ``extra_length_um == 0`` it is a plain straight.

    Args:
        span_um: distance between the segment's ports (um); at least 4 R with a meander.
        extra_length_um: path length to add (um), 0 or >= :func:`min_extra_length_um`.
        cross_section: the route's cross-section.
        radius_um: the meander bends' effective radius (um); default the cross-section's.

    Raises:
        ValueError: negative extra, a span shorter than the meander, extra under the minimum.

    Example:
        >>> c = length_matched_straight(span_um=300.0, extra_length_um=0.0)
        >>> c.info["path_length_um"]
        300.0
    """
    if extra_length_um < 0:
        raise ValueError(f"extra_length_um={extra_length_um} must be >= 0 um")
    c = gf.Component()
    if extra_length_um == 0:
        ref = c << straight(length=span_um, cross_section=cross_section)
        c.add_ports(ref.ports)
        c.info["path_length_um"] = float(span_um)
        return c
    m = meander(extra_length_um=extra_length_um, cross_section=cross_section, radius_um=radius_um)
    m_span = float(m.ports["o2"].center[0] - m.ports["o1"].center[0])
    if span_um < m_span - 1e-9:
        raise ValueError(f"span_um={span_um} is shorter than the meander's {m_span:g} um span")
    lead = round((span_um - m_span) / 2 / GRID_UM) * GRID_UM
    port = None
    parts: list[gf.Component] = []
    if lead > 0:
        parts.append(straight(length=lead, cross_section=cross_section))
    parts.append(m)
    tail = round((span_um - m_span - lead) / GRID_UM) * GRID_UM
    if tail > 0:
        parts.append(straight(length=tail, cross_section=cross_section))
    first = None
    total = 0.0
    for part in parts:
        ref = c << part
        if port is not None:
            ref.connect("o1", port)
        first = first or ref
        port = ref.ports["o2"]
        total += float(part.info["length"]) if part is not m else path_length_um(m)
    assert first is not None and port is not None
    c.add_port("o1", port=first.ports["o1"])
    c.add_port("o2", port=port)
    c.info["path_length_um"] = total
    return c
