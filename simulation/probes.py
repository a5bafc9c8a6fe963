"""Light delivered to a port inside a circuit: cut one connection and read what arrives.

The loss budget reports paths between a component's external ports. A designer also asks
"how much pump reaches qubitron k's input bus?": that port sits inside the circuit. A probe
cuts the connection at ``"instance,port"`` of the top circuit and exposes the feeding side as
an external port, so the solved S-matrix gives the transmission from any input to the point
where the light would enter that instance (the instance itself no longer loads the feed;
exact when it reflects nothing back, as the library's models do not).

Example:
    >>> import gdsfactory as gf, numpy as np
    >>> from components import CELLS
    >>> c = gf.Component()
    >>> a = c.add_ref(CELLS["straight"](length=10_000.0), name="a")   # 1 cm at 0.1 dB/cm
    >>> b = c.add_ref(CELLS["straight"](length=10.0), name="b")
    >>> _ = b.connect("o1", a.ports["o2"])
    >>> _ = c.add_port("in", port=a.ports["o1"]); _ = c.add_port("out", port=b.ports["o2"])
    >>> t = delivered_transmission(c, source="in", probes={"b_in": "b,o1"}, wl=1.55)
    >>> round(float(-10 * np.log10(abs(t["b_in"][0]) ** 2)), 4)
    0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from components.models.sdict import SDict
from simulation.circuit import Circuit, NetlistError
from simulation.netlist import extract_netlist
from simulation.simulate import solve_netlist

__all__ = ["delivered_transmission"]

PROBE_PREFIX = "probe:"


def delivered_transmission(
    component: object,
    *,
    source: str,
    probes: Mapping[str, str],
    wl: ArrayLike,
    models: Mapping[str, Callable[..., SDict]] | None = None,
) -> dict[str, NDArray[np.complex128]]:
    """Field transmission from external port ``source`` to each probed instance port.

    Args:
        component: a gdsfactory component built from the library.
        source: an external optical port of ``component``.
        probes: ``{name: "instance,port"}`` of ports of the component's own instances.
        wl: wavelengths in um.
        models: compact models (default: the active PDK's, calibrated).

    Returns:
        ``{name: complex array over wl}``: the field arriving at each probed port.

    Raises:
        NetlistError: unknown source, or a probe that is not a connected port of the top
            circuit.
    """
    net = extract_netlist(component)  # type: ignore[arg-type]
    top = net.circuits[net.top]
    if source not in top.ports:
        raise NetlistError(f"source {source!r} is not an external port ({sorted(top.ports)})")
    connections = list(top.connections)
    ports = dict(top.ports)
    for name, ref in probes.items():
        pair = next((c for c in connections if ref in c), None)
        if pair is None:
            raise NetlistError(f"probe {name!r}: {ref!r} is not a connected port of the top cell")
        connections.remove(pair)
        feeding = pair[0] if pair[1] == ref else pair[1]
        ports[f"{PROBE_PREFIX}{name}"] = feeding
        ports[f"{PROBE_PREFIX}{name}:cut"] = ref  # the probed instance's side, left open
    net.circuits[net.top] = Circuit(
        instances=top.instances, connections=connections, ports=ports
    )
    wl_arr = np.atleast_1d(np.asarray(wl, float))
    s = solve_netlist(net, wl_arr, models)[net.top]
    zero = np.zeros(wl_arr.shape, complex)
    return {
        name: np.asarray(s.get((source, f"{PROBE_PREFIX}{name}"), zero), complex)
        for name in probes
    }
