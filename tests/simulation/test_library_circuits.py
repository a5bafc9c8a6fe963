"""The circuit solver on every library cell and on a routed circuit built from them."""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
import pytest

from components import CELLS
from components.models.sdict import to_matrix
from quantacore import activate
from simulation.loss_budget import loss_budget
from simulation.simulate import simulate_component

WL = np.linspace(1.545, 1.555, 41)


@pytest.fixture(scope="module", autouse=True)
def pdk():
    return activate()


OPTICAL_CELLS = [n for n in CELLS if n != "bond_pad"]


@pytest.mark.parametrize("name", OPTICAL_CELLS)
def test_every_cell_simulates_passive_and_reciprocal(name: str) -> None:
    c = CELLS[name]()
    s = simulate_component(c, WL)
    optical = {p.name for p in c.ports if p.port_type == "optical"}
    assert {p for pair in s for p in pair} >= optical
    _, m = to_matrix(s)
    np.testing.assert_allclose(m, np.swapaxes(m, -1, -2), atol=1e-12)
    assert np.linalg.norm(m, ord=2, axis=(-2, -1)).max() <= 1 + 1e-9


def test_routed_circuit_of_library_cells() -> None:
    """Grating in -> routed waveguide -> add-drop ring -> routed waveguide -> detector."""
    c = gf.Component("routed_ring_to_detector")
    gc = c << CELLS["grating_coupler"]()
    ring = c << CELLS["ring_adddrop"](radius=30.0, gap=0.3)
    det = c << CELLS["snspd"](cross_section="strip")
    ring.move((400.0, 150.0))
    det.move((800.0, 400.0))
    gf.routing.route_single(c, gc.ports["o1"], ring.ports["o1"], cross_section="strip")
    gf.routing.route_single(c, ring.ports["o4"], det.ports["o1"], cross_section="strip")
    c.add_port("fibre", port=gc.ports["o2"])
    c.add_port("through", port=ring.ports["o2"])
    report = loss_budget(c, centre_wl_um=1.55)
    det_paths = [p for p in report.paths if p.input == "fibre" and p.to_detector]
    assert len(det_paths) == 1
    p = det_paths[0]
    assert p.counts["coupler"] == 1 and p.counts["ring"] == 1 and p.counts["bend"] >= 2
    assert p.breakdown_dB["coupler"] == pytest.approx(0.69, abs=0.01)  # grating peak loss
    assert p.length_um > 500
    assert report.detector_efficiency  # light reaches the detector
