"""The digital twin's loop: telemetry -> detection -> interventions -> report.

Each step: the generator emits every channel (``control.monitoring.telemetry``), the store
appends it (Parquet), the detectors update (``control.monitoring.detection``), alarms are
attributed to the injected events (an alarm on a channel no started event touches is a false
alarm), and the feedback loop acts:

- an alarm on a ring offset or a tile temperature re-tunes that tile (``feedback.retune_tile``
  on the smoothed measured offsets; at most once per ``retune_cooldown_s``; a temperature
  alarm only once the temperature change since the last tuning moved the rings by a tenth of
  a half linewidth), after which the tile's ring and heater channels learn their new baseline;
- an alarm on a detector's counts samples the patch around its qubitron with stim
  (``qec_snapshot``): as it is with the decoder not told, with the decoder told the measured
  rates, with the qubitron marked erased for the QEC layer, and marked with the patch
  re-routed (moved so the qubitron becomes a measure qubit); the best is applied (snapshots
  are Z-basis memories);
- an alarm on delivered pump / Stokes power has no actuator on the chip: it files a
  maintenance request (realign the fibre, check the coupler) with the forecast time to
  failure.

Each event's failure time is when its component would have left its limit without the twin
(counterfactual truth, ``telemetry.FAILURE_LIMITS``); its lead time is failure minus first
detection.

Example:
    >>> from control.monitoring.plant import ChipPlant, TilePlant
    >>> from control.monitoring.scenario import Scenario
    >>> from thermal.tuning import tune_rings  # the tuning solve, as the flow hands it in
    >>> chip = ChipPlant(tile=TilePlant.example(tuner=tune_rings), tile_rows=1, tile_columns=2)
    >>> s = Scenario.model_validate({"duration_s": 400, "warmup_s": 60, "events": [
    ...     {"kind": "ring_drift", "tile": [0, 1], "index": 0, "start_s": 100, "rate": 2e-4}]})
    >>> r = run_twin(chip, s, qec_shots=200).report
    >>> r.events[0].detected, r.events[0].lead_time_s > 0, r.false_alarms
    (True, True, 0)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field
from rich.console import Console
from rich.progress import Progress

from control.monitoring.detection import CusumDetector
from control.monitoring.exporter import MetricsExporter, MetricsSnapshot
from control.monitoring.feedback import retune_tile, ring_alignment
from control.monitoring.plant import ChipPlant
from control.monitoring.qec_snapshot import QecSnapshot, QubitronState, qec_snapshot
from control.monitoring.scenario import Scenario
from control.monitoring.store import TelemetryStore
from control.monitoring.telemetry import GROUPS, SensorNoise, TelemetryGenerator

__all__ = ["EventOutcome", "Intervention", "TwinReport", "TwinResult", "run_twin"]

Array = NDArray[np.float64]


class EventOutcome(BaseModel):
    """How one injected event was seen."""

    label: str
    kind: str
    start_s: float
    failure_s: float | None = Field(description="when it would have failed without the twin")
    detected_s: float | None = Field(description="first alarm on a channel it touches")
    detected: bool = Field(description="alarm at or before the failure (or with no failure)")
    lead_time_s: float | None = Field(description="failure minus detection, s")
    forecast_failure_s: float | None = Field(
        description="failure time forecast from the trend since the change point")
    forecast_made_s: float | None = Field(
        description="when it was made: at detection, again min_trend_s after the change "
        "point unless an intervention ended the trend first")
    alarms: int


class Intervention(BaseModel):
    """One action of the feedback loop, with the figures before and after."""

    time_s: float
    kind: str = Field(description="retune | untunable_ring | keep_detector | reweight_decoder |"
                      " mark_erasure | reroute_and_mark | maintenance")
    target: str
    trigger: str
    figures: dict[str, Any] = Field(default_factory=dict)


class TwinReport(BaseModel):
    """What a twin run found (``twin.json``)."""

    scenario: str
    seed: int
    steps: int
    step_s: float
    channels: int
    channels_per_group: dict[str, int]
    samples: int
    seconds: float
    samples_per_s: float
    events: list[EventOutcome]
    detection_rate: float = Field(description="detected events / events")
    false_alarms: int
    false_alarms_per_1e6_samples: float
    false_alarms_by_group: dict[str, int]
    interventions: list[Intervention]
    qec_snapshots: list[QecSnapshot]
    notes: list[str]


@dataclass
class TwinResult:
    """The report and the traces kept for plots (time_s, channel -> values, marks)."""

    report: TwinReport
    time_s: Array
    traces: dict[str, NDArray[np.float32]] = field(default_factory=dict)
    alarms: list[tuple[float, str]] = field(default_factory=list)


def _selected_channels(gen: TelemetryGenerator, limit: int = 48) -> list[int]:
    """Channels to keep whole for the plots: each event's first touched channels, and the
    first channel of every group."""
    chosen: list[int] = []
    primary = {"ring_drift": "ring_offset_nm", "cooling_fault": "tile_temperature_K",
               "ambient_drift": "tile_temperature_K", "detector_degradation": "detector_counts",
               "detector_latching": "detector_counts"}
    for k, e in enumerate(gen.scenario.events):
        aff = gen.affected_channels(k)
        want = primary.get(e.kind, "pump_power_mW" if e.line == "pump" else "stokes_power_mW")
        sl = gen.layout.groups[want]
        first = [int(c) for c in aff if sl.start <= c < sl.stop][:2]
        chosen += first
        if e.kind in ("ring_drift", "cooling_fault"):
            chosen += [int(c) for c in aff
                       if gen.layout.groups["heater_power_mW"].start <= c
                       < gen.layout.groups["heater_power_mW"].stop][:1]
    chosen += [gen.layout.groups[g].start for g in GROUPS]
    out: list[int] = []
    for c in chosen:
        if c not in out:
            out.append(c)
    return out[:limit]


def channel_name(gen: TelemetryGenerator, index: int) -> str:
    """``group:tile_r_c/item`` of flat channel ``index``.

    Example:
        >>> from control.monitoring.plant import TilePlant
        >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=2)
        >>> gen = TelemetryGenerator(chip, Scenario(duration_s=60, warmup_s=20))
        >>> channel_name(gen, 0), channel_name(gen, 3)
        ('tile_temperature_K:tile_0_0', 'ring_offset_nm:tile_0_0/ring_1')
    """
    g, tile, item = gen.layout.group_of(index)
    t = gen.plant.tile
    names = {"ring_offset_nm": t.ring_names, "heater_power_mW":
             tuple(f"heater_{h}" for h in range(t.n_heaters))}
    what = "" if g == "tile_temperature_K" else "/" + names.get(g, t.qubitron_names)[item]
    return f"{g}:{gen.plant.tile_name(tile)}{what}"


def _metrics(gen: TelemetryGenerator, det: CusumDetector, exporter: MetricsExporter,
             x: Array, time_s: float, samples: int, n_interventions: int,
             last_qec: QecSnapshot | None) -> MetricsSnapshot:
    lay, n_t = gen.layout, gen.plant.n_tiles
    z = np.abs(x - det.mu) / det.sigma if det.ready else np.zeros_like(x)

    def per_tile(group: str) -> Array:
        return x[lay.groups[group]].reshape(n_t, lay.per_tile[group])

    ring_abs = np.abs(per_tile("ring_offset_nm")).max(axis=1)
    figs = {
        "temperature_kelvin": per_tile("tile_temperature_K")[:, 0],
        "ring_offset_max_abs_nm": ring_abs,
        "heater_power_total_mw": per_tile("heater_power_mW").sum(axis=1),
        "detector_counts_min": per_tile("detector_counts").min(axis=1),
        "dark_counts_max": per_tile("dark_counts").max(axis=1),
        "pump_power_min_mw": per_tile("pump_power_mW").min(axis=1),
        "stokes_power_min_mw": per_tile("stokes_power_mW").min(axis=1),
    }
    tiles = np.arange(n_t)
    if n_t > exporter.max_tiles:  # the worst tiles by ring offset
        tiles = np.argpartition(-ring_abs, exporter.max_tiles)[: exporter.max_tiles]
    tile_vals = {gen.plant.tile_name(int(i)): {k: float(v[i]) for k, v in figs.items()}
                 for i in tiles}
    worst: dict[str, list[tuple[str, float, float]]] = {}
    for g in GROUPS:
        sl = lay.groups[g]
        zg = z[sl]
        n = min(exporter.worst_n, zg.size)
        idx = np.argpartition(-zg, n - 1)[:n] if n < zg.size else np.arange(zg.size)
        idx = idx[np.argsort(-zg[idx])]
        worst[g] = [(channel_name(gen, sl.start + int(i)), float(x[sl.start + i]),
                     float(zg[i])) for i in idx]
    return MetricsSnapshot(
        time_s=time_s, samples=samples, alarms=det.alarms, interventions=n_interventions,
        tiles=tile_vals, worst=worst,
        logical_error_round=None if last_qec is None else last_qec.logical_error_round,
        syndrome_rate=None if last_qec is None else last_qec.syndrome_rate,
    )


def run_twin(
    plant: ChipPlant,
    scenario: Scenario,
    *,
    sensors: SensorNoise | None = None,
    store_folder: Path | None = None,
    exporter: MetricsExporter | None = None,
    publish_every_s: float | None = None,
    pace: float = 0.0,
    console: Console | None = None,
    qec_shots: int = 2_000,
    retune_cooldown_s: float = 30.0,
    min_trend_s: float = 60.0,
    qec_interval_s: float | None = None,
    detector_review_s: float = 300.0,
    relearn_s: float = 60.0,
    keep_traces: bool = True,
) -> TwinResult:
    """Run ``scenario`` on ``plant``; returns the report and traces for plots.

    Args:
        plant: the chip (``control.monitoring.plant``).
        scenario: the events, seed, duration and step.
        sensors: sensor noise (default :class:`SensorNoise`).
        store_folder: write the telemetry there as Parquet (``control.monitoring.store``).
        exporter: publish live metrics to it (Prometheus).
        publish_every_s: simulated seconds between publications (default: ~1000 per run).
        pace: simulated seconds per wall-clock second (0: as fast as possible).
        console: progress bar there (None: silent).
        qec_shots: stim shots per QEC snapshot.
        retune_cooldown_s: least time between two re-tunes of one tile, s.
        min_trend_s: trend length (from the change point) behind a failure forecast, s.
        qec_interval_s: time between periodic QEC snapshots, s (default: an eighth of the
            run).
        detector_review_s: least time before a detector's alarms ask for its options again
            (a degrading detector is reviewed as it gets worse), s.
        relearn_s: time the detectors take to learn a channel's baseline after an
            intervention, s.
        keep_traces: keep the plotted channels' whole traces.

    Returns:
        :class:`TwinResult`.

    Raises:
        ScenarioError: an event names a tile, ring or qubitron the chip does not have.
    """
    if not (pace >= 0 and math.isfinite(pace)):
        raise ValueError(f"pace must be a finite number >= 0, got {pace!r}")
    if qec_shots < 1:
        raise ValueError(f"qec_shots must be >= 1, got {qec_shots}")
    gen = TelemetryGenerator(plant, scenario, sensors or SensorNoise())
    lay, tile = gen.layout, plant.tile
    step_s, n_steps = scenario.step_s, scenario.n_steps
    poisson = np.zeros(lay.n_channels, dtype=bool)
    poisson[lay.groups["dark_counts"]] = True
    det = CusumDetector(n_channels=lay.n_channels, warmup_steps=scenario.warmup_steps,
                        poisson=poisson)
    store = None if store_folder is None else TelemetryStore(store_folder, groups=lay.groups)
    events = scenario.events
    affected = [gen.affected_channels(k) for k in range(len(events))]
    touches = np.zeros((len(events), lay.n_channels), dtype=bool)  # event x channel
    for k, aff in enumerate(affected):
        touches[k, aff] = True
    starts = np.array([e.start_s for e in events])
    failure: list[float | None] = [None] * len(events)
    detected: list[float | None] = [None] * len(events)
    forecast: list[float | None] = [None] * len(events)
    forecast_at: list[float | None] = [None] * len(events)
    watched: dict[int, NDArray[np.int64]] = {}  # detected events waiting for their forecast
    alarms_of = np.zeros(len(events), dtype=np.int64)
    false_alarms = 0
    false_by_group: dict[str, int] = {}
    interventions: list[Intervention] = []
    snapshots: list[QecSnapshot] = []
    state = QubitronState.nominal(plant)
    handled_detectors: dict[int, float] = {}  # qubitron -> when last reviewed
    requested: set[tuple[str, int]] = set()
    last_retune = np.full(plant.n_tiles, -np.inf)
    given_up: set[int] = set()  # ring channels a re-tune could not put back on channel
    tuned_temp = np.full(plant.n_tiles, tile.temperature_K)  # tile temperature at its tuning
    # a temperature alarm re-tunes only once the rings moved a tenth of a half linewidth (at
    # 4 K, dn/dT is so small that they never do)
    retune_shift_nm = 0.05 * float(np.min(tile.ring_linewidth_nm))
    lower, upper = gen.limits()
    smooth = np.zeros(lay.n_channels)
    relearn_steps = max(2, int(round(relearn_s / step_s)))
    sel = _selected_channels(gen) if keep_traces else []
    traces = np.zeros((n_steps, len(sel)), dtype=np.float32)
    alarm_marks: list[tuple[float, str]] = []
    sel_mask = np.zeros(lay.n_channels, dtype=bool)
    sel_mask[sel] = True
    every = max(1, int(round((publish_every_s or n_steps * step_s / 1000) / step_s)))
    qseed = scenario.seed * 1_000_003
    group_no = lay.group_per_channel()

    def snapshot(centre: int, st: QubitronState, belief: QubitronState | None = None,
                 repeat: bool = False, purpose: str = "", time_s: float = 0.0) -> QecSnapshot:
        nonlocal qseed
        qseed += 0 if repeat else 1
        s = qec_snapshot(plant, st, centre=centre, shots=qec_shots, seed=qseed,
                         decoder_state=belief).model_copy(
                             update={"purpose": purpose, "time_s": time_s})
        snapshots.append(s)
        return s

    last_qec = snapshot(0, state, purpose="periodic")
    qec_every = max(1, int(round((qec_interval_s or scenario.duration_s / 8) / step_s)))
    t_wall = time.perf_counter()
    progress = Progress(console=console, transient=True, disable=console is None)
    with progress:
        task = progress.add_task(f"twin {scenario.name}", total=n_steps)
        for k in range(n_steps):
            t_s = k * step_s
            x = gen.step(k)
            if store is not None:
                store.append(t_s, x)
            if sel:
                traces[k] = x[sel]
            smooth = x if k == 0 else smooth + 0.25 * (x - smooth)
            fired = det.update(x, k)
            started = starts <= t_s
            # failure times (counterfactual: without the twin)
            pending = [i for i in np.flatnonzero(started).tolist() if failure[i] is None]
            if pending:
                truth = gen.truth(counterfactual=True)
                for i in pending:
                    a = affected[i]
                    if np.any((truth[a] < lower[a]) | (truth[a] > upper[a])):
                        failure[i] = t_s
            for i, chans in list(watched.items()):
                # the forecast again once the trend holds min_trend_s of data, unless an
                # intervention ended the trend first (then the provisional one stays)
                if not det.tracking[chans].all():
                    del watched[i]
                elif (k - float(np.min(det.track_k0[chans]))) * step_s >= min_trend_s:
                    forecast[i] = _forecast(det, chans, lower, upper, t_s, step_s)
                    forecast_at[i] = t_s
                    del watched[i]
            retune_tiles: dict[int, int] = {}  # tile -> the channel that asks
            if fired.size:
                hit = touches[:, fired] & started[:, None]  # event x fired channel
                stray = fired[~hit.any(axis=0)]
                false_alarms += int(stray.size)
                for gno in group_no[stray]:
                    false_by_group[GROUPS[gno]] = false_by_group.get(GROUPS[gno], 0) + 1
                alarms_of += hit.sum(axis=1)
                for i in np.flatnonzero(hit.any(axis=1)).tolist():
                    if detected[i] is None:
                        detected[i] = t_s
                        watched[i] = fired[hit[i]]
                        # provisional: the trend since the change point so far
                        forecast[i] = _forecast(det, watched[i], lower, upper, t_s, step_s)
                        forecast_at[i] = t_s
                for c in fired[sel_mask[fired]][:10]:
                    alarm_marks.append((t_s, channel_name(gen, int(c))))
                for gno, name in enumerate(GROUPS):
                    chans = fired[group_no[fired] == gno]
                    if chans.size == 0:
                        continue
                    items = chans - lay.groups[name].start
                    tiles = items // lay.per_tile[name]
                    if name in ("ring_offset_nm", "tile_temperature_K"):
                        for ti, c in zip(tiles.tolist(), chans.tolist(), strict=True):
                            retune_tiles.setdefault(ti, c)
                    elif name in ("detector_counts", "dark_counts"):
                        for q, c in zip(items.tolist(), chans.tolist(), strict=True):
                            if t_s - handled_detectors.get(q, -math.inf) < detector_review_s:
                                continue
                            handled_detectors[q] = t_s
                            state = _detector_intervention(
                                gen, q, t_s, channel_name(gen, c), state, snapshot,
                                interventions)
                            last_qec = snapshots[-1]
                            det.relearn(np.array([lay.channel("detector_counts", 0, q),
                                                  lay.channel("dark_counts", 0, q)]),
                                        relearn_steps)
                    elif name in ("pump_power_mW", "stokes_power_mW"):
                        for ti, c in zip(tiles.tolist(), chans.tolist(), strict=True):
                            if (name, ti) in requested:
                                continue
                            requested.add((name, ti))
                            interventions.append(_maintenance(
                                gen, det, name, ti, t_s, channel_name(gen, c), smooth,
                                lower, upper))
            for ti, trigger in retune_tiles.items():
                if t_s - last_retune[ti] < retune_cooldown_s:
                    continue
                temp = float(smooth[lay.channel("tile_temperature_K", ti)])
                why = channel_name(gen, trigger)
                if why.startswith("tile_temperature_K:") and (
                        tile.shift_nm_per_K * abs(temp - tuned_temp[ti]) < retune_shift_nm):
                    continue  # the rings have not moved enough for the heaters to act on
                if tile.tuner is None:
                    continue  # a plant without the tuning solve is watched, not re-tuned
                last_retune[ti] = t_s
                tuned_temp[ti] = temp
                if trigger in given_up:
                    continue
                if not _retune(gen, det, ti, t_s, why, smooth, interventions, relearn_steps):
                    given_up.add(trigger)  # the heaters cannot bring it back: asked once
            if k and k % qec_every == 0:
                # the chip's current noise, decoded with what the QEC layer was told, on the
                # patch around the worst qubitron now
                now = current_state(gen, state)
                worst = int(np.argmin(now.efficiency_factor * ~now.latched
                                      * now.pump_factor * now.stokes_factor))
                last_qec = snapshot(worst, now, state, purpose="periodic", time_s=t_s)
            if exporter is not None and (k % every == 0 or k == n_steps - 1):
                exporter.publish(_metrics(gen, det, exporter, x, t_s, (k + 1) * lay.n_channels,
                                          len(interventions), last_qec))
            if pace > 0:
                ahead = t_s / pace - (time.perf_counter() - t_wall)
                if ahead > 0:
                    time.sleep(ahead)
            progress.advance(task)
    seconds = time.perf_counter() - t_wall
    if store is not None:
        store.close()
    samples = n_steps * lay.n_channels
    outcomes = []
    for i, e in enumerate(events):
        f, d = failure[i], detected[i]
        outcomes.append(EventOutcome(
            label=e.label, kind=e.kind, start_s=e.start_s, failure_s=f, detected_s=d,
            detected=d is not None and (f is None or d <= f),
            lead_time_s=None if (f is None or d is None) else f - d,
            forecast_failure_s=forecast[i], forecast_made_s=forecast_at[i],
            alarms=int(alarms_of[i]),
        ))
    report = TwinReport(
        scenario=scenario.name, seed=scenario.seed, steps=n_steps, step_s=step_s,
        channels=lay.n_channels,
        channels_per_group={g: s.stop - s.start for g, s in lay.groups.items()},
        samples=samples, seconds=round(seconds, 4), samples_per_s=samples / max(seconds, 1e-9),
        events=outcomes,
        detection_rate=(sum(o.detected for o in outcomes) / len(outcomes)) if outcomes else 1.0,
        false_alarms=false_alarms, false_alarms_per_1e6_samples=false_alarms * 1e6 / samples,
        false_alarms_by_group=false_by_group,
        interventions=interventions, qec_snapshots=snapshots,
        notes=[
            "failure: when the component would have left its limit without the twin "
            "(control.monitoring.telemetry.FAILURE_LIMITS); lead time = failure - detection",
            "a false alarm is an alarm on a channel no started event touches",
            "CUSUM threshold ln(1e8): in-control run length >= 1e8 samples per channel for an "
            "exact baseline (Lorden); the baseline is learnt in the warm-up",
            "sensor noise and the count model are model choices (telemetry.SensorNoise, "
            "plant.DEFAULT_READOUT_ATTEMPTS_PER_S)",
        ],
    )
    return TwinResult(report=report, time_s=np.arange(n_steps, dtype=np.float64) * step_s,
                      traces={channel_name(gen, c): traces[:, j] for j, c in enumerate(sel)},
                      alarms=alarm_marks)


def _forecast(det: CusumDetector, chans: NDArray[np.int64], lower: Array, upper: Array,
              t_s: float, step_s: float) -> float | None:
    """Earliest forecast failure time (s) over ``chans``, None when no trend leads to one."""
    ttf = det.time_to_limit_s(chans, lower=lower[chans], upper=upper[chans], step_s=step_s)
    best = float(np.min(ttf)) if ttf.size else math.inf
    return t_s + best if math.isfinite(best) else None


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _maintenance(gen: TelemetryGenerator, det: CusumDetector, group: str, ti: int, t_s: float,
                 why: str, smooth: Array, lower: Array, upper: Array) -> Intervention:
    """A maintenance request for a tile's fibre / coupler (no on-chip actuator)."""
    chans = gen.layout.tile_channels(group, ti)
    ttf = det.time_to_limit_s(chans, lower=lower[chans], upper=upper[chans],
                              step_s=gen.scenario.step_s)
    change = float(10 * np.log10(max(float(np.mean(smooth[chans])), 1e-30)
                                 / float(np.mean(det.mu[chans]))))
    return Intervention(
        time_s=t_s, kind="maintenance",
        target=f"{gen.plant.tile_name(ti)}/{group.removesuffix('_power_mW')} fibre",
        trigger=why,
        figures={"action": "realign the fibre / check the coupler (no on-chip actuator)",
                 "delivered_change_dB": change,
                 "forecast_time_to_failure_s": _finite(float(np.min(ttf)))})


def _retune(gen: TelemetryGenerator, det: CusumDetector, ti: int, t_s: float, why: str,
            smooth: Array, interventions: list[Intervention], relearn_steps: int) -> bool:
    """Re-run the tuning solve for tile ``ti`` and apply it (see the module docstring).

    Returns False when the ring that asked is beyond the heaters (no heater of its own, or
    past their largest power): the intervention is then ``untunable_ring``."""
    tile, lay = gen.plant.tile, gen.layout
    rings = lay.tile_channels("ring_offset_nm", ti)
    heaters = lay.tile_channels("heater_power_mW", ti)
    p_old = gen.heater_power[heaters - lay.groups["heater_power_mW"].start].copy()
    measured = smooth[rings]
    true_before = gen.truth()[rings]
    result = retune_tile(tile, measured_offset_nm=measured, heater_power_mW=p_old)
    p_new = np.asarray(result.power_mW)
    gen.set_heater_powers(ti, p_new)
    true_after = gen.truth()[rings]
    # ring readout noise does not change; heater readback noise scales with the power
    with np.errstate(divide="ignore", invalid="ignore"):
        heater_sigma = np.where(p_old > 0, np.maximum(det.sigma[heaters] * p_new / p_old,
                                                      1e-12), np.nan)
    det.relearn(np.concatenate([rings, heaters]), relearn_steps,
                sigma=np.concatenate([det.sigma[rings], heater_sigma]))
    heated = tile.heater_rings()
    align_before = ring_alignment(tile, true_before)
    align_after = ring_alignment(tile, true_after)
    idx = np.flatnonzero(heated)
    worst = int(idx[np.argmax(np.abs(true_before[idx]))]) if idx.size else 0
    # the ring whose alarm asked for the re-tune (a temperature alarm: the worst heated ring)
    trigger_ring = (tile.ring_names.index(why.rsplit("/", 1)[1])
                    if why.startswith("ring_offset_nm:") else worst)
    tunable = bool(heated[trigger_ring]) and trigger_ring not in result.untunable
    interventions.append(Intervention(
        time_s=t_s, kind="retune" if tunable else "untunable_ring",
        target=gen.plant.tile_name(ti), trigger=why,
        figures={
            "heater_power_before_mW": [round(float(v), 4) for v in p_old],
            "heater_power_after_mW": [round(float(v), 4) for v in p_new],
            "trigger_ring": tile.ring_names[trigger_ring],
            "trigger_offset_before_nm": float(true_before[trigger_ring]),
            "trigger_offset_after_nm": float(true_after[trigger_ring]),
            "trigger_alignment_before": float(align_before[trigger_ring]),
            "trigger_alignment_after": float(align_after[trigger_ring]),
            "worst_heated_ring": tile.ring_names[worst],
            "worst_heated_offset_before_nm": float(true_before[worst]),
            "worst_heated_offset_after_nm": float(true_after[worst]),
            "min_heated_alignment_before": float(np.min(align_before[heated], initial=1.0)),
            "min_heated_alignment_after": float(np.min(align_after[heated], initial=1.0)),
            "alignment_before": [round(float(v), 4) for v in align_before],
            "alignment_after": [round(float(v), 4) for v in align_after],
            "rings_without_heater": int((~heated).sum()),
            "untunable_heated_rings": [tile.ring_names[r] for r in result.untunable
                                       if heated[r]],
        }))
    return tunable



def current_state(gen: TelemetryGenerator, belief: QubitronState) -> QubitronState:
    """Every qubitron as the chip is now (detector efficiency, dark counts, latching, drive),
    with the marks the QEC layer holds in ``belief``.

    Example:
        >>> from control.monitoring.plant import TilePlant
        >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=1)
        >>> s = Scenario.model_validate({"duration_s": 300, "events": [
        ...     {"kind": "coupler_drift", "tile": [0, 0], "start_s": 100, "rate": 0.01}]})
        >>> gen = TelemetryGenerator(chip, s)
        >>> _ = gen.step(200)  # 100 s of drift: 1 dB
        >>> current_state(gen, QubitronState.nominal(chip)).pump_factor.round(3).tolist()
        [0.794, 0.794]
    """
    s, nq = gen.state, gen.plant.tile.n_qubitrons
    return QubitronState(
        efficiency_factor=s["eff"].copy(), dark_counts_cps=gen.dark0 * ~s["latched"],
        latched=s["latched"].copy(), marked=belief.marked.copy(),
        pump_factor=np.repeat(10 ** (-s["pump_dB"] / 10), nq),
        stokes_factor=np.repeat(10 ** (-s["stokes_dB"] / 10), nq),
    )


def _detector_intervention(gen: TelemetryGenerator, q: int, t_s: float, why: str,
                           state: QubitronState, snapshot: Any,
                           interventions: list[Intervention]) -> QubitronState:
    """Sample the patch around qubitron ``q``: as it is with the decoder not told, with the
    decoder told the measured rates, with ``q`` marked erased, and marked with the patch moved
    one grid row (``q`` then a Z-type measure qubit of the Z-basis memory); apply the best.

    All four use one stim seed (common random numbers), so the comparison is not noise."""
    s = gen.state
    current = current_state(gen, state)
    marked = current.with_marked(q)
    # one grid row on (back, on the last row): the qubitron becomes a Z-type measure qubit
    cols = gen.plant.tile_columns * gen.plant.tile.n_qubitrons
    moved = q + cols if q + cols < gen.plant.n_qubitrons else max(q - cols, 0)
    # (patch centre, what the chip does, what the decoder believes)
    options = {
        "keep_detector": (q, current, state),  # the QEC layer not told: stale weights
        "reweight_decoder": (q, current, current),  # told the measured rates
        "mark_erasure": (q, marked, marked),  # its outcomes replaced by heralded erasures
        "reroute_and_mark": (moved, marked, marked),  # and the patch moved off it
    }
    results = {name: snapshot(centre, st, belief, repeat=k > 0, purpose=name, time_s=t_s)
               for k, (name, (centre, st, belief)) in enumerate(options.items())}
    best = min(results, key=lambda n: (results[n].logical_error_round, n != "keep_detector"))
    before = results["keep_detector"]
    after = results[best]
    t = gen.plant.tile
    interventions.append(Intervention(
        time_s=t_s, kind=best,
        target=f"{gen.plant.tile_name(q // t.n_qubitrons)}/{t.qubitron_names[q % t.n_qubitrons]}",
        trigger=why,
        figures={
            "latched": bool(s["latched"][q]),
            "efficiency_factor": float(s["eff"][q]),
            **{f"logical_error_round_{n}": r.logical_error_round for n, r in results.items()},
            "logical_error_round_before": before.logical_error_round,
            "logical_error_round_after": after.logical_error_round,
            "syndrome_rate_before": before.syndrome_rate,
            "syndrome_rate_after": after.syndrome_rate,
            "patch_centre_after": options[best][0],
        }))
    return options[best][2]
