"""Optical timing: n_g L / c for a hand-computed straight, skew, window fit, latency."""

from __future__ import annotations

import pytest

from components.models.waveguide_modes import group_index
from control.timing import arrival_times_ns, group_index_at, skew_ns, timing_report


def test_straight_of_known_length_gives_ng_l_over_c() -> None:
    length_um = 12_345.0
    ng = float(group_index(1.55))
    expected_ns = ng * length_um * 1e-6 / 299792458.0 * 1e9
    t = arrival_times_ns({"straight": length_um})
    assert t["straight"] == pytest.approx(expected_ns, rel=1e-12)
    assert group_index_at(1550.0) == pytest.approx(ng)
    # explicit group index: 1 cm at n_g = 2 takes 66.71 ps
    assert arrival_times_ns({"a": 10_000.0}, group_index=2.0)["a"] == pytest.approx(
        0.0667128, rel=1e-5
    )


def test_skew_window_fit_and_latency() -> None:
    lengths = {"q0": 1000.0, "q1": 1100.0, "q2": 1600.0}
    t = arrival_times_ns(lengths, group_index=2.0)
    assert skew_ns(t) == pytest.approx(2.0 * 600.0 / 299792.458)
    r = timing_report(
        pump_path_lengths_um=lengths, readout_path_lengths_um=lengths, stirap_window_ns=100.0,
        detection_window_ns=6.0, decoding_ns=500.0, group_index=2.0, jitter_fwhm_ps=18.0,
    )
    assert r.readout_skew_ps == pytest.approx(skew_ns(t) * 1e3)
    assert r.skew_fits_window
    assert r.readout_margin_ns == pytest.approx(6.0 - skew_ns(t) - 0.018)
    assert r.round_latency_ns == pytest.approx(100.0 + 2 * max(t.values()) + 6.0 + 500.0)
    # a 5 cm length mismatch (0.33 ns) no longer fits a 0.3 ns window
    far = dict(lengths, q3=51_000.0)
    r2 = timing_report(
        pump_path_lengths_um=far, readout_path_lengths_um=far, stirap_window_ns=100.0,
        detection_window_ns=0.3, group_index=2.0, jitter_fwhm_ps=18.0,
    )
    assert not r2.skew_fits_window and r2.readout_margin_ns < 0
    assert r2.decoding_ns == 1000.0  # [ref: PyMatching v2]


def test_bad_inputs_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="path_lengths_um\\['q1'\\]"):
        arrival_times_ns({"q0": 10.0, "q1": -1.0}, group_index=2.0)
    with pytest.raises(ValueError, match="group_index"):
        arrival_times_ns({"q0": 10.0}, group_index=0.0)
    with pytest.raises(ValueError, match="detection_window_ns"):
        timing_report(pump_path_lengths_um={"q": 1.0}, stirap_window_ns=1.0,
                      detection_window_ns=0.0, group_index=2.0)
