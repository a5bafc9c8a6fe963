"""Surface-code layout, chip mapping and circuits: structure, equivalence with stim's own."""

from __future__ import annotations

import math

import numpy as np
import pymatching
import pytest
import stim

from control.qec.circuits import herald_detectors, surface_code_circuit
from control.qec.layout import ChipGrid, RotatedSurfaceCode
from control.qec.noise_model import QubitNoise, chip_code_noise

from ._helpers import chip_table


def _stim_reference(basis: str, d: int, p: float) -> stim.Circuit:
    return stim.Circuit.generated(
        f"surface_code:rotated_memory_{basis.lower()}", distance=d, rounds=d,
        after_clifford_depolarization=p, before_round_data_depolarization=p,
        before_measure_flip_probability=p, after_reset_flip_probability=p,
    )


def _canonical_dem(circuit: stim.Circuit) -> dict[tuple[str, ...], float]:
    """Error mechanisms keyed by detector coordinates + observables; identical symptoms
    combined as independent (XOR) events, so instruction order and merging do not matter."""
    dem = circuit.detector_error_model(decompose_errors=False)
    coords = dem.get_detector_coordinates()
    out: dict[tuple[str, ...], float] = {}
    for inst in dem.flattened():
        if inst.type != "error":
            continue
        key = tuple(sorted(
            str(tuple(coords[t.val])) if t.is_relative_detector_id() else f"L{t.val}"
            for t in inst.targets_copy()
        ))
        p, q = out.get(key, 0.0), inst.args_copy()[0]
        out[key] = p * (1 - q) + q * (1 - p)
    return out


@pytest.mark.parametrize("d", [3, 5, 7, 9])
def test_layout_counts_and_network_neighbours(d: int) -> None:
    code = RotatedSurfaceCode(distance=d)
    assert len(code.data) == d * d
    assert len(code.x_measure) == len(code.z_measure) == (d * d - 1) // 2
    assert code.n_qubits == len(set(code.qubits))
    cells = [code.grid_cell(q) for q in code.qubits]
    assert len(set(cells)) == len(cells)  # one qubitron per code qubit
    assert all(0 <= r <= 2 * d and 0 <= c <= 2 * d for r, c in cells)
    for layer in range(4):
        pairs = code.cx_layer(layer)
        used = [q for pair in pairs for q in pair]
        assert len(used) == len(set(used))  # each qubit in at most one CX per layer
        for a, b in pairs:  # every CX is between grid nearest neighbours (network-connected)
            (ra, ca), (rb, cb) = code.grid_cell(a), code.grid_cell(b)
            assert abs(ra - rb) + abs(ca - cb) == 1


def test_chip_grid_tiles_and_neighbours() -> None:
    g = ChipGrid(rows=2, columns=8, tile_columns=4)
    assert g.tile_of(13) == (1, 1, 1)  # qubitron 1 of tile (1, 1)
    assert sorted(g.neighbours(0)) == [1, 8]
    assert sorted(g.neighbours(4)) == [3, 5, 12]  # across the tile boundary
    assert g.patches(3) == 0 and ChipGrid(rows=7, columns=14, tile_columns=7).patches(3) == 2
    with pytest.raises(ValueError, match="multiple of tile_columns"):
        ChipGrid(rows=2, columns=6, tile_columns=4)
    with pytest.raises(ValueError, match="odd integer"):
        RotatedSurfaceCode(distance=4)


@pytest.mark.parametrize(("basis", "d"), [("Z", 3), ("X", 3), ("Z", 5), ("X", 5)])
def test_uniform_noise_equals_stims_generated_circuit(basis: str, d: int) -> None:
    p = 0.004
    mine = _canonical_dem(surface_code_circuit(distance=d, rounds=d, basis=basis,
                                               noise=QubitNoise.uniform(p)))
    ref = _canonical_dem(_stim_reference(basis, d, p))
    assert mine.keys() == ref.keys()
    for k, v in ref.items():
        assert mine[k] == pytest.approx(v, rel=1e-9, abs=1e-15)


def test_uniform_noise_reproduces_stims_logical_error_rate() -> None:
    d, p, shots = 5, 0.007, 20_000
    counts = []
    for c in (surface_code_circuit(distance=d, rounds=d, noise=QubitNoise.uniform(p)),
              _stim_reference("Z", d, p)):
        m = pymatching.Matching.from_detector_error_model(c.detector_error_model(
            decompose_errors=True))
        dets, obs = c.compile_detector_sampler(seed=11).sample(shots, separate_observables=True)
        counts.append(int(np.any(m.decode_batch(dets) != obs, axis=1).sum()))
    a, b = counts
    sigma = math.sqrt(a + b)  # difference of two Poisson-like counts
    assert 200 < a < 2000  # a regime where the comparison means something
    assert abs(a - b) < 5 * sigma


@pytest.mark.parametrize("d", [3, 5])
def test_heterogeneous_circuit_keeps_the_code_distance(d: int) -> None:
    grid = ChipGrid(rows=2, columns=8, tile_columns=4)
    code = RotatedSurfaceCode(distance=d)
    noise = chip_code_noise(code, table=chip_table(16, bad=5), grid=grid)
    c = surface_code_circuit(distance=d, rounds=d, noise=noise)
    dem = c.detector_error_model(decompose_errors=True, approximate_disjoint_errors=True)
    assert len(dem.shortest_graphlike_error()) == d


def test_heralds_are_declared_detectors() -> None:
    d, r = 3, 4
    c = surface_code_circuit(distance=d, rounds=r, noise=QubitNoise(p_erasure=0.01))
    heralds = herald_detectors(c)
    assert len(heralds) == (2 * d * d - 1) * r  # every qubit, every round
    assert heralds == list(range(c.num_detectors - len(heralds), c.num_detectors))
    plain = surface_code_circuit(distance=d, rounds=r, noise=QubitNoise.uniform(0.01))
    assert herald_detectors(plain) == [] and "HERALDED_ERASE" not in str(plain)
    # a herald fires exactly when its erasure happened: rate p per location
    dets = c.compile_detector_sampler(seed=2).sample(4000)
    assert dets[:, heralds].mean() == pytest.approx(0.01, rel=0.15)


def test_bad_qubitron_shows_in_the_per_qubit_noise() -> None:
    grid = ChipGrid(rows=2, columns=8, tile_columns=4)
    code = RotatedSurfaceCode(distance=3)
    noise = chip_code_noise(code, table=chip_table(16, bad=5), grid=grid)
    bad = [q for q, n in noise.items() if n.qubitron == "q0005"]
    assert bad and all(noise[q].p_erasure == 0.5 for q in bad)
    assert all(n.p_erasure == 0.01 for q, n in noise.items() if q not in bad)
    with pytest.raises(ValueError, match="rows"):
        chip_code_noise(code, table=chip_table(15), grid=grid)


def test_bad_inputs() -> None:
    with pytest.raises(ValueError, match="basis"):
        surface_code_circuit(distance=3, rounds=3, basis="Y", noise=QubitNoise())
    with pytest.raises(ValueError, match="rounds"):
        surface_code_circuit(distance=3, rounds=0, noise=QubitNoise())
    with pytest.raises(ValueError, match="scale"):
        QubitNoise.from_row(chip_table(1).rows[0], scale=-1.0)
