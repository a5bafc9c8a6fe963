"""Sampling and decoding over distances x physical-error scales, locally or through sinter.

A *noise source* gives each code qubit's noise for a (patch, scale) pair: the chip
(:func:`chip_noise_source`: the noise table times ``scale``) or stim's uniform model
(:func:`uniform_noise_source`: ``scale`` is then the physical error rate p).

Two engines give the same :class:`QecPoint` rows:

- ``collect_local``: in this process; every decoder decodes the *same* shots (batches until
  ``max_errors`` logical errors of the first decoder or ``max_shots``). Used by tests and for
  decoder comparisons.
- ``collect_sinter``: ``sinter.collect`` with its worker processes, stopping rules
  (``max_shots``, ``max_errors``) and resumable CSV (``save_resume_filepath``: an interrupted
  run continues where it stopped). Each decoder samples its own shots.

Example:
    >>> pts = collect_local(uniform_noise_source(), distances=(3,), scales=(0.01,),
    ...                     max_shots=2000, seed=1)
    >>> [(p.decoder, p.shots) for p in pts]
    [('pymatching', 2000), ('erasure_matching', 2000)]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sinter
import stim
from pydantic import BaseModel, ConfigDict, Field

from control.noise import NoiseTable
from control.qec.circuits import detector_error_model, surface_code_circuit
from control.qec.decoders import DECODERS, sinter_decoders
from control.qec.layout import ChipGrid, Coord, RotatedSurfaceCode
from control.qec.noise_model import QubitNoise, chip_code_noise

__all__ = [
    "NoiseSource",
    "QecPoint",
    "chip_noise_source",
    "collect_local",
    "collect_sinter",
    "make_tasks",
    "uniform_noise_source",
]

NoiseSource = Callable[[RotatedSurfaceCode, float], QubitNoise | Mapping[Coord, QubitNoise]]

# confidence interval of the logical error rates: sinter's likelihood-ratio interval
MAX_LIKELIHOOD_FACTOR = 1e3


def chip_noise_source(table: NoiseTable, grid: ChipGrid) -> NoiseSource:
    """Per-qubit noise from the chip's table, every probability times the scale."""

    def source(code: RotatedSurfaceCode, scale: float) -> Mapping[Coord, QubitNoise]:
        return chip_code_noise(code, table=table, grid=grid, scale=scale)

    return source


def uniform_noise_source(*, erasure_fraction: float = 0.0) -> NoiseSource:
    """Stim's uniform circuit noise of strength p = scale (plus heralded erasure
    ``erasure_fraction`` x p)."""

    def source(code: RotatedSurfaceCode, scale: float) -> QubitNoise:
        return QubitNoise.uniform(scale, erasure=erasure_fraction * scale)

    return source


class QecPoint(BaseModel):
    """Logical error of one (distance, rounds, basis, scale, decoder) point."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    distance: int = Field(ge=3)
    rounds: int = Field(ge=1)
    basis: str
    scale: float = Field(ge=0, description="physical error scale (p for the uniform model)")
    decoder: str
    shots: int = Field(ge=0)
    errors: int = Field(ge=0)
    seconds: float = Field(ge=0, description="sampling + decoding time (sinter) or decoding")
    p_logical_shot: float = Field(description="logical errors / shots")
    p_logical_shot_low: float
    p_logical_shot_high: float
    p_logical_round: float = Field(description="logical error per round")
    p_logical_round_low: float
    p_logical_round_high: float

    @classmethod
    def from_counts(
        cls, *, distance: int, rounds: int, basis: str, scale: float, decoder: str,
        shots: int, errors: int, seconds: float,
    ) -> QecPoint:
        """A point with its maximum-likelihood rate and likelihood-ratio interval."""
        if shots:
            fit = sinter.fit_binomial(
                num_shots=shots, num_hits=errors, max_likelihood_factor=MAX_LIKELIHOOD_FACTOR
            )
            vals = (fit.best, fit.low, fit.high)
        else:
            vals = (math.nan, 0.0, 1.0)

        def per_round(p: float) -> float:
            # beyond 1/2 the per-round conversion has no meaning: keep 1/2
            return float(
                sinter.shot_error_rate_to_piece_error_rate(min(p, 0.5), pieces=rounds)
            ) if math.isfinite(p) else p

        return cls(
            distance=distance, rounds=rounds, basis=basis, scale=scale, decoder=decoder,
            shots=shots, errors=errors, seconds=seconds,
            p_logical_shot=vals[0], p_logical_shot_low=vals[1], p_logical_shot_high=vals[2],
            p_logical_round=per_round(vals[0]), p_logical_round_low=per_round(vals[1]),
            p_logical_round_high=per_round(vals[2]),
        )


def _rounds_of(distance: int, rounds: int | Callable[[int], int] | None) -> int:
    if rounds is None:
        return distance
    return rounds(distance) if callable(rounds) else rounds


def _circuits(
    source: NoiseSource, *, distances: Iterable[int], scales: Iterable[float],
    rounds: int | Callable[[int], int] | None, bases: Iterable[str],
) -> list[tuple[dict[str, Any], stim.Circuit]]:
    out = []
    for d in distances:
        code = RotatedSurfaceCode(distance=d)
        r = _rounds_of(d, rounds)
        for s in scales:
            noise = source(code, s)
            for b in bases:
                meta = {"d": d, "r": r, "b": b, "s": float(s)}
                out.append((meta, surface_code_circuit(distance=d, rounds=r, basis=b,
                                                       noise=noise)))
    return out


def _check_decoders(decoders: Sequence[str]) -> None:
    unknown = [d for d in decoders if d not in DECODERS]
    if unknown or not decoders:
        raise ValueError(f"decoders must be among {sorted(DECODERS)}, got {list(decoders)}")


def collect_local(
    source: NoiseSource,
    *,
    distances: Sequence[int],
    scales: Sequence[float],
    rounds: int | Callable[[int], int] | None = None,
    bases: Sequence[str] = ("Z",),
    decoders: Sequence[str] = ("pymatching", "erasure_matching"),
    max_shots: int = 10_000,
    max_errors: int | None = None,
    batch_shots: int = 10_000,
    seed: int | None = None,
) -> list[QecPoint]:
    """Sample and decode in this process; all decoders see the same shots.

    Args:
        source: per-qubit noise of a (patch, scale).
        distances, scales: the grid of points.
        rounds: rounds per experiment (default: the distance), or a function of it.
        bases: memory bases ("Z", "X").
        decoders: names in :data:`control.qec.decoders.DECODERS`.
        max_shots: shot budget per point.
        max_errors: stop a point once the first decoder reached this many logical errors.
        batch_shots: largest sampling batch (batches start at 500 shots and double).
        seed: base seed (each point gets ``seed + its index``); None: random.
    """
    _check_decoders(decoders)
    out: list[QecPoint] = []
    for k, (meta, circuit) in enumerate(
        _circuits(source, distances=distances, scales=scales, rounds=rounds, bases=bases)
    ):
        dem = detector_error_model(circuit)
        compiled = {n: DECODERS[n].compile_decoder_for_dem(dem=dem) for n in decoders}
        sampler = circuit.compile_detector_sampler(seed=None if seed is None else seed + k)
        shots = 0
        errors = dict.fromkeys(decoders, 0)
        seconds = dict.fromkeys(decoders, 0.0)
        batch = min(500, batch_shots)  # grows: a point far above threshold stops early
        while shots < max_shots and (max_errors is None or errors[decoders[0]] < max_errors):
            n = min(batch, max_shots - shots)
            batch = min(2 * batch, batch_shots)
            dets, obs = sampler.sample(n, separate_observables=True, bit_packed=True)
            for name, dec in compiled.items():
                t0 = time.perf_counter()
                pred = dec.decode_shots_bit_packed(bit_packed_detection_event_data=dets)
                seconds[name] += time.perf_counter() - t0
                errors[name] += int(np.any(pred != obs, axis=1).sum())
            shots += n
        for name in decoders:
            out.append(QecPoint.from_counts(
                distance=meta["d"], rounds=meta["r"], basis=meta["b"], scale=meta["s"],
                decoder=name, shots=shots,
                errors=errors[name], seconds=seconds[name],
            ))
    return out


def make_tasks(
    source: NoiseSource,
    *,
    distances: Sequence[int],
    scales: Sequence[float],
    rounds: int | Callable[[int], int] | None = None,
    bases: Sequence[str] = ("Z",),
) -> list[sinter.Task]:
    """sinter tasks (circuit, metadata d, r, b, s). sinter's workers build the decomposed DEM
    with the options of :func:`control.qec.circuits.detector_error_model`, in parallel."""
    return [
        sinter.Task(circuit=c, json_metadata=meta)
        for meta, c in _circuits(source, distances=distances, scales=scales, rounds=rounds,
                                 bases=bases)
    ]


def collect_sinter(
    tasks: Sequence[sinter.Task],
    *,
    decoders: Sequence[str] = ("pymatching", "erasure_matching"),
    max_shots: int = 100_000,
    max_errors: int | None = 200,
    num_workers: int = 1,
    save_resume_filepath: str | Path | None = None,
) -> list[QecPoint]:
    """``sinter.collect`` over ``tasks`` x ``decoders`` with its stopping rules and resumable
    CSV; returns one :class:`QecPoint` per task and decoder (sorted by d, s, b, decoder)."""
    _check_decoders(decoders)
    stats = sinter.collect(
        num_workers=num_workers,
        tasks=tasks,
        decoders=list(decoders),
        custom_decoders=sinter_decoders(),
        max_shots=max_shots,
        max_errors=max_errors,
        save_resume_filepath=save_resume_filepath,
    )
    return points_from_stats(stats)


def points_from_stats(stats: Iterable[sinter.TaskStats]) -> list[QecPoint]:
    """:class:`QecPoint` rows of sinter's task statistics (metadata d, r, b, s)."""
    pts = [
        QecPoint.from_counts(
            distance=int(st.json_metadata["d"]), rounds=int(st.json_metadata["r"]),
            basis=str(st.json_metadata["b"]), scale=float(st.json_metadata["s"]),
            decoder=st.decoder, shots=st.shots, errors=st.errors, seconds=st.seconds,
        )
        for st in stats
    ]
    return sorted(pts, key=lambda p: (p.distance, p.scale, p.basis, p.decoder))
