"""The tile's drawn connectivity equals its intended nets (read back from the mask)."""

from __future__ import annotations

from flows.spec import default_chip
from routing.connectivity import drawn_connections
from routing.tile import chip_tile, tile_nets


def test_drawn_tile_joins_exactly_the_intended_nets() -> None:
    design = default_chip().tile_design()
    tile = chip_tile(design)
    _, nets = tile_nets(design)
    ends = {ref.split(",")[0] for n in nets for ref in (n.source, n.target)}
    drawn = drawn_connections(tile, endpoints=ends)
    intended = {frozenset({n.source, n.target}) for n in nets}
    assert intended <= drawn, sorted(map(sorted, intended - drawn))
    # the rest are cells placed abutting by design: each Stokes riser on its qubitron
    for pair in drawn - intended:
        a, b = sorted(pair)
        assert a.startswith("qubitron_") and b.startswith("stokes_riser_"), pair
        assert a.split(",")[0].split("_")[1] == b.split(",")[0].split("_")[2]


def test_every_heater_line_reaches_its_own_tile_pad_drc_clean(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import gdsfactory as gf

    from control.lines import control_lines
    from qc_pdk.drc import run_drc
    from routing.heater_wiring import heater_terminals, metal_nets

    design = default_chip().tile_design()
    tile = chip_tile(design)
    wiring = tile.info["heater_wiring"]
    row = [i for i in tile.insts if (i.name or "").startswith("heater_pad_")]
    lines = control_lines(tile, die_width_um=10_000.0, die_height_um=10_000.0)
    # pads per tile equal the heater lines control.lines reads from the cells (2 per heater)
    assert len(row) == wiring["pads"] == lines.control_lines == 2 * (
        lines.qubitron_heaters + lines.switch_heaters
    ) == 4 * design.qubitrons
    assert design.placement == "column"
    heated = [i for i in tile.insts if (i.name or "").startswith(("qubitron_", "switch_"))]
    pump = tile.insts["pump_demux"]
    # one row between the heated cells and the pump bank, each pad under its own column
    assert all(pump.ymax < p.ymin and p.ymax < min(i.ymin for i in heated) for p in row)
    assert len({round(p.ymin, 3) for p in row}) == 1
    assert wiring["shorts"] == 0 and wiring["opens"] == 0
    # no pad on a pump line (the drops pass between a column's pads)
    lines_x = [tile.insts[f"qubitron_{k}"].ports["o1"].x for k in range(design.qubitrons)]
    assert all(not (p.xmin < x < p.xmax) for p in row for x in lines_x)
    # a band of shared tracks, not one per line: the tile grew by under a pad row's height
    assert 0 <= wiring["area_growth_percent"] < 15.0
    # read back independently: each row pad's net holds exactly one heater terminal
    nets = metal_nets(tile)
    dbu = tile.kcl.dbu
    terminals = heater_terminals(tile)

    def holds(net, x: float, y: float) -> bool:  # type: ignore[no-untyped-def]
        import klayout.db as kdb

        p = kdb.Box(round(x / dbu), round(y / dbu), round(x / dbu) + 1, round(y / dbu) + 1)
        return not net.interacting(kdb.Region(p)).is_empty()

    seen = set()
    for pad in row:
        net = next(n for n in nets if holds(n, *pad.ports["e1"].center))
        joined = [t.ref for t in terminals if holds(net, t.x_um, t.y_um)]
        assert joined == [tile.info[f"heater_line_{pad.name.split('_')[-1]}"]], joined
        assert sum(holds(net, *q.ports["e1"].center) for q in row) == 1
        seen.add(joined[0])
    assert seen == {t.ref for t in terminals}
    report = run_drc(tile.write_gds(tmp_path / "tile.gds"))
    assert report.total_violations == 0, [(r.rule, r.count) for r in report.rules if r.count]
    # the check can fail: an M1 bar across two lines' columns is read back as a short
    shorted = gf.Component()
    shorted << tile
    a, b = row[0].ports["e1"].center, row[1].ports["e1"].center
    shorted.add_polygon([(a[0], a[1] + 60), (b[0], b[1] + 60), (b[0], b[1] + 200),
                         (a[0], a[1] + 200)], layer=(41, 0))
    merged = [n for n in metal_nets(shorted)
              if holds(n, *a) and holds(n, *b)]
    assert merged, "an M1 bar joining two lines must merge their nets"


def test_small_matched_tile_is_wired_and_drc_clean_and_over_long_meanders_are_refused(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    import pytest

    from qc_pdk.drc import run_drc
    from qc_pdk.errors import InputError
    from routing.tile import TileDesign

    tile = chip_tile(TileDesign(qubitrons=2, max_pump_skew_ps=0.01, placement="compact"))
    wiring, match = tile.info["heater_wiring"], tile.info["length_match"]
    assert wiring["pads"] == 8 and wiring["shorts"] == 0 and wiring["opens"] == 0
    assert match["skew_before_ps"] > 0.01 > match["skew_after_ps"]
    report = run_drc(tile.write_gds(tmp_path / "t2.gds"))
    assert report.total_violations == 0, [(r.rule, r.count) for r in report.rules if r.count]
    # 8 qubitrons: the routes differ by > 1 mm, a meander that long would hit the next route
    with pytest.raises(InputError, match="max_pump_skew_ps=0.5: the pump routes differ"):
        chip_tile(TileDesign(qubitrons=8, wdm_spacing_nm=0.4, max_pump_skew_ps=0.5,
                             placement="compact"))


def test_compact_tile_of_8_is_routed_connected_drc_clean_and_smaller(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Tiles of 8 (0.4 nm WDM spacing, no fibre couplers, as the network places them): the
    compact placement (fan-out room from the bend radius and channel count, the Stokes
    demux beside the mux) still routes every net, joins exactly its nets, wires every heater
    and passes DRC, in less area than the legacy placement's cells alone."""
    from qc_pdk.drc import run_drc
    from routing.density import chip_density
    from routing.tile import NETWORK_PORTS, RELAX_STEPS, TileDesign, bank_clearance_um

    design = TileDesign(qubitrons=8, wdm_spacing_nm=0.4, io_coupler="none", placement="compact")
    assert bank_clearance_um(design) < bank_clearance_um(
        design.model_copy(update={"placement": "legacy"})
    )
    tile = chip_tile(design)
    assert tile.info["route"]["nets"] == 32
    assert tile.info["heater_wiring"]["shorts"] == tile.info["heater_wiring"]["opens"] == 0
    relax = tile.info["placement_relax"]
    c, nets = tile_nets(design, relax=relax)
    # beside the mux: both banks share one height band (the last retry would stack them)
    assert relax < RELAX_STEPS
    assert c.insts["stokes_demux"].ymin == c.insts["mux"].ymin
    stacked, _ = tile_nets(design, relax=RELAX_STEPS)
    assert stacked.insts["stokes_demux"].ymin > stacked.insts["mux"].ymax
    assert bank_clearance_um(design, relax=1) > bank_clearance_um(design)
    ends = {ref.split(",")[0] for n in nets for ref in (n.source, n.target)}
    drawn = drawn_connections(tile, endpoints=ends)
    intended = {frozenset({n.source, n.target}) for n in nets}
    assert intended <= drawn, sorted(map(sorted, intended - drawn))
    assert all(
        a.startswith("qubitron_") and b.startswith("stokes_riser_")
        for a, b in map(sorted, drawn - intended)
    )
    assert {p.name for p in tile.ports} >= set(NETWORK_PORTS)
    legacy, _ = tile_nets(design.model_copy(update={"placement": "legacy"}))
    # the routed, wired compact tile is smaller than the legacy placement before routing
    assert tile.xsize * tile.ysize < 0.85 * legacy.xsize * legacy.ysize
    assert chip_density(tile).area_efficiency > 0.22
    report = run_drc(tile.write_gds(tmp_path / "tile8.gds"))
    assert report.total_violations == 0, [(r.rule, r.count) for r in report.rules if r.count]


def test_column_tile_routes_straight_drops_drc_clean_denser_than_compact(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Column placement (the default): every bank's channel k on qubitron k's column, so
    each net is the straight between its ports (routed length = port distance, no
    crossings, no layer changes); joins exactly its nets; wired; DRC-clean; more qubitrons per
    mm^2 than the compact placement of the same tile. A pump skew bound the straight drops
    meet needs no meanders; one they miss is refused naming the field."""
    import pytest

    from qc_pdk.drc import run_drc
    from qc_pdk.errors import InputError
    from routing.density import chip_density
    from routing.tile import NETWORK_PORTS, TileDesign, qubitron_pitch_um

    design = TileDesign(qubitrons=8, wdm_spacing_nm=0.4, io_coupler="none",
                        max_pump_skew_ps=0.05)
    assert design.placement == "column"
    tile = chip_tile(design)
    c, nets = tile_nets(design)
    pitch = qubitron_pitch_um(design)
    for bank in ("pump_demux", "mux"):  # the Stokes bank: over its risers (drops below)
        xs = [c.insts[bank].ports[f"o{k + 3}"].x for k in range(8)]
        assert all(abs(b - a - pitch) < 1e-3 for a, b in zip(xs, xs[1:], strict=False))
    route = tile.info["route"]
    assert route["nets"] == 32 and route["crossings"] == 0 and route["layer_changes"] == 0
    straight_um = 0.0
    for n in nets:
        a, b = c.insts[n.source.split(",")[0]].ports[n.source.split(",")[1]], \
            c.insts[n.target.split(",")[0]].ports[n.target.split(",")[1]]
        # a vertical drop (the Stokes risers sit on the qubitrons' ports, whose rings differ
        # by nm: those drops jog by as much)
        assert abs(a.x - b.x) < (1e-3 if n.bundle != "stokes" else 0.01), n.label
        straight_um += abs(a.y - b.y)
    assert route["total_length_um"] == pytest.approx(straight_um, abs=1.0 * len(nets))
    match = tile.info["length_match"]
    assert match["extra_um"] == {} and match["skew_after_ps"] <= 0.05
    ends = {ref.split(",")[0] for n in nets for ref in (n.source, n.target)}
    drawn = drawn_connections(tile, endpoints=ends)
    intended = {frozenset({n.source, n.target}) for n in nets}
    assert intended <= drawn, sorted(map(sorted, intended - drawn))
    assert all(a.startswith("qubitron_") and b.startswith("stokes_riser_")
               for a, b in map(sorted, drawn - intended))
    assert tile.info["heater_wiring"]["shorts"] == tile.info["heater_wiring"]["opens"] == 0
    assert {p.name for p in tile.ports} >= set(NETWORK_PORTS)
    report = run_drc(tile.write_gds(tmp_path / "column8.gds"))
    assert report.total_violations == 0, [(r.rule, r.count) for r in report.rules if r.count]
    compact = chip_tile(design.model_copy(update={"placement": "compact",
                                                  "max_pump_skew_ps": None}))
    assert chip_density(tile).qubitrons_per_mm2 > 1.3 * chip_density(compact).qubitrons_per_mm2
    with pytest.raises(InputError, match="max_pump_skew_ps=1e-06: the column placement"):
        chip_tile(design.model_copy(update={"max_pump_skew_ps": 1e-6}))
