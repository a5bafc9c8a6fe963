"""Circuits shared by the solver tests and ``benchmarks/bench_circuit_vs_sax.py``.

Example:
    >>> import numpy as np
    >>> net, sdicts = coupler_mesh(2, np.array([1.55]))
    >>> len(net.instances), len(net.ports)
    (4, 8)
"""

from __future__ import annotations

import numpy as np

from components.models.sdict import reciprocal
from simulation.circuit import Circuit


def coupler_mesh(n: int, wl: np.ndarray, seed: int = 0) -> tuple[Circuit, dict]:
    """An n x n mesh of lossless 2x2 directional couplers, each with its own random phases.

    Coupler ports: w, s in; e, n out (w -> e bar, w -> n cross). Rows join e -> w, columns
    n -> s; the mesh's edges are its 4 n external ports.
    """
    rng = np.random.default_rng(seed)
    instances: dict[str, str] = {}
    sdicts: dict[str, dict] = {}
    connections: list[tuple[str, str]] = []
    for i in range(n):
        for j in range(n):
            name = f"c{i}_{j}"
            theta = rng.uniform(0.2, 1.3)
            # a phase on each port (a fixed one plus a waveguide's dispersion) keeps the
            # coupler unitary and reciprocal: S -> D S D
            lengths = rng.uniform(5.0, 50.0, 4)[:, None]
            offsets = rng.uniform(0, 2 * np.pi, 4)[:, None]
            phase = np.exp(1j * (offsets + 2 * np.pi * 1.6 * lengths / wl))
            d = dict(zip("wsen", phase, strict=True))
            bar, cross = np.cos(theta), 1j * np.sin(theta)
            core = {("w", "e"): bar, ("w", "n"): cross, ("s", "e"): cross, ("s", "n"): bar}
            sdicts[name] = reciprocal({(a, b): d[a] * d[b] * v for (a, b), v in core.items()})
            instances[name] = name
            if j + 1 < n:
                connections.append((f"{name},e", f"c{i}_{j + 1},w"))
            if i + 1 < n:
                connections.append((f"{name},n", f"c{i + 1}_{j},s"))
    ports = {}
    for k in range(n):
        ports |= {f"W{k}": f"c{k}_0,w", f"E{k}": f"c{k}_{n - 1},e"}
        ports |= {f"S{k}": f"c0_{k},s", f"N{k}": f"c{n - 1}_{k},n"}
    return Circuit(instances=instances, connections=connections, ports=ports), sdicts
