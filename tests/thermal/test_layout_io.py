"""Hierarchical extraction from a GDS with an array instance, one solve per class, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import gdsfactory as gf
import numpy as np

from thermal import analyse_thermal, write_thermal_outputs
from thermal.kernel import KernelOptions
from thermal.layout import read_layout


def test_array_of_tiles_from_gds(tmp_path: Path) -> None:
    from components.ring_switch import ring_switch

    tile = gf.Component("thermal_test_tile")
    (tile << ring_switch()).move((0.0, 0.0))
    (tile << ring_switch()).mirror_x().move((300.0, 0.0))
    top = gf.Component("thermal_test_top")
    top.add_ref(tile, columns=3, rows=2, column_pitch=700.0, row_pitch=400.0)
    gds = tmp_path / "chip.gds"
    top.write_gds(gds)
    lay = read_layout(gds)
    assert lay.heater_cell.size == 12 and lay.ring_cell.size == 12
    rep = analyse_thermal(gds, kernel_options=KernelOptions(window_um=40.0, max_um=10.0),
                          transient=False, fab_sigma_nm=0.1, seed=3,
                          max_heater_power_mW=2000.0)
    assert rep.n_kernel_solves == 1  # mirrored copies share the kernel
    own = np.array([r.own_heater for r in rep.rings])
    assert sorted(own.tolist()) == list(range(12))
    selfr = np.array([r.self_rise_K_per_mW for r in rep.rings])
    assert np.allclose(selfr, selfr[0], rtol=1e-6)
    files = write_thermal_outputs(rep, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "thermal.json").read_text())
    assert data["n_heaters"] == 12 and data["heat_load_W"] == rep.heat_load_W
    assert (tmp_path / "out" / "temperature_wg1.png").stat().st_size > 1000
    assert np.load(tmp_path / "out" / "crosstalk.npy").shape == (12, 12)
    assert len(files) == 7
