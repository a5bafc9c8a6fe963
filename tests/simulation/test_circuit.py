"""The circuit solver against closed forms, and its contracts."""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
import pytest

from components import MODELS
from components.models.ring import adddrop_response, ring_round_trip, ring_self_coupling
from components.models.sdict import reciprocal, to_matrix
from quantacore import activate
from simulation.circuit import Circuit, NetlistError, solve_circuit
from simulation.simulate import simulate_component
from tests.simulation.meshes import coupler_mesh

WL = np.linspace(1.545, 1.555, 401)


def _coupler(t: np.ndarray | float) -> dict:
    """Lossless point coupler: bus b1 -> b2 (t), b1 -> ring r1 (i kappa), ring r2 -> r1 (t)."""
    t = np.broadcast_to(np.asarray(t, float), WL.shape)
    k = 1j * np.sqrt(1 - t**2)
    return reciprocal({("b1", "b2"): t, ("b1", "r1"): k, ("r2", "b2"): k, ("r2", "r1"): t})


def _guide(transmission: np.ndarray) -> dict:
    return reciprocal({("w1", "w2"): transmission})


def test_cascaded_waveguides_add_their_losses_in_dB() -> None:
    lengths = [1000.0, 2500.0, 4000.0]
    sdicts = {f"wg{i}": MODELS["straight"](wl=WL, length_um=L) for i, L in enumerate(lengths)}
    net = Circuit(
        instances={"a": "wg0", "b": "wg1", "c": "wg2"},
        connections=[("a,o2", "b,o1"), ("b,o2", "c,o1")],
        ports={"in": "a,o1", "out": "c,o2"},
    )
    total = solve_circuit(net, sdicts)[("in", "out")]
    each_dB = [-20 * np.log10(abs(s[("o1", "o2")])) for s in sdicts.values()]
    np.testing.assert_allclose(-20 * np.log10(abs(total)), sum(each_dB), rtol=0, atol=1e-9)
    expected_phase = np.prod([s[("o1", "o2")] for s in sdicts.values()], axis=0)
    np.testing.assert_allclose(total, expected_phase, atol=1e-12)


def test_ring_from_coupler_and_waveguide_matches_closed_form() -> None:
    t = ring_self_coupling(wl=WL, radius_um=30.0, gap_um=0.4)
    a, phi = ring_round_trip(wl=WL, radius_um=30.0)
    net = Circuit(
        instances={"cp": "coupler", "ring": "loop"},
        connections=[("cp,r1", "ring,w1"), ("ring,w2", "cp,r2")],
        ports={"o1": "cp,b1", "o2": "cp,b2"},
    )
    s = solve_circuit(net, {"coupler": _coupler(t), "loop": _guide(a * np.exp(1j * phi))})
    model = MODELS["ring_allpass"](wl=WL, radius_um=30.0, gap_um=0.4)
    np.testing.assert_allclose(s[("o1", "o2")], model[("o1", "o2")], rtol=0, atol=1e-6)


def test_add_drop_ring_from_two_couplers_matches_closed_form() -> None:
    t1 = ring_self_coupling(wl=WL, radius_um=30.0, gap_um=0.4)
    t2 = ring_self_coupling(wl=WL, radius_um=30.0, gap_um=0.5)
    a, phi = ring_round_trip(wl=WL, radius_um=30.0)
    half = np.sqrt(a) * np.exp(0.5j * phi)
    net = Circuit(
        instances={"bot": "c1", "top": "c2", "left": "half", "right": "half"},
        connections=[
            ("bot,r1", "right,w1"),
            ("right,w2", "top,r2"),
            ("top,r1", "left,w1"),
            ("left,w2", "bot,r2"),
        ],
        ports={"o1": "bot,b1", "o2": "bot,b2", "o3": "top,b1", "o4": "top,b2"},
    )
    s = solve_circuit(net, {"c1": _coupler(t1), "c2": _coupler(t2), "half": _guide(half)})
    closed = adddrop_response(t1, t2, a, phi)
    np.testing.assert_allclose(s[("o1", "o2")], closed["through"], atol=1e-6)
    np.testing.assert_allclose(s[("o1", "o4")], closed["drop"], atol=1e-6)


def _mzi() -> tuple[Circuit, dict]:
    phase = np.exp(1j * 2 * np.pi * 1.6 * 100.0 / WL)
    return (
        Circuit(
            instances={"c1": "cp", "c2": "cp", "up": "arm1", "dn": "arm2"},
            connections=[
                ("c1,r1", "up,w1"),
                ("up,w2", "c2,r2"),
                ("c1,b2", "dn,w1"),
                ("dn,w2", "c2,b1"),
            ],
            ports={"i1": "c1,b1", "i2": "c1,r2", "o1": "c2,b2", "o2": "c2,r1"},
        ),
        {"cp": _coupler(np.sqrt(0.5)), "arm1": _guide(phase), "arm2": _guide(phase * 1j)},
    )


def test_lossless_network_is_unitary_and_reciprocal() -> None:
    net, sdicts = _mzi()
    ports, m = to_matrix(solve_circuit(net, sdicts), ["i1", "i2", "o1", "o2"])
    eye = np.eye(4)
    for k in range(0, len(WL), 50):
        np.testing.assert_allclose(m[k].conj().T @ m[k], eye, atol=1e-12)
        np.testing.assert_allclose(m[k], m[k].T, atol=1e-12)


@pytest.fixture(scope="module")
def pdk():
    return activate()


def _chain(name: str, unit: gf.Component, n: int) -> gf.Component:
    c = gf.Component(name)
    prev = None
    for _ in range(n):
        ref = c << unit
        if prev is not None:
            ref.connect("o1", prev.ports["o2"])
        prev = ref
    c.add_port("o1", port=c.insts[0].ports["o1"])
    c.add_port("o2", port=prev.ports["o2"])
    return c


def test_repeated_subcell_equals_flat_circuit(pdk) -> None:
    straight = gf.components.straight(length=200.0)
    bend = gf.components.bend_euler(radius=30.0)
    unit = gf.Component("unit_s_bend")  # straight + S-bend, so a chain of units runs east
    s = unit << straight
    b1 = unit << bend
    b1.connect("o1", s.ports["o2"])
    b2 = unit << bend
    b2.connect("o1", b1.ports["o2"], mirror=True)
    unit.add_port("o1", port=s.ports["o1"])
    unit.add_port("o2", port=b2.ports["o2"])
    hier = _chain("hier_chain", unit, 4)
    flat = gf.Component("flat_chain")
    prev = None
    for _ in range(4):
        for part, mirror in ((straight, False), (bend, False), (bend, True)):
            ref = flat << part
            if prev is not None:
                ref.connect("o1", prev.ports["o2"], mirror=mirror)
            prev = ref
    flat.add_port("o1", port=flat.insts[0].ports["o1"])
    flat.add_port("o2", port=prev.ports["o2"])
    s_h = simulate_component(hier, WL)
    s_f = simulate_component(flat, WL)
    np.testing.assert_allclose(s_h[("o1", "o2")], s_f[("o1", "o2")], atol=1e-12)


def test_unknown_model_is_named() -> None:
    net = Circuit(instances={"x": "no_such_model"}, connections=[], ports={"o1": "x,o1"})
    with pytest.raises(NetlistError, match="instance 'x'.*no_such_model"):
        solve_circuit(net, {})


def test_floating_instance_is_named() -> None:
    wg = MODELS["straight"](wl=WL, length_um=10.0)
    net = Circuit(
        instances={"a": "wg", "lonely": "wg"}, connections=[], ports={"in": "a,o1", "out": "a,o2"}
    )
    with pytest.raises(NetlistError, match="'lonely' is not connected"):
        solve_circuit(net, {"wg": wg})


def test_bad_port_is_named() -> None:
    wg = MODELS["straight"](wl=WL, length_um=10.0)
    net = Circuit(instances={"a": "wg"}, connections=[], ports={"in": "a,o7"})
    with pytest.raises(NetlistError, match="no port 'o7'"):
        solve_circuit(net, {"wg": wg})


def _random_passive(rng: np.random.Generator, n_ports: int, n_wl: int) -> dict:
    """Random reciprocal, strictly passive S-dict (scaled symmetric matrices)."""
    m = rng.normal(size=(n_wl, n_ports, n_ports)) + 1j * rng.normal(size=(n_wl, n_ports, n_ports))
    m = m + np.swapaxes(m, -1, -2)
    m *= 0.9 / np.linalg.norm(m, ord=2, axis=(-2, -1))[:, None, None]
    names = [f"p{i}" for i in range(n_ports)]
    return {(a, b): m[:, j, i] for i, a in enumerate(names) for j, b in enumerate(names)}


@pytest.mark.parametrize("seed", range(8))
def test_elimination_and_sparse_lu_agree_on_random_networks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_inst = int(rng.integers(3, 12))
    sizes = {f"k{i}": int(rng.integers(2, 5)) for i in range(n_inst)}
    sdicts = {k: _random_passive(rng, n, 7) for k, n in sizes.items()}
    free = [f"k{i},p{p}" for i in range(n_inst) for p in range(sizes[f"k{i}"])]
    rng.shuffle(free)
    ports = {f"e{i}": free.pop() for i in range(3)}
    pairs = [(free.pop(), free.pop()) for _ in range(len(free) // 2 - 1)]  # two stay dangling
    used = {r.split(",")[0] for pair in pairs for r in pair} | {
        r.split(",")[0] for r in ports.values()
    }
    net = Circuit(instances={i: i for i in sorted(used)}, connections=pairs, ports=ports)
    a = solve_circuit(net, sdicts, method="elimination")
    b = solve_circuit(net, sdicts, method="sparse")
    for key in set(a) | set(b):
        np.testing.assert_allclose(a.get(key, 0), b.get(key, 0), atol=1e-10)


def _dense_reference(net: Circuit, sdicts: dict, names: list[str]) -> np.ndarray:
    """The whole scattering system with numpy: b = S a, a = C b + E a_ext (every port used)."""
    index: dict[str, int] = {}
    blocks = []
    for inst, key in net.instances.items():
        ports, m = to_matrix(sdicts[key])  # m[..., in, out]
        index |= {f"{inst},{p}": len(index) + k for k, p in enumerate(ports)}
        blocks.append(np.swapaxes(m, -1, -2))  # [wl, out, in]
    size = len(index)
    n_wl = blocks[0].shape[0]
    s = np.zeros((n_wl, size, size), complex)
    at = 0
    for m in blocks:
        s[:, at : at + m.shape[1], at : at + m.shape[1]] = m
        at += m.shape[1]
    c = np.zeros((size, size))
    for a, b in net.connections:
        c[index[a], index[b]] = c[index[b], index[a]] = 1.0
    e = np.zeros((size, len(names)))
    for k, name in enumerate(names):
        e[index[net.ports[name]], k] = 1.0
    b_all = np.linalg.solve(np.eye(size) - s @ c, s @ e)
    return np.swapaxes(e.T @ b_all, -1, -2)  # [wl, in, out], as to_matrix


@pytest.mark.parametrize("method", ["auto", "sparse"])
def test_16x16_coupler_mesh_equals_dense_reference(method: str) -> None:
    wl = np.linspace(1.545, 1.555, 3)
    net, sdicts = coupler_mesh(16, wl)
    names = list(net.ports)
    _, got = to_matrix(solve_circuit(net, sdicts, method=method), names)
    np.testing.assert_allclose(got, _dense_reference(net, sdicts, names), rtol=0, atol=1e-10)


def test_lossless_coupler_mesh_conserves_energy() -> None:
    wl = np.linspace(1.545, 1.555, 41)
    net, sdicts = coupler_mesh(16, wl, seed=3)
    _, m = to_matrix(solve_circuit(net, sdicts), list(net.ports))
    gram = np.conj(np.swapaxes(m, -1, -2)) @ m
    np.testing.assert_allclose(gram, np.broadcast_to(np.eye(m.shape[-1]), gram.shape), atol=1e-10)


def _reordered(net: Circuit, rng: np.random.Generator) -> Circuit:
    """The same netlist listed in another order (so dissected and eliminated differently)."""
    names = list(net.instances)
    rng.shuffle(names)
    pairs = [tuple(p[::-1]) if rng.random() < 0.5 else p for p in net.connections]
    order = rng.permutation(len(pairs))
    return Circuit(
        instances={i: net.instances[i] for i in names},
        connections=[pairs[k] for k in order],
        ports=dict(reversed(list(net.ports.items()))),
    )


@pytest.mark.parametrize("seed", range(6))
def test_elimination_order_never_changes_results(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    nets = [_mzi(), coupler_mesh(6, WL[:5], seed=seed)]
    t = ring_self_coupling(wl=WL, radius_um=30.0, gap_um=0.4)
    a, phi = ring_round_trip(wl=WL, radius_um=30.0)
    ring = Circuit(
        instances={"cp": "coupler", "ring": "loop"},
        connections=[("cp,r1", "ring,w1"), ("ring,w2", "cp,r2")],
        ports={"o1": "cp,b1", "o2": "cp,b2"},
    )
    nets.append((ring, {"coupler": _coupler(t), "loop": _guide(a * np.exp(1j * phi))}))
    for net, sdicts in nets:
        first = solve_circuit(net, sdicts, method="elimination")
        again = solve_circuit(_reordered(net, rng), sdicts, method="elimination")
        sparse = solve_circuit(net, sdicts, method="sparse")
        for key in set(first) | set(again) | set(sparse):  # an exact 0 may round to 1e-17
            np.testing.assert_allclose(again.get(key, 0), first.get(key, 0), rtol=0, atol=1e-12)
            np.testing.assert_allclose(sparse.get(key, 0), first.get(key, 0), rtol=0, atol=1e-10)
