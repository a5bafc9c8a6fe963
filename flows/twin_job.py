"""`quantacore twin [SPEC] --scenario S.yaml --out DIR`: the chip's monitoring digital twin.

The twin starts from the chip as the build evaluates it: the routed tile (every tile is the
same cell), its thermal model (rings, heaters, crosstalk, the tuning solve at the spec's
operating temperature: ``thermal.analysis``), the drive delivered at each qubitron and the
tile's noise table (``flows.control_job``). It then runs the scenario
(``control.monitoring.twin``) and writes, atomically:

- ``telemetry/GROUP/part-*.parquet``: every sample (time_s, channel, value);
  ``channels.parquet``: the channel names;
- ``twin.json`` (the report: events with failure, detection and lead times, false alarms,
  interventions with their before / after figures, QEC snapshots), ``twin.md`` (the same as
  a readable summary), ``twin.html`` (signals with the detected events marked);
- ``scenario.json`` and ``spec.json`` (what ran).

With ``serve_port`` the live metrics are served in the Prometheus exposition format while the
twin runs. Exit code 0 when every injected failure was detected before it happened, 1 when
one was not.

The tile's thermal model leaves out the heat of neighbouring tiles (tiles sit far apart against
the thermal kernel's window); the chip build's thermal stage has it.

Example:
    >>> import tempfile, pathlib
    >>> from control.monitoring.plant import ChipPlant, TilePlant
    >>> from control.monitoring.scenario import Scenario, ScenarioError
    >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "twin"
    >>> res = run_twin_job(chip, Scenario(duration_s=60, warmup_s=20), out, qec_shots=50)
    >>> res.exit_code, sorted(p.name for p in out.iterdir())[:3]
    (0, ['channels.parquet', 'scenario.json', 'telemetry'])
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.console import Console

from control.monitoring.exporter import MetricsExporter
from control.monitoring.plant import ChipPlant, tile_plant
from control.monitoring.plots import write_twin_html
from control.monitoring.scenario import Scenario, ScenarioError
from control.monitoring.store import write_table_atomic
from control.monitoring.telemetry import GROUPS, TelemetryGenerator
from control.monitoring.twin import TwinReport, TwinResult, channel_name, run_twin
from flows.output import atomic_folder, check_output_folder
from flows.spec import ChipSpec
from qc_pdk.errors import InputError

__all__ = [
    "TwinInputError",
    "TwinJobResult",
    "check_scenario_fits",
    "check_twin_settings",
    "chip_plant",
    "run_twin_job",
    "twin_markdown",
]


class TwinInputError(InputError):
    """A twin setting out of range (named in the message)."""


@dataclass
class TwinJobResult:
    """The report, the run (traces) and the exit code."""

    report: TwinReport
    result: TwinResult
    exit_code: int
    port: int | None = None


@lru_cache(maxsize=4)
def _chip_plant_cached(spec_json: str) -> ChipPlant:
    spec = ChipSpec.model_validate_json(spec_json)
    from components.qubitron import loaded_q_estimate
    from control.pulses import PulseTiming
    from flows.control_job import run_control
    from flows.thermal_job import qubitron_detuning
    from routing.tile import chip_tile
    from thermal.analysis import analyse_thermal
    from thermal.tuning import tune_rings

    tile = chip_tile(spec.tile_design())
    q = spec.qubitron
    loaded_q = loaded_q_estimate(q.round_trip_um, q.gap_um, spec.wdm.centre_nm)
    thermal = analyse_thermal(
        tile, temperature_K=spec.thermal.temperature_K, fab_sigma_nm=spec.thermal.fab_sigma_nm,
        seed=spec.thermal.seed, max_heater_power_mW=spec.thermal.max_heater_power_mW,
        loaded_q=loaded_q, wl_nm=spec.wdm.centre_nm, transient=False,
    )
    # the same residual detuning the build feeds into STIRAP, so the twin starts from the
    # build's noise table
    detuning_nm, detuning_source = qubitron_detuning(thermal, tile)
    with tempfile.TemporaryDirectory() as scratch:
        control, noise = run_control(spec, Path(scratch) / "control", tile=tile,
                                     ring_detuning_nm=detuning_nm,
                                     detuning_source=detuning_source)
    names = [r.qubitron for r in noise.rows]
    c = spec.control
    pump = [c.pump_power_mW * 10 ** (-control.pump_delivery_dB[n] / 10) for n in names]
    stokes = [c.stokes_power_mW * 10 ** (-control.stokes_delivery_dB[n] / 10) for n in names]
    radius = [float(tile.insts[n].cell.info["round_trip_um"]) / (2 * math.pi) for n in names]
    tp = tile_plant(
        thermal=thermal, noise=noise, pump_mW=pump, stokes_mW=stokes, loaded_q=loaded_q,
        ring_round_trip_um=q.round_trip_um, ring_gap_um=q.gap_um, wl_nm=spec.wdm.centre_nm,
        tuner=tune_rings,
        noise_kwargs={
            "loaded_q": [control.loaded_q[n] for n in names], "ring_radius_um": radius,
            "pulses": PulseTiming(fwhm_ns=c.pulse_fwhm_ns, delay_ns=c.pulse_delay_ns,
                                  shape=c.pulse_shape),
        },
    )
    rows, cols = spec.tiles
    return ChipPlant(tile=tp, tile_rows=rows, tile_columns=cols)


def chip_plant(spec: ChipSpec) -> ChipPlant:
    """The twin's plant of ``spec``: its tile evaluated as the build does, over the tile
    array (cached per spec in this process: the thermal solve takes seconds).

    Example:
        >>> from flows.spec import default_chip  # the thermal solve takes ~20 s:
        >>> plant = chip_plant(default_chip())  # doctest: +SKIP
        >>> plant.n_qubitrons, plant.tile.n_rings  # doctest: +SKIP
        (16, 20)
    """
    return _chip_plant_cached(spec.model_dump_json())


def twin_markdown(report: TwinReport) -> str:
    """A readable summary of the report (markdown): events, false alarms, interventions,
    QEC snapshots, notes.

    Example:
        >>> from control.monitoring.plant import TilePlant
        >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1)
        >>> from control.monitoring.twin import run_twin
        >>> r = run_twin(chip, Scenario(duration_s=60, warmup_s=20), qec_shots=20).report
        >>> twin_markdown(r).splitlines()[0]
        '# Twin run `scenario` (seed 0)'
    """
    def f(v: float | None, unit: str = "s") -> str:
        return "-" if v is None else f"{v:.4g} {unit}".strip()

    lines = [
        f"# Twin run `{report.scenario}` (seed {report.seed})", "",
        f"{report.steps} steps of {report.step_s} s, {report.channels:,} channels, "
        f"{report.samples:,} samples in {report.seconds:.3g} s "
        f"({report.samples_per_s:,.0f} samples/s).", "",
        f"Detection rate **{report.detection_rate:.0%}**, false alarms **{report.false_alarms}**"
        f" ({report.false_alarms_per_1e6_samples:.3g} per 10^6 samples).", "",
        "## Events", "",
        "| event | start | would fail | detected | lead time | forecast failure | alarms |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in report.events:
        lines.append(f"| {e.label} | {f(e.start_s)} | {f(e.failure_s)} | {f(e.detected_s)} | "
                     f"{f(e.lead_time_s)} | {f(e.forecast_failure_s)} | {e.alarms} |")
    lines += ["", "## Interventions", "", "| time | action | target | trigger | figures |",
              "|---|---|---|---|---|"]
    for i in report.interventions:
        keys = [k for k in i.figures if not isinstance(i.figures[k], list)]
        figs = ", ".join(f"{k}={_fmt(i.figures[k])}" for k in keys)
        lines.append(f"| {f(i.time_s)} | {i.kind} | {i.target} | {i.trigger} | {figs} |")
    lines += ["", "## QEC snapshots (stim, Z-basis memory)", "",
              "| time | purpose | centre qubitron | marked | logical error / round | "
              "syndrome rate | erasure rate | shots |",
              "|---|---|---|---|---|---|---|---|"]
    for s in report.qec_snapshots:
        lines.append(f"| {f(s.time_s)} | {s.purpose} | {s.centre_qubitron} | "
                     f"{s.marked_qubitrons} | {s.logical_error_round:.4g} | "
                     f"{s.syndrome_rate:.4g} | {s.erasure_rate:.4g} | {s.shots} |")
    lines += ["", "## Notes", ""] + [f"- {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _fmt(v: object) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def _channels_table(gen: TelemetryGenerator) -> pa.Table:
    lay = gen.layout
    group, tile, item, name = [], [], [], []
    for g in GROUPS:
        sl = lay.groups[g]
        for c in range(sl.start, sl.stop):
            t, i = divmod(c - sl.start, lay.per_tile[g])
            group.append(g)
            tile.append(gen.plant.tile_name(t))
            item.append(i)
            name.append(channel_name(gen, c))
    return pa.table({"channel": pa.array(np.arange(lay.n_channels, dtype=np.int32)),
                     "group": group, "tile": tile, "item": pa.array(item, pa.int32()),
                     "name": name})


def check_twin_settings(
    *, serve_port: int | None = None, pace: float = 0.0, linger_s: float = 0.0,
    qec_shots: int = 2_000,
) -> None:
    """Reject out-of-range settings before any work (:class:`TwinInputError`).

    Example:
        >>> check_twin_settings(serve_port=70000)
        Traceback (most recent call last):
        ...
        flows.twin_job.TwinInputError: --serve 70000: a port must be in 0-65535
    """
    if serve_port is not None and not 0 <= serve_port <= 65535:
        raise TwinInputError(f"--serve {serve_port}: a port must be in 0-65535")
    if not (pace >= 0 and math.isfinite(pace)):
        raise TwinInputError(f"--pace {pace}: must be a finite number >= 0")
    if not (0 <= linger_s <= 86_400):
        raise TwinInputError(f"--linger-s {linger_s}: must be in [0, 86400] s")
    if not 10 <= qec_shots <= 10_000_000:
        raise TwinInputError(f"--qec-shots {qec_shots}: must be between 10 and 10000000")


def check_scenario_fits(scenario: Scenario, spec: ChipSpec) -> None:
    """Reject events on tiles or qubitrons ``spec`` does not have, before any work (the ring
    indices are checked once the thermal model has found the rings).

    Example:
        >>> from flows.spec import default_chip
        >>> s = Scenario.model_validate({"duration_s": 300, "events": [
        ...     {"kind": "detector_latching", "tile": [5, 0], "index": 0, "start_s": 100}]})
        >>> try:
        ...     check_scenario_fits(s, default_chip())
        ... except ScenarioError as e:
        ...     print(str(e).split(": ", 1)[1])
        tile [5, 0] is not on the chip (2 x 2 tiles)
    """
    rows, cols = spec.tiles
    for k, e in enumerate(scenario.events):
        if e.kind != "ambient_drift" and not (e.tile[0] < rows and e.tile[1] < cols):
            raise ScenarioError(f"events[{k}] ({e.label}): tile {list(e.tile)} is not on the "
                                f"chip ({rows} x {cols} tiles)")
        if e.kind.startswith("detector") and (e.index or 0) >= spec.array.tile_columns:
            raise ScenarioError(f"events[{k}] ({e.label}): index {e.index} but a tile has "
                                f"{spec.array.tile_columns} qubitrons")


def run_twin_job(
    plant: ChipPlant,
    scenario: Scenario,
    out: str | Path,
    *,
    spec: ChipSpec | None = None,
    serve_port: int | None = None,
    serve_addr: str = "127.0.0.1",
    pace: float = 0.0,
    linger_s: float = 0.0,
    qec_shots: int = 2_000,
    console: Console | None = None,
) -> TwinJobResult:
    """Run the twin on ``plant`` and write its outputs to ``out`` (module docstring).

    Args:
        plant: the chip (:func:`chip_plant` of a spec).
        scenario: the degradation scenario.
        out: output folder (replaced atomically).
        spec: the chip spec (written to ``spec.json``).
        serve_port: serve live Prometheus metrics on this port (0: a free one).
        serve_addr: address to bind (default: this machine only).
        pace: simulated seconds per wall-clock second (0: as fast as possible).
        linger_s: keep serving this long after the run, s.
        qec_shots: stim shots per QEC snapshot (100-1e7).
        console: progress there.

    Returns:
        :class:`TwinJobResult`.

    Raises:
        TwinInputError: a setting out of range; ScenarioError: an event the chip cannot have.
    """
    check_twin_settings(serve_port=serve_port, pace=pace, linger_s=linger_s,
                        qec_shots=qec_shots)
    folder = check_output_folder(out)
    gen = TelemetryGenerator(plant, scenario)  # checks the events against the chip first
    exporter = MetricsExporter() if serve_port is not None else None
    port = None
    try:
        if exporter is not None:
            port = exporter.serve(int(serve_port or 0), addr=serve_addr)
            if console is not None:
                console.print(f"serving metrics on http://{serve_addr}:{port}/metrics")
        with atomic_folder(folder) as tmp:
            result = run_twin(plant, scenario, store_folder=tmp / "telemetry",
                              exporter=exporter, pace=pace, console=console,
                              qec_shots=qec_shots)
            write_table_atomic(_channels_table(gen), tmp / "channels.parquet")
            report = result.report
            (tmp / "twin.json").write_text(report.model_dump_json(indent=1))
            (tmp / "twin.md").write_text(twin_markdown(report))
            (tmp / "scenario.json").write_text(scenario.model_dump_json(indent=1))
            if spec is not None:
                (tmp / "spec.json").write_text(spec.model_dump_json(indent=1))
            write_twin_html(result, tmp / "twin.html")
        if exporter is not None and linger_s > 0:
            time.sleep(linger_s)
    finally:
        if exporter is not None:
            exporter.close()
    ok = all(e.detected for e in report.events)
    return TwinJobResult(report=report, result=result, exit_code=0 if ok else 1, port=port)
