"""The report's parts without a browser: geometry drawn equals the mask, levels of detail do
not grow with the chip, per-channel loss agrees with detection, the page stays offline and
small at a million qubitrons."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import gdsfactory as gf
import klayout.db as kdb
import numpy as np
import pytest

from flows.report import (
    BendLossInUse,
    BuildReport,
    CalibrationSummary,
    Counts,
    DetectorReading,
    DrcMarker,
    LossSummary,
    QubitronDetection,
    RouteSummary,
    StageTiming,
)
from flows.report_drc import drc_summary
from flows.report_html import render_html_report
from flows.report_layout import chip_geometry, tile_geometry
from flows.report_loss import qubitron_channel_paths
from flows.report_plots import MAX_MAP_CELLS, array_map_figure
from flows.spec import ChipSpec, default_chip
from qc_pdk.drc import check_layout
from routing.chip import chip_layout
from routing.tile import chip_tile


@pytest.fixture(scope="module")
def tile() -> Any:
    return chip_tile(default_chip().chip_layout().tile)


@pytest.fixture(scope="module")
def chip() -> Any:
    """The default chip with its tiles as one array instance (no network: islands)."""
    data = default_chip().model_dump()
    data["network"] = {"topology": "none"}
    data["die"] = {"width_um": 6000.0, "height_um": 5000.0}
    return chip_layout(ChipSpec.model_validate(data).chip_layout())


def _shoelace(xs: list[float | None], ys: list[float | None]) -> float:
    area, run_x, run_y = 0.0, [], []
    for x, y in [*zip(xs, ys, strict=True), (None, None)]:
        if x is None:
            if run_x:
                ax, ay = np.array(run_x), np.array(run_y)
                area += abs(np.dot(ax, np.roll(ay, -1)) - np.dot(ay, np.roll(ax, -1))) / 2
            run_x, run_y = [], []
        else:
            run_x.append(x)
            run_y.append(y)
    return area


def test_tile_outlines_cover_the_area_klayout_measures(tile: Any) -> None:
    """What the page fills per layer is the layer's merged area in the mask (within the
    smoothing), holes cut open rather than filled."""
    geo = tile_geometry(tile)
    layout = tile.kcl.layout
    cell = layout.cell(tile.cell_index())
    assert geo["points"] <= 60_000
    for layer in geo["layers"]:
        li = next(i for i in layout.layer_indexes()
                  if layer["name"] in (str(layout.get_info(i)), layout.get_info(i).name)
                  or layer["name"] == _layer_name(layout, i))
        truth = kdb.Region(cell.begin_shapes_rec(li)).merged().area() * layout.dbu**2
        drawn = _shoelace(layer["x"], layer["y"])
        assert math.isclose(drawn, truth, rel_tol=0.02), layer["name"]
    names = sorted(s["name"] for s in geo["sites"] if s["kind"] == "qubitron")
    assert names == [f"qubitron_{k}" for k in range(default_chip().array.tile_columns)]


def _layer_name(layout: kdb.Layout, li: int) -> str:
    from flows.report_layout import _layer_style

    info = layout.get_info(li)
    return _layer_style(info.layer, info.datatype)[0]


def test_tree_chip_geometry_lists_tiles_and_nodes_up_to_a_cap() -> None:
    """A networked chip's tiles sit deep in the tree: each is listed where it is, the nodes
    as boxes; a 2^18-tile tree (built with KLayout, two instances per level) shows whole
    blocks beyond the cap instead of 262,144 entries."""
    from flows.report_layout import MAX_TREE_TILES
    from routing.network import tile_placements

    spec = default_chip()  # the default chip is networked
    net_chip = chip_layout(spec.chip_layout())
    geo = chip_geometry(net_chip, tile_cell=net_chip.info["tile_cell"],
                        die_um=(spec.die.width_um, spec.die.height_um))
    assert geo["tiles"] == 4
    origins = sorted(tuple(a["origin"]) for a in geo["arrays"])
    assert origins == tile_placements(net_chip, tile_cell=net_chip.info["tile_cell"])
    assert len(geo["boxes"]) == net_chip.info["network"]["switches"]  # one box per node
    leaf = gf.Component("synthetic_tile")
    leaf.add_polygon([(0, 0), (1, 0), (1, 1), (0, 1)], layer=(1, 0))
    cell = leaf
    for level in range(18):
        parent = gf.Component(f"synthetic_block_{level}")
        step = 2.0 * (1 << (level // 2))
        parent.add_ref(cell)
        parent.add_ref(cell).move((0, step) if level % 2 else (step, 0))
        node = gf.Component(f"tree_node_synthetic_{level}")
        node.add_polygon([(0, 0), (0.01, 0), (0.01, 0.01), (0, 0.01)], layer=(1, 0))
        parent.add_ref(node)
        cell = parent
    big = cell
    geo = chip_geometry(big, tile_cell="synthetic_tile")
    assert geo["tiles"] == 2**18
    assert geo["arrays"] == []  # too many to list: blocks of 64 tiles are boxes
    assert MAX_TREE_TILES // 2 < len(geo["boxes"]) < 2 * MAX_TREE_TILES


def test_chip_geometry_is_the_array_instance_not_the_flattened_tiles(chip: Any) -> None:
    spec = default_chip()
    geo = chip_geometry(chip, tile_cell=chip.info["tile_cell"],
                        die_um=(6000.0, 5000.0))
    [arr] = geo["arrays"]
    rows, cols = spec.tiles
    assert (arr["nb"], arr["na"]) == (rows, cols) and geo["tiles"] == rows * cols
    # element (na-1, nb-1)'s tile box is the far corner of the array instance's box
    inst = next(iter(chip.kcl.layout.cell(chip.cell_index()).each_inst()))
    tile_box = chip.kcl.layout.cell(inst.cell_index).dbbox()
    far_x = arr["origin"][0] + (arr["na"] - 1) * arr["a"][0] + tile_box.right
    far_y = arr["origin"][1] + (arr["nb"] - 1) * arr["b"][1] + tile_box.top
    assert math.isclose(far_x, inst.dbbox().right, abs_tol=1e-3)
    assert math.isclose(far_y, inst.dbbox().top, abs_tol=1e-3)
    assert geo["die"] == [0.0, 0.0, 6000.0, 5000.0]


def test_on_channel_paths_agree_with_detection_and_beat_the_grid_centre(tile: Any) -> None:
    """Light reaching a qubitron's detector on its own channel: a dB or two (coupler, WDM
    drop, ring); the same path at the grid centre is tens of dB. The path's transmission is
    the detection efficiency at that channel (the models take loss at the mean of the solved
    wavelengths, so a one-channel solve differs from the grid solve by < 1 %)."""
    spec = default_chip()
    grid = [spec.wdm.centre_nm + (k - 1.5) * spec.wdm.spacing_nm for k in range(4)]
    channels = {f"qubitron_{k}/d1": wl for k, wl in enumerate(grid)}
    paths = qubitron_channel_paths(tile, channels)
    assert [p.output for p in paths] == [f"det:{d}" for d in channels]
    from simulation.loss_budget import loss_budget

    grid_budget = loss_budget(tile, centre_wl_um=spec.wdm.centre_nm * 1e-3,
                              detector_wl_um=np.array(grid) * 1e-3)
    eff = {d.detector: d.efficiency for d in grid_budget.detectors
           if d.input == "fibre_pump_in"}
    for p in paths:
        detector = p.output.removeprefix("det:")
        assert 0.5 < p.insertion_loss_dB < 3.0
        assert math.isclose(10 ** (-p.insertion_loss_dB / 10), eff[detector], rel_tol=0.01)
        assert {"coupler", "qubitron", "wdm"} <= set(p.breakdown_dB)
        centre = grid_budget.path("fibre_pump_in", p.output)
        assert centre.insertion_loss_dB > p.insertion_loss_dB + 20


def test_drc_summary_lists_every_rule_and_places_violations(tmp_path: Any) -> None:
    """A 0.3 um WG2 line (rule: >= 0.5 um) is one violation, placed where it was drawn."""
    c = gf.Component("thin_line")
    c.add_polygon([(100, 200), (110, 200), (110, 200.3), (100, 200.3)], layer=(2, 0))
    gds = tmp_path / "thin.gds"
    c.write_gds(gds)
    summary = drc_summary(check_layout(gds).report)
    assert not summary.clean and summary.by_rule.get("WG2.W.1", 0) >= 1
    assert len(summary.rules) >= 20
    [marker] = [m for m in summary.markers if m.rule == "WG2.W.1"]
    x0, y0, x1, y1 = marker.bbox_um
    assert 99.9 <= x0 and x1 <= 110.1 and 199.9 <= y0 and y1 <= 200.4


def _report(rows: int, columns: int, tiles: int) -> BuildReport:
    spec = default_chip().model_dump(mode="json")
    spec["array"].update(rows=rows, columns=columns)
    per_tile = spec["array"]["tile_columns"]
    effs = [0.70, 0.60, 0.80, 0.90][:per_tile]
    return BuildReport(
        name="scale", spec=spec, gds="scale.gds",
        counts=Counts(qubitrons=rows * columns, switches=rows * columns, crossings=0,
                      tiles=tiles),
        drc=drc_summary_stub(),
        routing=RouteSummary(router="r", nets=4, crossings=0, total_length_um=1.0),
        loss=LossSummary(scope="one tile", paths=0, worst=[], insertion_loss_dB=[]),
        qubitron_detection=QubitronDetection(
            reachable=per_tile, expected=per_tile, min_efficiency=0.01,
            detector_efficiency={f"qubitron_{k}/d1": DetectorReading(efficiency=e,
                                                                      wl_nm=1550.0 + k)
                                 for k, e in enumerate(effs)}),
        fdtd=CalibrationSummary(
            calibration_file=None, method=None,
            bend_loss_dB_per_90deg_at_routing_radius=BendLossInUse(
                radius_um=65.0, in_use=0.005, fdtd_2d_fit=None)),
        stages=[StageTiming(stage="drc", seconds=1.0, peak_rss_mib=100.0)],
    )


def drc_summary_stub() -> Any:
    from flows.report import DrcSummary

    return DrcSummary(clean=False, total_violations=1, by_rule={"WG2.W.1": 1}, runtime_s=0.1,
                      markers=[DrcMarker(rule="WG2.W.1", bbox_um=(10, 10, 20, 20))])


def test_array_map_keeps_the_worst_qubitron_of_each_block() -> None:
    fig = array_map_figure(_report(1024, 1024, 1024 * 256))
    z = np.asarray(fig.data[0].z, float)
    assert z.shape[0] == 1 and z.shape[1] <= MAX_MAP_CELLS
    assert np.allclose(z, 0.60)  # every 4-column block holds a qubitron_1 (0.60)
    assert list(fig.data[0].y) == [-0.5, 1023.5] and fig.data[0].x[-1] == 1023.5
    small = array_map_figure(_report(2, 8, 4)).data[0]
    assert np.allclose(small.z, [[0.7, 0.6, 0.8, 0.9] * 2]) and len(small.x) == 9


def test_a_million_qubitron_page_is_the_size_of_a_small_one(tile: Any, chip: Any) -> None:
    """The page holds the tile once and the array as origin, pitch and counts: its size does
    not grow with the tiles, stays < 10 MB, and fetches nothing."""
    big = gf.Component("million_chip")
    px, py = chip.info["tile_pitch_um"]
    big.add_ref(tile, columns=256, rows=1024, column_pitch=px, row_pitch=py)
    small_page = render_html_report(_report(2, 8, 4), chip=chip, tile=tile)
    big_page = render_html_report(_report(1024, 1024, 256 * 1024), chip=big, tile=tile)
    assert len(big_page.encode()) < 10 * 2**20
    assert abs(len(big_page) - len(small_page)) < 50_000
    from plotly.offline import get_plotlyjs

    own_markup = big_page.replace(get_plotlyjs(), "")  # plotly.js itself names its web site
    assert big_page.count(get_plotlyjs()) == 1
    assert not re.search(r"""(src|href)=["']https?:""", own_markup)
    data = json.loads(re.search(r'id="layout-data">(.*?)</script>', big_page).group(1))
    assert data["chip"]["tiles"] == 256 * 1024 and len(data["chip"]["arrays"]) == 1
    assert "WG2.W.1" in big_page  # the DRC marker is drawn where it is


def test_a_section_added_later_is_on_the_page_the_day_it_lands(tile: Any, chip: Any) -> None:
    """A BuildReport field without a section of its own is shown as a table, named in the
    navigation, its numbers as report.json holds them."""
    from pydantic import Field

    class LaterReport(BuildReport):
        switch_network: dict[str, float] | None = Field(
            default=None, description="blocking probability per stage")

    base = _report(2, 8, 4)
    later = LaterReport(**base.model_dump(), switch_network={"stage_1": 0.0123, "stage_2": 0.5})
    page = render_html_report(later, chip=chip, tile=tile)
    assert '<h2 id="switch_network">Switch network</h2>' in page
    assert '<a href="#switch_network">' in page
    assert "blocking probability per stage" in page
    assert re.search(r"<td>stage_1</td><td[^>]*>0\.0123</td>", page)
    assert 'id="thermal"' not in page  # no thermal section in this report: none drawn


def test_a_system_of_dies_has_its_card_and_one_section(tile: Any, chip: Any) -> None:
    from flows.system import system_summary

    report = _report(2, 8, 4)
    report.system = system_summary(
        dies=64, qubitrons_per_die=16, fibres_per_die=3, die_um=(8000.0, 5500.0),
        detection_min=0.6, heat_load_W=0.5, cooling_power_W=1.0,
        logical_qubits_per_die={"pymatching": None})
    page = render_html_report(report, chip=chip, tile=tile)
    assert page.count('<h2 id="system">') == 1 and '<a href="#system">' in page
    assert 'data-json="system.qubitrons">1024<' in page
    assert "qubitrons in the system (64 dies)" in page
