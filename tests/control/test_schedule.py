"""QEC round schedule: pulse order, detector sharing, launch times, export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from control.pulses import PulseTiming
from control.schedule import Schedule, qec_round_schedule


def test_structure_and_detector_sharing() -> None:
    names = [f"q{i}" for i in range(4)]
    det = {"q0": "d0", "q1": "d0", "q2": "d1", "q3": "d1"}
    s = qec_round_schedule(qubitrons=names, detector_of=det, pulses=PulseTiming(fwhm_ns=10.0,
                           delay_ns=6.0), time_bin_ns=2.0, switch_settle_ns=50.0,
                           detector_reset_ns=40.0)
    by = {(e.qubitron, e.kind): e for e in s.events}
    for q in names:
        assert by[(q, "stokes")].start_ns < by[(q, "pump")].start_ns  # counter-intuitive
        assert by[(q, "pump")].start_ns - by[(q, "stokes")].start_ns == pytest.approx(6.0)
        assert by[(q, "switch")].stop_ns == by[(q, "detect_early")].start_ns
        assert by[(q, "detect_early")].stop_ns == by[(q, "detect_late")].start_ns
        assert by[(q, "switch")].start_ns >= s.stirap_window_ns
    # qubitrons on one detector are read in turn, with the reset in between
    gap = by[("q1", "switch")].start_ns - by[("q0", "detect_late")].stop_ns
    assert gap == pytest.approx(40.0)
    # different detectors in parallel
    assert by[("q2", "switch")].start_ns == by[("q0", "switch")].start_ns
    assert s.round_duration_ns == pytest.approx(66.0 + 2 * (50 + 4) + 40)


def test_launch_offsets_and_export(tmp_path: Path) -> None:
    s = qec_round_schedule(qubitrons=["a", "b"], launch_offsets_ns={"a": 1.5, "b": 2.0})
    pump = [e for e in s.events if e.kind == "pump"]
    assert all(e.launch_ns == pytest.approx(e.start_ns - {"a": 1.5, "b": 2.0}[e.qubitron])
               for e in pump)
    assert Schedule.model_validate(json.loads(s.to_json(tmp_path / "s.json"))) == s
    rows = list(csv.DictReader(io.StringIO(s.to_csv(tmp_path / "s.csv"))))
    assert len(rows) == len(s.events) == 10
    png = s.save_png(tmp_path / "s.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_inputs_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="qubitrons"):
        qec_round_schedule(qubitrons=[])
    with pytest.raises(ValueError, match="time_bin_ns"):
        qec_round_schedule(qubitrons=["a"], time_bin_ns=0.0)
    with pytest.raises(ValueError, match="detector_of"):
        qec_round_schedule(qubitrons=["a", "b"], detector_of={"a": "d"})
