"""The QuantaCore qubit cell: high-Q SiN ring, emitter, pump and Stokes buses, heater, SNSPD."""

from __future__ import annotations

import math

import gdsfactory as gf
import numpy as np
from gdsfactory.typings import CrossSectionSpec

from components._common import check_at_least, check_positive, waveguide_layer
from components._heater import min_heated_straight_um, qc_straight_heater
from components._model_kwargs import qubitron_kwargs
from components.emitter_site import emitter_marker
from components.interlayer_coupler import interlayer_coupler
from components.models.qubitron import (
    DEFAULT_QUBITRON_GAP_UM,
    DEFAULT_QUBITRON_RADIUS_UM,
)
from components.models.qubitron import qubitron as qubitron_model
from components.models.ring import ring_loaded_q
from components.registry import ELECTRICAL, OPTICAL, library_cell
from components.resonance import ring_fsr_nm, ring_resonances_nm
from components.ring_adddrop import ring_adddrop
from components.snspd import snspd
from components.straight import straight

DESIGN_WL_NM = 1550.0
PAD_CLEARANCE_UM = 25.0
DETECTOR_CLEARANCE_UM = 10.0


def loaded_q_estimate(round_trip_um: float, gap_um: float, wl_nm: float = DESIGN_WL_NM) -> float:
    """Loaded Q of the qubitron's symmetric add-drop ring from its compact model's coupling law
    and round-trip loss (``components.models.ring.ring_loaded_q``), an estimate.

    Example:
        >>> 1e3 < loaded_q_estimate(2 * math.pi * 50 + 60, 0.5) < 1e7
        True
    """
    return ring_loaded_q(
        wl_um=wl_nm * 1e-3, radius_um=round_trip_um / (2 * math.pi), gap_um=gap_um
    )


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL, "o3": OPTICAL}
    | {f"e{i}": ELECTRICAL for i in range(1, 5)},
    model=qubitron_model,
    model_kwargs=qubitron_kwargs,
    category="qubitron",
)
@gf.cell
def qubitron(
    # one design for the cell, its model and the chip spec (the model module says why)
    radius: float = DEFAULT_QUBITRON_RADIUS_UM,
    gap: float = DEFAULT_QUBITRON_GAP_UM,
    length_y: float = 30.0,
    heater_width: float = 2.0,
    cross_section: CrossSectionSpec = "strip_wg2",
) -> gf.Component:
    """Qubitron: high-Q ring + emitter + pump bus + Stokes bus into an SNSPD + heater.

    Add-drop topology: the pump bus (bottom) carries pump_in (o1) -> pump_through (o2); the
    Stokes bus (top) is fed at its add port stokes_in (o3), and its drop end (top-left) leads
    into an integrated ``snspd`` (through an ``interlayer_coupler`` when the ring is on WG1).
    An EMITTER site sits on the ring's west straight; a TiN heater on the east straight is
    wired to bond pads e1, e2; the detector's pads are e3, e4. Sub-cells are instances.

    Args:
        radius: ring bend radius in um (>= 20, rule WGn.R.1).
        gap: ring-to-bus gap in um for both buses (>= 0.25, rule WGn.S.1).
        length_y: ring's vertical straights in um (heater / emitter sections, >= 22).
        heater_width: TiN heater width in um (>= 1, rule HEATER.W.1).
        cross_section: SiN cross-section of the ring ("strip_wg1" / "strip" or "strip_wg2").

    .. code::

        e3 [pad] [pad] e4      e1 [pad] [pad] e2
              |   |                 |     |
         [snspd]=====────────────────────────── o3 stokes_in (add)
                          /  \\      |     |
                         |x   |==[heater contacts]
                          \\__/
        o1 ─────────────────────────────────── o2
        pump_in                        pump_through
        (x: EMITTER site on the ring's west straight)

    Info: resonance_wl_nm, fsr_nm, loaded_q_estimate, emitter_position_um, radius_um, gap_um,
    round_trip_um.

    Raises:
        ValueError: radius / gap under the rules, length_y too short for the heater, etc.
    """
    layer = waveguide_layer(cross_section)
    check_positive("length_y", length_y)
    check_at_least(
        "length_y", length_y, min_heated_straight_um(), "heater straight with two contacts"
    )
    ring = ring_adddrop(radius=radius, gap=gap, length_y=length_y, cross_section=cross_section)
    c = gf.Component()
    r = c << ring
    xc, yc = ring.info["ring_centre_um"]
    y_top_bus = ring.ports["o3"].center[1]
    heater = qc_straight_heater(
        length=length_y, heater_width=heater_width, pad_y=y_top_bus - yc + PAD_CLEARANCE_UM
    )
    h = c << heater
    h.move((xc + radius, yc))
    em = c << emitter_marker()
    emitter_xy = (round(xc - radius, 3), round(yc, 3))
    em.move(emitter_xy)

    # Stokes drop -> (interlayer coupler) -> straight -> SNSPD, extending west.
    port = r.ports["o4"]
    if layer == "WG1":
        ilc = c << interlayer_coupler()
        ilc.connect("o1", port)
        port = ilc.ports["o2"]
    det = snspd(cross_section="strip_wg2")
    # Detector pads must stay clear of the heater pads: pick the feed length accordingly.
    probe = gf.Component()
    pr = probe << det
    pr.connect("o1", port, mirror=True)
    overlap = pr.xmax - (h.xmin - DETECTOR_CLEARANCE_UM)
    feed_len = round(max(5.0, overlap + 5.0), 3)
    feed = c << straight(length=feed_len, cross_section="strip_wg2")
    feed.connect("o1", port)
    d = c << det
    d.connect("o1", feed.ports["o2"], mirror=True)

    c.add_port("o1", port=r.ports["o1"])
    c.add_port("o2", port=r.ports["o2"])
    c.add_port("o3", port=r.ports["o3"])
    c.add_port("e1", port=h.ports["e1"])
    c.add_port("e2", port=h.ports["e2"])
    c.add_port("e3", port=d.ports["e1"])
    c.add_port("e4", port=d.ports["e2"])

    round_trip = float(ring.info["round_trip_um"])
    # arcs at the bent n_eff, the racetrack straights at the straight one, as the model
    straights_um = round_trip - 2 * math.pi * float(radius)
    res = ring_resonances_nm(
        radius_um=float(radius), straight_um=straights_um,
        wl_min_nm=DESIGN_WL_NM - 15, wl_max_nm=DESIGN_WL_NM + 15,
    )
    c.info["resonance_wl_nm"] = float(res[np.argmin(abs(res - DESIGN_WL_NM))])
    c.info["fsr_nm"] = float(
        ring_fsr_nm(radius_um=float(radius), straight_um=straights_um, wl_nm=DESIGN_WL_NM)
    )
    c.info["loaded_q_estimate"] = float(loaded_q_estimate(round_trip, gap))
    c.info["emitter_position_um"] = emitter_xy
    c.info["radius_um"] = float(radius)
    c.info["gap_um"] = float(gap)
    c.info["round_trip_um"] = round_trip
    c.info["port_roles"] = {"o1": "pump_in", "o2": "pump_through", "o3": "stokes_in"}
    return c
