"""The twin's live metrics in the Prometheus exposition format (``prometheus_client``).

A collector on its own ``CollectorRegistry`` (not the process-global one, so two twins or a
test do not share series) reads the latest :class:`MetricsSnapshot` the twin publishes;
:meth:`MetricsExporter.serve` starts ``prometheus_client``'s HTTP server on it, which is what
monitoring stacks scrape (``GET /metrics``).

Label cardinality: a 65,536-qubitron chip has ~0.7 M channels; one series each would swamp a
Prometheus server. The exporter publishes chip totals, per-tile aggregates for at most
``max_tiles`` tiles (the worst ones by ring offset when there are more) and the worst
``worst_n`` channels of each signal group by distance from their baseline.

Example:
    >>> from prometheus_client import generate_latest
    >>> ex = MetricsExporter()
    >>> ex.publish(MetricsSnapshot(time_s=1.0, samples=10, alarms=0, interventions=0))
    >>> b"quantacore_twin_samples_total 10.0" in generate_latest(ex.registry)
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

__all__ = ["MetricsExporter", "MetricsSnapshot"]


@dataclass(frozen=True)
class MetricsSnapshot:
    """What the twin publishes (replaced whole, so a scrape sees one consistent step).

    Attributes:
        time_s: simulated time.
        samples: telemetry samples generated so far.
        alarms: detector alarms so far.
        interventions: interventions so far.
        tiles: tile name -> {figure: value} (per-tile aggregates).
        worst: group -> [(channel name, value, z-score)] worst channels.
        logical_error_round: latest QEC snapshot's logical error per round (or None).
        syndrome_rate: latest QEC snapshot's fraction of fired syndrome detectors.
    """

    time_s: float
    samples: int
    alarms: int
    interventions: int
    tiles: dict[str, dict[str, float]] = field(default_factory=dict)
    worst: dict[str, list[tuple[str, float, float]]] = field(default_factory=dict)
    logical_error_round: float | None = None
    syndrome_rate: float | None = None


class _TwinCollector(Collector):
    def __init__(self, exporter: MetricsExporter) -> None:
        self.exporter = exporter

    def collect(self) -> Iterator[Any]:
        s = self.exporter.snapshot
        if s is None:
            return
        yield GaugeMetricFamily("quantacore_twin_time_seconds", "simulated time of the twin",
                                value=s.time_s)
        yield CounterMetricFamily("quantacore_twin_samples", "telemetry samples generated",
                                  value=s.samples)
        yield CounterMetricFamily("quantacore_twin_alarms", "drift / anomaly alarms",
                                  value=s.alarms)
        yield CounterMetricFamily("quantacore_twin_interventions", "interventions applied",
                                  value=s.interventions)
        if s.logical_error_round is not None:
            yield GaugeMetricFamily("quantacore_twin_logical_error_per_round",
                                    "latest QEC snapshot: logical error per round",
                                    value=s.logical_error_round)
        if s.syndrome_rate is not None:
            yield GaugeMetricFamily("quantacore_twin_syndrome_rate",
                                    "latest QEC snapshot: fraction of syndrome detectors fired",
                                    value=s.syndrome_rate)
        figures = sorted({f for v in s.tiles.values() for f in v})
        for fig in figures:
            g = GaugeMetricFamily(f"quantacore_twin_tile_{fig}", f"per-tile {fig}",
                                  labels=["tile"])
            for tile, vals in s.tiles.items():
                if fig in vals:
                    g.add_metric([tile], vals[fig])
            yield g
        value = GaugeMetricFamily("quantacore_twin_worst_value",
                                  "worst channels of each signal group: value",
                                  labels=["group", "channel"])
        score = GaugeMetricFamily("quantacore_twin_worst_zscore",
                                  "worst channels: distance from baseline in standard deviations",
                                  labels=["group", "channel"])
        for group, rows in s.worst.items():
            for name, v, z in rows:
                value.add_metric([group, name], v)
                score.add_metric([group, name], z)
        yield value
        yield score


class MetricsExporter:
    """Own registry + collector + optional HTTP server (see the module docstring)."""

    def __init__(self, *, max_tiles: int = 256, worst_n: int = 10) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.snapshot: MetricsSnapshot | None = None
        self.max_tiles = int(max_tiles)
        self.worst_n = int(worst_n)
        self.registry.register(_TwinCollector(self))
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def publish(self, snapshot: MetricsSnapshot) -> None:
        """Make ``snapshot`` what the next scrape reads."""
        self.snapshot = snapshot  # one reference assignment: atomic for the server thread

    def serve(self, port: int, *, addr: str = "127.0.0.1") -> int:
        """Start the HTTP endpoint (``/metrics``) on ``addr:port``; returns the bound port
        (``port=0`` picks a free one)."""
        self._server, self._thread = start_http_server(port, addr=addr, registry=self.registry)
        return int(self._server.server_port)

    def close(self) -> None:
        """Stop the HTTP endpoint (if serving)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None
