"""Why a bundle's channel plan falls short: the crossings of a chain of nets that pairwise
cross need more channel height than one Z route per net has, a bound the report states."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from quantacore import activate
from routing.channel import longest_crossed_chain, z_room_shortfall
from routing.router import route_nets
from tests.routing.problems import facing_rows
from tests.routing.test_signoff import _signed_off


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def test_the_longest_chain_of_pairwise_crossing_nets() -> None:
    # targets in source order 2, 0, 3, 1, 4 -> no three pairwise inverted; (2, 0), (3, 1)
    assert len(longest_crossed_chain([(0, 2), (1, 0), (2, 3), (3, 1), (4, 4)])) == 2
    spans = [(k, 9 - k) for k in range(10)]  # all reversed: one chain of all ten
    assert longest_crossed_chain(spans) == list(range(10))


def test_the_bound_fires_only_when_the_rows_are_too_few() -> None:
    spans = [(0, 30), (10, 20), (20, 10), (30, 0)]  # four nets, pairwise crossing
    names = ["a", "b", "c", "d"]
    rows = [np.arange(0, 28)] * 4  # 27 rows between the lowest and the highest track: 3 x 9
    assert z_room_shortfall(spans, rows, names=names, k_cross=9, pitch_um=5.0) == ""
    short = z_room_shortfall(spans, [np.arange(0, 26)] * 4, names=names, k_cross=9,
                             pitch_um=5.0)
    assert "nets a, b, c, d must pairwise cross" in short
    assert "need 135 um of channel; the channel has 125 um" in short


def test_a_reversed_bus_in_a_low_channel_is_explained_and_routed_round_it(
        tmp_path: Path) -> None:
    # four pairwise crossing nets: Z tracks 45 um apart need 135 um of track height, the
    # 150 um channel leaves 90 um between the lowest and the highest track
    c, conns = facing_rows(4, pitch_um=100, channel_um=150, perm=[3, 2, 1, 0])
    res = route_nets(c, conns)
    notes = res.report.bundle_notes
    assert notes and all("need 135 um of channel; the channel has 90 um" in v
                         for v in notes.values())
    _signed_off(c, conns, res, tmp_path)  # the search still routes them, legally
