"""Ring phase from the bent n_eff: arcs at the bent index, racetrack straights at the straight
one, in the models and in the resonance design alike (issue 14)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from components import CELLS, MODELS
from components.models.qubitron import qubitron
from components.models.ring import arcs_and_straights_um, ring_adddrop, ring_round_trip
from components.models.switch import ring_switch, switch_state_powers
from components.models.waveguide_modes import effective_index, group_index
from components.registry import bind_cell
from components.resonance import (
    ring_fsr_nm,
    ring_group_length_um,
    ring_optical_length_um,
    ring_radius_for_resonance_um,
    ring_resonances_nm,
    wdm_grid_nm,
    wdm_ring_radii_um,
)
from routing.tile import TileDesign, qubitron_radii_um


def _peak_nm(drop_power: object, centre_nm: float, half_window_nm: float) -> float:
    """Wavelength (nm) of the largest value of ``drop_power(wl_um)`` near ``centre_nm``: a
    coarse grid, then three zooms (x200 each), so the peak is found to < 1e-6 nm."""
    lo, hi = centre_nm - half_window_nm, centre_nm + half_window_nm
    for _ in range(4):
        wl_nm = np.linspace(lo, hi, 801)
        k = int(np.argmax(drop_power(wl_nm * 1e-3)))  # type: ignore[operator]
        step = wl_nm[1] - wl_nm[0]
        lo, hi = wl_nm[k] - 2 * step, wl_nm[k] + 2 * step
    return float(wl_nm[k])


def test_model_phase_is_bent_arcs_plus_straight_straights() -> None:
    """phi = 2 pi (n_eff(R) 2 pi R + n_eff S) / wl, checked against the indices directly."""
    wl = np.linspace(1.54, 1.56, 1000)
    r_arc, s = 50.0, 60.0
    _, phi = ring_round_trip(wl=wl, radius_um=r_arc + s / (2 * math.pi), bend_radius_um=r_arc)
    n_bent, n_straight = effective_index(wl, radius_um=r_arc), effective_index(wl)
    expected = 2 * math.pi * (n_bent * 2 * math.pi * r_arc + n_straight * s) / wl
    np.testing.assert_allclose(phi, expected, rtol=1e-13)
    # the bend's index matters: 6e-4 over the arcs is ~0.12 of a round trip's 2 pi
    straight_only = 2 * math.pi * n_straight * (2 * math.pi * r_arc + s) / wl
    extra = (phi - straight_only) / (2 * math.pi)
    assert np.all((extra > 0.1) & (extra < 0.15))


def test_arcs_and_straights_split_and_refuse_arcs_beyond_the_round_trip() -> None:
    assert arcs_and_straights_um(radius_um=30.0) == (30.0, 0.0)
    r, s = arcs_and_straights_um(radius_um=50.0 + 15.0 / math.pi, bend_radius_um=50.0)
    assert (r, s) == (50.0, pytest.approx(30.0, rel=1e-12))
    with pytest.raises(ValueError, match="bend_radius_um"):
        arcs_and_straights_um(radius_um=30.0, bend_radius_um=31.0)


def test_default_tile_qubitrons_resonate_on_their_channels_per_the_model() -> None:
    """Each drawn qubitron, bound to its model through the library table, drops its own WDM
    channel within 2 % of the spacing; the equivalent-circle design at one n_eff would not."""
    design = TileDesign.model_validate({})  # the default tile
    grid = wdm_grid_nm(
        centre_nm=design.wdm_centre_nm, spacing_nm=design.wdm_spacing_nm,
        channels=design.qubitrons,
    )
    radii = qubitron_radii_um(design)
    errors = []
    for r, g in zip(radii, grid, strict=True):
        cell = CELLS["qubitron"](
            radius=float(r), gap=design.gap_um, length_y=design.length_y_um,
            cross_section="strip_wg2",
        )
        binding = bind_cell(cell)
        assert binding is not None and binding.model == "qubitron"
        kwargs = dict(binding.kwargs)
        assert kwargs["bend_radius_um"] == pytest.approx(float(r))

        def drop(wl_um: np.ndarray, kwargs: dict = kwargs) -> np.ndarray:
            return np.abs(MODELS["qubitron"](wl=wl_um, **kwargs)[("o1", "d1")]) ** 2

        errors.append(_peak_nm(drop, float(g), 1.0) - float(g))
    assert np.all(np.abs(errors) < 0.02 * design.wdm_spacing_nm), errors

    # the old design (equivalent circle, straight n_eff) lands ~0.41 nm red of every channel
    s_eq = design.length_y_um / math.pi
    wl_um = grid * 1e-3
    m = round(float(effective_index(1.55)) * 2 * math.pi * (design.radius_um + s_eq) / 1.55)
    old = m * wl_um / (2 * math.pi * effective_index(wl_um)) - s_eq
    r_eq = old[0] + s_eq
    old_peak = _peak_nm(
        lambda w: np.abs(qubitron(wl=w, radius_um=r_eq, bend_radius_um=old[0])[("o1", "d1")]) ** 2,
        float(grid[0]), 1.6,
    )
    assert 0.3 < old_peak - grid[0] < 0.5
    # and an equivalent circle at its own bent index (arcs of R + S / pi) lands ~0.07 nm red:
    # more than the 2 % budget (0.016 nm), so the racetrack's split matters
    eq = wdm_ring_radii_um(
        centre_nm=design.wdm_centre_nm, spacing_nm=design.wdm_spacing_nm,
        channels=design.qubitrons, radius_um=design.radius_um + s_eq,
    ) - s_eq
    eq_peak = _peak_nm(
        lambda w: np.abs(qubitron(wl=w, radius_um=eq[0] + s_eq, bend_radius_um=eq[0])[
            ("o1", "d1")]) ** 2,
        float(grid[0]), 1.0,
    )
    assert 0.05 < eq_peak - grid[0] < 0.1


def test_racetrack_radius_for_resonance_puts_the_model_on_target() -> None:
    target_nm, s = 1551.3, 60.0
    r = ring_radius_for_resonance_um(wl_nm=target_nm, approx_radius_um=45.0, straight_um=s)
    assert abs(r - 45.0) < 0.1
    res = ring_resonances_nm(radius_um=r, straight_um=s, wl_min_nm=1549.0, wl_max_nm=1553.0)
    assert float(res[np.argmin(abs(res - target_nm))]) == pytest.approx(target_nm, abs=1e-8)
    fsr = ring_fsr_nm(radius_um=r, straight_um=s, wl_nm=target_nm)

    def drop(wl_um: np.ndarray) -> np.ndarray:
        sd = ring_adddrop(wl=wl_um, radius_um=r + s / (2 * math.pi), bend_radius_um=r)
        return np.abs(sd[("o1", "o4")]) ** 2

    assert _peak_nm(drop, target_nm, 1.0) == pytest.approx(target_nm, abs=1e-3 * fsr)


def test_racetrack_fsr_from_group_length_matches_resonance_spacing() -> None:
    """FSR = wl^2 / (n_g(R) 2 pi R + n_g S) within 0.1 % of the solved resonance spacing."""
    r, s = 50.0, 60.0
    res = ring_resonances_nm(radius_um=r, straight_um=s, wl_min_nm=1540.0, wl_max_nm=1560.0)
    mid = 0.5 * (res[1:] + res[:-1])
    for k in range(len(mid)):
        fsr = ring_fsr_nm(radius_um=r, straight_um=s, wl_nm=float(mid[k]))
        assert float(np.diff(res)[k]) == pytest.approx(fsr, rel=1e-3)
    gl = float(ring_group_length_um(1.55, radius_um=r, straight_um=s))
    ng_arc, ng_straight = float(group_index(1.55, radius_um=r)), float(group_index(1.55))
    expected = ng_arc * 2 * math.pi * r + ng_straight * s
    assert gl == pytest.approx(expected, rel=1e-12)
    ol = float(ring_optical_length_um(1.55, radius_um=r, straight_um=s))
    assert ol > float(effective_index(1.55)) * (2 * math.pi * r + s)


def test_racetrack_wdm_bank_lands_on_the_grid_per_the_model() -> None:
    """Arc radii for a racetrack bank (7 channels, 0.4 nm): each model drop peak on the grid."""
    s, spacing = 40.0, 0.4
    radii = wdm_ring_radii_um(
        centre_nm=1550.0, spacing_nm=spacing, channels=7, radius_um=48.0, straight_um=s
    )
    grid = wdm_grid_nm(centre_nm=1550.0, spacing_nm=spacing, channels=7)
    assert np.all(np.diff(radii) > 0) and np.all(abs(radii - 48.0) < 0.3)
    for r, g in zip(radii, grid, strict=True):
        def drop(wl_um: np.ndarray, r: float = float(r)) -> np.ndarray:
            sd = ring_adddrop(wl=wl_um, radius_um=r + s / (2 * math.pi), bend_radius_um=r)
            return np.abs(sd[("o1", "o4")]) ** 2

        assert abs(_peak_nm(drop, float(g), 0.15) - g) < 0.02 * spacing


def test_switch_cross_power_tunes_a_racetrack_onto_the_signal() -> None:
    r_arc, s = 40.0, 20.0
    r_eq = r_arc + s / (2 * math.pi)
    p = switch_state_powers(wl=1.5503, radius_um=r_eq, bend_radius_um=r_arc)
    wl = np.linspace(1.5493, 1.5513, 4001)
    sd = ring_switch(wl=wl, radius_um=r_eq, bend_radius_um=r_arc, heater_power_mW=p["cross"])
    peak = wl[int(np.argmax(np.abs(sd[("o1", "o4")]) ** 2))]
    assert peak == pytest.approx(1.5503, abs=2e-6)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: ring_fsr_nm(radius_um=30.0, straight_um=-1.0), "straight_um"),
        (lambda: ring_optical_length_um(1.55, radius_um=0.0), "radius_um"),
        (lambda: ring_radius_for_resonance_um(wl_nm=1550.0, approx_radius_um=30.0,
                                              straight_um=float("nan")), "straight_um"),
        (lambda: wdm_ring_radii_um(centre_nm=1550.0, spacing_nm=0.8, channels=4,
                                   radius_um=50.0, straight_um=400.0), "channels"),
    ],
)
def test_racetrack_inputs_are_checked(call: object, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        call()  # type: ignore[operator]
