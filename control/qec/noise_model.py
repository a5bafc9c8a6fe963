"""Circuit-level noise of each code qubit, from the chip's noise table or a uniform model.

How a :class:`control.noise.NoiseRow` (error rates of one qubitron for one QEC round) becomes
the channels of the stim circuit (model choices, stated here once; ``scale`` multiplies every
probability, for sweeps of the physical error rate):

- ``p_round_x, p_round_y, p_round_z``: one Pauli channel per round on each data qubit, before
  the CX layers: (p_pauli_x, p_pauli_y, p_pauli_z + p_idle): the STIRAP transfer error and the
  dephasing of the round (stim's ``before_round_data_depolarization`` position).
- ``p_gate``: the qubitron's share of a two-qubit gate's error: p_depolarizing (one STIRAP
  transfer per gate per qubitron). A CX between qubitrons a and b gets
  DEPOLARIZE2(1 - (1 - p_gate_a)(1 - p_gate_b)): it fails if either side fails.
- ``p_single``: DEPOLARIZE1 after each Hadamard of a measure qubit: p_depolarizing.
- ``p_measure``: flip before each measurement: p_measurement.
- ``p_reset``: flip after each reset: p_measurement (reset is measure-and-flip, so a wrong
  outcome leaves the wrong state).
- ``p_erasure``: HERALDED_ERASE once per round: on data qubits at the start of the round, on
  measure qubits just before their measurement (the lost readout photon makes the outcome
  random and heralds it): p_erasure.

The uniform model :meth:`QubitNoise.uniform` reproduces stim's generated circuits with
``after_clifford_depolarization = before_round_data_depolarization =
before_measure_flip_probability = after_reset_flip_probability = p``.

Example:
    >>> q = QubitNoise.uniform(1e-3)
    >>> round(gate_pair_probability(q, q), 12)
    0.001
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from control.noise import NoiseRow, NoiseTable
from control.qec.layout import ChipGrid, Coord, RotatedSurfaceCode

__all__ = [
    "QubitNoise",
    "chip_code_noise",
    "gate_pair_probability",
]


# a probability in [0, 1]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class QubitNoise(BaseModel):
    """Error channels of one code qubit (the qubitron it sits on)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qubitron: str = Field(default="", description="qubitron name in the noise table")
    p_round_x: Probability = Field(0.0, description="X error per round on a data qubit")
    p_round_y: Probability = Field(0.0, description="Y error per round on a data qubit")
    p_round_z: Probability = Field(0.0, description="Z error per round on a data qubit")
    p_gate: Probability = Field(0.0, description="this qubitron's share of a two-qubit gate error")
    p_single: Probability = Field(0.0, description="depolarising error after a single-qubit gate")
    p_measure: Probability = Field(0.0, description="flip before a measurement")
    p_reset: Probability = Field(0.0, description="flip after a reset")
    p_erasure: Probability = Field(0.0, description="heralded erasure per round")

    @classmethod
    def uniform(cls, p: float, *, erasure: float = 0.0) -> QubitNoise:
        """Stim's uniform circuit noise of strength ``p`` (plus heralded erasure)."""
        return cls(
            qubitron="uniform",
            p_round_x=p / 3, p_round_y=p / 3, p_round_z=p / 3,
            p_gate=1.0 - math.sqrt(1.0 - p),  # two shares combine to exactly p
            p_single=p, p_measure=p, p_reset=p, p_erasure=erasure,
        )

    @classmethod
    def from_row(cls, row: NoiseRow, *, scale: float = 1.0) -> QubitNoise:
        """Channels of a qubitron's noise-table row, every probability times ``scale``."""
        if not (scale >= 0 and math.isfinite(scale)):
            raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")

        def s(p: float) -> float:
            return min(1.0, p * scale)

        return cls(
            qubitron=row.qubitron,
            p_round_x=s(row.p_pauli_x),
            p_round_y=s(row.p_pauli_y),
            p_round_z=s(row.p_pauli_z + row.p_idle),
            p_gate=s(row.p_depolarizing),
            p_single=s(row.p_depolarizing),
            p_measure=s(row.p_measurement),
            p_reset=s(row.p_measurement),
            p_erasure=s(row.p_erasure),
        )

    def scaled(self, scale: float) -> QubitNoise:
        """Every probability times ``scale`` (clipped to 1)."""
        fields = {
            k: min(1.0, v * scale) for k, v in self.model_dump().items() if k.startswith("p_")
        }
        return self.model_copy(update=fields)

    @property
    def p_round_total(self) -> float:
        return self.p_round_x + self.p_round_y + self.p_round_z


def gate_pair_probability(a: QubitNoise, b: QubitNoise) -> float:
    """DEPOLARIZE2 probability of a CX between qubitrons ``a`` and ``b``."""
    return 1.0 - (1.0 - a.p_gate) * (1.0 - b.p_gate)


def chip_code_noise(
    code: RotatedSurfaceCode,
    *,
    table: NoiseTable,
    grid: ChipGrid,
    scale: float = 1.0,
    origin: tuple[int, int] = (0, 0),
) -> dict[Coord, QubitNoise]:
    """Noise of each code qubit from the qubitron it is mapped onto (see :mod:`.layout`).

    Args:
        code: the patch.
        table: the chip's noise table, rows in row-major grid order.
        grid: the chip's grid (``grid.n_qubitrons`` must equal the table's rows).
        scale: multiplies every probability (physical error scale).
        origin: grid cell (row, column) of the patch box's corner.
    """
    if len(table.rows) != grid.n_qubitrons:
        raise ValueError(
            f"the noise table has {len(table.rows)} rows but the grid has {grid.n_qubitrons} "
            "qubitrons"
        )
    out: dict[Coord, QubitNoise] = {}
    cache: dict[int, QubitNoise] = {}
    for q in code.qubits:
        r, c = code.grid_cell(q)
        i = grid.index(row=r + origin[0], column=c + origin[1])
        if i not in cache:
            cache[i] = QubitNoise.from_row(table.rows[i], scale=scale)
        out[q] = cache[i]
    return out
