"""The feedback loop: after a ring drifts off its channel, the re-run tuning solve puts it
back (checked with the add-drop ring model), and in a twin run the drifting ring never leaves
its channel although it would without the twin."""

from __future__ import annotations

import numpy as np
import pytest

from control.monitoring.feedback import retune_tile, ring_alignment
from control.monitoring.scenario import Scenario
from control.monitoring.telemetry import TelemetryGenerator
from control.monitoring.twin import run_twin
from tests.control.monitoring._plants import room_temperature_plant

RING = 2  # heated ring of the tile's thermal model


@pytest.fixture(scope="module")
def plant():  # noqa: ANN201
    return room_temperature_plant()


def test_alignment_is_the_ring_models_drop_lineshape(plant) -> None:  # noqa: ANN001
    tile = plant.tile
    hw = 0.5 * float(np.median(tile.ring_linewidth_nm))
    a = ring_alignment(tile, np.array([0.0, hw, -hw, 4 * hw]))
    assert a[0] == pytest.approx(1.0, abs=1e-3)
    # a Lorentzian drop: half power half a linewidth off, 1/17 at four half-widths
    assert a[1] == pytest.approx(0.5, abs=0.05) and a[2] == pytest.approx(0.5, abs=0.05)
    assert a[3] == pytest.approx(1 / 17, abs=0.02)


def test_retune_restores_alignment_after_a_drift(plant) -> None:  # noqa: ANN001
    tile = plant.tile
    drift_nm = 1.5 * tile.ring_linewidth_nm[RING]  # three half-widths: the ring is off
    s = Scenario.model_validate({"duration_s": 1000, "warmup_s": 60, "events": [
        {"kind": "ring_drift", "tile": [1, 0], "index": RING, "start_s": 100,
         "rate": drift_nm / 100}]})
    gen = TelemetryGenerator(plant, s)
    ti = plant.tile_index((1, 0))
    rings = gen.layout.tile_channels("ring_offset_nm", ti)
    heated = tile.heater_rings()
    before_drift = gen.truth()[rings]
    gen.state = gen._effects(200.0)  # 100 s of drift
    drifted = gen.truth()[rings]
    assert drifted[RING] - before_drift[RING] == pytest.approx(drift_nm)
    assert ring_alignment(tile, drifted[RING:RING + 1])[0] < 0.2
    p_old = gen.heater_power[ti * tile.n_heaters:(ti + 1) * tile.n_heaters].copy()
    result = retune_tile(tile, measured_offset_nm=drifted, heater_power_mW=p_old)
    gen.set_heater_powers(ti, np.asarray(result.power_mW))
    after = gen.truth()[rings]
    align = ring_alignment(tile, after)
    assert align[RING] > 0.99
    assert np.all(align[heated] > 0.99)  # the neighbours' crosstalk is compensated too
    assert np.array_equal(after[~heated], drifted[~heated])  # rings without heater: as they were
    assert result.untunable == [r for r in result.untunable if not heated[r]]


def test_twin_keeps_a_drifting_ring_on_its_channel(plant) -> None:  # noqa: ANN001
    tile = plant.tile
    hw = 0.5 * tile.ring_linewidth_nm[RING]
    rate = 1.0e-4  # nm/s: 0.13 nm over the run, 3.5 half-widths
    s = Scenario.model_validate({"seed": 4, "duration_s": 1400, "warmup_s": 60, "events": [
        {"kind": "ring_drift", "tile": [0, 1], "index": RING, "start_s": 100, "rate": rate}]})
    report = run_twin(plant, s, qec_shots=100, keep_traces=False).report
    e = report.events[0]
    assert e.failure_s is not None  # without the twin the ring would have left its channel
    retunes = [i for i in report.interventions if i.kind == "retune"]
    assert len(retunes) >= 3
    for i in retunes:
        f = i.figures
        assert f["trigger_ring"] == f"ring_{RING}"
        assert abs(f["trigger_offset_before_nm"]) < hw  # caught before it left the channel
        assert f["trigger_alignment_after"] > 0.99
        assert f["min_heated_alignment_after"] > 0.99
    # the heater follows the drift: red drift -> less heat, about drift / (shift per mW)
    first, last = retunes[0].figures, retunes[-1].figures
    own = int(np.argmax(tile.crosstalk_K_per_mW.toarray()[RING]))
    dp = last["heater_power_after_mW"][own] - first["heater_power_before_mW"][own]
    shift_per_mw = tile.shift_nm_per_K * tile.crosstalk_K_per_mW.toarray()[RING, own]
    drifted = rate * (retunes[-1].time_s - 100)
    assert dp == pytest.approx(-drifted / shift_per_mw, rel=0.2)
