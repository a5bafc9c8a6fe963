"""The broadband MZI 1x2 switch and its SiN MMIs: cells (ports, DRC, bad input), compact models
(reciprocity, passivity, extinction, bandwidth) with the FDTD calibration bound by the PDK, and
the loss budget seeing the switch as one cell."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import gdsfactory as gf
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import CELLS, MODELS
from components.gallery import cell_parameters
from components.models.calibration import load_calibration
from components.models.mmi import MMI1X2_FIT, MMI2X2_FIT
from components.models.mzi_switch import (
    DEFAULT_MZI_ARM_LENGTH_UM,
    DEFAULT_MZI_OUTPUT_LENGTH_UM,
    mzi_state_power_mW,
)
from components.models.sdict import to_matrix
from components.mzi_switch import mzi_switch_kwargs
from components.resonance import heater_p_pi_mW
from qc_pdk.drc import run_drc
from quantacore import activate
from simulation.fdtd.calibrate import MMI_DESIGNS_UM, best_mmi_design, fit_mmi, mmi_is_drc_clean
from simulation.loss_budget import loss_budget

BAND_NM = (1546.8, 1553.2)  # the default tile's 4 channels at 0.8 nm around 1550 nm, and beyond


@pytest.fixture(scope="module")
def models() -> dict:
    """The PDK's models, with the FDTD calibration bound."""
    return dict(activate().models)


def _dB(p: np.ndarray | float) -> np.ndarray:
    return 10 * np.log10(np.asarray(p, float))


def _clean(c: gf.Component) -> bool:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "c.gds"
        c.write_gds(path, with_metadata=False)
        report = run_drc(path)
        assert report.clean, report.counts()
        return True


# ------------------------------------------------------------------------------- the cells
def test_mzi_ports_footprint_and_equal_arms() -> None:
    activate()
    c = CELLS["mzi_switch"]()
    p = {q.name: q for q in c.ports}
    assert p["o1"].center == (0.0, 0.0) and p["o1"].orientation == 180
    assert p["o2"].orientation == p["o3"].orientation == 0
    assert p["o2"].center[0] == p["o3"].center[0]
    assert p["o2"].center[1] == -p["o3"].center[1] == c.settings["output_spacing"] / 2
    assert p["e1"].port_type == p["e2"].port_type == "electrical"
    box = c.dbbox()
    assert box.width() < 400.0, "the tree places one per node: keep it compact"
    # the lower arm is the upper mirrored: one arm's length is the model's default
    assert c.info["arm_length_um"] == pytest.approx(DEFAULT_MZI_ARM_LENGTH_UM, abs=1e-3)
    assert c.info["output_length_um"] == pytest.approx(DEFAULT_MZI_OUTPUT_LENGTH_UM, abs=1e-3)
    assert CELLS["mzi_switch"](output_spacing=3.0).info["output_length_um"] == 0.0
    assert c.info["length_um"] == pytest.approx(p["o2"].center[0])


def test_cells_drc_clean_beyond_defaults() -> None:
    activate()
    assert _clean(CELLS["mzi_switch"](arm_spacing=40.0, heater_length=60.0,
                                      cross_section="strip_wg2"))
    assert _clean(CELLS["mmi1x2"](width_mmi=8.0, width_taper=2.0))
    assert _clean(CELLS["mmi2x2"](length_mmi=50.0))


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(spacing=st.integers(12, 60), heater=st.integers(10, 200), sbend=st.integers(20, 120),
       xs=st.sampled_from(["strip_wg1", "strip_wg2"]))
def test_mzi_random_parameters_clean_or_refused(spacing: int, heater: int, sbend: int,
                                                 xs: str) -> None:
    """Random parameters give a DRC-clean switch, or a ValueError naming the parameter."""
    activate()
    kw = {"arm_spacing": float(spacing), "heater_length": float(heater),
          "sbend_length": float(sbend), "cross_section": xs}
    try:
        c = CELLS["mzi_switch"](**kw)
    except ValueError as e:
        assert any(k in str(e) for k in kw), e
        return
    assert _clean(c)
    # each S-bend is longer than its chord and shorter than its Manhattan path
    offset = spacing / 2 - float(CELLS["mmi1x2"]().ports["o2"].center[1])
    arm = c.info["arm_length_um"]
    assert heater + 2 * math.hypot(sbend, offset) < arm < heater + 2 * (sbend + offset)


@pytest.mark.parametrize(("cell", "kwargs", "name"), [
    ("mzi_switch", {"heater_length": 10.0}, "heater_length"),
    ("mzi_switch", {"arm_spacing": 4.0}, "arm_spacing"),
    ("mzi_switch", {"sbend_length": 12.0}, "sbend_length"),
    ("mzi_switch", {"heater_width": 0.5}, "heater_width"),
    ("mzi_switch", {"output_spacing": 2.0}, "output_spacing"),
    ("mzi_switch", {"cross_section": "metal1"}, "cross_section"),
    ("mmi1x2", {"width_taper": 0.3}, "width_taper"),
    ("mmi1x2", {"width_mmi": 3.0}, "width_mmi"),
    ("mmi1x2", {"length_mmi": -1.0}, "length_mmi"),
    ("mmi2x2", {"width_mmi": 2.5}, "width_mmi"),
    ("mmi2x2", {"length_taper": 0.0}, "length_taper"),
])
def test_bad_cell_parameters_name_themselves(cell: str, kwargs: dict, name: str) -> None:
    activate()
    with pytest.raises(ValueError, match=name):
        CELLS[cell](**kwargs)


# ------------------------------------------------------------------------------ the models
@pytest.mark.parametrize("name", ["mmi1x2", "mmi2x2", "mzi_switch"])
def test_models_reciprocal_and_passive(name: str, models: dict) -> None:
    wl = np.linspace(1.50, 1.60, 11)
    for kw in ({},) if name != "mzi_switch" else ({"state": "bar"}, {"state": "cross"},
                                                    {"heater_power_mW": 7.0}):
        ports, s = to_matrix(models[name](wl=wl, **kw))
        assert np.allclose(s, np.swapaxes(s, -1, -2))
        col = (abs(s) ** 2).sum(axis=-2)
        assert np.all(col <= 1 + 1e-12), f"{name} {kw} is active"


def test_mmi_columns_lose_the_calibrated_excess(models: dict) -> None:
    """Column sums = 1 - the fit's excess loss at the drawn length (its defocus term added)."""
    cal = load_calibration().mmi
    assert cal is not None and cal.mmi1x2 is not None and cal.mmi2x2 is not None
    activate()
    for name, fit, cols in (("mmi1x2", cal.mmi1x2, ["o1"]), ("mmi2x2", cal.mmi2x2, ["o1", "o2"])):
        x = float(CELLS[name]().settings["length_mmi"]) / fit.imaging_length_um - 1.0
        expected_dB = fit.excess_loss_dB + fit.defocus_loss_dB * x**2
        ports, m = to_matrix(models[name](wl=1.55))
        for col in cols:
            total = float((abs(m[:, ports.index(col)]) ** 2).sum())
            assert -_dB(total) == pytest.approx(expected_dB, abs=1e-9)
            assert 0.0 < -_dB(total) < 1.0


def test_mzi_column_is_one_minus_the_parts_losses(models: dict) -> None:
    """|S11|^2 + |S21|^2 + |S31|^2 = T_splitter T_arm T_combiner at any heater power."""
    wl = 1.55
    split = models["mmi1x2"](wl=wl)
    comb = models["mmi2x2"](wl=wl)
    t_split = float(abs(split[("o1", "o2")]) ** 2 + abs(split[("o1", "o3")]) ** 2)
    t_comb = float(abs(comb[("o1", "o3")]) ** 2 + abs(comb[("o1", "o4")]) ** 2)
    length_cm = (DEFAULT_MZI_ARM_LENGTH_UM + DEFAULT_MZI_OUTPUT_LENGTH_UM) * 1e-4
    t_arm = 10 ** (-0.1 * length_cm / 10)  # 0.1 dB/cm
    for p in (0.0, 5.0, 12.5, 40.0):
        s = models["mzi_switch"](wl=wl, heater_power_mW=p)
        total = float(abs(s[("o1", "o2")]) ** 2 + abs(s[("o1", "o3")]) ** 2)
        assert total == pytest.approx(t_split * t_arm * t_comb, rel=1e-9)
    assert 1 - t_split * t_comb > 0.001  # the MMIs lose something: the check can fail


def test_bar_and_cross_extinction_over_20_dB(models: dict) -> None:
    bar = models["mzi_switch"](wl=1.55, state="bar")
    cross = models["mzi_switch"](wl=1.55, state="cross")
    er_bar = _dB(abs(bar[("o1", "o2")]) ** 2 / abs(bar[("o1", "o3")]) ** 2)
    er_cross = _dB(abs(cross[("o1", "o3")]) ** 2 / abs(cross[("o1", "o2")]) ** 2)
    assert er_bar > 20 and er_cross > 20
    assert -_dB(abs(bar[("o1", "o2")]) ** 2) < 1.0  # insertion loss at the design point


def test_states_are_heater_powers(models: dict) -> None:
    p_pi = heater_p_pi_mW()
    theta = models["mzi_switch"].keywords["combiner_cross_phase_deg"]  # the FDTD's sign
    bar = mzi_state_power_mW("bar", combiner_cross_phase_deg=theta)
    cross = mzi_state_power_mW("cross", combiner_cross_phase_deg=theta)
    assert sorted([bar, cross]) == pytest.approx([p_pi / 2, 1.5 * p_pi])
    assert mzi_state_power_mW("bar", combiner_cross_phase_deg=90.0) == pytest.approx(p_pi / 2)
    # o2 peaks and dips where the state powers say, over a heater sweep of one period
    powers = np.linspace(0, 2 * p_pi, 401)
    t2 = [float(abs(models["mzi_switch"](wl=1.55, heater_power_mW=p)[("o1", "o2")]) ** 2)
          for p in powers]
    assert powers[int(np.argmax(t2))] == pytest.approx(bar, abs=0.2)
    assert powers[int(np.argmin(t2))] == pytest.approx(cross, abs=0.2)
    explicit = models["mzi_switch"](wl=1.55, state="cross", heater_power_mW=bar)
    assert np.allclose(explicit[("o1", "o2")],
                       models["mzi_switch"](wl=1.55, state="bar")[("o1", "o2")])
    unheated = models["mzi_switch"](wl=1.55, state=None)
    assert abs(_dB(abs(unheated[("o1", "o2")]) ** 2 / abs(unheated[("o1", "o3")]) ** 2)) < 1.0


def test_broadband_over_the_tile_band(models: dict) -> None:
    band = np.linspace(BAND_NM[0], BAND_NM[1], 33) * 1e-3
    wide = np.linspace(1.50, 1.60, 33)
    for state, port in (("bar", "o2"), ("cross", "o3")):
        t = _dB(abs(models["mzi_switch"](wl=band, state=state)[("o1", port)]) ** 2)
        assert t.max() - t.min() < 0.1, f"{state}: {t.max() - t.min():.3f} dB over the band"
        # the model is not flat by construction: 100 nm away the MMIs defocus and the
        # heater's phase drifts
        tw = _dB(abs(models["mzi_switch"](wl=wide, state=state)[("o1", port)]) ** 2)
        assert tw.max() - tw.min() > 5 * (t.max() - t.min())


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"state": "diagonal"}, "state"),
    ({"heater_power_mW": -1.0}, "heater_power_mW"),
    ({"arm_length_um": -5.0}, "length_um"),
    ({"splitter_excess_loss_dB": -0.1}, "excess_loss_dB"),
    ({"combiner_imaging_length_um": 0.0}, "imaging_length_um"),
])
def test_bad_model_parameters_name_themselves(kwargs: dict, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        MODELS["mzi_switch"](wl=1.55, **kwargs)


# ------------------------------------------------------------------ calibration and budget
def test_pdk_binds_the_mmi_calibration(models: dict) -> None:
    cal = load_calibration()
    assert cal.mmi is not None and cal.mmi.mmi1x2 is not None and cal.mmi.mmi2x2 is not None
    bound = models["mzi_switch"].keywords
    assert bound["splitter_excess_loss_dB"] == cal.mmi.mmi1x2.excess_loss_dB
    assert bound["combiner_imbalance_dB"] == cal.mmi.mmi2x2.imbalance_dB
    assert models["mmi2x2"].keywords["imaging_length_um"] == cal.mmi.mmi2x2.imaging_length_um
    # the models' own defaults are the shipped fit (so MODELS[...]() describes the same device)
    for fit, defaults in ((cal.mmi.mmi1x2, MMI1X2_FIT), (cal.mmi.mmi2x2, MMI2X2_FIT)):
        for k, v in defaults.items():
            assert math.isclose(getattr(fit, k), v, rel_tol=1e-3, abs_tol=1e-4), k


def test_loss_budget_sees_the_switch_as_one_cell(models: dict) -> None:
    activate()
    c = gf.Component()
    a = c << gf.get_component("straight", length=500.0)
    m = c << CELLS["mzi_switch"]()
    b = c << gf.get_component("straight", length=300.0)
    m.connect("o1", a.ports["o2"])
    b.connect("o1", m.ports["o2"])
    c.add_port("in", port=a.ports["o1"])
    c.add_port("out", port=b.ports["o2"])
    c.add_port("off", port=m.ports["o3"])
    report = loss_budget(c, wl=[1.55])
    path = report.path("in", "out")
    s = models["mzi_switch"](wl=1.55, **mzi_switch_kwargs(m.cell.settings, m.cell.info))
    switch_dB = float(-_dB(abs(s[("o1", "o2")]) ** 2))
    assert path.breakdown_dB["switch"] == pytest.approx(switch_dB, abs=1e-6)
    assert path.counts["switch"] == 1
    assert path.insertion_loss_dB == pytest.approx(switch_dB + 800e-4 * 0.1, abs=1e-5)


# ------------------------------------------------------------------- the MMI design sweep
def test_mmi_selection_rule_and_fit() -> None:
    designs = [(6.0, 21.0, 2.0), (6.0, 22.0, 2.0), (6.0, 30.0, 1.5)]
    # the paired 2x2's low loss comes with a 5 dB imbalance: excluded
    assert best_mmi_design(designs_um=designs, excess_loss_dB=[0.08, 0.09, 0.02],
                           imbalance_dB=[0.0, 0.1, -5.0]) == (6.0, 21.0, 2.0)
    assert best_mmi_design(designs_um=designs, excess_loss_dB=[0.08, 0.09, 0.02],
                           imbalance_dB=[0.0, 0.1, -5.0],
                           is_drawable=lambda d: d[1] > 21.5) == (6.0, 22.0, 2.0)
    with pytest.raises(ValueError, match="imbalance below 0.1"):
        best_mmi_design(designs_um=designs, excess_loss_dB=[0.1] * 3,
                        imbalance_dB=[0.2, 0.3, 1.0], max_imbalance_dB=0.1)
    with pytest.raises(ValueError, match="differ in length"):
        best_mmi_design(designs_um=designs, excess_loss_dB=[0.1], imbalance_dB=[0.0] * 3)
    length = np.repeat([84.0, 86.0, 88.0, 90.0], 3)
    wl = np.tile([1.53, 1.55, 1.57], 4)
    x = length / 87.2 * wl / 1.55 - 1
    fit = fit_mmi(lengths_um=length, wl_um=wl, loss_dB=0.03 + 300 * x**2,
                  imbalance_dB=0.2 + 6 * x)
    assert fit["imaging_length_um"] == pytest.approx(87.2, rel=1e-4)
    assert fit["defocus_loss_dB"] == pytest.approx(300.0, rel=1e-3)
    assert fit["imbalance_slope_dB"] == pytest.approx(6.0, rel=1e-6)


@pytest.mark.parametrize("name", ["mmi1x2", "mmi2x2"])
def test_calibration_records_the_mmi_sweep_and_the_cell_draws_its_pick(name: str) -> None:
    activate()
    section = load_calibration().mmi
    assert section is not None
    rec = getattr(section, name).model_dump()
    designs = list(zip(rec["sweep_width_mmi_um"], rec["sweep_length_mmi_um"],
                       rec["sweep_width_taper_um"], strict=True))
    assert designs == [tuple(d) for d in MMI_DESIGNS_UM[name]]
    pick = best_mmi_design(designs_um=designs, excess_loss_dB=rec["sweep_excess_loss_dB"],
                           imbalance_dB=rec["sweep_imbalance_dB"],
                           is_drawable=lambda d: mmi_is_drc_clean(name, d))
    cell = cell_parameters(name)
    assert pick == tuple(float(str(cell[k])) for k in ("width_mmi", "length_mmi", "width_taper"))
    # the drawn design loses less than 0.1 dB and splits within 0.3 dB (2D FDTD)
    assert rec["fdtd_excess_loss_dB"] < 0.1 and abs(rec["fdtd_imbalance_dB"]) < 0.3
    # self-imaging theory (3 L_pi / 8, 3 L_pi / 2 at W_e = 6.43 um) within 5 %
    theory = {"mmi1x2": 22.3, "mmi2x2": 89.4}[name]
    assert rec["imaging_length_um"] == pytest.approx(theory, rel=0.05)


def test_a_calibration_file_reaches_the_switch_model(tmp_path: Path) -> None:
    """A worse combiner and a calibrated heater change the bound switch, not the bare model."""
    path = tmp_path / "cal.json"
    path.write_text(json.dumps({
        "ring_heater": {"p_pi_mW": 10.0},
        "mmi": {"mmi2x2": {"excess_loss_dB": 0.5, "imbalance_dB": 3.0, "imaging_length_um": 87.0,
                           "defocus_loss_dB": 300.0, "cross_phase_deg": 90.0}},
    }))
    bound = load_calibration(path).bind(MODELS)["mzi_switch"]
    assert bound.keywords["heater_p_pi_mW"] == 10.0
    s = bound(wl=1.55, state="bar")
    # theta = +90 deg now: bar at P_pi / 2 of the calibrated heater
    assert np.allclose(s[("o1", "o2")], bound(wl=1.55, heater_power_mW=5.0)[("o1", "o2")])
    er = _dB(abs(s[("o1", "o2")]) ** 2 / abs(s[("o1", "o3")]) ** 2)
    plain = MODELS["mzi_switch"](wl=1.55, state="bar")
    er_plain = _dB(abs(plain[("o1", "o2")]) ** 2 / abs(plain[("o1", "o3")]) ** 2)
    assert 10 < er < 20 < er_plain  # a 3 dB imbalanced combiner caps the extinction
