"""The QuantaCore router as a gdsfactory routing strategy (for circuit YAML ``routes``).

gdsfactory calls a strategy with the component and two lists of ports; the router works on
``"instance,port"`` references, so each port is traced back to the instance that owns it.

Example:
    >>> import gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> a = c.add_ref(CELLS["straight"](length=20), name="a")
    >>> b = c.add_ref(CELLS["straight"](length=20), name="b")
    >>> _ = b.move((200, 0))
    >>> _ = route_bundle_quantacore(c, [a.ports["o2"]], [b.ports["o1"]])
    >>> len(c.insts) > 2
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gdsfactory as gf

from routing.router import Connection, route_nets


def _owner(component: gf.Component, port: gf.Port) -> str:
    name = port.name
    for inst in component.insts:
        if inst.name and name is not None and name in inst.ports:
            if inst.ports[name].center == port.center:
                return f"{inst.name},{name}"
    raise ValueError(f"port {port.name!r} at {port.center} belongs to no named instance")


def route_bundle_quantacore(
    component: gf.Component,
    ports1: Sequence[gf.Port],
    ports2: Sequence[gf.Port],
    **settings: Any,
) -> list[Any]:
    """Route ``ports1[i]`` to ``ports2[i]`` with the QuantaCore router as one bundle.

    ``settings`` are ``routing.router.route_nets`` keywords (``cross_section``, ``radius_um``,
    ``pitch_um`` ...). The routes are drawn into ``component``; gdsfactory's route objects are
    not produced, so the returned list is empty (the router's report is the record).

    Raises:
        ValueError: unequal port lists, a port no named instance owns, or an unroutable net.
    """
    if len(ports1) != len(ports2):
        raise ValueError(f"ports1 and ports2 differ in length ({len(ports1)} vs {len(ports2)})")
    connections = [
        Connection(source=_owner(component, a), target=_owner(component, b), bundle="yaml")
        for a, b in zip(ports1, ports2, strict=True)
    ]
    result = route_nets(component, connections, **settings)
    if not result.report.ok:
        bad = [n.name for n in result.report.nets if not n.routed]
        raise ValueError(f"route_bundle_quantacore: unroutable nets {bad}")
    return []
