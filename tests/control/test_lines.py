"""Control lines and pads read from the default chip's layout, and the large-array case."""

from __future__ import annotations

import gdsfactory as gf
import pytest

from components.registry import ELECTRICAL, REGISTRY
from control.lines import (
    ControlLines,
    control_lines,
    control_lines_from_counts,
    design_counts,
    edge_pad_capacity,
    pad_pitch_um,
    read_control_counts,
)
from flows.spec import default_chip
from routing.chip import chip_layout


def _electrical(cell: str) -> int:
    return sum(1 for kind in REGISTRY[cell].ports.values() if kind == ELECTRICAL)


@pytest.fixture(scope="module")
def chip() -> gf.Component:
    return chip_layout(default_chip().chip_layout())


def test_default_chip_counts_equal_the_design(chip: gf.Component) -> None:
    spec = default_chip()
    q = spec.n_qubitrons
    # one ring switch per qubitron (routing.tile) and the network's MZI nodes (routing.network)
    network = chip.info["network"]["switches"]
    switches = q + network
    n = read_control_counts(chip)
    assert (n.qubitron_heaters, n.switch_heaters, n.detectors) == (q, switches, q)
    assert n.heaters == 2 * q + network  # qubitron heater + switch heater, one per MZI
    assert n.heater_pads == 2 * n.heaters
    assert n.detector_pads == 2 * q
    assert _electrical("qubitron") == 4 and _electrical("ring_switch") == 2
    assert _electrical("mzi_switch") == 2
    # the cells' own pads plus each tile's pad row, one pad per tile heater line (routing.tile)
    tile_rows = 2 * 2 * q
    assert n.fanout_pads == tile_rows  # read from the pad rows' instance names
    assert n.pads == q * _electrical("qubitron") + switches * _electrical("ring_switch") + tile_rows
    assert n.pads == 4 * q + 2 * switches + tile_rows
    assert (n.die_width_um, n.die_height_um) == (spec.die.width_um, spec.die.height_um)
    assert n == design_counts(
        qubitrons=q, switches=switches, die_width_um=spec.die.width_um,
        die_height_um=spec.die.height_um,
    ).model_copy(update={"pads": n.pads, "fanout_pads": n.fanout_pads})


def test_default_chip_fits_with_direct_drive(chip: gf.Component) -> None:
    r = control_lines(chip)
    assert isinstance(r, ControlLines)
    network = chip.info["network"]["switches"]
    assert r.control_lines == 2 * (2 * 16 + network) and r.readout_lines == 2 * 16
    # cells' pads (qubitrons 4, ring switches 2, MZI nodes 2) plus the tiles' heater pad
    # rows (one pad per tile control line; the MZI nodes' own pads are their bond pads)
    assert r.pads_on_chip == 4 * 16 + 2 * (16 + network) + 2 * 2 * 16
    spec = default_chip()
    assert r.pads_die_edge_holds == edge_pad_capacity(
        die_width_um=spec.die.width_um, die_height_um=spec.die.height_um)
    assert r.fits and r.scheme == "direct" and r.fits_with_scheme
    assert r.control_lines_with_scheme == r.control_lines
    assert r.matrix_rows is None


def test_megaqubitron_array_needs_row_column_addressing() -> None:
    q = 1024 * 1024
    c = design_counts(qubitrons=q, switches=q, die_width_um=40_000.0, die_height_um=40_000.0)
    r = control_lines_from_counts(counts=c)
    assert r.pads_on_chip == 6 * q
    assert not r.fits
    assert r.scheme == "row_column"
    assert r.matrix_rows is not None and r.matrix_columns is not None
    assert r.matrix_rows * r.matrix_columns >= 2 * q
    assert r.control_lines_with_scheme == r.matrix_rows + r.matrix_columns
    assert r.control_lines_with_scheme < r.control_lines / 1000
    assert any("diode" in a for a in r.assumptions)
    # the detectors' own lines still exceed one row of edge pads at this scale
    assert r.pads_with_scheme == r.control_lines_with_scheme + 2 * q
    assert not r.fits_with_scheme


def test_edge_capacity_is_the_pad_pitch_along_the_perimeter() -> None:
    assert pad_pitch_um() == 83.0  # 80 um pad + 3 um M2 space
    per_side = (40_000.0 - 2 * 80.0 + 3.0) // 83.0
    assert edge_pad_capacity(die_width_um=40_000.0, die_height_um=40_000.0) == 4 * per_side
    assert edge_pad_capacity(die_width_um=100.0, die_height_um=100.0) == 0


def test_arrays_are_counted_without_flattening() -> None:
    from components.qubitron import qubitron

    c = gf.Component()
    c.add_ref(qubitron(), columns=5, rows=3, column_pitch=600.0, row_pitch=600.0)
    n = read_control_counts(c)
    assert (n.qubitron_heaters, n.switch_heaters, n.detectors, n.pads) == (15, 0, 15, 60)
    assert c.kdb_cell.child_instances() == 1  # still one array instance
