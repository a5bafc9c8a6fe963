"""QuantaCore parametric cells and their compact models.

``CELLS`` maps cell names to gdsfactory cell functions; the PDK registers them on top of
gdsfactory's primitives (so ``"bend_euler"``, ``"straight"``, ``"taper"`` specs resolve to the
QuantaCore wrappers, which draw gdsfactory's geometry after checking the design rules).

Example:
    >>> from components import CELLS
    >>> "qubitron" in CELLS and "bend_euler" in CELLS
    True
"""

from __future__ import annotations

from collections.abc import Callable

import gdsfactory as gf

from components.bend_euler import bend_euler
from components.bond_pad import bond_pad
from components.crossing import crossing
from components.edge_coupler import edge_coupler
from components.emitter_site import emitter_site
from components.grating_coupler import grating_coupler
from components.interlayer_coupler import interlayer_coupler
from components.qubitron import qubitron
from components.ring_adddrop import ring_adddrop
from components.ring_allpass import ring_allpass
from components.ring_switch import ring_switch
from components.snspd import snspd
from components.straight import straight
from components.taper import taper
from components.wdm_demux import wdm_demux
from components.wdm_mux import wdm_mux

CELLS: dict[str, Callable[..., gf.Component]] = {
    "straight": straight,
    "bend_euler": bend_euler,
    "taper": taper,
    "crossing": crossing,
    "interlayer_coupler": interlayer_coupler,
    "ring_allpass": ring_allpass,
    "ring_adddrop": ring_adddrop,
    "ring_switch": ring_switch,
    "wdm_demux": wdm_demux,
    "wdm_mux": wdm_mux,
    "snspd": snspd,
    "emitter_site": emitter_site,
    "edge_coupler": edge_coupler,
    "grating_coupler": grating_coupler,
    "bond_pad": bond_pad,
    "qubitron": qubitron,
}

__all__ = ["CELLS", *CELLS]
