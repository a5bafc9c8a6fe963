"""The sign-off's DRC of the routed region: flat in process for a small region, deep through
a file above ``FLAT_CHECK_MAX_INSTANCES``; both run the same rules and blame the same nets."""

from __future__ import annotations

import gdsfactory as gf
import pytest

from components import CELLS
from quantacore import activate
from routing import verify
from routing.verify import check_routes


@pytest.fixture(autouse=True)
def _pdk() -> None:
    activate()


def _violations() -> tuple[gf.Component, dict[str, list[gf.ComponentReference]]]:
    """Five routes: two too close (space), one too narrow for the width rule, one bend and a
    straight running through it, and one clean far away."""
    c = gf.Component()
    s = CELLS["straight"](length=40)
    a, d = c.add_ref(s), c.add_ref(s)
    d.dmove((0, 1.0))  # 0.2 um from a
    thin = gf.Component()  # a 0.3 um line: under WG1.W.1 (the library refuses to draw it)
    thin.add_polygon([(0, -0.15), (40, -0.15), (40, 0.15), (0, 0.15)], layer=(1, 0))
    narrow = c.add_ref(thin)
    narrow.dmove((0, 30))
    bend = c.add_ref(CELLS["bend_euler"](radius=30.0))
    bend.dmove((100, 0))
    through = c.add_ref(s)
    through.dmove((110, 10))
    far = c.add_ref(s)
    far.dmove((0, 200))
    return c, {"a": [a], "d": [d], "narrow": [narrow], "bend": [bend], "through": [through],
               "far": [far]}


def test_flat_and_deep_checks_blame_the_same_nets_for_the_same_rules(
        monkeypatch: pytest.MonkeyPatch) -> None:
    c, pieces = _violations()
    flat = check_routes(c, pieces, crossings=[], layer=(1, 0))
    monkeypatch.setattr(verify, "FLAT_CHECK_MAX_INSTANCES", 0)
    deep = check_routes(c, pieces, crossings=[], layer=(1, 0))
    assert flat.drc_failed == deep.drc_failed
    assert flat.drc_counts == deep.drc_counts
    assert flat.failed == deep.failed
    assert {"a", "d", "narrow"} <= set(flat.drc_failed)
    assert "WG1.W.1" in flat.drc_failed["narrow"] and "WG1.S.1" in flat.drc_failed["a"]
    assert {"bend", "through"} <= set(flat.failed)  # overlap: the geometric check
    assert "far" not in flat.failed
