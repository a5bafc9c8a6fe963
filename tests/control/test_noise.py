"""Per-qubitron noise table: ranges, monotonicity, grouping, export, bad inputs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from control.drive import power_for_rabi_mW, ring_mode_volume_um3, single_photon_coupling_rad_per_us
from control.noise import EmitterModel, NoiseRow, NoiseTable, ReadoutModel, noise_table
from control.pulses import PulseTiming
from control.stirap_batch import solve_stirap_batch

Q = 2e5
G = float(single_photon_coupling_rad_per_us(mode_volume_um3=ring_mode_volume_um3(radius_um=50.0)))
P_NOMINAL = float(power_for_rabi_mW(rabi_rad_per_us=1500.0, loaded_q=Q, coupling_rad_per_us=G))
PROBS = ["p_erasure", "p_pauli_x", "p_pauli_y", "p_pauli_z", "p_depolarizing", "p_measurement",
         "p_idle", "transfer_efficiency", "stirap_leakage", "stirap_loss",
         "photon_detection_efficiency"]


def test_values_in_range_and_monotone_in_loss() -> None:
    loss_db = np.linspace(0.0, 10.0, 6)
    t = noise_table(pump_power_mW=P_NOMINAL, stokes_power_mW=P_NOMINAL, loaded_q=Q,
                    detector_path_loss_dB=loss_db)
    for name in PROBS:
        col = t.column(name)
        assert np.all((col >= 0) & (col <= 1)), name
    erasure = t.column("p_erasure")
    assert np.all(np.diff(erasure) > 0)  # more loss -> more erasure
    np.testing.assert_allclose(t.column("p_pauli_x"), t.column("p_pauli_x")[0])
    assert t.n_distinct_solves == 1  # the detector path does not change the STIRAP problem
    # photon detection efficiency follows the dB loss exactly
    eta = t.column("photon_detection_efficiency")
    np.testing.assert_allclose(eta / eta[0], 10 ** (-loss_db / 10))


def test_weaker_pump_more_transfer_error() -> None:
    scale = np.array([1.0, 0.5, 0.25, 0.1])  # pump path loss 0, 3, 6, 10 dB
    t = noise_table(pump_power_mW=P_NOMINAL * scale, stokes_power_mW=P_NOMINAL, loaded_q=Q)
    x = t.column("p_pauli_x")
    assert np.all(np.diff(x) > 0)
    assert np.all(np.diff(t.column("transfer_efficiency")) < 0)
    np.testing.assert_allclose(t.column("p_pauli_y"), x)
    np.testing.assert_allclose(t.column("p_depolarizing"), 2 * x + t.column("p_pauli_z"))


def test_grouping_solves_distinct_sets_once_and_matches_direct_solve() -> None:
    rng = np.random.default_rng(1)
    base = P_NOMINAL * np.array([1.0, 0.8, 0.6])
    pump = rng.choice(base, size=40) * (1 + 1e-5 * rng.standard_normal(40))  # below the step
    t = noise_table(pump_power_mW=pump, stokes_power_mW=P_NOMINAL, loaded_q=Q,
                    coupling_rad_per_us=G)
    assert t.n_distinct_solves == 3
    em, timing = EmitterModel(), PulseTiming()
    row = t.rows[0]
    direct = solve_stirap_batch(
        pump_peak_rabi_rad_per_us=row.pump_rabi_rad_per_us,
        stokes_peak_rabi_rad_per_us=row.stokes_rabi_rad_per_us, delay_ns=timing.delay_ns,
        fwhm_ns=timing.fwhm_ns, gamma_per_ns=row.decay_rate_per_ns,
        branching_g1=em.branching_g1, branching_g2=em.branching_g2,
        ground_dephasing_per_ns=em.ground_dephasing_per_ns,
    )
    assert row.transfer_efficiency == pytest.approx(float(direct.transfer_efficiency), abs=1e-4)


def test_measurement_and_idle_errors() -> None:
    fast = noise_table(pump_power_mW=P_NOMINAL, stokes_power_mW=P_NOMINAL, loaded_q=Q,
                       readout=ReadoutModel(time_bin_ns=3.0))
    slow = noise_table(pump_power_mW=P_NOMINAL, stokes_power_mW=P_NOMINAL, loaded_q=Q,
                       readout=ReadoutModel(time_bin_ns=0.5))
    assert slow.rows[0].p_measurement > fast.rows[0].p_measurement  # emission overflows bins
    long_round = noise_table(pump_power_mW=P_NOMINAL, stokes_power_mW=P_NOMINAL, loaded_q=Q,
                             round_duration_ns=10_000.0)
    assert long_round.rows[0].p_idle > fast.rows[0].p_idle
    gamma_g = EmitterModel().ground_dephasing_per_ns
    assert long_round.rows[0].p_idle == pytest.approx(
        0.5 * (1 - np.exp(-gamma_g * (10_000.0 - long_round.stirap_window_ns)))
    )


def test_json_and_csv_round_trip(tmp_path: Path) -> None:
    t = noise_table(pump_power_mW=[P_NOMINAL, P_NOMINAL / 2], stokes_power_mW=P_NOMINAL,
                    loaded_q=Q, qubitron_ids=["a", "b"])
    again = NoiseTable.model_validate(json.loads(t.to_json(tmp_path / "n.json")))
    assert again == t
    rows = list(csv.DictReader(io.StringIO(t.to_csv(tmp_path / "n.csv"))))
    assert [r["qubitron"] for r in rows] == ["a", "b"]
    assert float(rows[1]["p_erasure"]) == pytest.approx(t.rows[1].p_erasure)
    assert (tmp_path / "n.csv").read_text() == t.to_csv()
    units = NoiseTable.field_units()
    assert "[0, 1]" in units["p_erasure"] and "rad/us" in units["pump_rabi_rad_per_us"]
    with pytest.raises(ValueError):
        NoiseRow.model_validate({**t.rows[0].model_dump(), "p_erasure": 1.5})


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"loaded_q": -1.0}, "loaded_q"),
        ({"detector_path_loss_dB": -3.0}, "detector_path_loss_dB"),
        ({"pump_power_mW": [1e-8, 1e-8], "qubitron_ids": ["x"]}, "qubitron_ids"),
        ({"round_duration_ns": 10.0}, "round_duration_ns"),
        ({"readout": ReadoutModel(detector_efficiency=1.2)}, "detector_efficiency"),
    ],
)
def test_bad_inputs_name_the_parameter(kwargs: dict, name: str) -> None:
    args = {"pump_power_mW": P_NOMINAL, "stokes_power_mW": P_NOMINAL, "loaded_q": Q, **kwargs}
    with pytest.raises(ValueError, match=name):
        noise_table(**args)


def test_emitter_model_rejects_bad_branching() -> None:
    with pytest.raises(ValueError, match="branching_g2"):
        EmitterModel(branching_g2=-0.1)


def test_a_ring_left_off_its_channel_transfers_worse_and_says_why() -> None:
    from control.drive import cavity_detuning_factor

    q = 5e4
    linewidth_nm = 1550.0 / q
    t = noise_table(
        pump_power_mW=2e-7, stokes_power_mW=2e-7, loaded_q=q,
        ring_detuning_nm=[0.0, 0.5 * linewidth_nm, 3 * linewidth_nm],
        detuning_source=["tuned", "half a linewidth", "untunable: heater limit"],
    )
    eff = t.column("transfer_efficiency")
    err = t.column("p_erasure") + t.column("p_pauli_x")
    assert eff[0] > eff[1] > eff[2] and err[0] < err[1] < err[2]
    assert t.column("cavity_factor")[1] == pytest.approx(0.5, rel=1e-9)
    assert t.column("purcell_factor")[2] == pytest.approx(
        t.column("purcell_factor")[0] * float(cavity_detuning_factor(
            detuning_nm=3 * linewidth_nm, loaded_q=q)), rel=1e-9)
    assert [r.detuning_source for r in t.rows][2] == "untunable: heater limit"
    assert "detuning_source" in t.to_csv().splitlines()[0]
    with pytest.raises(ValueError, match="detuning_source must have 3"):
        noise_table(pump_power_mW=2e-7, stokes_power_mW=2e-7, loaded_q=q,
                    ring_detuning_nm=[0.0, 0.1, 0.2], detuning_source=["a"])
    with pytest.raises(ValueError, match="ring_detuning_nm"):
        noise_table(pump_power_mW=2e-7, stokes_power_mW=2e-7, loaded_q=q,
                    ring_detuning_nm=float("nan"))
