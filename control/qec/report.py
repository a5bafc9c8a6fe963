"""QEC evaluation of a chip: noise table -> circuits -> decoding -> logical error -> report.

:func:`evaluate_qec` samples rotated surface-code memories built from the chip's noise table
(:mod:`control.qec.noise_model`, mapping in :mod:`control.qec.layout`) over distances x
physical-error scales (scale 1 = the chip as it is, scale s = every error probability times
s), decodes them with plain and erasure-aware matching, and summarises:

- the threshold in units of the chip's own error rates (``threshold_margin`` > 1: the chip is
  below threshold by that factor; < 1: its errors must fall by 1 / margin),
- Lambda and the distance needed for ``target_logical_error`` per round, hence qubitrons per
  logical qubit (2 d^2 - 1) and logical qubits on this chip (patches in their (2d+1)^2 boxes),
- the logical error per round at the largest distance that fits on the chip.

:func:`write_qec_outputs` writes ``qec.json`` (+ ``qec.schema.json``), ``qec_points.csv`` and
the plots (matplotlib, Agg) into a folder.

Example:
    >>> from control.noise import NoiseRow, NoiseTable
    >>> row = NoiseRow(qubitron="q0", p_erasure=0.01, p_pauli_x=1e-3, p_pauli_y=1e-3,
    ...     p_pauli_z=1e-3, p_depolarizing=3e-3, p_measurement=1e-3, p_idle=0.0,
    ...     transfer_efficiency=1, stirap_leakage=0, stirap_loss=0, stirap_dephasing_error=0,
    ...     photon_detection_efficiency=1, pump_rabi_rad_per_us=1, stokes_rabi_rad_per_us=1,
    ...     purcell_factor=1, decay_rate_per_ns=1)
    >>> table = NoiseTable(encoding="-", round_duration_ns=100, stirap_window_ns=80,
    ...                    n_distinct_solves=1, rows=[row])
    >>> rep = evaluate_qec(table, distances=(3,), scales=(1.0,), max_shots=500, seed=1,
    ...                    target_logical_error=1e-6)
    >>> rep.points[0].shots, rep.chip.n_qubitrons
    (500, 1)
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from control.noise import NoiseTable
from control.qec.analysis import (
    LambdaFit,
    ThresholdEstimate,
    distance_for_target,
    lambda_fit,
    threshold_estimate,
)
from control.qec.collect import (
    QecPoint,
    chip_noise_source,
    collect_local,
    collect_sinter,
    make_tasks,
)
from control.qec.layout import ChipGrid, RotatedSurfaceCode
from control.qec.noise_model import chip_code_noise

__all__ = [
    "ChipSummary",
    "DistanceRecommendation",
    "QecReport",
    "QubitNoiseEntry",
    "evaluate_qec",
    "write_qec_outputs",
]

MAPPING = (
    "qubitron k of tile (r, c) at grid cell (r, c * tile_columns + k); noise-table rows in "
    "row-major grid order; the network connects grid nearest neighbours; code qubit (x, y) "
    "at grid cell ((x + y) / 2, (x - y) / 2 + d) from the patch corner, so every CX is between "
    "connected qubitrons; beyond the chip the grid repeats as a unit cell"
)


class ChipSummary(BaseModel):
    """The chip grid the code is mapped onto."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int
    columns: int
    tile_columns: int
    n_qubitrons: int


class QubitNoiseEntry(BaseModel):
    """Noise of one code qubit of the smallest patch at scale 1 (the chip as it is)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    x: int
    y: int
    role: Literal["data", "X", "Z"]
    qubitron: str
    grid_row: int
    grid_column: int
    p_erasure: float
    p_round_pauli: float
    p_gate: float
    p_measure: float


class DistanceRecommendation(BaseModel):
    """Distance for the target logical error at one scale, and what it costs on this chip."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decoder: str
    scale: float
    lambda_factor: float | None
    distance: int | None = Field(
        description="None: not reachable (at / above threshold, Lambda <= 1 or no fit)"
    )
    qubitrons_per_logical: int | None
    logical_qubits_on_chip: int | None = Field(description="patches in their (2d+1)^2 boxes")
    logical_qubits_upper_bound: int | None = Field(description="n_qubitrons // (2 d^2 - 1)")
    p_logical_round: float | None = Field(description="fitted, at that distance")


class QecReport(BaseModel):
    """Result of :func:`evaluate_qec` (JSON-serialisable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    encoding: str
    round_duration_ns: float
    chip: ChipSummary
    mapping: str = MAPPING
    noise_summary: dict[str, float]
    per_qubit_noise: list[QubitNoiseEntry]
    distances: list[int]
    rounds: list[int] = Field(description="rounds of each distance's memory experiment")
    scales: list[float]
    bases: list[str]
    decoders: list[str]
    engine: Literal["local", "sinter"]
    target_logical_error: float = Field(description="per-round logical error target")
    points: list[QecPoint]
    thresholds: list[ThresholdEstimate]
    threshold_margin: dict[str, float | None] = Field(
        description="decoder -> threshold scale (> 1: the chip is below threshold by it)"
    )
    lambda_fits: list[LambdaFit]
    recommendations: list[DistanceRecommendation]
    chip_distance: int | None = Field(description="largest sampled distance that fits the chip")
    chip_logical_error_round: dict[str, float | None] = Field(
        description="decoder -> per-round logical error at chip_distance, scale 1"
    )
    erasure_gain: list[tuple[int, float, float | None]] = Field(
        default_factory=list,
        description="(distance, scale, plain errors / erasure-aware errors) on the same shots",
    )
    seconds: float
    notes: list[str] = Field(default_factory=list)

    def point(self, *, decoder: str, distance: int, scale: float) -> QecPoint | None:
        """The first point of (decoder, distance, scale), any basis."""
        for p in self.points:
            if p.decoder == decoder and p.distance == distance and math.isclose(p.scale, scale):
                return p
        return None


def _per_qubit(
    code: RotatedSurfaceCode, table: NoiseTable, grid: ChipGrid
) -> list[QubitNoiseEntry]:
    noise = chip_code_noise(code, table=table, grid=grid, scale=1.0)
    xs = set(code.x_measure)
    out = []
    for q in code.qubits:
        r, c = code.grid_cell(q)
        n = noise[q]
        role: Literal["data", "X", "Z"] = "data" if q in code.data else ("X" if q in xs else "Z")
        out.append(QubitNoiseEntry(
            x=q[0], y=q[1], role=role, qubitron=n.qubitron,
            grid_row=r % grid.rows, grid_column=c % grid.columns,
            p_erasure=n.p_erasure, p_round_pauli=n.p_round_total, p_gate=n.p_gate,
            p_measure=n.p_measure,
        ))
    return out


def evaluate_qec(
    noise_table: NoiseTable,
    *,
    distances: Sequence[int] = (3, 5, 7),
    rounds: int | Callable[[int], int] | None = None,
    target_logical_error: float = 1e-6,
    scales: Sequence[float] = (1.0, 0.3, 0.1, 0.03, 0.01),
    grid: ChipGrid | None = None,
    bases: Sequence[str] = ("Z",),
    decoders: Sequence[str] = ("pymatching", "erasure_matching"),
    max_shots: int = 20_000,
    max_errors: int | None = 200,
    engine: Literal["local", "sinter"] = "local",
    num_workers: int = 1,
    save_resume_filepath: str | Path | None = None,
    seed: int | None = None,
) -> QecReport:
    """Logical error of the chip's surface-code memories and what it takes to reach a target.

    Args:
        noise_table: the chip's per-qubitron noise table (:func:`control.noise.noise_table`).
        distances: odd code distances to sample.
        rounds: rounds per experiment (default: the distance), or a function of the distance.
        target_logical_error: per-round logical error to reach.
        scales: physical-error scales (1 = the chip as it is).
        grid: the chip grid (default: one row of all the table's qubitrons).
        bases: memory bases ("Z", "X").
        decoders: ``"pymatching"`` and / or ``"erasure_matching"``.
        max_shots, max_errors: stopping rules per point.
        engine: ``"local"`` (this process, decoders on the same shots) or ``"sinter"``
            (worker processes, resumable through ``save_resume_filepath``).
        num_workers: sinter workers.
        save_resume_filepath: sinter's resumable CSV.
        seed: base seed of the local engine.
    """
    t0 = time.perf_counter()
    if not 0 < target_logical_error < 1:
        raise ValueError(f"target_logical_error must be in (0, 1), got {target_logical_error!r}")
    if not distances or not scales:
        raise ValueError("distances and scales must not be empty")
    if any(not (s >= 0 and math.isfinite(s)) for s in scales):
        raise ValueError(f"scales must be finite and >= 0, got {list(scales)}")
    g = ChipGrid.single_row(len(noise_table.rows)) if grid is None else grid
    if g.n_qubitrons != len(noise_table.rows):
        raise ValueError(
            f"grid has {g.n_qubitrons} qubitrons but the noise table {len(noise_table.rows)} rows"
        )
    ds = sorted({RotatedSurfaceCode(distance=d).distance for d in distances})
    sc = sorted({float(s) for s in scales})
    source = chip_noise_source(noise_table, g)
    if engine == "local":
        points = collect_local(
            source, distances=ds, scales=sc, rounds=rounds, bases=bases, decoders=decoders,
            max_shots=max_shots, max_errors=max_errors, seed=seed,
        )
    elif engine == "sinter":
        tasks = make_tasks(source, distances=ds, scales=sc, rounds=rounds, bases=bases)
        points = collect_sinter(
            tasks, decoders=decoders, max_shots=max_shots, max_errors=max_errors,
            num_workers=num_workers, save_resume_filepath=save_resume_filepath,
        )
    else:
        raise ValueError(f"engine must be 'local' or 'sinter', got {engine!r}")

    thresholds = [threshold_estimate(points, decoder=dec) for dec in decoders]
    fits: list[LambdaFit] = []
    recs: list[DistanceRecommendation] = []
    for dec in decoders:
        for s in sc:
            fit = lambda_fit(points, decoder=dec, scale=s)
            if fit is not None:
                fits.append(fit)
            th = next(t for t in thresholds if t.decoder == dec)
            above = th.scale is not None and s >= th.scale
            d_need = (
                None if (fit is None or above)
                else distance_for_target(fit, target=target_logical_error)
            )
            recs.append(DistanceRecommendation(
                decoder=dec, scale=s, lambda_factor=None if fit is None else fit.lambda_factor,
                distance=d_need,
                qubitrons_per_logical=None if d_need is None else 2 * d_need**2 - 1,
                logical_qubits_on_chip=None if d_need is None else g.patches(d_need),
                logical_qubits_upper_bound=None if d_need is None else g.patch_upper_bound(d_need),
                p_logical_round=None if (fit is None or d_need is None) else fit.p_round(d_need),
            ))
    fitting = [d for d in ds if g.patches(d) >= 1]
    chip_d = max(fitting) if fitting else None
    chip_ler: dict[str, float | None] = {}
    for dec in decoders:
        pts = [p for p in points if p.decoder == dec and p.distance == chip_d
               and math.isclose(p.scale, 1.0)]
        chip_ler[dec] = pts[0].p_logical_round if pts else None
    gain: list[tuple[int, float, float | None]] = []
    if engine == "local" and {"pymatching", "erasure_matching"} <= set(decoders):
        for d in ds:
            for s in sc:
                a = [p for p in points if p.decoder == "pymatching" and p.distance == d
                     and math.isclose(p.scale, s)]
                b = [p for p in points if p.decoder == "erasure_matching" and p.distance == d
                     and math.isclose(p.scale, s)]
                ea, eb = sum(p.errors for p in a), sum(p.errors for p in b)
                gain.append((d, s, ea / eb if eb else None))
    notes = []
    if chip_d is None:
        notes.append(
            f"no sampled distance fits on the chip's {g.rows} x {g.columns} grid "
            f"(a distance-d patch needs a {2 * ds[0] + 1} x {2 * ds[0] + 1} box for d={ds[0]}); "
            "the circuits repeat the chip's grid as a unit cell"
        )
    if 1.0 not in sc:
        notes.append("scale 1 (the chip as it is) was not sampled")
    return QecReport(
        encoding=noise_table.encoding,
        round_duration_ns=noise_table.round_duration_ns,
        chip=ChipSummary(rows=g.rows, columns=g.columns, tile_columns=g.tile_columns,
                         n_qubitrons=g.n_qubitrons),
        noise_summary=noise_table.summary(),
        per_qubit_noise=_per_qubit(RotatedSurfaceCode(distance=ds[0]), noise_table, g),
        distances=ds,
        rounds=[d if rounds is None else (rounds(d) if callable(rounds) else rounds) for d in ds],
        scales=sc, bases=list(bases), decoders=list(decoders), engine=engine,
        target_logical_error=target_logical_error, points=points, thresholds=thresholds,
        threshold_margin={t.decoder: t.scale for t in thresholds},
        lambda_fits=fits, recommendations=recs, chip_distance=chip_d,
        chip_logical_error_round=chip_ler, erasure_gain=gain,
        seconds=time.perf_counter() - t0, notes=notes,
    )


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a hidden temporary name in the same folder, then rename over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _points_csv(report: QecReport) -> str:
    buf = io.StringIO()
    names = list(QecPoint.model_fields)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(names)
    for p in report.points:
        w.writerow([getattr(p, n) for n in names])
    return buf.getvalue()


def write_qec_outputs(report: QecReport, out_dir: str | Path) -> dict[str, Path]:
    """Write ``qec.json``, ``qec.schema.json``, ``qec_points.csv`` and the plots into
    ``out_dir`` (created); returns name -> path. Each file is written atomically."""
    from control.qec.plots import plot_report  # matplotlib only when writing

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "json": out / "qec.json",
        "schema": out / "qec.schema.json",
        "csv": out / "qec_points.csv",
    }
    _write_atomic(files["json"], report.model_dump_json(indent=1).encode())
    _write_atomic(files["schema"], json.dumps(QecReport.model_json_schema(), indent=1).encode())
    _write_atomic(files["csv"], _points_csv(report).encode())
    for name, png in plot_report(report).items():
        path = out / f"{name}.png"
        _write_atomic(path, png)
        files[name] = path
    return files
