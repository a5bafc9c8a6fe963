"""Compact models of SiN micro-rings: ``ring_allpass`` (o1 in, o2 through) and ``ring_adddrop``.

Add-drop ports: o1 bottom-left (input), o2 bottom-right (through), o3 top-right (add),
o4 top-left (drop). Light into o1 on resonance leaves at o4; light into o3 leaves at o2 on
resonance and at o4 off resonance.

Physics (field amplitudes; Bogaerts et al., Laser Photon. Rev. 6, 47 (2012)):

- round trip: length L = 2 pi R, amplitude a (propagation loss ``loss_dB_per_cm`` [ref: SiN
  buried channel, 1550 nm] plus the radiation of the ring's circular arcs of radius
  ``bend_radius_um`` from the vectorial mode table, ``components.models.mode_table``: 3D,
  1550 nm; a racetrack's straights radiate nothing), phase
  phi = 2 pi OL(wl) / wl + pi P / P_pi (heater; P_pi = 25 mW
  [ref: Ring heaters, conventional], heating red-shifts), with the optical length
  OL = n_eff(wl, R_arc) 2 pi R_arc + n_eff(wl) (L - 2 pi R_arc): the arcs at the bent mode's
  index (+6e-4 at 50 um), a racetrack's straights at the straight one
  (``components.resonance.ring_optical_length_um``, which also designs the radii);
- point coupler (t, i kappa), t = cos(theta), kappa = sin(theta). Coupled-mode theory gives a
  local coupling kappa0 exp(-g/d) between parallel guides (Yariv, IEEE JQE 9, 919 (1973));
  along a ring the gap grows as g + z^2 / (2R), so integrating over z
  (Little et al., J. Lightwave Technol. 15, 998 (1997)) gives
  theta = kappa0 exp(-gap/d) sqrt(2 pi R d).
  A pulley coupler (bus wrapped concentrically over ``pulley_angle_deg`` at the same gap)
  adds its wrap length R * angle to the interaction length (phase matching assumed):
  theta = kappa0 exp(-gap/d) (sqrt(2 pi R d) + R * angle_rad).
  d defaults to the mode's evanescent decay length (mode solver); kappa0 = 0.06 /um is an
  unsourced estimate. Both are parameters; the PDK binds a calibration's ``ring_coupler``
  section into every ring model (``components.models.calibration``). The FDTD fit
  (``python -m simulation.fdtd.calibrate``, bus + half ring, 2D effective index) is recorded
  as ``ring_coupler_fdtd`` and applied only when renamed ``ring_coupler`` (it re-tunes rings).
  This is the toolkit's one coupling law: cells, spec checks and models all use it.
  The ring's arcs are circular, so their loss is the table's alpha(R) over 2 pi R (no Euler
  profile); at 1550 nm a 30 um ring loses 0.65 dB per round trip to radiation, a 50 um ring
  0.017 dB.

Example:
    >>> s = ring_allpass(wl=[1.55, 1.551])
    >>> bool(np.all(abs(s[("o1", "o2")]) <= 1))
    True
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from components.models.mode_table import bend_loss_dB
from components.models.sdict import (
    SDict,
    amplitude_from_dB,
    check_nonnegative,
    check_positive,
    reciprocal,
    wavelength_um,
)
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM
from components.models.waveguide_modes import (
    WG_THICKNESS_UM,
    WG_WIDTH_UM,
    evanescent_decay_um,
)
from components.resonance import heater_p_pi_mW as _resolve_p_pi_mW
from components.resonance import ring_group_length_um, ring_optical_length_um

__all__ = [
    "DEFAULT_KAPPA0_PER_UM",
    "DEFAULT_RING_GAP_UM",
    "DEFAULT_RING_RADIUS_UM",
    "adddrop_response",
    "ring_adddrop",
    "ring_allpass",
    "ring_gap_for_self_coupling_um",
    "ring_loaded_q",
    "ring_round_trip",
    "arcs_and_straights_um",
    "ring_round_trip_amplitude",
    "ring_self_coupling",
]

# design choice (not a published figure): 50 um. Radiation (3D vectorial, 1550 nm) is 0.017 dB
# per round trip, below the 0.1 dB/cm propagation loss over the ring (0.003 dB) times 6, so
# intrinsic Q ~ 6e5 (a 30 um ring radiates 0.65 dB: Q ~ 2e4, drop 0.06 at a 0.3 um gap); and
# the FSR (4.0 nm) still holds a 4 x 0.8 nm WDM grid (FSR > 3.2 nm needs R < 62 um).
DEFAULT_RING_RADIUS_UM = 50.0
# design choice (not a published figure): 0.5 um ring-bus gap, 2x the WG.S.1 space rule
# (0.25 um); gives ~2 % power coupling at R = 30 um with the coupler constants below.
DEFAULT_RING_GAP_UM = 0.5
# unsourced estimate: local CMT coupling coefficient at zero gap (1/um) for two 0.8 x 0.3 um
# SiN strips; to be replaced by FDTD calibration (calibration.json ring_coupler.kappa0_per_um).
DEFAULT_KAPPA0_PER_UM = 0.06


def _coupler_constants(
    wl: np.ndarray, kappa0_per_um: float | None, decay_um: float | None,
    width_um: float, thickness_um: float,
) -> tuple[float, np.ndarray]:
    k0 = DEFAULT_KAPPA0_PER_UM if kappa0_per_um is None else kappa0_per_um
    k0 = check_positive("kappa0_per_um", k0, "1/um")
    if decay_um is None:
        d = evanescent_decay_um(wl, width_um=width_um, thickness_um=thickness_um)
    else:
        d = np.full(np.shape(wl), check_positive("decay_um", decay_um, "um"))
    return k0, d


def ring_self_coupling(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> np.ndarray:
    """Field self-coupling t = cos(theta) of a ring-bus point coupler.

    theta = kappa0 exp(-gap/d) sqrt(2 pi R d) (CMT, see module docstring); the power coupled
    into the ring is kappa^2 = 1 - t^2.

    Args:
        wl: wavelength(s) in um.
        radius_um: ring radius in um (> 0).
        gap_um: edge-to-edge ring-bus gap in um (>= 0).
        kappa0_per_um: CMT coupling at zero gap in 1/um (None: 0.06, unsourced estimate).
        decay_um: gap decay length in um (None: the mode's evanescent decay).
        pulley_angle_deg: wrap angle of a pulley coupler in degrees (0 = point coupler).
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        t (float array, shape ``np.shape(wl)``), 0 <= |t| <= 1.

    Example:
        >>> t = ring_self_coupling(wl=1.55, radius_um=30.0, gap_um=0.5, kappa0_per_um=0.06)
        >>> 0.01 < float(1 - t**2) < 0.3
        True
    """
    wl_arr = wavelength_um(wl)
    r = check_positive("radius_um", radius_um, "um")
    g = check_nonnegative("gap_um", gap_um, "um")
    k0, d = _coupler_constants(wl_arr, kappa0_per_um, decay_um, width_um, thickness_um)
    wrap_um = r * np.radians(check_nonnegative("pulley_angle_deg", pulley_angle_deg, "deg"))
    theta = k0 * np.exp(-g / d) * (np.sqrt(2.0 * np.pi * r * d) + wrap_um)
    return np.cos(theta)


def ring_gap_for_self_coupling_um(
    *,
    self_coupling: float,
    wl: float = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> float:
    """Gap (um) that gives field self-coupling ``self_coupling`` at one wavelength (inverse of
    :func:`ring_self_coupling`, first lobe of the CMT transfer).

    Args:
        self_coupling: target t, 0 < t < 1.
        wl: wavelength in um (scalar).
        radius_um: ring radius in um.
        kappa0_per_um: as in :func:`ring_self_coupling`.
        decay_um: as in :func:`ring_self_coupling`.
        pulley_angle_deg: as in :func:`ring_self_coupling`.
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        gap in um (>= 0).

    Raises:
        ValueError: naming ``self_coupling`` if out of range or not reachable at gap >= 0.

    Example:
        >>> g = ring_gap_for_self_coupling_um(self_coupling=0.99, radius_um=30.0)
        >>> round(float(ring_self_coupling(radius_um=30.0, gap_um=g)), 6)
        0.99
    """
    t = float(self_coupling)
    if not 0.0 < t < 1.0:
        raise ValueError(f"self_coupling must be in (0, 1), got {self_coupling!r}")
    wl_arr = wavelength_um(wl)
    if wl_arr.ndim:
        raise ValueError("wl must be a scalar wavelength in um")
    r = check_positive("radius_um", radius_um, "um")
    k0, d_arr = _coupler_constants(wl_arr, kappa0_per_um, decay_um, width_um, thickness_um)
    d = float(d_arr)
    theta = math.acos(t)
    wrap_um = r * math.radians(check_nonnegative("pulley_angle_deg", pulley_angle_deg, "deg"))
    gap = -d * math.log(theta / (k0 * (math.sqrt(2.0 * math.pi * r * d) + wrap_um)))
    if gap < 0:
        raise ValueError(
            f"self_coupling={t} needs more coupling than a zero gap gives at radius_um={r}"
        )
    return gap


def arcs_and_straights_um(
    *, radius_um: float, bend_radius_um: float | None = None
) -> tuple[float, float]:
    """Split a ring's round trip 2 pi ``radius_um`` into its arcs' radius and its straights.

    Args:
        radius_um: radius in um of the circle with the ring's round trip (> 0).
        bend_radius_um: radius of the ring's circular arcs in um (None: ``radius_um``, a circle;
            at most ``radius_um``).

    Returns:
        ``(arc radius in um, total straight length in um)``.

    Example:
        >>> r, s = arcs_and_straights_um(radius_um=50.0 + 30.0 / math.pi, bend_radius_um=50.0)
        >>> r, round(s, 9)
        (50.0, 60.0)
    """
    r = check_positive("radius_um", radius_um, "um")
    if bend_radius_um is None:
        return r, 0.0
    rb = check_positive("bend_radius_um", bend_radius_um, "um")
    if rb > r * (1 + 1e-9):
        raise ValueError(f"bend_radius_um={rb} exceeds the equivalent radius_um={r}")
    return rb, max(2.0 * math.pi * (r - rb), 0.0)


def ring_round_trip_amplitude(
    *,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    include_bend_loss: bool = True,
    bend_radius_um: float | None = None,
    wl_um: float = 1.55,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
) -> float:
    """Round-trip field amplitude a of a ring: propagation loss plus its arcs' radiation.

    Args:
        radius_um: radius in um of the circle with the ring's round trip (L = 2 pi R).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        include_bend_loss: add the radiation of a full circle of radius ``bend_radius_um``
            (vectorial mode table, ``components.models.mode_table``).
        bend_radius_um: radius of the ring's circular arcs in um (None: ``radius_um``, a
            circular ring; a racetrack's is smaller than its equivalent circle's).
        wl_um: wavelength in um of the radiation loss.
        width_um: core width in um.
        thickness_um: core thickness in um.

    Returns:
        a (dimensionless, 0 < a <= 1).

    Example:
        >>> ring_round_trip_amplitude(radius_um=30.0, loss_dB_per_cm=0.0, include_bend_loss=False)
        1.0
        >>> a = ring_round_trip_amplitude(radius_um=30.0, loss_dB_per_cm=0.0)
        >>> round(-20 * math.log10(a), 2)
        0.65
    """
    r = check_positive("radius_um", radius_um, "um")
    loss = check_nonnegative("loss_dB_per_cm", loss_dB_per_cm, "dB/cm")
    loss_dB = loss * 2.0 * math.pi * r * 1e-4
    if include_bend_loss:
        rb, _ = arcs_and_straights_um(radius_um=r, bend_radius_um=bend_radius_um)
        loss_dB += bend_loss_dB(
            radius_um=rb, angle_deg=360.0, p=0.0, wl_um=wl_um, width_um=width_um,
            thickness_um=thickness_um,
        )
    return float(amplitude_from_dB(loss_dB))


def ring_loaded_q(
    *,
    wl_um: float = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    gap_drop_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    include_bend_loss: bool = True,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    bend_radius_um: float | None = None,
) -> float:
    """Loaded Q of an add-drop ring (or all-pass, with ``gap_drop_um=inf``).

    Q_L = pi n_g L sqrt(t1 t2 a) / (wl (1 - t1 t2 a)) (Bogaerts et al., Laser Photon. Rev. 6,
    47 (2012)) with the self-couplings t1, t2 of :func:`ring_self_coupling` (the one coupling
    law) and the round-trip amplitude a of :func:`ring_round_trip_amplitude`; n_g L is the
    group length of the arcs (bent n_g) and straights
    (``components.resonance.ring_group_length_um``).

    Args:
        wl_um: wavelength in um.
        radius_um: radius in um of the circle with the ring's round trip (L = 2 pi R).
        gap_um: gap of the input bus in um.
        gap_drop_um: gap of the drop bus in um (None: the same as ``gap_um``; use
            ``float("inf")`` for an all-pass ring).
        loss_dB_per_cm: propagation loss in dB/cm.
        include_bend_loss: add the bend radiation loss to the round trip.
        kappa0_per_um: coupling-law constant (None: the default estimate).
        decay_um: coupling-law decay length in um (None: the mode's evanescent decay).
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``).

    Returns:
        the loaded quality factor (dimensionless).

    Example:
        >>> q = ring_loaded_q(radius_um=40.0, gap_um=0.3)
        >>> 1e3 < q < 1e7
        True
    """
    r = check_positive("radius_um", radius_um, "um")

    def t_of(gap: float) -> float:
        return float(ring_self_coupling(
            wl=wl_um, radius_um=r, gap_um=gap, kappa0_per_um=kappa0_per_um, decay_um=decay_um
        ))

    t1 = t_of(gap_um)
    drop = gap_um if gap_drop_um is None else gap_drop_um
    t2 = 1.0 if math.isinf(drop) else t_of(drop)
    a = ring_round_trip_amplitude(
        radius_um=r, loss_dB_per_cm=loss_dB_per_cm, include_bend_loss=include_bend_loss,
        bend_radius_um=bend_radius_um, wl_um=wl_um,
    )
    x = t1 * t2 * a
    arc_um, straight_um = arcs_and_straights_um(radius_um=r, bend_radius_um=bend_radius_um)
    gl = float(ring_group_length_um(wl_um, radius_um=arc_um, straight_um=straight_um))
    return float(math.pi * gl * math.sqrt(x) / (wl_um * (1.0 - x)))


def ring_round_trip(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    heater_power_mW: float = 0.0,
    heater_p_pi_mW: float | None = None,
    include_bend_loss: bool = True,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> tuple[float, np.ndarray]:
    """Round-trip amplitude a and phase phi (rad) of a ring.

    phi = 2 pi OL(wl) / wl + pi P / P_pi, OL the optical length of the arcs (radius
    ``bend_radius_um``, bent n_eff) and the straights (the rest of 2 pi ``radius_um``, straight
    n_eff); resonance where phi is a multiple of 2 pi.

    Args:
        wl: wavelength(s) in um.
        radius_um: ring radius in um.
        loss_dB_per_cm: propagation loss in dB/cm.
        heater_power_mW: heater power in mW (>= 0).
        heater_p_pi_mW: mW per pi of round-trip phase (None: 25 mW
            [ref: Ring heaters, conventional]).
        include_bend_loss: include the bend radiation loss in ``a``.
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``); the radiation
            loss is taken at the mean of ``wl``.

    Returns:
        ``(a, phi)``: float, float array of shape ``np.shape(wl)``.

    Example:
        >>> a, phi = ring_round_trip(wl=1.55, radius_um=50.0)
        >>> round(a, 4), phi.shape
        (0.9977, ())
    """
    wl_arr = wavelength_um(wl)
    a = ring_round_trip_amplitude(
        radius_um=radius_um, loss_dB_per_cm=loss_dB_per_cm, include_bend_loss=include_bend_loss,
        bend_radius_um=bend_radius_um, wl_um=float(np.mean(wl_arr)), width_um=width_um,
        thickness_um=thickness_um,
    )
    p = check_nonnegative("heater_power_mW", heater_power_mW, "mW")
    arc_um, straight_um = arcs_and_straights_um(radius_um=radius_um, bend_radius_um=bend_radius_um)
    ol = ring_optical_length_um(
        wl_arr, radius_um=arc_um, straight_um=straight_um, width_um=width_um,
        thickness_um=thickness_um,
    )
    phi = 2.0 * np.pi * ol / wl_arr
    if p:
        phi = phi + np.pi * p / _resolve_p_pi_mW(heater_p_pi_mW)
    return a, phi


def adddrop_response(
    t_bottom: ArrayLike, t_top: ArrayLike, a: float, phi: ArrayLike
) -> dict[str, np.ndarray]:
    """Field responses of an add-drop ring from its couplers and round trip.

    D = 1 - t1 t2 a e^{i phi}; through = (t1 - t2 a e^{i phi}) / D;
    drop = -k1 k2 sqrt(a) e^{i phi/2} / D; add-side through = (t2 - t1 a e^{i phi}) / D.
    With ``t_top = 1`` this is the all-pass ring.

    Args:
        t_bottom: self-coupling of the input-bus coupler (o1/o2).
        t_top: self-coupling of the drop-bus coupler (o3/o4).
        a: round-trip field amplitude.
        phi: round-trip phase in rad.

    Returns:
        dict with complex arrays ``through`` (o1->o2), ``drop`` (o1->o4, = o3->o2) and
        ``add_through`` (o3->o4).

    Example:
        >>> r = adddrop_response(0.9, 0.9, 1.0, 0.0)
        >>> round(float(abs(r["through"]) ** 2 + abs(r["drop"]) ** 2), 12)
        1.0
    """
    t1 = np.asarray(t_bottom, dtype=float)
    t2 = np.asarray(t_top, dtype=float)
    k1 = np.sqrt(np.clip(1.0 - t1**2, 0.0, None))
    k2 = np.sqrt(np.clip(1.0 - t2**2, 0.0, None))
    e = np.exp(1j * np.asarray(phi, dtype=float))
    den = 1.0 - t1 * t2 * a * e
    return {
        "through": (t1 - t2 * a * e) / den,
        "drop": -k1 * k2 * np.sqrt(a) * np.exp(0.5j * np.asarray(phi, dtype=float)) / den,
        "add_through": (t2 - t1 * a * e) / den,
    }


def ring_allpass(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    heater_power_mW: float = 0.0,
    heater_p_pi_mW: float | None = None,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    include_bend_loss: bool = True,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> SDict:
    """S-dict of an all-pass ring: o1 (in) <-> o2 (through).

    Args:
        wl: wavelength(s) in um.
        radius_um: ring radius in um (default 50, design choice).
        gap_um: ring-bus gap in um (default 0.5, design choice).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        heater_power_mW: heater power in mW (red-shifts the resonances).
        heater_p_pi_mW: mW per pi round-trip phase (default 25 [ref: Ring heaters, conventional]).
        kappa0_per_um: coupler CMT constant in 1/um (see :func:`ring_self_coupling`).
        decay_um: coupler gap decay length in um (see :func:`ring_self_coupling`).
        pulley_angle_deg: pulley wrap angle in degrees (0 = point coupler; the pulley cells
            default to 30, so netlists should pass the cell's angle).
        include_bend_loss: include bend radiation loss in the round trip.
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``).

    Returns:
        ``{("o1","o2"), ("o2","o1")}`` -> complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = ring_allpass(wl=1.55, radius_um=30.0, gap_um=0.5)
        >>> float(abs(s[("o1", "o2")])) <= 1.0
        True
    """
    a, phi = ring_round_trip(
        wl=wl, radius_um=radius_um, loss_dB_per_cm=loss_dB_per_cm,
        heater_power_mW=heater_power_mW, heater_p_pi_mW=heater_p_pi_mW,
        include_bend_loss=include_bend_loss, width_um=width_um, thickness_um=thickness_um,
        bend_radius_um=bend_radius_um,
    )
    t = ring_self_coupling(
        wl=wl, radius_um=radius_um, gap_um=gap_um, kappa0_per_um=kappa0_per_um,
        decay_um=decay_um, pulley_angle_deg=pulley_angle_deg, width_um=width_um,
        thickness_um=thickness_um,
    )
    r = adddrop_response(t, 1.0, a, phi)
    return reciprocal({("o1", "o2"): r["through"]})


def ring_adddrop(
    *,
    wl: ArrayLike = 1.55,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    gap_top_um: float | None = None,
    gap_bottom_um: float | None = None,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    heater_power_mW: float = 0.0,
    heater_p_pi_mW: float | None = None,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    pulley_angle_deg: float = 0.0,
    include_bend_loss: bool = True,
    width_um: float = WG_WIDTH_UM,
    thickness_um: float = WG_THICKNESS_UM,
    bend_radius_um: float | None = None,
) -> SDict:
    """S-dict of an add-drop ring: o1 in, o2 through, o3 add, o4 drop.

    Nonzero pairs (both directions): (o1,o2) through, (o1,o4) drop, (o3,o2) add->through-bus,
    (o3,o4) add-side through.

    Args:
        wl: wavelength(s) in um.
        radius_um: ring radius in um (default 50, design choice).
        gap_um: gap of both couplers in um (default 0.5, design choice).
        gap_top_um: gap of the o3/o4 (drop-bus) coupler in um, overrides ``gap_um``.
        gap_bottom_um: gap of the o1/o2 (input-bus) coupler in um, overrides ``gap_um``.
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        heater_power_mW: heater power in mW.
        heater_p_pi_mW: mW per pi round-trip phase (default 25 [ref: Ring heaters, conventional]).
        kappa0_per_um: coupler CMT constant in 1/um.
        decay_um: coupler gap decay length in um.
        pulley_angle_deg: pulley wrap angle of both couplers in degrees (0 = point coupler).
        include_bend_loss: include bend radiation loss in the round trip.
        width_um: core width in um.
        thickness_um: core thickness in um.
        bend_radius_um: radius of the ring's arcs in um (None: ``radius_um``).

    Returns:
        S-dict of complex arrays of shape ``np.shape(wl)``.

    Example:
        >>> s = ring_adddrop(wl=1.55, loss_dB_per_cm=0.0, include_bend_loss=False)
        >>> p = abs(s[("o1", "o2")]) ** 2 + abs(s[("o1", "o4")]) ** 2
        >>> round(float(p), 9)
        1.0
    """
    a, phi = ring_round_trip(
        wl=wl, radius_um=radius_um, loss_dB_per_cm=loss_dB_per_cm,
        heater_power_mW=heater_power_mW, heater_p_pi_mW=heater_p_pi_mW,
        include_bend_loss=include_bend_loss, width_um=width_um, thickness_um=thickness_um,
        bend_radius_um=bend_radius_um,
    )

    def t_of(gap: float) -> np.ndarray:
        return ring_self_coupling(
            wl=wl, radius_um=radius_um, gap_um=gap, kappa0_per_um=kappa0_per_um,
            decay_um=decay_um, pulley_angle_deg=pulley_angle_deg, width_um=width_um,
            thickness_um=thickness_um,
        )

    t_bot = t_of(gap_um if gap_bottom_um is None else gap_bottom_um)
    t_top = t_of(gap_um if gap_top_um is None else gap_top_um)
    r = adddrop_response(t_bot, t_top, a, phi)
    return reciprocal({
        ("o1", "o2"): r["through"],
        ("o1", "o4"): r["drop"],
        ("o3", "o2"): r["drop"],
        ("o3", "o4"): r["add_through"],
    })
