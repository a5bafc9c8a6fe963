"""The crossing is designed by an FDTD sweep: the selection rule, the recorded sweep, the cell
that draws its pick, and (real meep, coarse grid) the new design beating the old one."""

from __future__ import annotations

import numpy as np
import pytest

from components.gallery import cell_parameters
from components.models.calibration import load_calibration
from quantacore import activate as ensure_pdk
from simulation.fdtd import build_job, run_jobs
from simulation.fdtd.calibrate import (
    CROSSING_BEFORE_UM,
    CROSSING_DESIGNS_UM,
    CROSSING_MAX_CROSSTALK_DB,
    best_crossing_design,
    crossing_is_drc_clean,
)
from simulation.fdtd.cells import fdtd_cell


@pytest.fixture(autouse=True)
def _pdk():
    ensure_pdk()


def test_selection_rule_respects_crosstalk_footprint_and_drc():
    designs = [(2.0, 6.0), (0.5, 10.0), (0.8, 4.0), (0.6, 6.0), (0.5, 6.0)]
    loss = [0.76, 0.21, 0.10, 0.26, 0.27]
    xt = [-48.0, -44.0, -25.0, -34.0, -42.0]  # (0.8, 4) leaks: excluded despite its low loss
    # (0.5, 10) is too long for the router's crossing pitch
    assert best_crossing_design(designs_um=designs, through_loss_dB=loss, crosstalk_dB=xt) == (
        0.6, 6.0)
    assert best_crossing_design(designs_um=designs, through_loss_dB=loss, crosstalk_dB=xt,
                                max_length_um=10.0) == (0.5, 10.0)
    # a 0.6 um centre leaves sub-space notches where the arms meet: DRC rejects it
    assert not crossing_is_drc_clean((0.6, 6.0)) and crossing_is_drc_clean((0.5, 6.0))
    assert best_crossing_design(designs_um=designs, through_loss_dB=loss, crosstalk_dB=xt,
                                is_drawable=crossing_is_drc_clean) == (0.5, 6.0)
    with pytest.raises(ValueError, match="crosstalk below -60"):
        best_crossing_design(designs_um=designs, through_loss_dB=loss, crosstalk_dB=xt,
                             max_crosstalk_dB=-60.0)
    with pytest.raises(ValueError, match="differ in length"):
        best_crossing_design(designs_um=designs, through_loss_dB=loss[:2], crosstalk_dB=xt)


def test_calibration_records_the_sweep_and_the_cell_draws_its_pick():
    section = load_calibration().crossing
    assert section is not None
    rec = section.model_dump()
    designs = list(zip(rec["sweep_width_mmi_um"], rec["sweep_length_um"], strict=True))
    assert designs == [tuple(d) for d in CROSSING_DESIGNS_UM]
    pick = best_crossing_design(designs_um=designs, through_loss_dB=rec["sweep_through_loss_dB"],
                                crosstalk_dB=rec["sweep_crosstalk_dB"],
                                is_drawable=crossing_is_drc_clean)
    cell = cell_parameters("crossing")
    assert pick == (float(str(cell["width_mmi"])), float(str(cell["length"])))
    assert pick == (rec["width_mmi_um"], rec["length_um"])
    # the applied figures are the drawn design's (both inputs), and they beat the design the
    # sweep replaced by more than the sweep's own resolution noise
    assert section.insertion_loss_dB == pytest.approx(
        -min(rec["fdtd_through_o1_o3_dB"], rec["fdtd_through_o2_o4_dB"]))
    assert section.crosstalk_dB < CROSSING_MAX_CROSSTALK_DB
    before = rec["before"]
    assert (before["width_mmi_um"], before["length_um"]) == CROSSING_BEFORE_UM
    assert section.insertion_loss_dB < before["through_loss_dB"] - 0.3
    # PDK rule: the narrowest point of the crossing is no narrower than the layer minimum
    from qc_pdk.rules import min_width_um

    assert rec["width_mmi_um"] >= min_width_um("WG1")


def test_new_crossing_beats_the_old_in_fdtd():
    """Real meep at a coarse 12 px/um: the sweep's conclusion does not hang on the grid."""
    wl = (1.55,)
    new, old = run_jobs([
        build_job(fdtd_cell("crossing"), source_ports=["o1"], resolution_px_per_um=12.0,
                  wl_um=wl),
        build_job(fdtd_cell("crossing", {"width_mmi": "2", "length": "6"}), source_ports=["o1"],
                  resolution_px_per_um=12.0, wl_um=wl),
    ], max_workers=2)
    assert new.power("o1", "o3")[0] > old.power("o1", "o3")[0] + 0.05
    total = sum(new.power("o1", p)[0] for p in ("o1", "o2", "o3", "o4"))
    assert total <= 1.02  # passive
    assert 10 * np.log10(max(new.power("o1", "o2")[0], new.power("o1", "o4")[0])) < -30.0
