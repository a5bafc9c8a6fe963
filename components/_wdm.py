"""Shared builder of the WDM ring filter banks (``wdm_demux`` / ``wdm_mux``)."""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_ring
from components.bend_euler import bend_euler
from components.models.ring import DEFAULT_RING_GAP_UM
from components.resonance import ring_resonances_nm, wdm_grid_nm, wdm_ring_radii_um
from components.ring_adddrop import ring_adddrop
from components.straight import straight

RING_SPACING_UM = 40.0  # bus straight between neighbouring filters (room for the port bends)


def min_channel_pitch_um(
    *, radius: float, gap: float = DEFAULT_RING_GAP_UM, cross_section: CrossSectionSpec = "strip"
) -> float:
    """Least ``channel_pitch_um`` (um) a bank of ``radius`` rings accepts: a ring's bus
    length plus ``RING_SPACING_UM`` (the rings' port bends keep clear of each other).

    Example:
        >>> min_channel_pitch_um(radius=50.0)  # a 50 um ring: 2 radii + 6 um of bus, + 40
        146.0
    """
    ring = ring_adddrop(radius=radius, gap=gap, cross_section=cross_section)
    return float(ring.ports["o2"].x - ring.ports["o1"].x) + RING_SPACING_UM


def wdm_bank(
    *,
    kind: str,
    centre_wl_nm: float,
    spacing_nm: float,
    channels: int,
    radius: float,
    gap: float,
    cross_section: CrossSectionSpec,
    channel_pitch_um: float | None = None,
) -> gf.Component:
    """N add-drop rings on one bus; channel ports (drop for demux, add for mux) bent north.

    ``channel_pitch_um``: None puts the rings ``RING_SPACING_UM`` apart (the compact bank);
    a pitch spaces the channel ports exactly that far apart (um; the bus straights between
    the rings absorb the rings' slightly different radii), so a bank can sit straight above
    or below a row of cells at that pitch with no fan-out.
    """
    if isinstance(channels, bool) or int(channels) != channels or channels < 1:
        raise ValueError(f"channels={channels!r} must be an integer >= 1")
    check_positive("spacing_nm", spacing_nm)
    check_positive("centre_wl_nm", centre_wl_nm)
    layer = check_ring(radius, gap, 0.0, cross_section, "point", 30.0)
    radii = wdm_ring_radii_um(
        centre_nm=centre_wl_nm, spacing_nm=spacing_nm, channels=int(channels), radius_um=radius
    )
    radii = np.round(radii, 3)
    for k, r in enumerate(radii):
        try:
            check_ring(float(r), gap, 0.0, cross_section, "point", 30.0)
        except ValueError as e:
            raise ValueError(
                f"radius={radius}: ring {k} of the bank needs radius {float(r)} um to hit its "
                f"channel, under the limit ({e}); choose a larger radius"
            ) from None
    grid = wdm_grid_nm(centre_nm=centre_wl_nm, spacing_nm=spacing_nm, channels=int(channels))
    if channel_pitch_um is not None:
        # the bank's own rings (gap and all): the cached cells the loop below places
        least = max(min_channel_pitch_um(radius=float(r), gap=gap, cross_section=cross_section)
                    for r in radii)
        if not channel_pitch_um >= least - 1e-9:
            raise ValueError(
                f"channel_pitch_um={channel_pitch_um}: the rings need at least {least:.3f} um "
                "(a ring's bus plus the spacing between rings)"
            )
    c = gf.Component()
    bend = bend_euler(cross_section=cross_section)
    prev = None
    first = None
    channel_ports: list[gf.Port] = []
    spacers: list[float] = []
    resonances = []
    for k, r in enumerate(radii):
        ring = ring_adddrop(radius=float(r), gap=gap, cross_section=cross_section)
        # Channel port: drop (o4, top-left, west) for demux, add (o3, top-right, east) for mux.
        channel = "o4" if kind == "demux" else "o3"
        ref = c << ring
        if prev is None:
            first = ref
        else:
            spacer_um = RING_SPACING_UM
            if channel_pitch_um is not None:
                # the spacer that puts this ring's channel port one pitch after the last
                # one's (the port bends are alike: their sideways reach cancels)
                spacer_um = round(
                    channel_pitch_um
                    - (ring.ports[channel].x - ring.ports["o1"].x)
                    - (prev.ports["o2"].x - prev.ports[channel].x),
                    3,
                )
            spacers.append(spacer_um)
            s = c << straight(length=spacer_um, cross_section=cross_section)
            s.connect("o1", prev.ports["o2"])
            ref.connect("o1", s.ports["o2"])
        port = ref.ports[channel]
        b = c << bend
        b.connect("o1", port, mirror=(kind == "demux"))
        channel_ports.append(b.ports["o2"])
        res = ring_resonances_nm(
            radius_um=float(r), wl_min_nm=grid[k] - 2.0, wl_max_nm=grid[k] + 2.0
        )
        nearest = float(res[np.argmin(abs(res - grid[k]))]) if len(res) else float("nan")
        resonances.append(nearest)
        prev = ref
    assert first is not None and prev is not None
    c.add_port("o1", port=first.ports["o1"])
    c.add_port("o2", port=prev.ports["o2"])
    for k, p in enumerate(channel_ports):
        c.add_port(f"o{k + 3}", port=p)
    c.info["layer"] = layer
    # the bus straights between rings (um): the compact model's spacer_um (wdm_kwargs)
    c.info["bus_spacer_um"] = round(float(np.mean(spacers)), 3) if spacers else 0.0
    c.info["channel_wl_nm"] = [float(x) for x in grid]
    c.info["ring_radii_um"] = [float(x) for x in radii]
    c.info["ring_resonance_wl_nm"] = list(resonances)
    return c
