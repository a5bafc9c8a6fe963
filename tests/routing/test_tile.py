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
