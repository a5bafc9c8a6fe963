"""The inter-tile switch tree: every tile joined to the chip's three fibres, read back from
the drawn mask, DRC-clean; bad network specs exit 2."""

from __future__ import annotations

import klayout.db as kdb
import networkx as nx
import pytest

from control.network_schedule import schedule_connections
from flows.network_control_job import mzi_settings, qec_round_requests
from flows.network_job import network_root
from flows.spec import ChipSpec, default_chip
from routing.chip import PlacementError, chip_layout
from routing.connectivity import drawn_connections
from routing.network import (
    TREES,
    NetworkDesign,
    tile_placements,
    tree_block,
    tree_levels,
)
from routing.network_graph import network_graph, tile_names
from routing.tile import NETWORK_PORTS, chip_tile


def _networked(rows: int, columns: int, **die: float) -> ChipSpec:
    data = default_chip().model_dump()
    data["array"].update(rows=rows, columns=4 * columns, tile_columns=4)
    data["network"] = {"topology": "switch_tree"}
    data["die"] = {"width_um": 9000.0, "height_um": 6000.0, **die}
    return ChipSpec.model_validate(data)


@pytest.fixture(scope="module")
def chip2x2():  # type: ignore[no-untyped-def]
    """The built-in default chip: 2 x 2 tiles joined by the switch trees."""
    spec = default_chip()
    assert spec.network.topology == "switch_tree" and spec.tiles == (2, 2)
    return chip_layout(spec.chip_layout())


def test_tree_counts() -> None:
    assert tree_levels(rows=1, columns=1) == 0
    assert tree_levels(rows=2, columns=2) == 2
    assert tree_levels(rows=3, columns=5) == 2 + 3
    assert NetworkDesign().switches_for(tiles=4) == 9  # three trees of 3 nodes
    assert NetworkDesign(topology="none").switches_for(tiles=4) == 0


def test_every_level_joins_its_nodes_to_both_halves(chip2x2) -> None:  # type: ignore[no-untyped-def]
    """Read back from each block's drawn routes: node outputs to the halves' ports, per tree."""
    layout = default_chip().chip_layout()
    tile = layout.placed_tile()
    for rows, columns in ((2, 2), (1, 2)):
        block = tree_block(tile, rows, columns, layout.network)
        drawn = drawn_connections(block, endpoints={"A", "B"} | {f"node_{p}" for p, _ in TREES})
        for port, _ in TREES:
            joined = {ref for pair in drawn for ref in pair if f"node_{port}" in ref}
            halves = {next(iter(pair - {r})) for pair in drawn for r in pair if r in joined}
            assert halves == {f"A,{port}", f"B,{port}"}, (rows, columns, port, drawn)
        assert block.info["route"]["crossings"] == 0


def test_chip_fibres_reach_every_tile_through_drawn_waveguides(chip2x2) -> None:  # type: ignore[no-untyped-def]
    """Geometric read-back: each chip fibre coupler's waveguide polygon (merged per SiN layer)
    reaches the same port of every tile (MMIs join a node's ports in one polygon)."""
    chip = chip2x2
    tile = chip_tile(default_chip().chip_layout().placed_tile())
    origins = tile_placements(chip, tile_cell=chip.info["tile_cell"])
    assert len(origins) == 4 == chip.info["tiles"]
    layout = chip.kcl.layout
    top = layout.cell(chip.cell_index())
    dbu = layout.dbu
    for name in NETWORK_PORTS:
        layer = chip.ports[f"fibre_{name}"].layer  # the SiN layer's index in the layout
        region = kdb.Region(top.begin_shapes_rec(layer)).merged()

        def probe(x: float, y: float) -> kdb.Region:
            return kdb.Region(kdb.Box(round(x / dbu) - 1, round(y / dbu) - 1,
                                      round(x / dbu) + 1, round(y / dbu) + 1))

        # the fibre coupler's waveguide end (its o1) is where the tree's root starts
        inner = chip.insts["chip"]
        root = inner.dcplx_trans * kdb.DPoint(*inner.cell.insts[f"io_{name}"].ports["o1"].center)
        tree = region.interacting(probe(root.x, root.y))
        assert tree.count() == 1, name
        port = tile.ports[name]
        for x0, y0 in origins:
            assert not tree.interacting(probe(x0 + port.x, y0 + port.y)).is_empty(), (name, x0)


def test_networked_chip_is_drc_clean(chip2x2, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qc_pdk.drc import run_drc

    gds = tmp_path / "chip.gds"
    chip2x2.write_gds(gds)
    report = run_drc(gds)
    assert report.total_violations == 0, [r.rule for r in report.rules if r.count]
    assert chip2x2.info["network"]["switches"] == 9 and chip2x2.info["network"]["fibres"] == 3


def test_network_placement_errors_name_the_field() -> None:
    with pytest.raises(PlacementError, match="die"):
        chip_layout(_networked(2, 2, width_um=3000.0).chip_layout())
    data = _networked(1, 1).model_dump()
    data["array"]["tile_pitch_um"] = [3000.0, 3000.0]
    with pytest.raises(PlacementError, match="tile_pitch_um"):
        chip_layout(ChipSpec.model_validate(data).chip_layout())


def test_network_graph_follows_the_drawn_routes(chip2x2) -> None:  # type: ignore[no-untyped-def]
    """The controller's graph: every tile and MZI of the drawn trees, each MZI's port towards
    each half as the block's drawn waveguides join them, every qubitron fed by both feed
    fibres and reaching the readout fibre."""
    root = network_root(chip2x2)[1]
    graph = network_graph(root, qubitrons=4)
    tiles = tile_names(graph)
    assert sorted(tiles) == ["AA", "AB", "BA", "BB"]
    mzis = [n for n, d in graph.nodes(data=True) if d.get("broadband")]
    assert len(mzis) == chip2x2.info["network"]["switches"] == 9
    drawn = drawn_connections(root, endpoints={"A", "B"} | {f"node_{p}" for p, _ in TREES})
    for port, _ in TREES:
        ports = root.insts[f"node_{port}"].cell.info["switch_ports"]
        for half in "AB":
            (node_end,) = [next(iter(pair - {f"{half},{port}"})) for pair in drawn
                           if f"{half},{port}" in pair]
            assert graph.edges[f"{port}:", f"{port}:{half}"]["switch_port"] == (
                ports[node_end.split(",")[1]])
    for tile in tiles:
        for k in range(4):
            q = f"{tile}/qubitron_{k}"
            assert all(nx.has_path(graph, f"fibre_{p}", q) for p in NETWORK_PORTS)


def test_chip_level_loss_composed_per_level_equals_a_flat_solve(chip2x2) -> None:  # type: ignore[no-untyped-def]
    """Fibre -> tree -> tile -> detector: each level solved once and composed, against the
    whole chip solved flat, with every switch in one state (one tile lit) or unheated (all
    lit, the broadcast feed); the network controller's slot that sets every pump MZI to that
    state serves the lit tile."""
    from components.resonance import wdm_grid_nm
    from flows.network_job import chip_network_detection
    from simulation.chip_loss import _switched_binder
    from simulation.loss_budget import loss_budget
    from simulation.netlist import extract_netlist
    from simulation.simulate import default_models, solve_netlist

    layout = default_chip().chip_layout()
    tile = chip_tile(layout.placed_tile())
    grid = list(wdm_grid_nm(centre_nm=1550.0, spacing_nm=0.8, channels=4) * 1e-3)
    tile_loss = loss_budget(tile, centre_wl_um=1.55, detector_wl_um=grid)
    composed = chip_network_detection(chip2x2, tile_loss, channels_um=grid).efficiency
    assert composed.shape == (4, 4)
    graph = network_graph(network_root(chip2x2)[1], qubitrons=4)
    schedule = schedule_connections(graph, qec_round_requests(graph, qubitrons=4), channels=4)
    settings = mzi_settings(graph, schedule)
    halves_of = {int("".join("0" if h == "A" else "1" for h in t), 2): t
                 for t in tile_names(graph)}
    def flat_solve(state: str | None) -> dict[tuple[int, int], float]:
        net = extract_netlist(chip2x2, _switched_binder(state), expose_detectors=True)
        s = solve_netlist(net, grid, default_models())[net.top]
        flat = {}
        for (a, b), v in s.items():
            if a == "fibre_pump_in" and b.startswith("det:") and "qubitron_" in b:
                k = int(b.split("qubitron_")[1].split("/")[0])
                halves = [part for part in b.removeprefix("det:").split("/") if part in "AB"]
                tile_index = int("".join("0" if h == "A" else "1" for h in halves), 2)
                flat[(tile_index, k)] = float(abs(v[k]) ** 2)
        assert len(flat) == 16
        return flat

    # broadcast (feed: broadcast): unheated MZIs split to every tile; composed == flat, and
    # each of the two levels costs at least the 3 dB split
    broadcast = chip_network_detection(chip2x2, tile_loss, channels_um=grid,
                                       split=("pump_in", "stokes_in")).efficiency
    flat = flat_solve(None)
    for (t, k), v in flat.items():
        assert v == pytest.approx(broadcast[t, k], rel=1e-6), (t, k)
        assert broadcast[t, k] < composed[t, k] * 10 ** (-2 * 3.0 / 10)
    for state in ("bar", "cross"):
        flat = flat_solve(state)
        lit = max(flat, key=flat.__getitem__)[0]
        # the network controller's slot with every pump MZI in this state serves that tile
        port = "o2" if state == "bar" else "o3"  # components.models.mzi_switch
        served = {a.request.target.split("/")[0] for a in schedule.assigned
                  if a.request.source == "fibre_pump_in"
                  and all(v["o1_to"] == port for n, v in settings[a.slot].items()
                          if n.startswith("pump_in:"))}
        assert served == {halves_of[lit]}, (state, served)
        for k in range(4):
            assert flat[(lit, k)] == pytest.approx(composed[lit, k], rel=1e-6), (state, k)
            dark = [flat[(t, k)] for t in range(4) if t != lit]
            assert max(dark) < 0.05 * flat[(lit, k)]  # the switches route, not broadcast


def test_tree_nodes_sit_on_the_router_grid_and_blocks_of_8_tiles_route_clean() -> None:
    """Tiles of 8 in column placement put their edges off the 5 um grid; a node output left
    0.2 um off it made sub-um route pieces the sign-off refused (a 2 x 2 block failed). Nodes
    are now snapped to the grid, and those blocks route."""
    from routing.network import MIN_PITCH_UM

    spec = ChipSpec.model_validate({
        "name": "t8", "array": {"rows": 2, "columns": 16, "tile_columns": 8},
        "wdm": {"spacing_nm": 0.4}, "die": {"width_um": 20000.0, "height_um": 8000.0}})
    chip = chip_layout(spec.chip_layout())
    _, root = network_root(chip)
    for inst in root.insts:
        if (inst.name or "").startswith("node_"):
            for p in ("o2", "o3"):
                x, y = inst.ports[p].center
                assert abs(x / MIN_PITCH_UM - round(x / MIN_PITCH_UM)) < 1e-6, (inst.name, x)
                assert abs(y / MIN_PITCH_UM - round(y / MIN_PITCH_UM)) < 1e-6, (inst.name, y)
    assert root.info["route"]["nets"] == 6
