"""QEC snapshots on the current noise: a latched detector hurts the logical error rate, and
marking its qubitron erased for the decoder recovers much of it; a degraded detector raises
the erasure rate the patch sees."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from control.monitoring.plant import ChipPlant
from control.monitoring.qec_snapshot import QubitronState, qec_snapshot
from tests.control.monitoring._plants import quiet_tile


def test_a_latched_detector_the_decoder_is_not_told_of_hurts_most() -> None:
    chip = ChipPlant(tile=quiet_tile(), tile_rows=8, tile_columns=2)  # an 8 x 8 grid
    nominal = QubitronState.nominal(chip)
    bad = 27  # grid cell (3, 3)
    latched = replace(nominal, latched=nominal.latched.copy())
    latched.latched[bad] = True
    marked = latched.with_marked(bad)

    def p_l(centre: int, state: QubitronState, belief: QubitronState) -> float:
        return qec_snapshot(chip, state, centre=centre, decoder_state=belief, shots=6000,
                            seed=3).logical_error_round

    for centre in (bad, bad + 8):  # the bad qubitron as data, then as Z-type measure qubit
        healthy = p_l(centre, nominal, nominal)
        stale = p_l(centre, latched, nominal)  # random outcomes, decoder not told
        told = p_l(centre, latched, latched)  # decoder weights from the measured rates
        erased = p_l(centre, marked, marked)  # outcomes replaced by heralded erasures
        assert stale > 3 * healthy
        assert healthy < told < stale and healthy < erased < stale


def test_marking_shows_in_the_snapshot() -> None:
    chip = ChipPlant(tile=quiet_tile(), tile_rows=8, tile_columns=2)
    nominal = QubitronState.nominal(chip)
    s = qec_snapshot(chip, nominal.with_marked(27), centre=27, shots=500, seed=1)
    base = qec_snapshot(chip, nominal, centre=27, shots=500, seed=1)
    assert s.marked_qubitrons == [27] and base.marked_qubitrons == []
    assert s.erasure_rate > base.erasure_rate


def test_a_degraded_detector_raises_the_erasure_rate() -> None:
    chip = ChipPlant(tile=quiet_tile(), tile_rows=4, tile_columns=2)
    nominal = QubitronState.nominal(chip)
    eff = np.ones(chip.n_qubitrons)
    eff[11] = 0.2  # 80 % of its photons lost: heralded erasures
    worse = qec_snapshot(chip, replace(nominal, efficiency_factor=eff), centre=11, shots=2000,
                         seed=1)
    base = qec_snapshot(chip, nominal, centre=11, shots=2000, seed=1)
    assert worse.erasure_rate > 2 * base.erasure_rate
