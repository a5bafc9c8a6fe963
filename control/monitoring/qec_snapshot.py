"""Logical error rate and syndrome rate of a surface-code patch on the chip's *current* noise.

The twin samples stim on a few snapshots (at the start, at each detector intervention before
and after), not per telemetry step. A snapshot places a distance-``d`` rotated patch so that a
chosen qubitron sits at its centre data qubit (``control.qec.layout``: grid cell (d, d) of the
patch box; the chip grid repeats as a unit cell when the patch is larger), takes each code
qubit's noise-table row, changes it by the qubitron's current state and decodes with the
erasure-aware matching decoder (``control.qec.decoders``).

How a qubitron's state changes its row (from the formulas of ``control.noise``):

- delivered pump / Stokes power changed: the row is solved again by
  ``control.noise.noise_table`` with the new powers (STIRAP transfer, erasure, Pauli);
- detection efficiency times f: 1 - p_erasure' = (1 - p_erasure) f (eta_photon scales with
  the detector efficiency);
- dark-count rate R: p_measurement' = 1 - (1 - p_measurement) (1 - p_dark'/2) / (1 - p_dark/2)
  with p_dark = 1 - exp(-R t_bin);
- a latched SNSPD (not marked): it stays resistive, the readout sees one pulse over both time
  bins (a double click) and guesses: p_measurement = 1/2, not heralded (a model choice);
- marked for the QEC layer: the qubitron counts as erased every round (p_erasure = 1, heralded),
  its measurement error back to nominal.

The decoder's weights come from ``decoder_state`` (what the QEC layer believes) while the
shots come from ``state`` (what the chip does): a fault the layer has not been told about is
decoded with stale weights.

Example:
    >>> from control.monitoring.plant import ChipPlant, TilePlant
    >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=2, tile_columns=2)
    >>> s = qec_snapshot(chip, QubitronState.nominal(chip), centre=0, shots=500, seed=1)
    >>> 0.0 <= s.logical_error_round <= 0.5, s.distance
    (True, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sinter
import stim
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from control.monitoring.plant import ChipPlant
from control.noise import DEFAULT_TIME_BIN_NS, NoiseRow, noise_table
from control.qec.circuits import detector_error_model, herald_detectors, surface_code_circuit
from control.qec.decoders import DECODERS
from control.qec.layout import ChipGrid, Coord, RotatedSurfaceCode
from control.qec.noise_model import QubitNoise

__all__ = ["QecSnapshot", "QubitronState", "qec_snapshot"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class QubitronState:
    """What the twin knows of every qubitron now (chip order, tile-major)."""

    efficiency_factor: Array
    dark_counts_cps: Array
    latched: NDArray[np.bool_]
    marked: NDArray[np.bool_]
    pump_factor: Array
    stokes_factor: Array

    @classmethod
    def nominal(cls, plant: ChipPlant) -> QubitronState:
        n = plant.n_qubitrons
        return cls(
            efficiency_factor=np.ones(n), dark_counts_cps=np.full(n, plant.tile.dark_counts_cps),
            latched=np.zeros(n, dtype=bool), marked=np.zeros(n, dtype=bool),
            pump_factor=np.ones(n), stokes_factor=np.ones(n),
        )

    def with_marked(self, qubitron: int) -> QubitronState:
        m = self.marked.copy()
        m[qubitron] = True
        return replace(self, marked=m)


class QecSnapshot(BaseModel):
    """One sampled snapshot of a patch."""

    time_s: float = 0.0
    purpose: str = Field(default="", description="why it was sampled (periodic, an option ...)")
    centre_qubitron: int
    distance: int
    rounds: int
    shots: int
    logical_errors: int
    logical_error_round: float
    syndrome_rate: float
    erasure_rate: float
    marked_qubitrons: list[int]


def _row(plant: ChipPlant, state: QubitronState, q: int, cache: dict[int, NoiseRow]) -> NoiseRow:
    if q in cache:
        return cache[q]
    t = plant.tile
    k = q % t.n_qubitrons
    row = t.noise.rows[k]
    pf, sf = float(state.pump_factor[q]), float(state.stokes_factor[q])
    if abs(pf - 1.0) > 1e-9 or abs(sf - 1.0) > 1e-9:
        kw: dict[str, Any] = {name: [np.asarray(v)[k]] if np.ndim(v) else v
                              for name, v in t.noise_kwargs.items()}
        row = noise_table(pump_power_mW=[t.pump_mW[k] * pf], stokes_power_mW=[t.stokes_mW[k] * sf],
                          detector_path_loss_dB=0.0, qubitron_ids=[row.qubitron], **kw).rows[0]
    p_e, p_m = row.p_erasure, row.p_measurement
    if state.marked[q]:
        p_e = 1.0
    else:
        p_e = 1.0 - (1.0 - p_e) * float(np.clip(state.efficiency_factor[q], 0.0, 1.0))
        t_bin = DEFAULT_TIME_BIN_NS * 1e-9
        d0 = 1.0 - math.exp(-t.dark_counts_cps * t_bin)
        d1 = 1.0 - math.exp(-float(state.dark_counts_cps[q]) * t_bin)
        p_m = 1.0 - (1.0 - p_m) * (1.0 - 0.5 * d1) / (1.0 - 0.5 * d0)
        if state.latched[q]:
            p_m = 0.5
    out = row.model_copy(update={"p_erasure": min(1.0, p_e), "p_measurement": min(1.0, p_m)})
    cache[q] = out
    return out


def qec_snapshot(
    plant: ChipPlant,
    state: QubitronState,
    *,
    centre: int,
    decoder_state: QubitronState | None = None,
    distance: int = 3,
    rounds: int | None = None,
    shots: int = 2_000,
    seed: int = 0,
) -> QecSnapshot:
    """Sample a patch centred on qubitron ``centre`` under ``state`` (module docstring).

    Args:
        plant: the chip.
        state: every qubitron's current state (the noise the shots are sampled from).
        centre: chip index of the qubitron at the patch's centre data qubit.
        decoder_state: what the QEC layer believes (its matching graph's weights); default
            ``state``. A decoder that has not been told of a fault decodes with stale weights.
        distance: code distance (odd, >= 3).
        rounds: stabiliser rounds (default: the distance).
        shots: stim shots.
        seed: stim's sampler seed.

    Returns:
        the snapshot: logical error per round, fraction of syndrome detectors that fired,
        fraction of heralds that fired.
    """
    if not 0 <= centre < plant.n_qubitrons:
        raise ValueError(f"centre must be a qubitron index in [0, {plant.n_qubitrons})")
    t = plant.tile
    grid = ChipGrid(rows=plant.tile_rows, columns=plant.tile_columns * t.n_qubitrons,
                    tile_columns=t.n_qubitrons)
    code = RotatedSurfaceCode(distance=distance)
    r0, c0 = divmod(centre, grid.columns)
    origin = (r0 - distance, c0 - distance)  # the centre data qubit (d, d) sits at grid (d, d)
    members: set[int] = set()
    n_rounds = distance if rounds is None else rounds

    def circuit_of(st: QubitronState) -> stim.Circuit:
        cache: dict[int, NoiseRow] = {}
        noise: dict[Coord, QubitNoise] = {}
        for q in code.qubits:
            r, c = code.grid_cell(q)
            i = grid.index(row=r + origin[0], column=c + origin[1])
            members.add(i)
            noise[q] = QubitNoise.from_row(_row(plant, st, i, cache))
        return surface_code_circuit(distance=distance, rounds=n_rounds, noise=noise)

    circuit = circuit_of(state)
    believed = circuit if decoder_state is None else circuit_of(decoder_state)
    if believed.num_detectors != circuit.num_detectors:  # a channel switched on or off
        raise ValueError("decoder_state must switch on the same noise channels as state")
    dem = detector_error_model(believed)
    decoder = DECODERS["erasure_matching"].compile_decoder_for_dem(dem=dem)
    dets, obs = circuit.compile_detector_sampler(seed=seed).sample(
        shots, separate_observables=True, bit_packed=True)
    pred = decoder.decode_shots_bit_packed(bit_packed_detection_event_data=dets)
    errors = int(np.any(pred != obs, axis=1).sum())
    bits = np.unpackbits(dets, axis=1, bitorder="little")[:, : circuit.num_detectors]
    heralds = np.zeros(circuit.num_detectors, dtype=bool)
    heralds[herald_detectors(circuit)] = True
    p_shot = errors / shots
    p_round = float(sinter.shot_error_rate_to_piece_error_rate(min(p_shot, 0.5), pieces=n_rounds))
    return QecSnapshot(
        centre_qubitron=centre, distance=distance, rounds=n_rounds, shots=shots,
        logical_errors=errors, logical_error_round=p_round,
        syndrome_rate=float(bits[:, ~heralds].mean()),
        erasure_rate=float(bits[:, heralds].mean()) if heralds.any() else 0.0,
        marked_qubitrons=sorted(int(i) for i in members if state.marked[i]),
    )
