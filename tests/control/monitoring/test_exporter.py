"""The Prometheus endpoint: scraped over HTTP on localhost while the twin runs and after,
parsed with prometheus_client's own parser."""

from __future__ import annotations

import threading
import time
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

from control.monitoring.exporter import MetricsExporter
from control.monitoring.plant import ChipPlant, TilePlant
from control.monitoring.scenario import Scenario
from control.monitoring.twin import TwinResult, run_twin


def _scrape(port: int) -> dict[str, list]:  # type: ignore[type-arg]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        assert r.status == 200
        text = r.read().decode()
    return {f.name: f.samples for f in text_string_to_metric_families(text)}


def test_metrics_are_served_live_and_parse() -> None:
    chip = ChipPlant(tile=TilePlant.example(), tile_rows=2, tile_columns=2)
    scenario = Scenario.model_validate({"seed": 2, "duration_s": 600, "warmup_s": 60, "events": [
        {"kind": "detector_latching", "tile": [1, 1], "index": 0, "start_s": 200}]})
    exporter = MetricsExporter(worst_n=3)
    port = exporter.serve(0)  # a free port on 127.0.0.1
    try:
        assert _scrape(port) == {}  # nothing published yet: an empty, valid exposition
        out: list[TwinResult] = []
        # 600 simulated s at 400 s per wall-clock second: ~1.5 s, scraped while it runs
        worker = threading.Thread(target=lambda: out.append(run_twin(
            chip, scenario, exporter=exporter, pace=400.0, publish_every_s=1.0, qec_shots=50)))
        worker.start()
        time.sleep(0.8)
        live = _scrape(port)
        worker.join(timeout=60)
        assert out, "the twin did not finish"
        done = _scrape(port)
    finally:
        exporter.close()
    t_live = live["quantacore_twin_time_seconds"][0].value
    assert 0 < t_live < 599
    assert done["quantacore_twin_time_seconds"][0].value == 599
    report = out[0].report
    samples = done["quantacore_twin_samples"]
    assert samples[0].name == "quantacore_twin_samples_total"
    assert samples[0].value == report.samples
    assert done["quantacore_twin_interventions"][0].value == len(report.interventions) >= 1
    temps = {s.labels["tile"]: s.value for s in done["quantacore_twin_tile_temperature_kelvin"]}
    assert set(temps) == {"tile_0_0", "tile_0_1", "tile_1_0", "tile_1_1"}
    assert all(abs(v - 300.0) < 0.1 for v in temps.values())
    worst = done["quantacore_twin_worst_zscore"]
    groups = {s.labels["group"] for s in worst}
    assert "detector_counts" in groups and len(worst) <= 3 * 7
    det = [s.value for s in worst if s.labels["group"] == "detector_counts"]
    assert det == sorted(det, reverse=True)  # worst first
    assert done["quantacore_twin_logical_error_per_round"][0].value >= 0


def test_per_tile_series_are_capped() -> None:
    chip = ChipPlant(tile=TilePlant.example(), tile_rows=4, tile_columns=5)
    exporter = MetricsExporter(max_tiles=6, worst_n=2)
    run_twin(chip, Scenario(duration_s=80, warmup_s=30), exporter=exporter, qec_shots=20,
             keep_traces=False)
    from prometheus_client import generate_latest

    fams = {f.name: f.samples for f in text_string_to_metric_families(
        generate_latest(exporter.registry).decode())}
    assert len(fams["quantacore_twin_tile_temperature_kelvin"]) == 6
    assert len(fams["quantacore_twin_worst_value"]) == 2 * 7
