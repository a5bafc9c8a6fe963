"""Which ports a routed component really joins: connectivity read back from the drawn layout.

Routes are chains of two-port pieces (straights, bends, S-bends, tapers, interlayer
couplers) and crossings (walked straight through: o1-o3, o2-o4) placed as instances; two
ports touch when they sit at the same point on the same layer facing each other. Following
each chain from a named instance's port to the next named instance's port gives the
connections the mask makes, independent of the netlist that was asked for, so a router that
silently permutes a bundle is caught.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> a = c.add_ref(CELLS["straight"](length=10), name="a")
    >>> w = c.add_ref(CELLS["straight"](length=30), name="wire")
    >>> b = c.add_ref(CELLS["straight"](length=10), name="b")
    >>> _ = w.connect("o1", a.ports["o2"]); _ = b.connect("o1", w.ports["o2"])
    >>> [sorted(pair) for pair in drawn_connections(c, endpoints={"a", "b"})]
    [['a,o2', 'b,o1']]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import gdsfactory as gf

__all__ = ["drawn_connections"]

# a port's position rounded to the database unit, with its layer
_Key = tuple[int, int, object]
# a crossing cell passes light straight through (routing draws the library ``crossing``)
_THROUGH = {"o1": "o3", "o3": "o1", "o2": "o4", "o4": "o2"}


def drawn_connections(
    component: gf.Component, *, endpoints: Iterable[str]
) -> set[frozenset[str]]:
    """Pairs ``{"inst,port", "inst,port"}`` of ``endpoints`` instances joined by drawn routes.

    Args:
        component: the component whose direct instances are the cells and the route pieces.
        endpoints: names of the instances whose ports are net ends (everything else is a
            route piece and is walked through; a crossing straight through; any other piece
            with more than two optical ports ends the walk).

    Returns:
        the set of joined port pairs (an endpoint port joined to nothing is left out).
    """
    ends = set(endpoints)
    dbu = component.kcl.dbu
    at: dict[_Key, list[tuple[str, str]]] = defaultdict(list)
    optical: dict[str, list[str]] = {}
    crossings: set[str] = set()
    for inst in component.insts:
        name = inst.name
        if not name:
            continue
        if inst.cell.name.startswith("crossing"):
            crossings.add(name)
        optical[name] = [p.name for p in inst.ports if p.port_type == "optical" and p.name]
        for p in inst.ports:
            if p.port_type == "optical" and p.name:
                key = (round(p.x / dbu), round(p.y / dbu), p.layer)
                at[key].append((name, p.name))
    touching: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for group in at.values():
        for a in group:
            touching[a].extend(b for b in group if b != a)
    found: set[frozenset[str]] = set()
    for start_inst in sorted(ends):
        for start_port in optical.get(start_inst, []):
            start = (start_inst, start_port)
            seen = {start}
            frontier = list(touching[start])
            while frontier:
                piece, port = frontier.pop()
                if (piece, port) in seen:
                    continue
                seen.add((piece, port))
                if piece in ends:
                    found.add(frozenset({f"{start_inst},{start_port}", f"{piece},{port}"}))
                    continue
                others = [q for q in optical.get(piece, []) if q != port]
                if piece in crossings and port in _THROUGH:
                    others = [_THROUGH[port]]
                if len(others) != 1:  # not a two-port route piece: the chain ends here
                    continue
                nxt = (piece, others[0])
                seen.add(nxt)
                frontier.extend(t for t in touching[nxt] if t not in seen)
    return found
