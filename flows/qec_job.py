"""`quantacore qec [SPEC] --out DIR`: the chip's logical error rate from its own noise.

The tile's noise table (``flows.control_job``) is the noise of every tile (every tile is the
same cell), so the chip's table repeats it over the tile array; ``control.qec`` maps rotated
surface-code patches onto that grid, samples and decodes them with stim and pymatching
(plain and erasure-aware) at the chip's error rates and at scaled-down rates, and estimates
the threshold, the distance a target logical error needs and the logical qubits that fit.

Example:
    >>> import tempfile, pathlib
    >>> from flows.spec import default_chip
    >>> s = run_qec(default_chip(), pathlib.Path(tempfile.mkdtemp()) / "q", max_shots=500)
    >>> s.distances, s.below_threshold
    ([3, 5], False)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from control.noise import NoiseTable
from control.qec import (
    ChipGrid,
    HybridReport,
    QecReport,
    evaluate_qec,
    hybrid_assessment,
    write_qec_outputs,
)
from flows.control_job import run_control
from flows.output import atomic_folder
from flows.report import QecSummary
from flows.spec import ChipSpec
from qc_pdk.errors import InputError

__all__ = ["QecInputError", "chip_noise_table", "qec_summary", "run_qec"]

class QecInputError(InputError):
    """A QEC setting out of range (named in the message)."""


#: error scales sampled besides the chip's own rates (1.0), for the threshold and the margin
DEFAULT_SCALES = (1.0, 0.3, 0.1, 0.03, 0.01, 0.003)


def chip_noise_table(spec: ChipSpec, tile_table: NoiseTable) -> NoiseTable:
    """The whole chip's noise table: the tile's rows repeated over the tile array, row-major."""
    rows_t, cols_t = spec.tiles
    rows = [
        row.model_copy(update={"qubitron": f"tile_{r}_{c}/{row.qubitron}"})
        for r in range(rows_t)
        for c in range(cols_t)
        for row in tile_table.rows
    ]
    return tile_table.model_copy(update={"rows": rows})


def qec_summary(report: QecReport, shots: int, hybrid: HybridReport) -> QecSummary:
    """The build report's QEC section."""
    at_chip = [r for r in report.recommendations if r.scale == 1.0]
    margins = report.threshold_margin
    return QecSummary(
        distances=report.distances,
        scales=report.scales,
        threshold_margin=margins,
        below_threshold=any(m is not None and m > 1.0 for m in margins.values()),
        chip_distance=report.chip_distance,
        chip_logical_error_round=report.chip_logical_error_round,
        target_logical_error=report.target_logical_error,
        distance_for_target={r.decoder: r.distance for r in at_chip},
        logical_qubits_on_chip={r.decoder: r.logical_qubits_on_chip for r in at_chip},
        shots=shots,
        hybrid_beats_bare=hybrid.hybrid_beats_bare,
        hybrid_verdict=hybrid.verdict,
        notes=list(report.notes),
    )


def run_qec(
    spec: ChipSpec,
    out: str | Path,
    *,
    tile_table: NoiseTable | None = None,
    loaded_q: list[float] | None = None,
    distances: tuple[int, ...] = (3, 5),
    max_shots: int = 2_000,
    seed: int = 0,
) -> QecSummary:
    """Evaluate the chip's surface-code memory and write ``qec.json``, the points and plots.

    Args:
        spec: the chip spec.
        out: output folder (replaced atomically).
        tile_table: the tile's noise table (default: computed by ``run_control``).
        loaded_q: loaded Q of each of the tile's qubitron rings (with ``tile_table``), for the
            inner bosonic code in the ring mode.
        distances: odd code distances to sample.
        max_shots: shots per point at most (sampling also stops after 100 logical errors).
        seed: base seed (identical inputs give identical results).

    Returns:
        the build report's QEC section.
    """
    if tile_table is None or loaded_q is None:
        with tempfile.TemporaryDirectory() as scratch:
            control, tile_table = run_control(spec, Path(scratch) / "control")
        loaded_q = list(control.loaded_q.values())
    table = chip_noise_table(spec, tile_table)
    grid = ChipGrid(rows=spec.array.rows, columns=spec.array.columns,
                    tile_columns=spec.array.tile_columns)
    report = evaluate_qec(
        table, distances=distances, scales=DEFAULT_SCALES, grid=grid, max_shots=max_shots,
        max_errors=100, seed=seed,
    )
    # the outer code's threshold as an absolute per-round error: the published circuit-level
    # figure (the sweep above measures it in units of this chip's mixed rates instead)
    hybrid = hybrid_assessment(tile_table, loaded_q=loaded_q)
    with atomic_folder(out) as tmp:
        write_qec_outputs(report, tmp)
        (tmp / "hybrid.json").write_text(hybrid.model_dump_json(indent=1))
    shots = sum(p.shots for p in report.points)
    return qec_summary(report, shots, hybrid)
