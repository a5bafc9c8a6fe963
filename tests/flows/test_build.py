"""`quantacore build`: the default chip, determinism, and rejected specs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.layout_stats import placed_cell_counts
from flows.spec import default_chip

runner = CliRunner()


@pytest.fixture(scope="module")
def default_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    result = runner.invoke(app, ["build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / default_chip().name


def test_default_chip_is_drc_clean_and_the_mask_holds_what_the_report_says(
    default_build: Path,
) -> None:
    """The report's counts come from the design; the mask is counted apart, by KLayout."""
    spec = default_chip()
    report = json.loads((default_build / "report.json").read_text())
    gds = default_build / report["gds"]
    assert gds.exists() and gds.with_suffix(".lyp").exists()
    assert report["drc"]["clean"] and report["drc"]["total_violations"] == 0
    kinds = {"qubitrons": "qubitron", "switches": "ring_switch", "crossings": "crossing",
             "mzi_switches": "mzi_switch"}
    placed = placed_cell_counts(gds, kinds)
    rows, cols = spec.tiles
    assert report["counts"] == {
        "qubitrons": spec.n_qubitrons, "switches": spec.n_qubitrons, "crossings": 0,
        "tiles": rows * cols, "mzi_switches": 3 * (rows * cols - 1),
    }
    assert placed == {k: report["counts"][k] for k in kinds}
    schema = json.loads((default_build / "report.schema.json").read_text())
    assert set(schema["required"]) <= set(report)
    for name in ("report.html", "drc/drc.json", "drc/drc.lyrdb"):
        assert (default_build / name).exists(), name
    stages = {s["stage"] for s in report["stages"]}
    assert stages >= {"drc", "loss", "thermal", "control", "qec", "report"}


def test_thermal_section_finds_every_heater_and_ring_of_the_design(default_build: Path) -> None:
    """Heaters and rings read back from the layout equal what the design placed: a heater on
    each qubitron and each switch; rings in qubitrons, switches and three WDM banks per tile."""
    spec = default_chip()
    report = json.loads((default_build / "report.json").read_text())
    thermal = report["thermal"]
    per_tile = spec.array.tile_columns
    tiles = spec.tiles[0] * spec.tiles[1]
    # one heater per qubitron and per ring switch, one per MZI node of the network's trees
    assert report["network"]["switches"] == 3 * (tiles - 1)
    assert thermal["heaters"] == 2 * spec.n_qubitrons + report["network"]["switches"]
    assert thermal["rings"] == tiles * (2 * per_tile + 3 * per_tile)
    assert thermal["rings_without_heater"] == tiles * 3 * per_tile  # the WDM banks
    assert thermal["temperature_K"] == spec.thermal.temperature_K
    assert (default_build / "thermal" / "thermal.json").exists()


def test_control_and_qec_sections_come_from_the_chip(default_build: Path) -> None:
    spec = default_chip()
    report = json.loads((default_build / "report.json").read_text())
    control, qec = report["control"], report["qec"]
    assert control["qubitrons"] == spec.array.tile_columns
    # every qubitron is driven through its own demux channel: a few dB, not the isolation
    assert all(0.0 < v < 6.0 for v in control["pump_delivery_dB"].values())
    rows = (default_build / "control" / "noise_table.csv").read_text().splitlines()
    assert len(rows) == 1 + spec.array.tile_columns
    assert qec["distances"] == [3, 5] and qec["shots"] > 0
    assert (default_build / "qec" / "qec.json").exists()
    # the network controller sets the drawn trees for one QEC round: each tree's 1x2 MZIs
    # serve one tile per slot, each tile's qubitrons share it on their own channels
    nc = report["network_control"]
    tiles = report["counts"]["tiles"]
    assert nc["requests"] == nc["assigned"] == 2 * spec.n_qubitrons and nc["blocked"] == 0
    assert nc["slots"] == tiles and nc["channels_used"] == spec.array.tile_columns
    assert nc["round_time_us"] == pytest.approx(tiles * control["round_latency_ns"] / 1e3,
                                                abs=1e-3)
    # a qubitron idles through the other tiles' slots: p_idle from the closed form
    from control.noise import EmitterModel, ReadoutModel
    from control.pulses import PulseTiming

    c = spec.control
    t_p = PulseTiming(fwhm_ns=c.pulse_fwhm_ns, delay_ns=c.pulse_delay_ns,
                      shape=c.pulse_shape).duration_ns
    idle_ns = tiles * (t_p + 2 * ReadoutModel().time_bin_ns) - t_p
    gamma = EmitterModel().ground_dephasing_per_ns
    assert control["p_idle_max"] == pytest.approx(0.5 * (1 - math.exp(-gamma * idle_ns)),
                                                  rel=1e-9)
    assert any("time slots" in note for note in control["notes"])
    states = json.loads((default_build / "network" / "switch_states.json").read_text())
    assert len(states) == tiles and all(len(s["mzi"]) == nc["switches_set_per_slot"]
                                        for s in states.values())
    page = (default_build / "report.html").read_text()
    for heading in ('<h2 id="thermal">Thermal', '<h2 id="control">Control',
                    '<h2 id="qec">Error correction'):
        assert heading in page


def test_system_of_identical_dies_scales_the_built_die(default_build: Path) -> None:
    from flows.build import system_of
    from flows.report import BuildReport
    from flows.spec import SystemSpec
    from flows.system import dies_per_wafer

    spec = default_chip()
    report = BuildReport.model_validate_json((default_build / "report.json").read_text())
    one = report.system
    assert one is not None and (one.dies, one.qubitrons, one.fibres) == (1, spec.n_qubitrons, 3)
    assert one.dies_per_wafer == dies_per_wafer(
        width_mm=spec.die.width_um / 1e3, height_mm=spec.die.height_um / 1e3)
    system = system_of(spec.model_copy(update={"system": SystemSpec(dies=64)}), report)
    assert system is not None and report.thermal is not None and report.qec is not None
    assert (system.qubitrons, system.fibres) == (64 * spec.n_qubitrons, 64 * 3)
    assert system.heat_load_W == pytest.approx(64 * report.thermal.heat_load_W, rel=1e-5)
    assert system.detection_min == report.network.detection_min  # type: ignore[union-attr]
    assert system.logical_qubits == {
        k: None if v is None else 64 * v for k, v in report.qec.logical_qubits_on_chip.items()}
    assert system.wafers == math.ceil(64 / system.dies_per_wafer)
    assert '<h2 id="system">' in (default_build / "report.html").read_text()


def test_broadcast_feed_trades_time_slots_for_power(default_build: Path, tmp_path) -> None:
    """feed: broadcast leaves the pump and Stokes MZIs unheated: one slot feeds every tile
    (idle back to one tile round), the same gds, and each tree level's 3 dB split comes off
    every qubitron's delivered pump and its detection through the network."""
    spec = default_chip().model_dump(mode="json")
    spec["network"]["feed"] = "broadcast"
    path = tmp_path / "broadcast.json"  # JSON is YAML
    path.write_text(json.dumps(spec))
    result = runner.invoke(app, ["build", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / default_chip().name
    switched = json.loads((default_build / "report.json").read_text())
    broadcast = json.loads((folder / "report.json").read_text())
    nc = broadcast["network_control"]
    assert nc["feed"] == "broadcast" and nc["slots"] == 1 and nc["blocked"] == 0
    assert nc["switch_power_per_slot_mW"] == 0.0  # the feed trees' MZIs are unheated
    assert broadcast["control"]["p_idle_max"] < switched["control"]["p_idle_max"] / 3
    levels = broadcast["network"]["levels"]
    for q, dB in broadcast["control"]["pump_delivery_dB"].items():
        assert dB > switched["control"]["pump_delivery_dB"][q] + 3.0 * levels
    for worst_or_best in ("detection_min", "detection_max"):
        assert (broadcast["network"][worst_or_best]
                < switched["network"][worst_or_best] * 10 ** (-3.0 * levels / 10))
    name = default_chip().name
    assert (folder / f"{name}.gds").read_bytes() == (default_build / f"{name}.gds").read_bytes()


def test_every_qubitron_is_reached_on_its_channel(default_build: Path) -> None:
    spec = default_chip()
    report = json.loads((default_build / "report.json").read_text())
    det = report["qubitron_detection"]
    # every qubitron of the chip, through the network (fibre -> tree -> tile -> detector)
    assert det["reachable"] == det["expected"] == spec.n_qubitrons
    assert report["network"]["qubitrons"] == spec.n_qubitrons
    channels = sorted(v["wl_nm"] for v in det["detector_efficiency"].values())
    assert len(set(channels)) == spec.array.tile_columns  # one WDM channel per qubitron
    assert all(v["efficiency"] > 0.5 for v in det["detector_efficiency"].values())


def test_same_spec_twice_gives_byte_identical_gds(tmp_path) -> None:
    exe = Path(sys.executable).with_name("quantacore")
    blobs = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        subprocess.run([str(exe), "build", "--out", str(out)], check=True, capture_output=True)
        name = default_chip().name
        blobs.append((out / name / f"{name}.gds").read_bytes())
    assert blobs[0] == blobs[1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: x\nfoo: 1\n", "foo: Extra inputs are not permitted"),
        ("name: x\narray: {rows: -2}\n", "array.rows"),
        ("name: x\narray: {columns: 6, tile_columns: 4}\n", "array.columns"),
        ("name: x\nwdm: {spacing_nm: 2.0}\n", "wdm.spacing_nm"),
        ("name: x\nwdm: {spacing_nm: 0.01}\n", "too small for the qubitron ring"),
        ("name: x\nqubitron: {radius_um: 5}\n", "qubitron.radius_um"),
        ("name: x\ndie: {width_um: 100}\n", "die"),
        ("name: x\nnetwork: {feed: flood}\n", "network.feed"),
        ("name: x\nlayers: {qubitron: WG2, routing: WG1}\n", "layers.routing"),
        ("name: x\nsystem: {dies: 0}\n", "system.dies"),
        ("name: x\nsystem: {wafer_mm: 450}\n", "system.wafer_mm"),
        ("[1, 2]\n", "mapping"),
        ("name: x\n  bad: [\n", "not valid YAML"),
    ],
    ids=[
        "unknown-field", "negative-size", "tiles", "spacing-vs-fsr", "spacing-vs-linewidth",
        "radius", "die", "network-feed", "mixed-layers", "no-dies", "wafer", "not-mapping",
        "bad-yaml",
    ],
)
def test_bad_spec_exit_2_and_nothing_written(tmp_path, text: str, message: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(spec), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists() or not any(out.iterdir())


def test_missing_spec_file(tmp_path) -> None:
    result = runner.invoke(app, ["build", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_schema_is_written(tmp_path) -> None:
    result = runner.invoke(app, ["build", "--schema", str(tmp_path / "s.json")])
    assert result.exit_code == 0
    schema = json.loads((tmp_path / "s.json").read_text())
    assert "array" in schema["properties"]


def test_drc_failure_exits_1_with_reports_written(tmp_path, monkeypatch) -> None:
    """A chip whose mask breaks a rule: KLayout finds it, the build says so and still reports."""
    import gdsfactory as gf

    import flows.build as build_module
    from qc_pdk import LAYER

    real = build_module.chip_layout

    def with_a_narrow_waveguide(layout):
        c = gf.Component(f"{layout.name}_with_defect")
        c << real(layout)
        c.add_polygon([(0, 0), (50, 0), (50, 0.2), (0, 0.2)], layer=LAYER.WG2)  # < WG2.W.1
        c.info.update(dict(real(layout).info))
        return c

    monkeypatch.setattr(build_module, "chip_layout", with_a_narrow_waveguide)
    result = runner.invoke(app, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / default_chip().name / "report.json").read_text())
    assert not report["drc"]["clean"] and report["drc"]["by_rule"] == {"WG2.W.1": 1}
    assert (tmp_path / default_chip().name / "report.html").exists()
