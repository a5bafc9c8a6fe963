"""Circuit simulation of a gdsfactory component: netlist -> S-matrix over wavelength.

Every distinct cell is solved once and its S-matrix reused by all its instances (sub-circuits
of arrays and repeated cells included).

Example:
    >>> import numpy as np, gdsfactory as gf
    >>> c = gf.components.straight(length=1000.0)   # 1 mm at 0.1 dB/cm
    >>> s = simulate_component(c, wl=np.array([1.55]))
    >>> round(float(-20 * np.log10(abs(s[("o1", "o2")][0]))), 4)
    0.01
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import gdsfactory as gf
import numpy as np
from numpy.typing import ArrayLike

from components.models.sdict import SDict
from simulation.circuit import solve_circuit
from simulation.netlist import Binder, HierarchicalNetlist, extract_netlist


def default_models() -> Mapping[str, Callable[..., SDict]]:
    """The active PDK's models (``quantacore.activate()`` binds the FDTD calibration in)."""
    return gf.get_active_pdk().models


def solve_netlist(
    net: HierarchicalNetlist,
    wl: ArrayLike,
    models: Mapping[str, Callable[..., SDict]] | None = None,
) -> dict[str, SDict]:
    """S-dict of every cell in ``net`` (key -> S-dict), each computed once."""
    models = models or default_models()
    wl = np.atleast_1d(np.asarray(wl, float))
    solved: dict[str, SDict] = {}

    def solve(key: str) -> SDict:
        if key not in solved:
            if key in net.leaves:
                b = net.leaves[key]
                raw = models[b.model](wl=wl, **dict(b.kwargs))
                solved[key] = {
                    k: np.broadcast_to(np.asarray(v, complex), wl.shape) for k, v in raw.items()
                }
            else:
                circuit = net.circuits[key]
                children = {k: solve(k) for k in set(circuit.instances.values())}
                solved[key] = solve_circuit(circuit, children)
        return solved[key]

    solve(net.top)
    return solved


def simulate_component(
    component: gf.Component,
    wl: ArrayLike = 1.55,
    *,
    models: Mapping[str, Callable[..., SDict]] | None = None,
    binder: Binder | None = None,
    expose_detectors: bool = False,
) -> SDict:
    """S-dict of ``component`` at its optical ports over ``wl`` (um).

    A leaf cell with a model is evaluated directly; anything else is extracted as a
    hierarchical netlist and solved bottom-up. With ``expose_detectors`` every detector is an
    extra output port ``det:<instance path>`` (see ``extract_netlist``).
    """
    net = extract_netlist(component, binder, expose_detectors=expose_detectors)
    return solve_netlist(net, wl, models)[net.top]
