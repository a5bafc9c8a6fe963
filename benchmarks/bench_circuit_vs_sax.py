"""Benchmark: QuantaCore circuit solver vs sax (CPU) on the same netlists.

A ladder of add-drop rings joined by waveguides on two buses (multiple reflections between
rings, so the solve is a real linear system, not a product of transmissions), with 100 and
1,000 instances at 1,000 wavelengths; then 2D meshes of 8 x 8, 16 x 16 and 24 x 24 lossless
2x2 couplers (each with its own random phases), where the elimination order matters. Both
solvers get identical instance S-matrices; the script checks they agree to 1e-6 and prints the
time ratios (for the meshes: sax's first answer, JIT included, and its steady second call,
each over ours). sax is the `bench` extra.

    python benchmarks/bench_circuit_vs_sax.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the meshes live in tests/

from components import MODELS
from simulation.circuit import Circuit, solve_circuit
from tests.simulation.meshes import coupler_mesh

N_WL = 1000


def ladder(n_instances: int) -> tuple[dict, dict[str, str]]:
    """Netlist (instances, connections, ports) of rings joined by waveguides, and model keys."""
    n_rings = n_instances // 3
    instances: dict[str, str] = {}
    connections: list[tuple[str, str]] = []
    for k in range(n_rings):
        instances[f"r{k}"] = f"ring{k % 4}"
        if k:
            instances[f"a{k}"] = "wg_a"
            instances[f"b{k}"] = "wg_b"
            connections += [
                (f"r{k - 1},o2", f"a{k},o1"),
                (f"a{k},o2", f"r{k},o1"),
                (f"r{k - 1},o3", f"b{k},o1"),
                (f"b{k},o2", f"r{k},o4"),
            ]
    last = n_rings - 1
    ports = {"in": "r0,o1", "drop": "r0,o4", "through": f"r{last},o2", "add": f"r{last},o3"}
    return {"instances": instances, "connections": connections, "ports": ports}, instances


def constant_model(s):  # noqa: ANN001, ANN201 - sax model returning a fixed S-dict
    return lambda wl=1.55: s


def compare_meshes(wl: np.ndarray) -> None:
    """Circuit solver vs sax on 2D coupler meshes: first answer and steady state."""
    import sax

    for n in (8, 16, 24):
        circuit, sdicts = coupler_mesh(n, wl)
        t0 = time.perf_counter()
        ours = solve_circuit(circuit, sdicts)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours = solve_circuit(circuit, sdicts)
        t_steady = time.perf_counter() - t0

        sax_models = {key: constant_model(s) for key, s in sdicts.items()}
        sax_net = {
            "instances": {i: {"component": k} for i, k in circuit.instances.items()},
            "connections": dict(circuit.connections),
            "ports": dict(circuit.ports),
        }
        t0 = time.perf_counter()
        circuit_fn, _ = sax.circuit(sax_net, sax_models, backend="klu")
        theirs = {k: np.asarray(v) for k, v in circuit_fn(wl=wl).items()}
        t_sax_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = {k: np.asarray(v) for k, v in circuit_fn(wl=wl).items()}
        t_sax = time.perf_counter() - t0
        err = max(float(np.max(abs(ours.get(k, 0) - theirs[k]))) for k in theirs)
        print(
            f"mesh {n:2d}x{n:<2d} ({n * n:3d} couplers) x {len(wl)} wl: quantacore first "
            f"{t_first:6.2f} s, steady {t_steady:6.2f} s | sax-klu first {t_sax_first:6.2f} s, "
            f"steady {t_sax:6.2f} s | max |dS| {err:.1e} | ratio sax/quantacore first "
            f"{t_sax_first / t_first:5.1f}x, steady {t_sax / t_steady:5.1f}x"
        )


def main() -> None:
    import sax

    wl = np.linspace(1.545, 1.555, N_WL)
    ring = MODELS["ring_adddrop"]
    sdicts = {f"ring{i}": ring(wl=wl, radius_um=30.0 + 0.05 * i, gap_um=0.4) for i in range(4)}
    sdicts["wg_a"] = MODELS["straight"](wl=wl, length_um=40.0)
    sdicts["wg_b"] = MODELS["straight"](wl=wl, length_um=55.0)
    # sax gets the same S-matrices through trivial models.
    sax_models = {key: constant_model(s) for key, s in sdicts.items()}
    for n in (100, 1000):
        net, _ = ladder(n)
        circuit = Circuit(
            instances=net["instances"], connections=net["connections"], ports=net["ports"]
        )
        t0 = time.perf_counter()
        ours = solve_circuit(circuit, sdicts)
        t_ours = time.perf_counter() - t0

        sax_net = {
            "instances": {i: {"component": k} for i, k in net["instances"].items()},
            "connections": dict(net["connections"]),
            "ports": net["ports"],
        }
        circuit_fn, info = sax.circuit(sax_net, sax_models, backend="klu")
        t0 = time.perf_counter()
        theirs = circuit_fn(wl=wl)
        theirs = {k: np.asarray(v) for k, v in theirs.items()}
        t_sax_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = {k: np.asarray(v) for k, v in circuit_fn(wl=wl).items()}
        t_sax = time.perf_counter() - t0
        err = max(float(np.max(abs(ours.get(k, 0) - theirs[k]))) for k in theirs)
        n_inst = len(net["instances"])
        print(
            f"{n_inst:5d} instances x {N_WL} wl: quantacore {t_ours:7.3f} s | "
            f"sax-klu {t_sax:7.3f} s "
            f"(first call {t_sax_first:6.2f} s) | max |dS| {err:.1e} | "
            f"speed ratio sax/quantacore {t_sax / t_ours:5.2f}x"
        )
    compare_meshes(wl)


if __name__ == "__main__":
    main()
