"""Pulse schedule of one QEC round for N qubitrons: pulses, switch settings, detection windows.

Round structure (times at the qubitron, ns, round start = 0):

1. STIRAP on all qubitrons in parallel over the pulse window T_p (``PulseTiming.duration_ns``):
   the Stokes pulse first, the pump ``delay_ns`` later (counter-intuitive order).
2. Readout, per detector: the qubitrons that share a detector (through the tile's switch bank)
   are read one after another. For each: the switch is set to route that qubitron to the
   detector (``switch_settle_ns``), then the early and late time bins (``time_bin_ns`` each)
   are open, then the detector recovers (``detector_reset_ns``, default 40 ns
   [ref: WSi SNSPD], ``detector_figures()``) before the next qubitron on that detector.
   Qubitrons on different detectors are read in parallel.

With ``launch_offsets_ns`` (propagation delay from the chip input to each qubitron, from
:mod:`control.timing`), each pulse's ``launch_ns`` = start - offset: the time the laser/
modulator must fire at the chip input so the pulse arrives on time.

The switch settling time is a design parameter (default 100 ns: an estimate for an
electro-optic or fast thermo-optic ring switch; a slow thermo-optic switch needs ~us).

Example:
    >>> s = qec_round_schedule(qubitrons=["q0", "q1"], detector_of={"q0": "d0", "q1": "d0"})
    >>> [e.kind for e in s.events if e.qubitron == "q1"]
    ['stokes', 'pump', 'switch', 'detect_early', 'detect_late']
    >>> round(s.round_duration_ns, 1)
    384.0
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from control import _checks as chk
from control.pulses import PulseTiming, envelope, envelope_half_span_ns

__all__ = ["EventKind", "Schedule", "ScheduleEvent", "qec_round_schedule"]

EventKind = Literal["stokes", "pump", "switch", "detect_early", "detect_late"]
# estimate: settling time of a fast ring switch, ns (design parameter)
DEFAULT_SWITCH_SETTLE_NS = 100.0
# design choice, as in control.noise: width of each readout time bin, ns
DEFAULT_TIME_BIN_NS = 3.0
_COLOURS = {
    "stokes": "tab:red",
    "pump": "tab:blue",
    "switch": "tab:gray",
    "detect_early": "tab:green",
    "detect_late": "tab:olive",
}


class ScheduleEvent(BaseModel):
    """One row of the schedule: what happens on which qubitron, when (ns from round start)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    qubitron: str
    kind: EventKind = Field(description="stokes / pump pulse, switch setting, detection bin")
    start_ns: float = Field(description="start at the qubitron (pulses) or detector, ns")
    stop_ns: float = Field(description="end, ns")
    launch_ns: float | None = Field(
        None, description="pulses: fire time at the chip input (start - propagation), ns"
    )
    detector: str | None = Field(None, description="detector of switch / detection events")


class Schedule(BaseModel):
    """The events of one QEC round and its duration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    round_duration_ns: float = Field(description="end of the last event, ns", ge=0)
    stirap_window_ns: float = Field(description="length of the STIRAP window, ns", ge=0)
    pulse_fwhm_ns: float = Field(description="FWHM of the pump / Stokes Rabi envelopes, ns", gt=0)
    pulse_shape: str = Field(description="pulse envelope: gaussian or sin2")
    events: list[ScheduleEvent]

    def to_json(self, path: str | Path | None = None) -> str:
        """JSON text (also written to ``path`` if given)."""
        text = self.model_dump_json(indent=1)
        if path is not None:
            Path(path).write_text(text)
        return text

    def to_csv(self, path: str | Path | None = None) -> str:
        """CSV text, one event per row (also written to ``path`` if given)."""
        names = list(ScheduleEvent.model_fields)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        for e in self.events:
            w.writerow(["" if getattr(e, n) is None else getattr(e, n) for n in names])
        text = buf.getvalue()
        if path is not None:
            Path(path).write_text(text)
        return text

    def save_png(self, path: str | Path, *, max_rows: int = 32) -> Path:
        """Timing diagram (one lane per qubitron, first ``max_rows`` of them) as a PNG."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch

        names = list(dict.fromkeys(e.qubitron for e in self.events))[: max(1, int(max_rows))]
        lane = {n: i for i, n in enumerate(names)}
        fig, ax = plt.subplots(figsize=(9.0, 1.0 + 0.35 * len(names)))
        for e in self.events:
            if e.qubitron not in lane:
                continue
            y = lane[e.qubitron]
            if e.kind in ("stokes", "pump"):  # the Rabi envelope, peak = lane height
                t = np.linspace(e.start_ns, e.stop_ns, 200)
                f = envelope(t, centre_ns=0.5 * (e.start_ns + e.stop_ns),
                             fwhm_ns=self.pulse_fwhm_ns, shape=self.pulse_shape)  # type: ignore[arg-type]
                ax.fill_between(t, y + 0.35, y + 0.35 - 0.7 * f, color=_COLOURS[e.kind], alpha=0.5)
                continue
            ax.broken_barh(
                [(e.start_ns, e.stop_ns - e.start_ns)], (y - 0.35, 0.7), facecolors=_COLOURS[e.kind]
            )
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xlabel("time from round start (ns)")
        title = "QEC round schedule"
        total = len({e.qubitron for e in self.events})
        if total > len(names):
            title += f" (first {len(names)} of {total} qubitrons)"
        ax.set_title(title)
        ax.legend(
            handles=[Patch(color=c, label=k) for k, c in _COLOURS.items()],
            loc="upper right", fontsize=7,
        )
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def qec_round_schedule(
    *,
    qubitrons: Sequence[str],
    pulses: PulseTiming | None = None,
    detector_of: Mapping[str, str] | None = None,
    time_bin_ns: float = DEFAULT_TIME_BIN_NS,
    switch_settle_ns: float = DEFAULT_SWITCH_SETTLE_NS,
    detector_reset_ns: float | None = None,
    launch_offsets_ns: Mapping[str, float] | None = None,
) -> Schedule:
    """Schedule of one QEC round (see the module docstring for the structure).

    Args:
        qubitrons: qubitron names (unique, at least one).
        pulses: pulse shape and timing (default :class:`control.pulses.PulseTiming`).
        detector_of: qubitron -> detector; qubitrons on one detector are read in turn
            (default: every qubitron has its own detector).
        time_bin_ns: width of each readout time bin, ns (> 0).
        switch_settle_ns: switch settling time before a detection, ns (>= 0).
        detector_reset_ns: detector recovery between readouts, ns (default detector_figures()).
        launch_offsets_ns: qubitron -> propagation delay chip input -> qubitron, ns.

    Returns:
        :class:`Schedule` (events sorted by start time, then qubitron).
    """
    names = [str(q) for q in qubitrons]
    if not names:
        raise ValueError("qubitrons must name at least one qubitron")
    if len(set(names)) != len(names):
        raise ValueError("qubitrons must be unique")
    timing = PulseTiming() if pulses is None else pulses
    t_bin = chk.positive("time_bin_ns", time_bin_ns, "ns")
    settle = chk.nonnegative("switch_settle_ns", switch_settle_ns, "ns")
    if detector_reset_ns is None:
        import importlib

        det = importlib.import_module("components.models.detector")
        reset = float(det.detector_figures()["reset_time_ns"])
    else:
        reset = chk.nonnegative("detector_reset_ns", detector_reset_ns, "ns")
    detectors = {q: f"det_{q}" for q in names} if detector_of is None else dict(detector_of)
    missing = [q for q in names if q not in detectors]
    if missing:
        raise ValueError(f"detector_of has no detector for qubitrons {missing[:5]}")
    offsets = dict(launch_offsets_ns or {})
    for q, v in offsets.items():
        chk.finite(f"launch_offsets_ns[{q!r}]", v)

    half = envelope_half_span_ns(fwhm_ns=timing.fwhm_ns, shape=timing.shape)
    t_p = timing.duration_ns
    mid = 0.5 * t_p
    centres = {"stokes": mid - 0.5 * timing.delay_ns, "pump": mid + 0.5 * timing.delay_ns}
    events: list[ScheduleEvent] = []
    for q in names:
        off = offsets.get(q)
        for kind in ("stokes", "pump"):
            start, stop = centres[kind] - half, centres[kind] + half
            events.append(
                ScheduleEvent(
                    qubitron=q, kind=kind, start_ns=start, stop_ns=stop,
                    launch_ns=None if off is None else start - off, detector=None,
                )
            )
    slot = settle + 2.0 * t_bin + reset
    turn: dict[str, int] = {}
    for q in names:
        d = detectors[q]
        k = turn.get(d, 0)
        turn[d] = k + 1
        t0 = t_p + k * slot
        events += [
            ScheduleEvent(
                qubitron=q, kind="switch", start_ns=t0, stop_ns=t0 + settle, launch_ns=None,
                detector=d,
            ),
            ScheduleEvent(
                qubitron=q, kind="detect_early", start_ns=t0 + settle,
                stop_ns=t0 + settle + t_bin, launch_ns=None, detector=d,
            ),
            ScheduleEvent(
                qubitron=q, kind="detect_late", start_ns=t0 + settle + t_bin,
                stop_ns=t0 + settle + 2.0 * t_bin, launch_ns=None, detector=d,
            ),
        ]
    order = {q: i for i, q in enumerate(names)}
    events.sort(key=lambda e: (order[e.qubitron], e.start_ns))
    end = max(e.stop_ns for e in events)
    return Schedule(
        round_duration_ns=end, stirap_window_ns=t_p, pulse_fwhm_ns=timing.fwhm_ns,
        pulse_shape=timing.shape, events=events,
    )
