"""Physical trends: trenches, a coolant channel, crosstalk vs distance, energy balance."""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
import pytest

from qc_pdk.layers import LAYER
from thermal.analysis import analyse_thermal
from thermal.cooling import CoolantChannel
from thermal.grid import Grid, graded_axis
from thermal.kernel import KernelOptions, build_kernel
from thermal.layout import HeaterCell
from thermal.problem import HeatSource, Prism, build_problem
from thermal.solver import solve_steady
from thermal.stack import base_layers, level_z_um, stack_breaks_um

FAST = KernelOptions(window_um=40.0, fine_um=0.5, max_um=8.0)


@pytest.fixture(scope="module")
def switch() -> gf.Component:
    from components.ring_switch import ring_switch

    return ring_switch()


def test_trenches_lower_the_power_for_one_fsr(switch: gf.Component) -> None:
    plain = gf.Component()
    plain << switch
    trenched = gf.Component()
    trenched << switch
    xc, yc = switch.info["ring_centre_um"]
    xh = xc + switch.info["radius_um"]  # heated straight
    # deep trenches each side of the heated straight, clear of the heater leads
    trenched.add_polygon([(xh - 9, yc - 9), (xh - 3, yc - 9), (xh - 3, yc + 9), (xh - 9, yc + 9)],
                         layer=LAYER.TRENCH)
    trenched.add_polygon([(xh + 2.5, yc - 9), (xh + 8, yc - 9), (xh + 8, yc + 9),
                          (xh + 2.5, yc + 9)], layer=LAYER.TRENCH)
    a = analyse_thermal(plain, kernel_options=FAST, transient=False, offsets_nm=[-0.1])
    b = analyse_thermal(trenched, kernel_options=FAST, transient=False, offsets_nm=[-0.1])
    assert b.rings[0].power_per_fsr_mW < 0.95 * a.rings[0].power_per_fsr_mW
    assert b.heater_power_mW[0] < a.heater_power_mW[0]


def _cross_section(channel: bool) -> tuple[float, float]:
    """Rise (K) of a waveguide 25 um from a heater, and the heat balance error (2D)."""
    hz0, hz1 = level_z_um("heater")
    wz0, wz1 = level_z_um("wg2")
    xe = graded_axis(breaks_um=[-60, 60, -1, 1, 10, 15, 24.6, 25.4], fine_um=0.2, max_um=2.0,
                     focus_um=(-1, 1))
    ze = graded_axis(breaks_um=stack_breaks_um(), fine_um=0.2, max_um=1.5, focus_um=(-4, 7))
    grid = Grid(xe, np.array([0.0, 1.0]), ze)
    box = ((-1.0, 0.0), (1.0, 0.0), (1.0, 1.0), (-1.0, 1.0))
    chans = [CoolantChannel(xmin_um=10, xmax_um=15, ymin_um=-1, ymax_um=2, zmin_um=-4,
                            zmax_um=7)] if channel else []
    prob = build_problem(
        grid=grid, base_layers=base_layers(),
        prisms=[Prism(polygon_um=box, zmin_um=hz0, zmax_um=hz1, material="tin")],
        sources=[HeatSource(polygon_um=box, zmin_um=hz0, zmax_um=hz1, power_W=1e-4)],
        channels=chans)
    sol = solve_steady(prob)
    i = int(np.searchsorted(grid.xc, 25.0))
    k = int(np.searchsorted(grid.zc, (wz0 + wz1) / 2))
    return float(sol.rise_K[i, 0, k]), sol.balance_error


def test_microfluidic_channel_cools_the_neighbour() -> None:
    without, err0 = _cross_section(False)
    with_channel, err1 = _cross_section(True)
    assert with_channel < 0.8 * without
    assert err0 < 1e-9 and err1 < 1e-9  # heat in = heat out (sink + channel walls)


def test_crosstalk_decreases_with_distance_and_energy_balances() -> None:
    strip = np.array([(-1.0, -14.0), (1.0, -14.0), (1.0, 14.0), (-1.0, 14.0)])
    k = build_kernel(heater=HeaterCell(0, "strip", [strip], {}, (-1.0, -14.0, 1.0, 14.0)),
                     options=FAST.model_copy(update={"window_um": 60.0}))
    d = np.array([3.0, 6.0, 12.0, 24.0, 48.0])
    rise = k.sample_K_per_mW(np.column_stack([d, np.zeros_like(d)]), z_um=1.45)
    assert np.all(np.diff(rise) < 0) and rise[-1] > 0
    assert k.solution.balance_error < 1e-6
    assert k.solution.heat_in_W == pytest.approx(1e-3, rel=1e-9)


def test_fluid_layer_in_the_layout_is_a_coolant_channel(switch: gf.Component) -> None:
    """A FLUID shape drawn inside the ring, beside the heated straight, is read as a channel
    and cools the ring: more power per FSR than without it (the coolant carries heat away)."""
    plain = gf.Component()
    plain << switch
    cooled = gf.Component()
    cooled << switch
    xc, yc = switch.info["ring_centre_um"]
    xh = xc + switch.info["radius_um"]
    cooled.add_polygon([(xh - 14, yc - 30), (xh - 4, yc - 30), (xh - 4, yc + 30),
                        (xh - 14, yc + 30)], layer=LAYER.FLUID)  # inside the ring
    from thermal.layout import read_layout

    (channel,) = read_layout(cooled).coolant_channels()
    assert channel.axis == "y" and channel.zmin_um == level_z_um("fluid")[0]
    a = analyse_thermal(plain, kernel_options=FAST, transient=False, offsets_nm=[-0.1])
    b = analyse_thermal(cooled, kernel_options=FAST, transient=False, offsets_nm=[-0.1])
    assert b.rings[0].power_per_fsr_mW > 1.05 * a.rings[0].power_per_fsr_mW


def test_an_electronics_block_heats_the_ring_and_saves_heater_power(
    switch: gf.Component,
) -> None:
    """A block beside a ring warms it (red shift), so a ring blue of its channel needs less
    heater power; the farther block warms it less; the block's power counts in the load."""
    from thermal.analysis import AreaSource

    c = gf.Component()
    c << switch
    xc, yc = switch.info["ring_centre_um"]

    def block(dx: float) -> AreaSource:
        return AreaSource(name="cmos", xmin_um=xc + dx, ymin_um=yc - 40, xmax_um=xc + dx + 80,
                          ymax_um=yc + 40, power_mW=20.0)

    wide = FAST.model_copy(update={"window_um": 80.0})  # both blocks inside the window
    base = analyse_thermal(c, kernel_options=wide, transient=False, offsets_nm=[-0.3])
    near = analyse_thermal(c, kernel_options=wide, transient=False, offsets_nm=[-0.3],
                           area_sources=[block(40.0)])
    far = analyse_thermal(c, kernel_options=wide, transient=False, offsets_nm=[-0.3],
                          area_sources=[block(70.0)])
    assert near.rings[0].area_source_rise_K > far.rings[0].area_source_rise_K > 0
    assert near.heater_power_mW[0] < far.heater_power_mW[0] < base.heater_power_mW[0]
    assert near.heat_load_W == pytest.approx(base.heat_load_W - (base.heater_power_mW[0]
                                             - near.heater_power_mW[0]) * 1e-3 + 20e-3)
