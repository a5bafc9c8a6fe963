"""Decoders on the detector error model: plain matching and erasure-aware matching.

- ``"pymatching"``: minimum-weight perfect matching (pymatching) on the decomposed detector
  error model. Herald detectors are isolated nodes with a boundary edge, so a herald costs a
  constant and changes nothing: the erasure is decoded as the Pauli channel it hides.
- ``"erasure_matching"``: the same graph, reweighted per shot by the heralds. Each herald is a
  component of the decomposed erasure errors (``error(p/4) D_a D_b ^ D_herald``), so the
  conditional probability of an erased qubit's X (or Z) edge given its herald is 1/2: weight
  0. pymatching's correlated (two-pass) matching applies exactly such conditional reweights
  in C++ per shot: the first pass matches every fired herald to the boundary (its only edge),
  the second pass decodes with the erased edges at their conditional weight. The decoder keeps
  only the herald correlations (other hyperedges are split into independent edges), so it
  differs from ``"pymatching"`` by the erasure information alone.

Both are :class:`sinter.Decoder` objects (:func:`sinter_decoders`), so sinter's collection
uses them in its workers. :func:`compare_decoders` decodes the same sampled shots with several
decoders in this process.

Example:
    >>> from control.qec.circuits import surface_code_circuit
    >>> from control.qec.noise_model import QubitNoise
    >>> c = surface_code_circuit(distance=3, rounds=3, noise=QubitNoise(p_erasure=0.05))
    >>> r = compare_decoders(c, shots=2000, seed=1)
    >>> r["erasure_matching"].errors <= r["pymatching"].errors
    True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pymatching
import sinter
import stim
from numpy.typing import NDArray

from control.qec.circuits import detector_error_model, herald_detectors

__all__ = [
    "DECODERS",
    "DecoderResult",
    "ErasureMatchingDecoder",
    "PlainMatchingDecoder",
    "compare_decoders",
    "erasure_decoding_dem",
    "sinter_decoders",
]


# pymatching's correlated matching takes no error above 1/2 (negative weight); such a prior
# is decoded as a coin flip (weight 0), the most the matching can say of it. Sampling keeps
# the true probability: only the decoder's prior is capped.
_MAX_CORRELATED_P = 0.5


def erasure_decoding_dem(dem: stim.DetectorErrorModel) -> stim.DetectorErrorModel:
    """``dem`` with every decomposed error that involves no herald split into independent
    errors, so correlated matching reweights by heralds only; error priors above 1/2 are
    capped at 1/2 (see ``_MAX_CORRELATED_P``)."""
    heralds = set(herald_detectors(dem))
    out = stim.DetectorErrorModel()
    for inst in dem.flattened():
        if inst.type != "error":
            out.append(inst)
            continue
        targets = inst.targets_copy()
        p = [min(x, _MAX_CORRELATED_P) for x in inst.args_copy()]
        if any(t.is_relative_detector_id() and t.val in heralds for t in targets):
            out.append("error", p, targets)
            continue
        component: list[stim.DemTarget] = []
        for t in [*targets, stim.DemTarget.separator()]:
            if t.is_separator():
                if component:
                    out.append("error", p, component)
                component = []
            else:
                component.append(t)
    return out


class _CompiledMatching(sinter.CompiledDecoder):
    """pymatching on a DEM; ``correlated`` turns on its two-pass reweighting."""

    def __init__(self, matching: pymatching.Matching, *, correlated: bool) -> None:
        self.matching = matching
        self.correlated = correlated

    def decode_shots_bit_packed(
        self, *, bit_packed_detection_event_data: NDArray[np.uint8]
    ) -> NDArray[np.uint8]:
        out: NDArray[np.uint8] = self.matching.decode_batch(
            bit_packed_detection_event_data,
            bit_packed_shots=True,
            bit_packed_predictions=True,
            enable_correlations=self.correlated,
        )
        return out


class PlainMatchingDecoder(sinter.Decoder):
    """Minimum-weight perfect matching, heralds ignored."""

    def compile_decoder_for_dem(self, *, dem: stim.DetectorErrorModel) -> sinter.CompiledDecoder:
        return _CompiledMatching(pymatching.Matching.from_detector_error_model(dem),
                                 correlated=False)

    def decode_via_files(self, **kwargs: Any) -> None:  # pragma: no cover - sinter fallback
        raise NotImplementedError("use compile_decoder_for_dem")


class _CompiledErasureMatching(sinter.CompiledDecoder):
    """Shots where a herald fired: two-pass matching; the others: one pass (identical there,
    since only heralds carry reweighting rules), which saves the second pass."""

    def __init__(self, dem: stim.DetectorErrorModel, heralds: list[int]) -> None:
        self.aware = pymatching.Matching.from_detector_error_model(
            erasure_decoding_dem(dem), enable_correlations=True
        )
        self.plain = pymatching.Matching.from_detector_error_model(dem)
        mask = np.zeros((dem.num_detectors + 7) // 8, dtype=np.uint8)
        for k in heralds:  # bit k of the little-endian bit-packed shot
            mask[k // 8] |= np.uint8(1 << (k % 8))
        self.first_byte = heralds[0] // 8
        self.mask = mask[self.first_byte:]

    def decode_shots_bit_packed(
        self, *, bit_packed_detection_event_data: NDArray[np.uint8]
    ) -> NDArray[np.uint8]:
        dets = bit_packed_detection_event_data
        erased = np.any(dets[:, self.first_byte:] & self.mask, axis=1)
        kwargs = {"bit_packed_shots": True, "bit_packed_predictions": True}
        if erased.all():
            out: NDArray[np.uint8] = self.aware.decode_batch(
                dets, enable_correlations=True, **kwargs
            )
            return out
        if not erased.any():
            out = self.plain.decode_batch(dets, **kwargs)
            return out
        out = np.empty((dets.shape[0], (self.plain.num_fault_ids + 7) // 8), dtype=np.uint8)
        out[~erased] = self.plain.decode_batch(np.ascontiguousarray(dets[~erased]), **kwargs)
        out[erased] = self.aware.decode_batch(
            np.ascontiguousarray(dets[erased]), enable_correlations=True, **kwargs
        )
        return out


class ErasureMatchingDecoder(sinter.Decoder):
    """Matching with the erased edges of each shot at weight 0 (see the module docstring)."""

    def compile_decoder_for_dem(self, *, dem: stim.DetectorErrorModel) -> sinter.CompiledDecoder:
        heralds = herald_detectors(dem)
        if not heralds:
            return PlainMatchingDecoder().compile_decoder_for_dem(dem=dem)
        return _CompiledErasureMatching(dem, heralds)

    def decode_via_files(self, **kwargs: Any) -> None:  # pragma: no cover - sinter fallback
        raise NotImplementedError("use compile_decoder_for_dem")


DECODERS: dict[str, sinter.Decoder] = {
    "pymatching": PlainMatchingDecoder(),
    "erasure_matching": ErasureMatchingDecoder(),
}


def sinter_decoders() -> dict[str, sinter.Decoder]:
    """Decoders of this package by name, for ``sinter.collect(custom_decoders=...)``."""
    return dict(DECODERS)


@dataclass(frozen=True)
class DecoderResult:
    """Logical errors of one decoder on a set of shots, and its decoding time."""

    decoder: str
    shots: int
    errors: int
    decode_seconds: float

    @property
    def logical_error_rate(self) -> float:
        return self.errors / self.shots if self.shots else float("nan")


def compare_decoders(
    circuit: stim.Circuit,
    *,
    shots: int,
    seed: int | None = None,
    decoders: tuple[str, ...] = ("pymatching", "erasure_matching"),
    dem: stim.DetectorErrorModel | None = None,
) -> dict[str, DecoderResult]:
    """Sample ``shots`` once and decode the same shots with each decoder.

    Args:
        circuit: the noisy circuit (e.g. :func:`control.qec.circuits.surface_code_circuit`).
        shots: number of shots.
        seed: stim's sampler seed (None: random).
        decoders: names in :data:`DECODERS`.
        dem: its decomposed detector error model (computed when None).
    """
    unknown = [d for d in decoders if d not in DECODERS]
    if unknown:
        raise ValueError(f"unknown decoders {unknown}; known: {sorted(DECODERS)}")
    if isinstance(shots, bool) or not isinstance(shots, int) or shots < 1:
        raise ValueError(f"shots must be a positive integer, got {shots!r}")
    model = detector_error_model(circuit) if dem is None else dem
    sampler = circuit.compile_detector_sampler(seed=seed)
    dets, obs = sampler.sample(shots, separate_observables=True, bit_packed=True)
    out: dict[str, DecoderResult] = {}
    for name in decoders:
        compiled = DECODERS[name].compile_decoder_for_dem(dem=model)
        t0 = time.perf_counter()
        pred = compiled.decode_shots_bit_packed(bit_packed_detection_event_data=dets)
        dt = time.perf_counter() - t0
        wrong = np.any(pred != obs, axis=1)
        out[name] = DecoderResult(
            decoder=name, shots=shots, errors=int(wrong.sum()), decode_seconds=dt
        )
    return out
