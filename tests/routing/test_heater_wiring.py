"""Heater wiring with pads under their own cells: lines whose runs do not overlap share M2
tracks (left-edge), every line reaches its own pad, no shorts, DRC-clean."""

from __future__ import annotations

import gdsfactory as gf
import pytest

from components import CELLS
from qc_pdk.drc import run_drc
from routing.heater_wiring import (
    heater_terminals,
    shared_tracks,
    track_pitch_um,
    wire_heaters_to_pads,
    wiring_band_height_um,
    wiring_order,
)

PITCH_UM = 500.0


def _row_of_switches(n: int) -> gf.Component:
    c = gf.Component()
    for k in range(n):
        s = c.add_ref(CELLS["ring_switch"](), name=f"switch_{k}")
        s.move((k * PITCH_UM, 0.0))
    return c


def _pads_under_terminals(c: gf.Component) -> list[float]:
    """One pad per line, 90 um apart around its own cell's terminal column."""
    order = wiring_order(heater_terminals(c))
    return [t.x_um + (-45.0 if i % 2 == 0 else 45.0) for i, t in enumerate(order)]


def test_left_edge_tracks_count_the_overlap_of_runs() -> None:
    assert shared_tracks([]) == 0
    assert shared_tracks([(0.0, 50.0), (400.0, 450.0), (800.0, 850.0)]) == 1
    assert shared_tracks([(0.0, 500.0), (100.0, 600.0), (200.0, 300.0)]) == 3
    # nested runs overlap; runs far apart do not, whichever end is the pad
    assert shared_tracks([(50.0, 0.0), (450.0, 400.0)]) == 1


def test_pads_under_their_cells_share_tracks_and_wire_clean(tmp_path) -> None:  # type: ignore[no-untyped-def]
    n = 4
    c = _row_of_switches(n)
    pad_x = _pads_under_terminals(c)
    order = wiring_order(heater_terminals(c))
    tracks = shared_tracks([(t.x_um, p) for t, p in zip(order, pad_x, strict=True)])
    assert tracks == 1  # each line's run stays beside its own terminal: none overlap
    band_um = wiring_band_height_um(tracks)
    y_hi = c.dbbox().bottom - 5.0
    report = wire_heaters_to_pads(
        c, terminals=heater_terminals(c), band_um=(y_hi - band_um + 10.0, y_hi),
        pad_x_um=pad_x, pad_y_um=y_hi - band_um - 45.0,
    )
    assert report["pads"] == report["lines"] == 2 * n
    assert report["shorts"] == 0 and report["opens"] == 0
    pads = sorted((i for i in c.insts if (i.name or "").startswith("heater_pad_")),
                  key=lambda i: i.dcenter[0])
    assert [round(p.dcenter[0], 3) for p in pads] == [round(x, 3) for x in sorted(pad_x)]
    drc = run_drc(c.write_gds(tmp_path / "wired.gds"))
    assert drc.total_violations == 0, [(r.rule, r.count) for r in drc.rules if r.count]
    # one track per line would need a band this much taller
    assert wiring_band_height_um(2 * n) - band_um == pytest.approx(
        (2 * n - tracks) * track_pitch_um())


def test_bad_pad_list_and_low_band_are_rejected() -> None:
    c = _row_of_switches(2)
    y = c.dbbox().bottom - 5.0
    with pytest.raises(ValueError, match="pad_x_um"):
        wire_heaters_to_pads(c, terminals=heater_terminals(c), band_um=(y - 200.0, y),
                             pad_x_um=[0.0])
    with pytest.raises(ValueError, match="M2 tracks"):
        wire_heaters_to_pads(c, terminals=heater_terminals(c), band_um=(y - 20.0, y),
                             pad_x_um=_pads_under_terminals(c))
