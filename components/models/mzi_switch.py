"""Compact model of the broadband MZI 1x2 switch (``mzi_switch``): o1 in, o2 / o3 out.

Built from its parts' models: the ``mmi1x2`` splitter (o2 -> upper arm, o3 -> lower arm, in
phase), two equal arms of SiN strip (propagation loss and phase,
``components.models.waveguide.propagation``), the heater's phase on the upper arm, and the
``mmi2x2`` combiner (upper arm -> its o2, lower -> o1; o3 -> the switch's o2, o4 -> o3). With
the combiner's cross paths at theta = +-90 deg from its bar paths, the upper output o2 peaks
at a heater phase of theta and o3 at -theta (taken in [0, 2 pi): heating only adds phase).
The 2D FDTD of the combiner gives theta = -89.6 deg (calibration section ``mmi``; the model
takes -90, the nearest passive value), so:

- ``state="bar"``: o1 -> o2, heater at 3 P_pi / 2 (37.5 mW at P_pi = 25 mW);
- ``state="cross"``: o1 -> o3, heater at P_pi / 2 (12.5 mW).

Heater phase: phi = pi (P / P_pi) (lambda_0 / lambda), the thermo-optic index change acting
over the heated length at fixed power (P_pi from ``components.resonance.heater_p_pi_mW``:
25 mW per pi [ref: Ring heaters, conventional], the ring heaters' figure for the same TiN
line over the same strip; a calibration's ``ring_heater.p_pi_mW`` is bound by the PDK).
Equal arms make the switch broadband: the only wavelength dependence is the MMIs' defocus and
the heater's lambda_0 / lambda. Reflections are not modelled, so (o2, o3) is zero.

The MMIs' calibrated constants (``qc_pdk/data/calibration.json``, section ``mmi``) reach this
model through ``splitter_*`` / ``combiner_*`` keywords, bound by the PDK.

Example:
    >>> s = mzi_switch(wl=1.55, state="bar")
    >>> t2, t3 = (float(abs(s[("o1", p)][()]) ** 2) for p in ("o2", "o3"))
    >>> bool(t2 > 0.95 and 10 * np.log10(t2 / t3) > 20)
    True
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from components.models.mmi import (
    DEFAULT_MMI1X2_LENGTH_UM,
    DEFAULT_MMI2X2_LENGTH_UM,
    MMI1X2_FIT,
    MMI2X2_FIT,
    mmi1x2,
    mmi2x2,
)
from components.models.sdict import SDict, check_nonnegative, reciprocal, wavelength_um
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM, propagation
from components.resonance import heater_p_pi_mW as _resolve_p_pi_mW

__all__ = [
    "DEFAULT_MZI_ARM_LENGTH_UM",
    "DEFAULT_MZI_ARM_SPACING_UM",
    "DEFAULT_MZI_HEATER_LENGTH_UM",
    "DEFAULT_MZI_OUTPUT_LENGTH_UM",
    "DEFAULT_MZI_OUTPUT_SPACING_UM",
    "DEFAULT_MZI_SBEND_LENGTH_UM",
    "MZI_STATES",
    "mzi_state_power_mW",
    "mzi_switch",
]

# the cell's defaults (components/mzi_switch.py), here so the model imports without gdsfactory
DEFAULT_MZI_ARM_SPACING_UM = 30.0
DEFAULT_MZI_HEATER_LENGTH_UM = 60.0
DEFAULT_MZI_SBEND_LENGTH_UM = 60.0
DEFAULT_MZI_OUTPUT_SPACING_UM = 30.0
#: one arm of the default cell: two 60 um S-bends (13.5 um offsets) + the 60 um heated straight,
#: and the output fan-out (one 60 um S-bend per output); tests/components/test_mzi_switch.py
#: checks both against the drawn cell
DEFAULT_MZI_ARM_LENGTH_UM = 184.186
DEFAULT_MZI_OUTPUT_LENGTH_UM = 62.093
WL0_UM = 1.55
MZI_STATES = ("bar", "cross")


def mzi_state_power_mW(
    state: str, *, heater_p_pi_mW: float | None = None,
    combiner_cross_phase_deg: float = MMI2X2_FIT["cross_phase_deg"],
) -> float:
    """Heater power (mW) that sets the switch in ``state`` ("bar": o1 -> o2, "cross": o1 -> o3).

    Args:
        state: "bar" or "cross".
        heater_p_pi_mW: mW per pi of heater phase (default 25 [ref: Ring heaters, conventional]).
        combiner_cross_phase_deg: the combiner's cross-path phase theta (deg): o2 peaks at a
            heater phase of theta, o3 at -theta (both taken in [0, 2 pi): heating only adds).

    Returns:
        P_pi / 2 and 3 P_pi / 2 (bar and cross at theta = +90 deg, swapped at -90 deg).

    Example:
        >>> mzi_state_power_mW("bar", heater_p_pi_mW=20.0, combiner_cross_phase_deg=-90.0)
        30.0
        >>> mzi_state_power_mW("cross", heater_p_pi_mW=20.0, combiner_cross_phase_deg=-90.0)
        10.0
    """
    if state not in MZI_STATES:
        raise ValueError(f"state must be one of {MZI_STATES}, got {state!r}")
    theta = float(combiner_cross_phase_deg) / 180.0
    phase_pi = (theta if state == "bar" else -theta) % 2.0
    return phase_pi * _resolve_p_pi_mW(heater_p_pi_mW)


def mzi_switch(
    *,
    wl: ArrayLike = 1.55,
    state: Literal["bar", "cross"] | None = "bar",
    heater_power_mW: float | None = None,
    heater_p_pi_mW: float | None = None,
    arm_length_um: float = DEFAULT_MZI_ARM_LENGTH_UM,
    output_length_um: float = DEFAULT_MZI_OUTPUT_LENGTH_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    splitter_length_mmi_um: float = DEFAULT_MMI1X2_LENGTH_UM,
    splitter_excess_loss_dB: float = MMI1X2_FIT["excess_loss_dB"],
    splitter_imbalance_dB: float = MMI1X2_FIT["imbalance_dB"],
    splitter_imaging_length_um: float = MMI1X2_FIT["imaging_length_um"],
    splitter_defocus_loss_dB: float = MMI1X2_FIT["defocus_loss_dB"],
    combiner_length_mmi_um: float = DEFAULT_MMI2X2_LENGTH_UM,
    combiner_excess_loss_dB: float = MMI2X2_FIT["excess_loss_dB"],
    combiner_imbalance_dB: float = MMI2X2_FIT["imbalance_dB"],
    combiner_imaging_length_um: float = MMI2X2_FIT["imaging_length_um"],
    combiner_defocus_loss_dB: float = MMI2X2_FIT["defocus_loss_dB"],
    combiner_imbalance_slope_dB: float = MMI2X2_FIT["imbalance_slope_dB"],
    combiner_cross_phase_deg: float = MMI2X2_FIT["cross_phase_deg"],
) -> SDict:
    """S-dict of the MZI switch: o1 -> o2 and o1 -> o3 (both directions).

    Args:
        wl: wavelength(s) in um.
        state: "bar" (o1 -> o2) or "cross" (o1 -> o3): sets the heater to
            :func:`mzi_state_power_mW`; ignored when ``heater_power_mW`` is given; None with
            no power is the unheated switch (a 3 dB split).
        heater_power_mW: heater power in mW (>= 0), overriding ``state``.
        heater_p_pi_mW: mW per pi of heater phase (default 25 [ref: Ring heaters,
            conventional]; the PDK binds a calibration's).
        arm_length_um: optical length of each arm in um (the cell's ``info["arm_length_um"]``).
        output_length_um: length of each output's fan-out S-bend in um (``info``), after the
            combiner.
        loss_dB_per_cm: arm propagation loss in dB/cm.
        splitter_length_mmi_um, splitter_excess_loss_dB, splitter_imbalance_dB,
        splitter_imaging_length_um, splitter_defocus_loss_dB: the ``mmi1x2`` model's arguments.
        combiner_length_mmi_um, combiner_excess_loss_dB, combiner_imbalance_dB,
        combiner_imaging_length_um, combiner_defocus_loss_dB, combiner_imbalance_slope_dB,
        combiner_cross_phase_deg: the ``mmi2x2`` model's arguments.

    Returns:
        ``(o1, o2)``, ``(o1, o3)`` and reverses; complex arrays of shape ``np.shape(wl)``.

    Raises:
        ValueError: an unknown state or a parameter out of range (named).

    Example:
        >>> s = mzi_switch(wl=[1.5468, 1.5532], state="cross")
        >>> np.round(-10 * np.log10(abs(s[("o1", "o3")]) ** 2), 2).tolist()
        [0.12, 0.12]
    """
    w = wavelength_um(wl)
    if heater_power_mW is not None:
        power = check_nonnegative("heater_power_mW", heater_power_mW, "mW")
    elif state is None:
        power = 0.0
    else:
        power = mzi_state_power_mW(state, heater_p_pi_mW=heater_p_pi_mW,
                                   combiner_cross_phase_deg=combiner_cross_phase_deg)
    phi = np.pi * power / _resolve_p_pi_mW(heater_p_pi_mW) * (WL0_UM / w)
    split = mmi1x2(wl=w, length_mmi_um=splitter_length_mmi_um,
                   excess_loss_dB=splitter_excess_loss_dB, imbalance_dB=splitter_imbalance_dB,
                   imaging_length_um=splitter_imaging_length_um,
                   defocus_loss_dB=splitter_defocus_loss_dB)
    comb = mmi2x2(wl=w, length_mmi_um=combiner_length_mmi_um,
                  excess_loss_dB=combiner_excess_loss_dB, imbalance_dB=combiner_imbalance_dB,
                  imaging_length_um=combiner_imaging_length_um,
                  defocus_loss_dB=combiner_defocus_loss_dB,
                  imbalance_slope_dB=combiner_imbalance_slope_dB,
                  cross_phase_deg=combiner_cross_phase_deg)
    arm = propagation(wl=w, length_um=arm_length_um, loss_dB_per_cm=loss_dB_per_cm)
    out = propagation(wl=w, length_um=output_length_um, loss_dB_per_cm=loss_dB_per_cm)
    upper = split[("o1", "o2")] * arm * np.exp(1j * phi)  # reaches combiner o2
    lower = split[("o1", "o3")] * arm  # reaches combiner o1
    return reciprocal({
        ("o1", "o2"): (upper * comb[("o2", "o3")] + lower * comb[("o1", "o3")]) * out,
        ("o1", "o3"): (upper * comb[("o2", "o4")] + lower * comb[("o1", "o4")]) * out,
    })
