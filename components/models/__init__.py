"""Compact models of the QuantaCore cells (sax convention, pure NumPy, no JAX).

A model is ``model(*, wl=1.55, **params) -> {(port_a, port_b): complex ndarray}`` with ``wl``
in um; arrays have the shape of ``wl``; absent pairs are zero; every model is reciprocal and
passive. ``MODELS`` maps the **cell name** to its model; ``emitter_site`` and ``bond_pad``
have no optical model. Submodules ``crossing`` and ``qubitron`` share their model's name, so
the package attributes of those names are the modules (use ``MODELS[...]`` for the functions).

Example:
    >>> from components.models import MODELS
    >>> s = MODELS["straight"](wl=1.55, length_um=100.0)
    >>> sorted(s)
    [('o1', 'o2'), ('o2', 'o1')]
"""

from __future__ import annotations

from collections.abc import Callable

from components.models import crossing as _crossing_module
from components.models import qubitron as _qubitron_module
from components.models.bend import bend_euler
from components.models.couplers import edge_coupler, grating_coupler
from components.models.detector import detector_figures, snspd
from components.models.interlayer import interlayer_coupler
from components.models.ring import ring_adddrop, ring_allpass
from components.models.sdict import SDict, reciprocal, to_matrix
from components.models.switch import heater_tuning_nm_per_mW, ring_switch, switch_state_powers
from components.models.waveguide import straight, taper
from components.models.wdm import (
    wdm_adjacent_crosstalk_dB,
    wdm_channel_transmission,
    wdm_demux,
    wdm_mux,
)

MODELS: dict[str, Callable[..., SDict]] = {
    "straight": straight,
    "bend_euler": bend_euler,
    "taper": taper,
    "crossing": _crossing_module.crossing,
    "interlayer_coupler": interlayer_coupler,
    "ring_allpass": ring_allpass,
    "ring_adddrop": ring_adddrop,
    "ring_switch": ring_switch,
    "wdm_demux": wdm_demux,
    "wdm_mux": wdm_mux,
    "snspd": snspd,
    "edge_coupler": edge_coupler,
    "grating_coupler": grating_coupler,
    "qubitron": _qubitron_module.qubitron,
}

__all__ = [
    "MODELS",
    "SDict",
    "detector_figures",
    "heater_tuning_nm_per_mW",
    "reciprocal",
    "switch_state_powers",
    "to_matrix",
    "wdm_adjacent_crosstalk_dB",
    "wdm_channel_transmission",
]
