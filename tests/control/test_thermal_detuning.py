"""The detuning thermal tuning leaves at each qubitron ring feeds its STIRAP and noise row."""

from __future__ import annotations

from pathlib import Path

from control.noise import noise_table
from flows.spec import default_chip
from flows.thermal_job import qubitron_detuning
from routing.tile import chip_tile
from thermal.analysis import analyse_thermal


def test_heater_limit_leaves_rings_detuned_and_their_stirap_worse(tmp_path: Path) -> None:
    tile = chip_tile(default_chip().tile_design())
    names = sorted(i.name for i in tile.insts if (i.name or "").startswith("qubitron_"))
    # at 300 K the heaters tune every ring (at 4 K the thermo-optic shift is too weak)
    # (a 40 um kernel window: the test's heaters are 520 um apart, far beyond it)
    kw = dict(temperature_K=300.0, fab_sigma_nm=0.2, seed=3, transient=False, loaded_q=5e4,
              window_um=40.0)
    tuned = analyse_thermal(tile, max_heater_power_mW=500.0, **kw)
    starved = analyse_thermal(tile, max_heater_power_mW=1e-3, **kw)
    d_ok, src_ok = qubitron_detuning(tuned, tile)
    d_bad, src_bad = qubitron_detuning(starved, tile)
    assert sorted(d_ok) == sorted(d_bad) == names  # every qubitron's ring found
    linewidth_nm = 1550.0 / 5e4
    assert all(abs(d_ok[q]) <= 0.5 * linewidth_nm for q in names)
    assert any(abs(d_bad[q]) > linewidth_nm for q in names)
    assert all(s.startswith("thermal tuning: residual") for s in src_ok.values())
    worst = max(names, key=lambda q: abs(d_bad[q]))
    assert "untunable" in src_bad[worst] and "1e-03 mW" in src_bad[worst].replace("0.001", "1e-03")

    def table(d: dict[str, float], src: dict[str, str]):  # type: ignore[no-untyped-def]
        return noise_table(pump_power_mW=2e-7, stokes_power_mW=2e-7, loaded_q=5e4,
                           qubitron_ids=names, ring_detuning_nm=[d[q] for q in names],
                           detuning_source=[src[q] for q in names])

    ok, bad = table(d_ok, src_ok), table(d_bad, src_bad)
    k = names.index(worst)
    assert bad.rows[k].transfer_efficiency < ok.rows[k].transfer_efficiency
    assert bad.rows[k].p_erasure > ok.rows[k].p_erasure
    assert bad.rows[k].detuning_source == src_bad[worst]
