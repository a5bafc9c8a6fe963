"""Benchmark: the monitoring twin's telemetry generation + analysis rate at 1,024 and 65,536
qubitrons, with detection lead time and false alarms per scenario.

The plant is the default chip's tile as the build evaluates it (thermal model, drive, noise
table at the spec's 4 K), repeated over the tiles of the larger chips (every tile is the same
cell). Each run generates every channel per step, runs the vectorised CUSUM on it, attributes
the alarms, acts on them and samples stim on the QEC snapshots; samples/s counts every
channel of every step over the whole run (snapshots and interventions included).

Peer: river (per-sample streaming detectors, one Python call per sample per channel) is not
installed here; the baseline is the same CUSUM recursion written that way, one scalar update
per call, timed on a slice of channels. Aims: >= 1 M samples/s generated and analysed, every
injected failure detected before it happens, < 1 false alarm per 10^6 samples.

    python benchmarks/bench_twin.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from control.monitoring.plant import ChipPlant, TilePlant
from control.monitoring.scenario import Scenario, load_scenario
from control.monitoring.twin import TwinReport, run_twin

SCENARIOS = Path(__file__).parents[1] / "control" / "monitoring" / "scenarios"

#: a 10-minute scenario for the 65,536-qubitron chip (every kind of event, faster rates)
LARGE = {
    "name": "all_kinds_10min", "seed": 5, "duration_s": 600, "warmup_s": 120, "events": [
        {"kind": "ring_drift", "tile": [3, 7], "index": 2, "start_s": 150, "rate": 3e-4},
        {"kind": "cooling_fault", "tile": [40, 9], "start_s": 200, "rate": 6e-3},
        {"kind": "detector_degradation", "tile": [77, 1], "index": 1, "start_s": 150,
         "rate": 5e-4},
        {"kind": "detector_latching", "tile": [100, 100], "index": 3, "start_s": 300},
        {"kind": "coupler_drift", "tile": [5, 120], "line": "pump", "start_s": 150,
         "rate": 3e-3},
        {"kind": "fibre_misalignment", "tile": [90, 30], "line": "stokes", "start_s": 150,
         "rate": 8e-3},
    ],
}


class PerSampleCusum:
    """The baseline: one channel's two-sided CUSUM, one Python call per sample (the shape of
    river's ``drift`` detectors)."""

    def __init__(self, mu: float, sigma: float, delta: float = 2.0, h: float = math.log(1e8)):
        self.mu, self.sigma, self.delta, self.h = mu, sigma, delta, h
        self.up = self.down = 0.0

    def update(self, x: float) -> bool:
        z = (x - self.mu) / self.sigma
        d = self.delta
        self.up = max(0.0, self.up + d * z - 0.5 * d * d)
        self.down = max(0.0, self.down - d * z - 0.5 * d * d)
        if self.up > self.h or self.down > self.h:
            self.up = self.down = 0.0
            return True
        return False


def baseline_rate(samples: int = 400_000) -> float:
    """Samples per second of the per-sample detector (analysis only, no generation)."""
    rng = np.random.default_rng(0)
    n_ch = 1000
    dets = [PerSampleCusum(0.0, 1.0) for _ in range(n_ch)]
    xs = rng.normal(0.0, 1.0, (samples // n_ch, n_ch)).tolist()
    t0 = time.perf_counter()
    for row in xs:
        for det, x in zip(dets, row, strict=True):
            det.update(x)
    return samples / (time.perf_counter() - t0)


def tile_plant_of_default_chip() -> TilePlant:
    from flows.spec import default_chip
    from flows.twin_job import chip_plant

    return chip_plant(default_chip()).tile


def print_run(n_qubitrons: int, report: TwinReport, base: float) -> None:
    print(f"  {n_qubitrons:>6} qubitrons, {report.scenario}: {report.channels:,} channels x "
          f"{report.steps} steps = {report.samples:,} samples in {report.seconds:.1f} s: "
          f"{report.samples_per_s / 1e6:.2f} M samples/s generated + analysed "
          f"({report.samples_per_s / base:.0f}x the per-sample baseline)")
    print(f"      detection rate {report.detection_rate:.0%}, false alarms {report.false_alarms} "
          f"({report.false_alarms_per_1e6_samples:.3f} per 1e6 samples), "
          f"{len(report.interventions)} interventions, {len(report.qec_snapshots)} QEC snapshots")
    for e in report.events:
        lead = "-" if e.lead_time_s is None else f"{e.lead_time_s:.0f} s"
        fc = "-" if e.forecast_failure_s is None else f"{e.forecast_failure_s:.0f} s"
        print(f"      {e.label:44s} fails {e.failure_s!s:>7} s, detected {e.detected_s!s:>6} s,"
              f" lead {lead:>7}, forecast {fc}")


def main() -> None:
    import quantacore

    quantacore.activate()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the 1,024-qubitron runs")
    args = parser.parse_args()
    t0 = time.perf_counter()
    tile = tile_plant_of_default_chip()
    print(f"plant: the default chip's tile ({tile.n_rings} rings, {tile.n_heaters} heaters, "
          f"{tile.n_qubitrons} qubitrons at {tile.temperature_K:g} K) in "
          f"{time.perf_counter() - t0:.1f} s")
    base = baseline_rate()
    print(f"baseline: per-sample CUSUM in Python, {base / 1e6:.2f} M samples/s (analysis only)")
    small = ChipPlant.with_qubitrons(tile, 1024)
    for path in sorted(SCENARIOS.glob("*.yaml")):
        report = run_twin(small, load_scenario(path), qec_shots=500, keep_traces=False).report
        print_run(1024, report, base)
    if not args.quick:
        large = ChipPlant.with_qubitrons(tile, 65_536)
        report = run_twin(large, Scenario.model_validate(LARGE), qec_shots=500,
                          keep_traces=False).report
        print_run(65_536, report, base)


if __name__ == "__main__":
    main()
