"""Heterogeneous rotated surface-code memory circuits (stim), one noise set per code qubit.

The circuit has stim's structure (``stim.Circuit.generated("surface_code:rotated_memory_*")``):
reset, then ``rounds`` rounds of (data noise, H on X-type measure qubits, four CX layers, H,
measure-and-reset of the measure qubits), then the data measurement in the memory basis.
Every channel takes its probability from the code qubit's :class:`QubitNoise`; targets sharing
a probability share an instruction. Channels of probability 0 are left out.

Heralded erasures are ``HERALDED_ERASE`` instructions. Each herald is also declared as a
detector, after all the code's detectors, with four coordinates (x, y, round, 1): the trailing
1 marks it (:func:`herald_detectors`). A decoder that ignores it sees the erasure as the
Pauli channel it is; :mod:`control.qec.decoders` uses it to reweight the matching graph.

Example:
    >>> from control.qec.noise_model import QubitNoise
    >>> c = surface_code_circuit(distance=3, rounds=2, basis="Z",
    ...                          noise=QubitNoise.uniform(1e-3, erasure=1e-3))
    >>> c.num_observables, len(herald_detectors(c)) > 0
    (1, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import stim

from control.qec.layout import Coord, RotatedSurfaceCode
from control.qec.noise_model import QubitNoise, gate_pair_probability

__all__ = [
    "HERALD_TAG",
    "detector_error_model",
    "herald_detectors",
    "surface_code_circuit",
]

# last coordinate of a herald detector (regular detectors have three coordinates)
HERALD_TAG = 1.0


class _Builder:
    """Appends instructions and keeps the measurement-record count (heralds included)."""

    def __init__(self, index: Mapping[Coord, int]) -> None:
        self.c = stim.Circuit()
        self.index = index
        self.n_records = 0

    def op(self, name: str, qubits: Iterable[Coord], arg: float | Sequence[float] = ()) -> None:
        targets = [self.index[q] for q in qubits]
        if targets:
            self.c.append(name, targets, arg)

    def noise1(self, name: str, prob_of: Mapping[Coord, float], qubits: Sequence[Coord]) -> None:
        """One-qubit channel ``name`` with per-qubit probability, grouped by value."""
        groups: dict[float, list[Coord]] = defaultdict(list)
        for q in qubits:
            if prob_of[q] > 0:
                groups[prob_of[q]].append(q)
        for p, qs in groups.items():
            self.op(name, qs, p)

    def measure(
        self, name: str, qubits: Sequence[Coord], arg: float | Sequence[float] = ()
    ) -> dict[Coord, int]:
        """An instruction writing one record per qubit; returns their absolute indices."""
        self.op(name, qubits, arg)
        start = self.n_records
        self.n_records += len(qubits)
        return {q: start + i for i, q in enumerate(qubits)}

    def rec(self, absolute: Iterable[int]) -> list[stim.GateTarget]:
        return [stim.target_rec(a - self.n_records) for a in absolute]


def _noise_map(
    code: RotatedSurfaceCode, noise: QubitNoise | Mapping[Coord, QubitNoise]
) -> dict[Coord, QubitNoise]:
    if isinstance(noise, QubitNoise):
        return {q: noise for q in code.qubits}
    missing = [q for q in code.qubits if q not in noise]
    if missing:
        raise ValueError(f"noise has no entry for code qubits {missing[:3]} ...")
    return {q: noise[q] for q in code.qubits}


def surface_code_circuit(
    *,
    distance: int,
    rounds: int,
    basis: str = "Z",
    noise: QubitNoise | Mapping[Coord, QubitNoise],
) -> stim.Circuit:
    """Rotated surface-code memory circuit with per-qubit noise and heralded erasures.

    Args:
        distance: code distance (odd, >= 3).
        rounds: stabiliser measurement rounds (>= 1).
        basis: "Z" (memory of |0>_L) or "X" (memory of |+>_L).
        noise: one :class:`QubitNoise` for every qubit, or a map code coordinate -> noise
            (:func:`control.qec.noise_model.chip_code_noise`).

    Returns:
        The stim circuit: detectors, one observable, herald detectors last.
    """
    if basis not in ("X", "Z"):
        raise ValueError(f"basis must be 'X' or 'Z', got {basis!r}")
    if isinstance(rounds, bool) or not isinstance(rounds, int) or rounds < 1:
        raise ValueError(f"rounds must be a positive integer, got {rounds!r}")
    code = RotatedSurfaceCode(distance=distance)
    nz = _noise_map(code, noise)
    data, meas, xm = list(code.data), list(code.measure), list(code.x_measure)
    index = {q: i for i, q in enumerate(code.qubits)}
    b = _Builder(index)
    for q, i in index.items():
        b.c.append("QUBIT_COORDS", [i], list(q))

    def probs(attr: str) -> dict[Coord, float]:
        return {q: getattr(n, attr) for q, n in nz.items()}

    p_reset, p_meas, p_erase = probs("p_reset"), probs("p_measure"), probs("p_erasure")
    p_single = probs("p_single")
    flip = "X_ERROR" if basis == "Z" else "Z_ERROR"
    # the memory basis decides which measure qubits give deterministic first-round detectors
    first = set(code.z_measure if basis == "Z" else code.x_measure)

    b.op("R" if basis == "Z" else "RX", data)
    b.noise1(flip, p_reset, data)
    b.op("R", meas)
    b.noise1("X_ERROR", p_reset, meas)
    b.c.append("TICK")

    heralds: list[tuple[int, Coord, int]] = []  # (record, qubit, round)
    previous: dict[Coord, int] = {}
    for t in range(rounds):
        # data noise of the round: Pauli channel, then heralded erasure
        groups: dict[tuple[float, float, float], list[Coord]] = defaultdict(list)
        for q in data:
            n = nz[q]
            if n.p_round_total > 0:
                groups[(n.p_round_x, n.p_round_y, n.p_round_z)].append(q)
        for pxyz, qs in groups.items():
            b.op("PAULI_CHANNEL_1", qs, pxyz)
        _erase(b, p_erase, data, t, heralds)
        b.op("H", xm)
        b.noise1("DEPOLARIZE1", p_single, xm)
        b.c.append("TICK")
        for layer in range(4):
            pairs = code.cx_layer(layer)
            b.op("CX", [q for pair in pairs for q in pair])
            pair_groups: dict[float, list[Coord]] = defaultdict(list)
            for ctrl, targ in pairs:
                p2 = gate_pair_probability(nz[ctrl], nz[targ])
                if p2 > 0:
                    pair_groups[p2].extend((ctrl, targ))
            for p2, qs in pair_groups.items():
                b.op("DEPOLARIZE2", qs, min(p2, 15 / 16))
            b.c.append("TICK")
        b.op("H", xm)
        b.noise1("DEPOLARIZE1", p_single, xm)
        b.c.append("TICK")
        _erase(b, p_erase, meas, t, heralds)
        b.noise1("X_ERROR", p_meas, meas)
        now = b.measure("MR", meas)
        b.noise1("X_ERROR", p_reset, meas)
        for m in meas:
            if t == 0 and m not in first:
                continue
            recs = [now[m]] + ([previous[m]] if t > 0 else [])
            b.c.append("DETECTOR", b.rec(recs), [m[0], m[1], t])
        previous = now

    b.noise1(flip, p_meas, data)
    final = b.measure("M" if basis == "Z" else "MX", data)
    for m in sorted(first, key=lambda q: (q[1], q[0])):
        recs = [final[q] for q in code.stabiliser_support(m)] + [previous[m]]
        b.c.append("DETECTOR", b.rec(recs), [m[0], m[1], rounds])
    b.c.append("OBSERVABLE_INCLUDE", b.rec(final[q] for q in code.logical_support(basis)), 0)
    for rec, q, t in heralds:
        b.c.append("DETECTOR", b.rec([rec]), [q[0], q[1], t, HERALD_TAG])
    return b.c


def _erase(
    b: _Builder,
    p_erase: Mapping[Coord, float],
    qubits: Sequence[Coord],
    t: int,
    heralds: list[tuple[int, Coord, int]],
) -> None:
    """HERALDED_ERASE on ``qubits`` (grouped by probability); records the herald indices."""
    groups: dict[float, list[Coord]] = defaultdict(list)
    for q in qubits:
        if p_erase[q] > 0:
            groups[p_erase[q]].append(q)
    for p, qs in groups.items():
        recs = b.measure("HERALDED_ERASE", qs, p)
        heralds.extend((recs[q], q, t) for q in qs)


def herald_detectors(circuit_or_dem: stim.Circuit | stim.DetectorErrorModel) -> list[int]:
    """Indices of the herald detectors (fourth coordinate == HERALD_TAG)."""
    coords = circuit_or_dem.get_detector_coordinates()
    return sorted(k for k, v in coords.items() if len(v) == 4 and v[3] == HERALD_TAG)


def detector_error_model(circuit: stim.Circuit) -> stim.DetectorErrorModel:
    """The circuit's decomposed detector error model (erasures as disjoint Pauli errors)."""
    return circuit.detector_error_model(
        decompose_errors=True, approximate_disjoint_errors=True
    )
