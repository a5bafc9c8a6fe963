"""Benchmark: the QEC layer (control.qec) against raw sinter / pymatching.

1. Overhead: the same circuits (uniform circuit noise p = 1e-3, d = 3 / 5 / 7, d rounds)
   sampled and decoded through this layer (``make_tasks`` + ``collect_sinter`` with its
   pymatching decoder, rows converted to ``QecPoint``) and through raw ``sinter.collect`` with
   sinter's built-in pymatching, same shots, one worker each. Aim: <= 10 % overhead.
2. Decoding per shot (same shots): plain matching vs erasure-aware matching on circuits with
   heralded erasure (p = 1e-3 plus erasure 1e-2 per qubit and round). Aim: erasure-aware
   within 3x of plain matching. The plain per-shot time at p = 1e-3 without erasure is also
   printed (the issue measured 0.04 / 0.2 / 0.7 us at d = 3 / 5 / 7).
3. Threshold sweep: uniform circuit noise, d = 3..11, 6 error rates, sinter with 2 workers,
   both decoders' stopping rule 200 errors or 100k shots. Aim: under 10 minutes.

    python benchmarks/bench_qec.py [--quick]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import sinter

from control.qec.analysis import threshold_estimate
from control.qec.circuits import detector_error_model, surface_code_circuit
from control.qec.collect import collect_sinter, make_tasks, uniform_noise_source
from control.qec.decoders import DECODERS
from control.qec.noise_model import QubitNoise


def bench_overhead(shots: int) -> None:
    for d in (3, 5, 7):
        src = uniform_noise_source()
        t0 = time.perf_counter()
        tasks = make_tasks(src, distances=(d,), scales=(1e-3,))
        pts = collect_sinter(tasks, decoders=("pymatching",), max_shots=shots, max_errors=None)
        t_layer = time.perf_counter() - t0
        circuit = surface_code_circuit(distance=d, rounds=d, noise=QubitNoise.uniform(1e-3))
        t0 = time.perf_counter()
        raw = sinter.collect(num_workers=1, tasks=[sinter.Task(circuit=circuit)],
                             decoders=["pymatching"], max_shots=shots)
        t_raw = time.perf_counter() - t0
        print(f"overhead d={d} shots={shots}: layer {t_layer:.2f} s ({pts[0].errors} errors), "
              f"raw sinter {t_raw:.2f} s ({raw[0].errors} errors), "
              f"ratio {t_layer / t_raw:.3f}")


def _per_shot_us(circuit_noise: QubitNoise, d: int, shots: int) -> dict[str, float]:
    c = surface_code_circuit(distance=d, rounds=d, noise=circuit_noise)
    dem = detector_error_model(c)
    dets = c.compile_detector_sampler(seed=1).sample(shots, bit_packed=True)
    out = {}
    for name in ("pymatching", "erasure_matching"):
        dec = DECODERS[name].compile_decoder_for_dem(dem=dem)
        dec.decode_shots_bit_packed(bit_packed_detection_event_data=dets[:100])  # warm up
        t0 = time.perf_counter()
        dec.decode_shots_bit_packed(bit_packed_detection_event_data=dets)
        out[name] = (time.perf_counter() - t0) / shots * 1e6
    return out


def bench_decoding(shots: int) -> None:
    for d in (3, 5, 7):
        plain = _per_shot_us(QubitNoise.uniform(1e-3), d, shots)
        print(f"decode d={d} p=1e-3 no erasure: pymatching {plain['pymatching']:.3f} us/shot")
    for d in (3, 5, 7, 9):
        t = _per_shot_us(QubitNoise.uniform(1e-3, erasure=1e-2), d, shots)
        print(f"decode d={d} p=1e-3 erasure=1e-2: pymatching {t['pymatching']:.3f} us/shot, "
              f"erasure_matching {t['erasure_matching']:.3f} us/shot, "
              f"ratio {t['erasure_matching'] / t['pymatching']:.2f}")


def bench_sweep(max_shots: int, workers: int) -> None:
    distances = (3, 5, 7, 9, 11)
    scales = tuple(float(s) for s in np.geomspace(0.004, 0.012, 6))
    t0 = time.perf_counter()
    tasks = make_tasks(uniform_noise_source(), distances=distances, scales=scales)
    t_build = time.perf_counter() - t0
    pts = collect_sinter(tasks, decoders=("pymatching",), max_shots=max_shots, max_errors=200,
                         num_workers=workers)
    dt = time.perf_counter() - t0
    th = threshold_estimate(pts, decoder="pymatching")
    print(f"sweep d=3..11 x {len(scales)} rates, {workers} workers: {dt:.1f} s "
          f"(circuits + DEMs {t_build:.1f} s), {sum(p.shots for p in pts)} shots, "
          f"threshold {th.scale:.4f} (pairs {[round(c[2], 4) for c in th.crossings]})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer shots")
    args = ap.parse_args()
    bench_overhead(200_000 if args.quick else 1_000_000)
    bench_decoding(20_000 if args.quick else 100_000)
    bench_sweep(20_000 if args.quick else 100_000, workers=2)


if __name__ == "__main__":
    main()
