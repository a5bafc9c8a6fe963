"""Plants shared by the twin's tests: the default chip evaluated at 300 K (where the heaters
tune the rings; the thermal solve takes ~20 s, cached per process), and small made-up tiles
for the machinery."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from control.monitoring.plant import ChipPlant, TilePlant
from control.noise import NoiseRow, NoiseTable
from flows.spec import ChipSpec, default_chip

ROOM_K = 300.0


def room_temperature_spec() -> ChipSpec:
    """The default chip operated at 300 K."""
    chip = default_chip()
    return chip.model_copy(update={
        "thermal": chip.thermal.model_copy(update={"temperature_K": ROOM_K})})


def room_temperature_plant() -> ChipPlant:
    """The default chip's twin plant at 300 K (the build's own thermal, drive and noise)."""
    from flows.twin_job import chip_plant

    return chip_plant(room_temperature_spec())


def quiet_tile(*, n_qubitrons: int = 4) -> TilePlant:
    """A tile whose qubitrons are far below the surface-code threshold (rates of a good
    chip), so a QEC snapshot resolves what one bad qubitron does. The rates are given, not
    derived: this tile tests the snapshot machinery, not the chip."""
    rows = [
        NoiseRow(qubitron=f"qubitron_{k}", p_erasure=0.01, p_pauli_x=5e-4, p_pauli_y=5e-4,
                 p_pauli_z=5e-4, p_depolarizing=1.5e-3, p_measurement=1e-3, p_idle=1e-4,
                 transfer_efficiency=0.999, stirap_leakage=1e-3, stirap_loss=1e-3,
                 stirap_dephasing_error=0.0, photon_detection_efficiency=0.99,
                 pump_rabi_rad_per_us=100.0, stokes_rabi_rad_per_us=100.0, purcell_factor=100.0,
                 decay_rate_per_ns=10.0)
        for k in range(n_qubitrons)
    ]
    table = NoiseTable(encoding="test", round_duration_ns=100.0, stirap_window_ns=80.0,
                       n_distinct_solves=1, rows=rows)
    n = n_qubitrons
    return TilePlant(
        temperature_K=300.0, ring_names=("ring_0",), ring_fsr_nm=np.array([3.4]),
        ring_linewidth_nm=np.array([0.075]), ring_offset_nm=np.array([-0.2]),
        crosstalk_K_per_mW=sp.csr_matrix(np.array([[1.0]])), shift_nm_per_K=0.0144,
        heater_power_mW=np.array([13.9]), max_heater_power_mW=500.0,
        ring_round_trip_um=2 * math.pi * 50 + 60, ring_gap_um=0.5, wl_nm=1550.0,
        qubitron_names=tuple(r.qubitron for r in rows), pump_mW=np.full(n, 2e-7),
        stokes_mW=np.full(n, 2e-7), noise=table, detector_efficiency=0.91,
        dark_counts_cps=1.0,
    )
