"""Tests of the compact models (components.models): conventions, physics, passivity."""

from __future__ import annotations

import doctest
import importlib
import json

import numpy as np
import pytest

from components import MODELS, REGISTRY
from components.models import to_matrix
from components.models.calibration import load_calibration
from components.models.detector import detector_figures
from components.models.ring import (
    ring_gap_for_self_coupling_um,
    ring_round_trip_amplitude,
    ring_self_coupling,
)
from components.models.switch import switch_state_powers
from components.models.wdm import wdm_adjacent_crosstalk_dB, wdm_channel_transmission
from components.resonance import ring_resonances_nm, wdm_grid_nm

# a coarse band sweep plus a fine sweep across the rings' resonances near 1550 nm
WL = np.concatenate([np.linspace(1.50, 1.60, 101), np.linspace(1.5475, 1.5525, 501)])

MODULES = [
    "components.models",
    "components.models.sdict",
    "components.models.waveguide_modes",
    "components.models.waveguide",
    "components.models.bend",
    "components.models.crossing",
    "components.models.interlayer",
    "components.models.couplers",
    "components.models.detector",
    "components.models.ring",
    "components.models.switch",
    "components.models.wdm",
    "components.models.qubitron",
    "components.models.calibration",
]


def test_every_model_belongs_to_a_library_cell() -> None:
    for name in MODELS:
        assert REGISTRY[name].cell is not None and REGISTRY[name].model is MODELS[name]
    assert "emitter_site" not in MODELS and "bond_pad" not in MODELS


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_ports_and_shapes(name: str) -> None:
    """A model's ports are its cell's non-electrical ports plus detector sinks (d1, d2 ...)."""
    model = MODELS[name]
    s = model(wl=WL)
    ports = {p for pair in s for p in pair}
    sinks = {p for p in ports if p.startswith("d") and p[1:].isdigit()}
    cell_ports = {p for p, kind in REGISTRY[name].ports.items() if kind != "electrical"}
    assert ports - sinks == cell_ports
    for value in s.values():
        assert value.shape == WL.shape and np.iscomplexobj(value)
    scalar = model(wl=1.55)
    assert all(np.shape(v) == () for v in scalar.values())
    default = model()  # wl defaults to 1.55 um
    for key, value in default.items():
        np.testing.assert_allclose(value, scalar[key])


@pytest.mark.parametrize("name", sorted(MODELS))
def test_model_is_passive_and_reciprocal(name: str) -> None:
    _, s = to_matrix(MODELS[name](wl=WL))
    np.testing.assert_array_equal(s, np.swapaxes(s, -1, -2))
    eig = np.linalg.eigvalsh(np.conj(np.swapaxes(s, -1, -2)) @ s)
    assert eig.max() <= 1.0 + 1e-9


def test_straight_loss_and_phase() -> None:
    from components.models.waveguide_modes import effective_index

    s = MODELS["straight"](wl=1.55, length_um=1e4, loss_dB_per_cm=0.1)
    t = s[("o1", "o2")]
    assert -20 * np.log10(abs(t)) == pytest.approx(0.1)
    phase = 2 * np.pi * float(effective_index(1.55)) * 1e4 / 1.55
    assert np.angle(t) == pytest.approx(np.angle(np.exp(1j * phase)), abs=1e-6)


@pytest.fixture
def published_defaults(tmp_path, monkeypatch):
    """No calibration file: the models fall back to the published figures checked here."""
    monkeypatch.setenv("QC_CALIBRATION_FILE", str(tmp_path / "absent.json"))


def test_bend_loss_interpolates_reference_and_decreases_with_radius(published_defaults) -> None:
    from components.models.bend import bend_loss_dB_per_90deg

    # circular bends, 3D vectorial at 1550 nm vs the independent check (within 5 %)
    for r, loss in zip((20, 30, 40, 50), (0.85, 0.16, 0.028, 0.0044), strict=True):
        assert bend_loss_dB_per_90deg(radius_um=r, p=0.0) == pytest.approx(loss, rel=0.05)
    assert bend_loss_dB_per_90deg(radius_um=30.0) == pytest.approx(0.47, rel=0.03)  # Euler
    radii = np.linspace(10, 120, 45)
    losses = [bend_loss_dB_per_90deg(radius_um=r) for r in radii]
    assert np.all(np.diff(losses) < 0)
    s90 = MODELS["bend_euler"](radius_um=30.0, loss_dB_per_cm=0.0, p=0.0)
    s180 = MODELS["bend_euler"](radius_um=30.0, angle_deg=180.0, loss_dB_per_cm=0.0, p=0.0)
    assert abs(s180[("o1", "o2")]) == pytest.approx(abs(s90[("o1", "o2")]) ** 2)


def test_crossing_figures(published_defaults) -> None:
    s = MODELS["crossing"]()
    assert -20 * np.log10(abs(s[("o1", "o3")])) == pytest.approx(0.043)
    assert -20 * np.log10(abs(s[("o2", "o4")])) == pytest.approx(0.043)
    assert 20 * np.log10(abs(s[("o1", "o2")])) == pytest.approx(-50.0)
    assert 20 * np.log10(abs(s[("o3", "o4")])) == pytest.approx(-50.0)
    with pytest.raises(ValueError, match="crosstalk_dB"):
        MODELS["crossing"](crosstalk_dB=3.0)


def test_couplers_and_detector_figures(published_defaults) -> None:
    assert -20 * np.log10(abs(MODELS["edge_coupler"]()[("o1", "o2")])) == pytest.approx(0.81)
    assert -20 * np.log10(abs(MODELS["interlayer_coupler"]()[("o1", "o2")])) == pytest.approx(
        0.006
    )
    gc = MODELS["grating_coupler"](wl=[1.55, 1.55 + 0.0125], bandwidth_1dB_nm=25.0)
    loss = -20 * np.log10(np.abs(gc[("o1", "o2")]))
    np.testing.assert_allclose(loss, [0.69, 1.69])
    refl = MODELS["snspd"]()[("o1", "o1")]
    assert 20 * np.log10(abs(refl)) == pytest.approx(-30.0)
    figs = detector_figures()
    assert figs["efficiency"] == 0.91 and figs["jitter_ps"] == 18.0
    assert figs["dark_counts_cps"] == 1.0 and figs["reset_time_ns"] == 40.0
    assert set(figs["sources"]) == {"efficiency", "jitter_ps", "dark_counts_cps", "reset_time_ns"}


def test_allpass_critical_coupling_extinction() -> None:
    radius = 30.0
    res_nm = ring_resonances_nm(radius_um=radius, wl_min_nm=1546.0, wl_max_nm=1553.0)[0]
    wl_um = res_nm * 1e-3
    a = ring_round_trip_amplitude(radius_um=radius)
    gap = ring_gap_for_self_coupling_um(self_coupling=a, wl=wl_um, radius_um=radius)
    assert float(ring_self_coupling(wl=wl_um, radius_um=radius, gap_um=gap)) == pytest.approx(a)
    t = MODELS["ring_allpass"](wl=wl_um, radius_um=radius, gap_um=gap)[("o1", "o2")]
    assert 10 * np.log10(abs(t) ** 2 + 1e-300) < -20.0
    # off resonance (half an FSR away) the through port is nearly lossless
    off = MODELS["ring_allpass"](wl=wl_um + 3.3e-3, radius_um=radius, gap_um=gap)[("o1", "o2")]
    assert abs(off) ** 2 > 0.95


def test_adddrop_power_budget_and_lossless_conservation() -> None:
    s = MODELS["ring_adddrop"](wl=WL)
    total = np.abs(s[("o1", "o2")]) ** 2 + np.abs(s[("o1", "o4")]) ** 2
    assert np.all(total <= 1.0 + 1e-12)
    assert total.min() < 0.999  # the lossy ring does absorb on resonance
    lossless = MODELS["ring_adddrop"](wl=WL, loss_dB_per_cm=0.0, include_bend_loss=False)
    for port_in in ("o1", "o3"):
        out = sum(np.abs(v) ** 2 for (a, _b), v in lossless.items() if a == port_in)
        np.testing.assert_allclose(out, 1.0, atol=1e-12)
    assert ("o1", "o3") not in s and ("o2", "o4") not in s  # no coupling between bus ends


def test_adddrop_port_routing() -> None:
    res_nm = ring_resonances_nm(radius_um=50.0, wl_min_nm=1546.0, wl_max_nm=1553.0)[0]
    on = MODELS["ring_adddrop"](wl=res_nm * 1e-3, radius_um=50.0, gap_um=0.3)
    off = MODELS["ring_adddrop"](wl=(res_nm + 2.0) * 1e-3, radius_um=50.0, gap_um=0.3)
    assert abs(on[("o1", "o4")]) ** 2 > 0.9  # input -> drop on resonance
    assert abs(on[("o3", "o2")]) ** 2 > 0.9  # add -> through on resonance
    assert abs(off[("o1", "o2")]) ** 2 > 0.99  # input -> through off resonance
    assert abs(off[("o3", "o4")]) ** 2 > 0.99  # add -> drop-side end off resonance


def test_asymmetric_gaps() -> None:
    s = MODELS["ring_adddrop"](wl=1.55, gap_top_um=0.9, gap_bottom_um=0.4)
    sym = MODELS["ring_adddrop"](wl=1.55, gap_um=0.4)
    assert not np.isclose(s[("o1", "o2")], sym[("o1", "o2")])


def test_switch_bar_and_cross_states() -> None:
    for wl in (1.55, 1.5531):
        p = switch_state_powers(wl=wl, heater_p_pi_mW=25.0)
        assert 0.0 <= p["cross"] < 50.0 and 0.0 <= p["bar"] < 50.0
        cross = MODELS["ring_switch"](wl=wl, heater_power_mW=p["cross"], heater_p_pi_mW=25.0)
        bar = MODELS["ring_switch"](wl=wl, heater_power_mW=p["bar"], heater_p_pi_mW=25.0)
        assert 10 * np.log10(abs(cross[("o1", "o4")]) ** 2) > -0.5
        assert 10 * np.log10(abs(cross[("o1", "o2")]) ** 2) < -20.0
        assert 10 * np.log10(abs(bar[("o1", "o2")]) ** 2) > -0.01
        assert 10 * np.log10(abs(bar[("o1", "o4")]) ** 2) < -30.0


def test_wdm_demux_channels_peak_on_grid() -> None:
    spacing = 0.8
    grid = wdm_grid_nm(centre_nm=1550.0, spacing_nm=spacing, channels=4)
    wl = np.linspace(1.5480, 1.5520, 4001)  # 1 pm step
    power = wdm_channel_transmission(wl=wl, channels=4, spacing_nm=spacing)
    peaks_nm = wl[np.argmax(power, axis=1)] * 1e3
    np.testing.assert_allclose(peaks_nm, grid, atol=0.02 * spacing)
    assert np.all(power.max(axis=1) > 0.9)
    xt = wdm_adjacent_crosstalk_dB(channels=4, spacing_nm=spacing)
    assert np.all(xt < -20.0)


def test_wdm_mux_adds_each_channel_onto_the_bus_output() -> None:
    from components.resonance import wdm_grid_nm

    grid_um = wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=4) * 1e-3
    mux = MODELS["wdm_mux"](wl=grid_um)
    demux = MODELS["wdm_demux"](wl=grid_um)
    for k in range(4):
        power = np.abs(mux[(f"o{k + 3}", "o2")]) ** 2
        assert int(np.argmax(power)) == k and power[k] > 0.9  # channel k passes at its grid line
        # same rings: the mux's add path and the demux's drop path have equal strength
        np.testing.assert_allclose(power[k], np.abs(demux[("o1", f"o{k + 3}")][k]) ** 2, rtol=0.05)
    np.testing.assert_allclose(mux[("o1", "o2")], demux[("o1", "o2")])


@pytest.mark.parametrize("name", ["wdm_demux", "wdm_mux"])
def test_wdm_bus_spacers_cost_their_propagation_loss(name: str) -> None:
    """Channel k's path crosses k spacers (demux, from the input) or N-1-k (mux, to the
    output): each costs loss_dB_per_cm x its length, on top of the rings; still passive and
    reciprocal."""
    n, spacer_um, loss = 5, 4000.0, 2.0  # 0.8 dB per spacer: large enough to see
    grid_um = wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.6, channels=n) * 1e-3
    kw = dict(wl=grid_um, channels=n, spacing_nm=0.6, loss_dB_per_cm=loss)
    base, spaced = MODELS[name](**kw), MODELS[name](**kw, spacer_um=spacer_um)
    per_spacer_dB = loss * spacer_um * 1e-4
    for k in range(n):
        pair = ("o1", f"o{k + 3}") if name == "wdm_demux" else (f"o{k + 3}", "o2")
        crossed = k if name == "wdm_demux" else n - 1 - k
        extra_dB = 10 * np.log10(abs(base[pair][k]) ** 2 / abs(spaced[pair][k]) ** 2)
        assert extra_dB == pytest.approx(crossed * per_spacer_dB, abs=1e-9)
    through_dB = 10 * np.log10(abs(base[("o1", "o2")]) ** 2 / abs(spaced[("o1", "o2")]) ** 2)
    np.testing.assert_allclose(through_dB, (n - 1) * per_spacer_dB, atol=1e-9)
    _, m = to_matrix(spaced)
    np.testing.assert_array_equal(m, np.swapaxes(m, -1, -2))
    assert np.linalg.eigvalsh(np.conj(np.swapaxes(m, -1, -2)) @ m).max() <= 1.0 + 1e-9
    with pytest.raises(ValueError, match="spacer_um"):
        MODELS[name](wl=1.55, spacer_um=-1.0)


def test_wdm_rejects_aliasing_grid() -> None:
    with pytest.raises(ValueError, match="spacing_nm"):
        MODELS["wdm_demux"](channels=8, spacing_nm=1.6, radius_um=30.0)


def test_qubitron_detector_port() -> None:
    res_nm = ring_resonances_nm(radius_um=50.0, wl_min_nm=1546.0, wl_max_nm=1553.0)[0]
    wl = res_nm * 1e-3
    q = MODELS["qubitron"](wl=wl)
    # the qubitron's default gap (0.5 um, the chip spec's) on both buses
    ad = MODELS["ring_adddrop"](wl=wl, radius_um=50.0, gap_um=0.5)
    assert abs(q[("o1", "d1")]) ** 2 == pytest.approx(abs(ad[("o1", "o4")]) ** 2 * 0.91)
    assert abs(q[("o1", "d1")]) ** 2 > 0.5
    assert abs(q[("o3", "o2")]) == pytest.approx(abs(ad[("o3", "o2")]))
    with pytest.raises(ValueError, match="detector_efficiency"):
        MODELS["qubitron"](detector_efficiency=1.5)


def test_ring_heater_and_coupler_calibration_bind_into_ring_models(tmp_path) -> None:
    cal = tmp_path / "calibration.json"
    overrides = {"ring_coupler": {"kappa0_per_um": 0.12, "decay_um": 0.4},
                 "ring_heater": {"p_pi_mW": 10.0}}
    cal.write_text(json.dumps(overrides))
    bound = load_calibration(cal).bind(MODELS)
    base = abs(MODELS["ring_adddrop"](wl=1.55, radius_um=30.0, gap_um=0.5)[("o1", "o4")])
    stronger = abs(bound["ring_adddrop"](wl=1.55, radius_um=30.0, gap_um=0.5)[("o1", "o4")])
    assert stronger != pytest.approx(base)
    kw = bound["ring_switch"].keywords  # functools.partial: the bound constants are visible
    assert kw["heater_p_pi_mW"] == 10.0 and kw["kappa0_per_um"] == 0.12


def test_model_input_checks_name_the_parameter() -> None:
    with pytest.raises(ValueError, match="radius_um"):
        MODELS["ring_allpass"](radius_um=-1.0)
    with pytest.raises(ValueError, match="gap_um"):
        MODELS["ring_adddrop"](gap_um=-0.1)
    with pytest.raises(ValueError, match="length_um"):
        MODELS["straight"](length_um=-1.0)
    with pytest.raises(ValueError, match="heater_power_mW"):
        MODELS["ring_switch"](heater_power_mW=-1.0)
    with pytest.raises(ValueError, match="wl"):
        MODELS["straight"](wl=-1.55)


@pytest.mark.parametrize("module", MODULES)
def test_doctests(module: str) -> None:
    mod = importlib.import_module(module)
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0


def test_pulley_coupler_increases_coupling() -> None:
    point = float(ring_self_coupling(radius_um=30.0, gap_um=0.5))
    pulley = float(ring_self_coupling(radius_um=30.0, gap_um=0.5, pulley_angle_deg=30.0))
    assert pulley < point
    gap = ring_gap_for_self_coupling_um(self_coupling=0.99, radius_um=30.0, pulley_angle_deg=30.0)
    t = ring_self_coupling(radius_um=30.0, gap_um=gap, pulley_angle_deg=30.0)
    assert float(t) == pytest.approx(0.99)
    for name in ("ring_allpass", "ring_adddrop", "ring_switch", "qubitron", "wdm_demux"):
        a = MODELS[name](wl=1.5501)
        b = MODELS[name](wl=1.5501, pulley_angle_deg=30.0)
        assert any(not np.isclose(a[k], b[k]) for k in a), name
