"""Compact models of the ring WDM filter banks ``wdm_demux`` and ``wdm_mux``.

N add-drop rings on one bus. Ports: o1 bus input, o2 bus through end, o3 .. o{N+2} the drop
ports of channels 0 .. N-1 (ascending wavelength on the grid
``components.resonance.wdm_grid_nm``). Ring k has the radius from
``components.resonance.wdm_ring_radii_um`` (resonant at channel k) and sees the through of
rings 0 .. k-1:

    S(o1, o2)     = prod_j T_j
    S(o1, o{k+3}) = D_k prod_{j<k} T_j

Light entering a drop port goes back towards o1 (reverse direction); rings it passes on the
way drop it into their unused add ports, so drop ports do not couple to each other.

The mux (as drawn by ``components.wdm_mux``) feeds channel k into ring k's *add* port; on
resonance it leaves on the bus towards o2 and passes rings k+1 .. N-1:

    S(o{k+3}, o2) = D_k prod_{j>k} T_j,    S(o1, o2) = prod_j T_j

(the bus input o1 reaches no channel port: resonant light leaves at the rings' unused drop
ends). The bus straights between rings (``spacer_um``, e.g. a bank stretched to a cell row's
pitch) add their propagation loss before each ring; the compact banks' 40 um spacers are left
out (``spacer_um=0``: 4e-4 dB each at 0.1 dB/cm). Their phase is a common factor of each path
and leaves |S| unchanged.

Example:
    >>> s = wdm_demux(wl=1.5504, channels=4, spacing_nm=0.8)
    >>> best = max(range(4), key=lambda k: abs(s[("o1", f"o{k + 3}")]))
    >>> best
    2
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from components.models.ring import (
    DEFAULT_RING_GAP_UM,
    DEFAULT_RING_RADIUS_UM,
    adddrop_response,
    ring_round_trip,
    ring_self_coupling,
)
from components.models.sdict import SDict, reciprocal, wavelength_um
from components.models.waveguide import DEFAULT_LOSS_DB_PER_CM
from components.resonance import wdm_grid_nm, wdm_ring_radii_um

__all__ = [
    "wdm_adjacent_crosstalk_dB",
    "wdm_channel_transmission",
    "wdm_demux",
    "wdm_mux",
]

# design choice: grid centred on 1550 nm (C band).
DEFAULT_CENTRE_WL_NM = 1550.0
# 0.8 nm = 100 GHz at 1550 nm, the ITU-T G.694.1 DWDM grid spacing (ITU-T Rec. G.694.1, 2020).
DEFAULT_SPACING_NM = 0.8
# design choice: 4 channels (4 x 0.8 nm fits the ~6.7 nm FSR of a 30 um ring).
DEFAULT_CHANNELS = 4


def _ring_responses(
    wl: np.ndarray, centre_wl_nm: float, spacing_nm: float, channels: int, radius_um: float,
    gap_um: float, loss_dB_per_cm: float, kappa0_per_um: float | None,
    decay_um: float | None, include_bend_loss: bool, pulley_angle_deg: float,
) -> list[dict[str, np.ndarray]]:
    """``adddrop_response`` of each ring of the bank, in channel order."""
    radii = wdm_ring_radii_um(
        centre_nm=centre_wl_nm, spacing_nm=spacing_nm, channels=channels, radius_um=radius_um
    )
    responses = []
    for r in radii:
        a, phi = ring_round_trip(
            wl=wl, radius_um=float(r), loss_dB_per_cm=loss_dB_per_cm,
            include_bend_loss=include_bend_loss,
        )
        t = ring_self_coupling(
            wl=wl, radius_um=float(r), gap_um=gap_um, kappa0_per_um=kappa0_per_um,
            decay_um=decay_um, pulley_angle_deg=pulley_angle_deg,
        )
        responses.append(adddrop_response(t, t, a, phi))
    return responses


def _spacer_amplitude(spacer_um: float, loss_dB_per_cm: float) -> float:
    """Field transmission of one bus straight of ``spacer_um`` between two rings."""
    if spacer_um < 0:
        raise ValueError(f"spacer_um={spacer_um} must be >= 0")
    return float(10 ** (-loss_dB_per_cm * spacer_um * 1e-4 / 20))


def _bank(
    wl: np.ndarray, responses: list[dict[str, np.ndarray]], spacer: float = 1.0
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Demux: bus through and each channel's drop (ring k behind rings 0 .. k-1 and k
    spacers of field transmission ``spacer``)."""
    through = np.ones(np.shape(wl), dtype=complex)
    drops = []
    for k, resp in enumerate(responses):
        if k:
            through = through * spacer
        drops.append(through * resp["drop"])
        through = through * resp["through"]
    return through, drops


def wdm_demux(
    *,
    wl: ArrayLike = 1.55,
    centre_wl_nm: float = DEFAULT_CENTRE_WL_NM,
    spacing_nm: float = DEFAULT_SPACING_NM,
    channels: int = DEFAULT_CHANNELS,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    include_bend_loss: bool = True,
    pulley_angle_deg: float = 0.0,
    spacer_um: float = 0.0,
) -> SDict:
    """S-dict of a ring demultiplexer: o1 bus in, o2 bus through, o{k+3} channel k drop.

    Args:
        wl: wavelength(s) in um.
        centre_wl_nm: grid centre in nm (default 1550).
        spacing_nm: channel spacing in nm (default 0.8, ITU-T G.694.1 100 GHz).
        channels: number of channels (default 4, design choice).
        radius_um: nominal ring radius in um (default 50, design choice); the exact radii
            come from ``wdm_ring_radii_um``.
        gap_um: ring-bus gap of every coupler in um (default 0.5, design choice).
        loss_dB_per_cm: propagation loss in dB/cm (default 0.1 [ref: SiN buried channel, 1550 nm]).
        kappa0_per_um: coupler CMT constant in 1/um (see ``ring_self_coupling``).
        decay_um: coupler gap decay length in um.
        include_bend_loss: include ring bend radiation loss.
        pulley_angle_deg: pulley wrap angle of every coupler in degrees (0 = point coupler).
        spacer_um: bus straight between neighbouring rings in um (its propagation loss is
            counted; 0 leaves the compact banks' short spacers out).

    Returns:
        S-dict (both directions) of complex arrays of shape ``np.shape(wl)``.

    Raises:
        ValueError: from ``wdm_ring_radii_um`` when channels * spacing_nm >= FSR.

    Example:
        >>> s = wdm_demux(wl=[1.5488, 1.5512], channels=4)
        >>> sorted({p for pair in s for p in pair})
        ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']
    """
    wl_arr = wavelength_um(wl)
    responses = _ring_responses(
        wl_arr, centre_wl_nm, spacing_nm, channels, radius_um, gap_um, loss_dB_per_cm,
        kappa0_per_um, decay_um, include_bend_loss, pulley_angle_deg,
    )
    through, drops = _bank(wl_arr, responses, _spacer_amplitude(spacer_um, loss_dB_per_cm))
    pairs = {("o1", "o2"): through}
    for k, d in enumerate(drops):
        pairs[("o1", f"o{k + 3}")] = d
    return reciprocal(pairs)


def wdm_mux(
    *,
    wl: ArrayLike = 1.55,
    centre_wl_nm: float = DEFAULT_CENTRE_WL_NM,
    spacing_nm: float = DEFAULT_SPACING_NM,
    channels: int = DEFAULT_CHANNELS,
    radius_um: float = DEFAULT_RING_RADIUS_UM,
    gap_um: float = DEFAULT_RING_GAP_UM,
    loss_dB_per_cm: float = DEFAULT_LOSS_DB_PER_CM,
    kappa0_per_um: float | None = None,
    decay_um: float | None = None,
    include_bend_loss: bool = True,
    pulley_angle_deg: float = 0.0,
    spacer_um: float = 0.0,
) -> SDict:
    """S-dict of a ring multiplexer: channel k enters o{k+3} (ring k's add port), all leave at o2.

    Parameters and units as :func:`wdm_demux`.

    Example:
        >>> s = wdm_mux(wl=1.5496)
        >>> float(abs(s[("o4", "o2")]) ** 2) > 0.5
        True
    """
    wl_arr = wavelength_um(wl)
    resp = _ring_responses(
        wl_arr, centre_wl_nm, spacing_nm, channels, radius_um, gap_um, loss_dB_per_cm,
        kappa0_per_um, decay_um, include_bend_loss, pulley_angle_deg,
    )
    spacer = _spacer_amplitude(spacer_um, loss_dB_per_cm)
    pairs = {}
    after = np.ones(wl_arr.shape, dtype=complex)  # through of the rings downstream of ring k
    for k in reversed(range(len(resp))):
        pairs[(f"o{k + 3}", "o2")] = resp[k]["drop"] * after
        after = after * resp[k]["through"] * (spacer if k else 1.0)
    pairs[("o1", "o2")] = after
    return reciprocal(pairs)


def wdm_channel_transmission(*, wl: ArrayLike = 1.55, **params: Any) -> np.ndarray:
    """Power transmission |S(o1, o{k+3})|^2 from the bus input to every channel's drop port.

    Args:
        wl: wavelength(s) in um.
        **params: any :func:`wdm_demux` parameter (``channels``, ``spacing_nm`` ...).

    Returns:
        float array of shape ``(channels,) + np.shape(wl)``.

    Example:
        >>> wdm_channel_transmission(wl=[1.5488, 1.5496], channels=4).shape
        (4, 2)
    """
    s = wdm_demux(wl=wl, **params)
    n = int(params.get("channels", DEFAULT_CHANNELS))
    return np.stack([np.abs(s[("o1", f"o{k + 3}")]) ** 2 for k in range(n)])


def wdm_adjacent_crosstalk_dB(**params: float) -> np.ndarray:
    """Adjacent-channel crosstalk of the demux at each grid wavelength, in dB.

    For channel k at its grid wavelength: 10 log10(max over neighbours j = k +- 1 of
    |S(o1, o{j+3})|^2 / |S(o1, o{k+3})|^2).

    Args:
        **params: any :func:`wdm_demux` parameter except ``wl``.

    Returns:
        float array of shape ``(channels,)`` (dB, negative = suppressed); -inf for one channel.

    Example:
        >>> xt = wdm_adjacent_crosstalk_dB(channels=4, spacing_nm=0.8)
        >>> bool(np.all(xt < -20.0))
        True
    """
    n = int(params.get("channels", DEFAULT_CHANNELS))
    grid = wdm_grid_nm(
        centre_nm=float(params.get("centre_wl_nm", DEFAULT_CENTRE_WL_NM)),
        spacing_nm=float(params.get("spacing_nm", DEFAULT_SPACING_NM)),
        channels=n,
    )
    power = wdm_channel_transmission(wl=grid * 1e-3, **params)  # (channel port, wavelength)
    out = np.full(n, -np.inf)
    for k in range(n):
        neighbours = [j for j in (k - 1, k + 1) if 0 <= j < n]
        if neighbours:
            leak = max(power[j, k] for j in neighbours)
            out[k] = 10.0 * np.log10(leak / power[k, k])
    return out
