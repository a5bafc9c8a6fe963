"""QuantaCore cells: defaults build, are DRC clean, have the documented ports; random valid
parameters stay DRC clean; invalid ones raise ValueError naming the parameter; GDS output is
byte-identical across processes; the gallery builds and is clean."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import gdsfactory as gf
import klayout.db as kdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import CELLS, REGISTRY
from components.gallery import build_cell, cell_parameters, gallery, list_cells, write_png
from qc_pdk.drc import run_drc
from quantacore import activate

REPO = Path(__file__).resolve().parents[2]

HYP = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@pytest.fixture(scope="module", autouse=True)
def _pdk() -> None:
    activate()


def assert_clean(c: gf.Component, tmp: Path | None = None) -> None:
    d = Path(tmp or tempfile.mkdtemp())
    path = d / f"{c.name[:60]}.gds"
    c.write_gds(path, with_metadata=False)
    report = run_drc(path)
    assert report.clean, f"{c.name}: {report.counts()}"


def test_registry_is_the_pdk_library() -> None:
    """Every library cell is in the active PDK under its name, and the gallery lists them."""
    pdk = gf.get_active_pdk()
    assert list_cells() == sorted(CELLS) and len(CELLS) >= 16
    for name, cell in CELLS.items():
        assert pdk.cells[name] is cell, name
        entry = REGISTRY[name]
        assert entry.ports, f"{name} declares no ports"
        assert (entry.model is None) == (entry.category is None), name
        if entry.model is not None:
            assert pdk.models[name] is not None


@pytest.mark.parametrize("name", sorted(CELLS))
def test_default_cell_clean_with_declared_ports(name: str, tmp_path: Path) -> None:
    c = CELLS[name]()
    ports = {p.name: p.port_type for p in c.ports}
    assert ports == dict(REGISTRY[name].ports)
    assert_clean(c, tmp_path)


def test_port_positions_follow_conventions() -> None:
    x = CELLS["crossing"]()
    assert [round(x.ports[n].orientation) for n in ("o1", "o2", "o3", "o4")] == [180, 90, 0, 270]
    r = CELLS["ring_adddrop"]()
    (x1, y1), (x2, y2) = r.ports["o1"].center, r.ports["o2"].center
    (x3, y3), (x4, y4) = r.ports["o3"].center, r.ports["o4"].center
    assert x1 < x2 and x4 < x3 and y1 == y2 < y3 == y4  # o3 top-right add, o4 top-left drop
    d = CELLS["wdm_demux"](channels=3)
    assert [d.ports[f"o{k}"].center[0] for k in (3, 4, 5)] == sorted(
        d.ports[f"o{k}"].center[0] for k in (3, 4, 5)
    )
    assert len(d.info["ring_resonance_wl_nm"]) == 3
    q = CELLS["qubitron"]()
    for key in (
        "resonance_wl_nm",
        "fsr_nm",
        "loaded_q_estimate",
        "emitter_position_um",
        "radius_um",
        "gap_um",
    ):
        assert key in q.info
    assert abs(q.info["resonance_wl_nm"] - 1550.0) <= q.info["fsr_nm"] / 2 + 1e-6


def test_bend_euler_resolves_to_library_geometry() -> None:
    ours = gf.get_component("bend_euler", radius=30.0)
    lib = gf.components.bend_euler(radius=30.0, cross_section="strip")
    assert ours.ports["o2"].center == lib.ports["o2"].center
    assert ours.info["min_bend_radius"] == lib.info["min_bend_radius"]


# ------------------------------------------------------------------ hypothesis: DRC-clean
radius_st = st.integers(200, 600).map(lambda v: v / 10)
gap_st = st.integers(26, 60).map(lambda v: v / 100)
xs_st = st.sampled_from(["strip_wg1", "strip_wg2"])


@HYP
@given(
    radius=radius_st,
    gap=gap_st,
    xs=xs_st,
    coupling=st.sampled_from(["point", "pulley"]),
    angle=st.integers(10, 90),
    lx=st.sampled_from([0.0, 2.5]),
)
def test_ring_allpass_random(radius, gap, xs, coupling, angle, lx) -> None:
    assert_clean(
        CELLS["ring_allpass"](
            radius=radius,
            gap=gap,
            cross_section=xs,
            coupling=coupling,
            pulley_angle=float(angle),
            length_x=lx,
        )
    )


@HYP
@given(
    radius=radius_st,
    gap=gap_st,
    xs=xs_st,
    coupling=st.sampled_from(["point", "pulley"]),
    angle=st.integers(10, 90),
    ly=st.sampled_from([0.0, 10.0]),
)
def test_ring_adddrop_random(radius, gap, xs, coupling, angle, ly) -> None:
    assert_clean(
        CELLS["ring_adddrop"](
            radius=radius,
            gap=gap,
            cross_section=xs,
            coupling=coupling,
            pulley_angle=float(angle),
            length_y=ly,
        )
    )


@HYP
@given(
    radius=radius_st,
    gap=gap_st,
    xs=xs_st,
    coupling=st.sampled_from(["point", "pulley"]),
    angle=st.integers(10, 90),
    ly=st.integers(22, 60).map(float),
    hw=st.sampled_from([1.0, 2.0, 3.0]),
)
def test_ring_switch_random(radius, gap, xs, coupling, angle, ly, hw) -> None:
    assert_clean(
        CELLS["ring_switch"](
            radius=radius,
            gap=gap,
            cross_section=xs,
            coupling=coupling,
            pulley_angle=float(angle),
            length_y=ly,
            heater_width=hw,
        )
    )


@HYP
@given(
    radius=st.integers(250, 400).map(lambda v: v / 10),
    gap=gap_st,
    xs=xs_st,
    channels=st.integers(1, 4),
    spacing=st.sampled_from([0.4, 0.8, 1.0]),
    centre=st.sampled_from([1530.0, 1550.0, 1565.0]),
)
def test_wdm_demux_random(radius, gap, xs, channels, spacing, centre) -> None:
    c = CELLS["wdm_demux"](
        centre_wl_nm=centre,
        spacing_nm=spacing,
        channels=channels,
        radius=radius,
        gap=gap,
        cross_section=xs,
    )
    assert sorted(p.name for p in c.ports) == sorted(f"o{i}" for i in range(1, channels + 3))
    assert_clean(c)


@HYP
@given(
    radius=st.integers(200, 800).map(lambda v: v / 10),
    gap=gap_st,
    xs=xs_st,
    ly=st.integers(22, 50).map(float),
)
def test_qubitron_random(radius, gap, xs, ly) -> None:
    assert_clean(CELLS["qubitron"](radius=radius, gap=gap, cross_section=xs, length_y=ly))


@HYP
@given(
    length=st.integers(20, 5000).map(lambda v: v / 10),
    xs=xs_st,
    width=st.sampled_from([None, 0.5, 1.2]),
)
def test_straight_random(length, xs, width) -> None:
    # standalone straights >= 2 um (shorter ones are slivers under WGn.W.1 / WGn.A.1 unless
    # joined to other waveguides, which routers do)
    assert_clean(CELLS["straight"](length=length, cross_section=xs, width=width))


@HYP
@given(
    length=st.integers(0, 50_000).map(lambda v: v / 1000),
    xs=st.sampled_from(["strip", "strip_wg1", "strip_wg2", "metal1"]),
    width=st.sampled_from([None, 0.5, 1.2, 6.0]),
)
def test_straight_draws_what_gdsfactory_extrudes(length, xs, width) -> None:
    # the library straight draws plain cross-sections directly (no extrusion, one cell):
    # the same shapes, ports and info as gdsfactory's straight, to the database unit
    if width is not None and (width > 5.0) != (xs == "metal1"):
        return  # a SiN core of 6 um or a 0.5 um wire: under / over other rules, not this test
    ours = CELLS["straight"](length=length, cross_section=xs, width=width)
    ref = gf.components.straight(length=length, cross_section=xs, width=width)
    kcl = ours.kcl
    for li in kcl.layer_indexes():
        a = kdb.Region(ours.kdb_cell.begin_shapes_rec(li))
        b = kdb.Region(ref.kdb_cell.begin_shapes_rec(li))
        assert (a ^ b).is_empty(), f"layer {kcl.get_info(li)}"
    assert [(p.name, p.trans, p.width, p.layer, p.port_type, p.info.get("cross_section"))
            for p in ours.ports] == [
        (p.name, p.trans, p.width, p.layer, p.port_type, p.info.get("cross_section"))
        for p in ref.ports]
    assert dict(ours.info) == dict(ref.info)
    assert not list(ours.kdb_cell.each_child_cell())


@HYP
@given(
    radius=st.integers(284, 800).map(lambda v: v / 10),
    xs=xs_st,
    angle=st.sampled_from([90.0, 180.0]),
)
def test_bend_euler_random(radius, xs, angle) -> None:
    assert_clean(CELLS["bend_euler"](radius=radius, cross_section=xs, angle=angle))


# ------------------------------------------------------------------ invalid parameters
INVALID = [
    ("straight", {"length": -1.0}, "length"),
    ("straight", {"width": 0.3}, "width"),
    ("bend_euler", {"radius": 25.0}, "radius"),
    ("taper", {"length": -5.0}, "length"),
    ("taper", {"width2": 0.2}, "width2"),
    ("crossing", {"width_mmi": 0.3}, "width_mmi"),
    ("interlayer_coupler", {"tip_width": 0.3}, "tip_width"),
    ("ring_allpass", {"radius": 15.0}, "radius"),
    ("ring_allpass", {"gap": 0.2}, "gap"),
    ("ring_allpass", {"coupling": "pulley", "gap": 0.25}, "gap"),
    ("ring_allpass", {"length_x": -1.0}, "length_x"),
    ("ring_allpass", {"coupling": "pulley", "pulley_angle": 120.0}, "pulley_angle"),
    ("ring_adddrop", {"gap_drop": 0.1}, "gap_drop"),
    ("ring_adddrop", {"coupling": "evanescent"}, "coupling"),
    ("ring_switch", {"length_y": 10.0}, "length_y"),
    ("ring_switch", {"heater_width": 0.5}, "heater_width"),
    ("wdm_demux", {"channels": 0}, "channels"),
    ("wdm_demux", {"spacing_nm": -1.0}, "spacing_nm"),
    ("wdm_demux", {"radius": 19.0}, "radius"),
    ("wdm_mux", {"gap": 0.1}, "gap"),
    ("wdm_mux", {"channel_pitch_um": 100.0}, "channel_pitch_um"),
    ("snspd", {"wire_width": 0.05}, "wire_width"),
    ("snspd", {"wire_pitch": 0.3}, "wire_pitch"),
    ("emitter_site", {"marker_size": 1.0}, "marker_size"),
    ("edge_coupler", {"tip_width": 0.2}, "tip_width"),
    ("grating_coupler", {"period": 0.8, "fill_factor": 0.5}, "period"),
    ("bond_pad", {"size": 40.0}, "size"),
    ("bond_pad", {"opening_margin": 1.0}, "opening_margin"),
    ("qubitron", {"radius": 10.0}, "radius"),
    ("qubitron", {"gap": 0.1}, "gap"),
    ("qubitron", {"length_y": -3.0}, "length_y"),
]


@pytest.mark.parametrize(("name", "kwargs", "param"), INVALID)
def test_invalid_parameters_raise(name: str, kwargs: dict, param: str) -> None:
    with pytest.raises(ValueError, match=param):
        CELLS[name](**kwargs)


# ------------------------------------------------------------------ determinism
_WRITE = textwrap.dedent(
    """
    import sys
    from quantacore import activate
    activate()
    from components import CELLS, REGISTRY
    CELLS["qubitron"]().write_gds(sys.argv[1] + "/qubitron.gds", with_metadata=False)
    CELLS["wdm_demux"]().write_gds(sys.argv[1] + "/wdm_demux.gds", with_metadata=False)
    """
)


def test_gds_byte_identical_across_processes(tmp_path: Path) -> None:
    outs = []
    for k in range(2):
        d = tmp_path / f"run{k}"
        d.mkdir()
        subprocess.run([sys.executable, "-c", _WRITE, str(d)], check=True, cwd=REPO, timeout=300)
        outs.append(d)
    for name in ("qubitron.gds", "wdm_demux.gds"):
        a, b = (outs[0] / name).read_bytes(), (outs[1] / name).read_bytes()
        assert a == b, f"{name} differs between processes"


# ------------------------------------------------------------------ gallery helpers
def test_gallery_clean_and_png(tmp_path: Path) -> None:
    g = gallery()
    assert g.info["cells"] == list_cells()
    assert_clean(g, tmp_path)
    png = write_png(CELLS["ring_switch"](), tmp_path / "ring_switch.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_build_cell_parses_and_validates() -> None:
    assert cell_parameters("ring_allpass")["radius"] == 50.0  # the ring models' default
    c = build_cell("ring_allpass", {"radius": "25", "coupling": "pulley", "pulley_angle": "40"})
    assert c.info["radius_um"] == 25.0 and c.info["coupling"] == "pulley"
    d = build_cell("wdm_demux", {"channels": "2", "cross_section": "strip_wg2"})
    assert len(d.ports) == 4
    assert build_cell("straight", {"width": "none"}).info["width"] == 0.8
    with pytest.raises(ValueError, match="valid cells"):
        build_cell("nope", {})
    with pytest.raises(ValueError, match="valid parameters"):
        build_cell("straight", {"lenght": "3"})
    with pytest.raises(ValueError, match="channels"):
        build_cell("wdm_demux", {"channels": "2.5"})


@pytest.mark.parametrize("name", ["wdm_demux", "wdm_mux"])
def test_wdm_bank_stretched_to_a_row_pitch(name: str) -> None:
    """Channel ports exactly one pitch apart (the bus straights absorb the rings' different
    radii), the same rings as the compact bank, and the spacers the model is given."""
    from components._model_kwargs import wdm_kwargs
    from components._wdm import RING_SPACING_UM, min_channel_pitch_um

    pitch_um = 333.3
    wide = CELLS[name](channels=6, spacing_nm=0.5, channel_pitch_um=pitch_um)
    compact = CELLS[name](channels=6, spacing_nm=0.5)
    xs = [wide.ports[f"o{k + 3}"].x for k in range(6)]
    assert all(abs(b - a - pitch_um) <= 1e-3 for a, b in zip(xs, xs[1:], strict=False))
    assert wide.info["ring_radii_um"] == compact.info["ring_radii_um"]
    assert compact.info["bus_spacer_um"] == RING_SPACING_UM
    least = max(min_channel_pitch_um(radius=r) for r in compact.info["ring_radii_um"])
    assert wide.info["bus_spacer_um"] == pytest.approx(pitch_um - least + RING_SPACING_UM, abs=0.5)
    kw = wdm_kwargs(dict(wide.settings), dict(wide.info))
    assert kw["spacer_um"] == wide.info["bus_spacer_um"]
    assert "spacer_um" not in wdm_kwargs(dict(compact.settings), dict(compact.info))
    # the least pitch is accepted and the next nanometre down refused
    CELLS[name](channels=6, spacing_nm=0.5, channel_pitch_um=least)
    with pytest.raises(ValueError, match="channel_pitch_um"):
        CELLS[name](channels=6, spacing_nm=0.5, channel_pitch_um=least - 0.01)
