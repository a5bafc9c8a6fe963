"""Synthetic noise tables for the QEC tests (no STIRAP solve)."""

from __future__ import annotations

from collections.abc import Sequence

from control.noise import NoiseRow, NoiseTable


def row(name: str, *, p_erasure: float = 0.0, p_pauli: float = 0.0, p_measurement: float = 0.0,
        p_idle: float = 0.0) -> NoiseRow:
    """A noise-table row with X = Y = Z = p_pauli / 3 and the given other channels."""
    third = p_pauli / 3
    return NoiseRow(
        qubitron=name, p_erasure=p_erasure, p_pauli_x=third, p_pauli_y=third, p_pauli_z=third,
        p_depolarizing=p_pauli, p_measurement=p_measurement, p_idle=p_idle,
        transfer_efficiency=1.0, stirap_leakage=0.0, stirap_loss=0.0,
        stirap_dephasing_error=0.0, photon_detection_efficiency=1.0 - p_erasure,
        pump_rabi_rad_per_us=1.0, stokes_rabi_rad_per_us=1.0, purcell_factor=1.0,
        decay_rate_per_ns=1.0,
    )


def table(rows: Sequence[NoiseRow]) -> NoiseTable:
    return NoiseTable(encoding="test", round_duration_ns=100.0, stirap_window_ns=80.0,
                      n_distinct_solves=1, rows=list(rows))


def chip_table(n: int, *, bad: int | None = None, bad_erasure: float = 0.5,
               p_erasure: float = 0.01, p_pauli: float = 0.002,
               p_measurement: float = 0.002) -> NoiseTable:
    """``n`` equal qubitrons, optionally one (``bad``) with high loss (erasure)."""
    return table([
        row(f"q{i:04d}", p_erasure=bad_erasure if i == bad else p_erasure, p_pauli=p_pauli,
            p_measurement=p_measurement)
        for i in range(n)
    ])
