"""Benchmark: the MZI switch's closed-form model vs the same switch solved as a circuit.

The switch model (``components.models.mzi_switch``) composes its parts analytically. The peer
is the general route: the parts' models (``mmi1x2``, two arms as ``straight`` with the
heater's phase, ``mmi2x2``, the output fan-out as ``straight``; the PDK's calibrated
constants) wired as a netlist and solved by the QuantaCore circuit solver and by sax (the
``bench`` extra). The script checks the three agree to 1e-9 in both switch states and prints
the time per evaluation and the ratios, for the 4-channel band (33 wavelengths) and a
10,001-point sweep over 1.50-1.60 um.

    python benchmarks/bench_mzi_switch.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

REPEAT = 20


def _best_s(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    """Fastest of ``repeat`` calls (s): the steady cost, not the first call's imports."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    import quantacore

    pdk = quantacore.activate()
    import sax

    from components import CELLS
    from components.models.mzi_switch import mzi_state_power_mW
    from components.resonance import heater_p_pi_mW
    from simulation.circuit import Circuit, solve_circuit

    models = pdk.models
    mzi = models["mzi_switch"]
    bound = dict(getattr(mzi, "keywords", {}))
    info = CELLS["mzi_switch"]().info
    arm_um, out_um = float(info["arm_length_um"]), float(info["output_length_um"])
    p_pi = heater_p_pi_mW(bound.get("heater_p_pi_mW"))
    theta = bound.get("combiner_cross_phase_deg", 90.0)
    circuit = Circuit(
        instances={"split": "mmi1x2", "up": "arm_up", "down": "arm_down", "comb": "mmi2x2",
                   "fan2": "fan", "fan3": "fan"},
        connections=[("split,o2", "up,o1"), ("split,o3", "down,o1"),
                     ("up,o2", "comb,o2"), ("down,o2", "comb,o1"),
                     ("comb,o3", "fan2,o1"), ("comb,o4", "fan3,o1")],
        ports={"o1": "split,o1", "o2": "fan2,o2", "o3": "fan3,o2"},
    )

    def parts(wl: np.ndarray, power_mW: float) -> dict:
        arm = models["straight"](wl=wl, length_um=arm_um)
        phase = np.exp(1j * np.pi * power_mW / p_pi * 1.55 / wl)
        up = {k: v * phase for k, v in arm.items()}
        return {"mmi1x2": models["mmi1x2"](wl=wl), "mmi2x2": models["mmi2x2"](wl=wl),
                "arm_up": up, "arm_down": arm,
                "fan": models["straight"](wl=wl, length_um=out_um)}

    sax_net = {
        "instances": {i: {"component": k} for i, k in circuit.instances.items()},
        "connections": dict(circuit.connections),
        "ports": dict(circuit.ports),
    }
    def sax_model(s: dict) -> Callable[..., dict]:
        return lambda wl=1.55: s

    def point(wl: np.ndarray, state: str) -> None:
        power = mzi_state_power_mW(state, heater_p_pi_mW=p_pi, combiner_cross_phase_deg=theta)
        ours = mzi(wl=wl, state=state)
        sd = parts(wl, power)
        solved = solve_circuit(circuit, sd)
        circuit_fn, _ = sax.circuit(sax_net, {k: sax_model(s) for k, s in sd.items()},
                                    backend="klu")
        theirs = {k: np.asarray(v) for k, v in circuit_fn(wl=wl).items()}
        pairs = (("o1", "o2"), ("o1", "o3"))
        err = max(float(np.max(abs(ours[k] - solved[k]))) for k in pairs)
        err_sax = max(float(np.max(abs(ours[k] - theirs[k]))) for k in pairs)
        assert err < 1e-9 and err_sax < 1e-9, (err, err_sax)
        t_model = _best_s(lambda: mzi(wl=wl, state=state))
        t_circuit = _best_s(lambda: solve_circuit(circuit, parts(wl, power)))
        t_sax = _best_s(lambda: {k: np.asarray(v) for k, v in circuit_fn(wl=wl).items()},
                        repeat=5)
        port = "o2" if state == "bar" else "o3"
        il = -10 * np.log10(abs(ours[("o1", port)]) ** 2)
        print(f"{state:5s} {len(wl):6d} wl: model {t_model * 1e3:8.3f} ms | quantacore circuit "
              f"{t_circuit * 1e3:8.3f} ms | sax-klu {t_sax * 1e3:8.3f} ms | max |dS| "
              f"{max(err, err_sax):.1e} | IL {il.min():.3f}-{il.max():.3f} dB | ratio "
              f"circuit/model {t_circuit / t_model:6.1f}x, sax/model {t_sax / t_model:6.1f}x")

    band = np.linspace(1546.8, 1553.2, 33) * 1e-3  # the default tile's 4 channels and beyond
    sweep = np.linspace(1.50, 1.60, 10_001)
    for wl in (band, sweep):
        for state in ("bar", "cross"):
            point(wl, state)

if __name__ == "__main__":
    main()
