"""Tuning: after the computed powers every ring sits on its channel within its linewidth.

The check does not reuse the tuning's linear shift: each ring's resonance is solved from the
ring arithmetic m wl = (n_eff(wl) + dn_eff/dT dT) L with the mode solver's n_eff, the ring's
fabricated length and the temperature rise the heaters produce.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import numpy as np
import pytest
from scipy.optimize import brentq

from components.models.waveguide_modes import effective_index
from components.resonance import ring_resonances_nm
from thermal.analysis import analyse_thermal
from thermal.kernel import KernelOptions
from thermal.thermo_optic import dneff_dT_per_K
from thermal.tuning import required_shift_nm, tune_rings

CENTRE_NM = 1550.0
Q = 50_000.0


def _resonance_near(length_um: float, rise_K: float, near_nm: float) -> float:
    dn = dneff_dT_per_K() * rise_K

    def order(wl_nm: float) -> float:
        return (float(effective_index(wl_nm * 1e-3)) + dn) * length_um / (wl_nm * 1e-3)

    m = round(order(near_nm))
    return float(brentq(lambda w: order(w) - m, near_nm - 3.0, near_nm + 3.0, xtol=1e-9))


def test_tuned_rings_sit_on_their_channels() -> None:
    from components.ring_switch import ring_switch

    c = gf.Component()
    for i in range(4):
        (c << ring_switch()).move((75.0 * i, 0.0))
    rep0 = analyse_thermal(c, kernel_options=KernelOptions(window_um=60.0, max_um=8.0),
                           transient=False, offsets_nm=[-0.1] * 4)
    x = rep0.crosstalk.matrix
    assert x.nnz > 4  # neighbours heat each other
    # fabricated rings: round trip of the cell plus a seeded length error; channel = design
    sw = ring_switch()
    length0 = float(sw.info["round_trip_um"])
    rng = np.random.default_rng(7)
    lengths = length0 + rng.uniform(-0.05, -0.005, 4)  # short rings: blue of their channel
    r_eff = lengths / (2 * math.pi)
    design = ring_resonances_nm(radius_um=length0 / (2 * math.pi), wl_min_nm=CENTRE_NM - 3,
                                wl_max_nm=CENTRE_NM + 3)
    channel = float(design[np.argmin(abs(design - CENTRE_NM))])
    fab = np.array([_resonance_near(L, 0.0, channel) for L in lengths])
    offsets = fab - channel
    assert np.all(offsets < 0)
    rep = analyse_thermal(c, kernel_options=KernelOptions(window_um=60.0, max_um=8.0),
                          transient=False, offsets_nm=offsets.tolist(), loaded_q=Q)
    assert rep.untunable_rings == []
    rise = rep.crosstalk.matrix @ np.asarray(rep.heater_power_mW)
    tuned = np.array([_resonance_near(L, t, channel) for L, t in zip(lengths, rise, strict=True)])
    linewidth = channel / Q
    assert np.all(np.abs(tuned - channel) < linewidth / 2), (tuned - channel, linewidth)
    assert np.all(np.asarray(rep.heater_power_mW) >= 0)
    assert r_eff.min() > 0


def test_blue_shift_needs_one_fsr_and_crosstalk_bumps_an_order() -> None:
    s, wrapped = required_shift_nm(offset_nm=np.array([0.3, -0.3]), fsr_nm=np.array([5.0, 5.0]))
    assert wrapped.tolist() == [True, False] and s.tolist() == pytest.approx([4.7, 0.3])
    # ring 1 needs almost nothing but sits next to a hot heater: it goes to its next order
    x = np.array([[1.0, 0.0], [0.3, 1.0]])
    t = tune_rings(crosstalk_K_per_mW=x, offset_nm=np.array([-2.0, -0.01]),
                   shift_nm_per_K=np.array([0.01, 0.01]), fsr_nm=np.array([5.0, 5.0]),
                   linewidth_nm=np.array([0.03, 0.03]), max_power_mW=1000.0)
    assert t.extra_fsr == [0, 1] and t.untunable == []
    assert np.allclose(t.achieved_shift_nm, t.required_shift_nm, atol=0.015)


def test_a_ring_beyond_the_heater_limit_is_untunable() -> None:
    t = tune_rings(crosstalk_K_per_mW=np.array([[1.0]]), offset_nm=np.array([-1.0]),
                   shift_nm_per_K=np.array([0.01]), fsr_nm=np.array([5.0]),
                   linewidth_nm=np.array([0.03]), max_power_mW=50.0)
    assert t.untunable == [0] and t.power_mW == [50.0]
