"""Shared builder of the WDM ring filter banks (``wdm_demux`` / ``wdm_mux``)."""

from __future__ import annotations

import gdsfactory as gf
import numpy as np
from gdsfactory.typings import CrossSectionSpec

from components._common import check_positive, check_ring
from components.bend_euler import bend_euler
from components.resonance import ring_resonances_nm, wdm_grid_nm, wdm_ring_radii_um
from components.ring_adddrop import ring_adddrop
from components.straight import straight

RING_SPACING_UM = 40.0  # bus straight between neighbouring filters (room for the port bends)


def wdm_bank(
    *,
    kind: str,
    centre_wl_nm: float,
    spacing_nm: float,
    channels: int,
    radius: float,
    gap: float,
    cross_section: CrossSectionSpec,
) -> gf.Component:
    """N add-drop rings on one bus; channel ports (drop for demux, add for mux) bent north."""
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
    c = gf.Component()
    spacer = straight(length=RING_SPACING_UM, cross_section=cross_section)
    bend = bend_euler(cross_section=cross_section)
    prev = None
    first = None
    channel_ports = []
    resonances = []
    for k, r in enumerate(radii):
        ring = ring_adddrop(radius=float(r), gap=gap, cross_section=cross_section)
        ref = c << ring
        if prev is None:
            first = ref
        else:
            s = c << spacer
            s.connect("o1", prev.ports["o2"])
            ref.connect("o1", s.ports["o2"])
        # Channel port: drop (o4, top-left, west) for demux, add (o3, top-right, east) for mux.
        port = ref.ports["o4" if kind == "demux" else "o3"]
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
    c.info["channel_wl_nm"] = [float(x) for x in grid]
    c.info["ring_radii_um"] = [float(x) for x in radii]
    c.info["ring_resonance_wl_nm"] = list(resonances)
    return c
