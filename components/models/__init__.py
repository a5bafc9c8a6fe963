"""Compact models of the QuantaCore cells (sax convention, pure NumPy, no JAX).

A model is ``model(*, wl=1.55, **params) -> {(port_a, port_b): complex ndarray}`` with ``wl``
in um; arrays have the shape of ``wl``; absent pairs are zero; every model is reciprocal and
passive, and reads nothing but its arguments. Each cell names its model in the library table
(``components.registry``), which collects them as ``components.MODELS``; the PDK binds the
FDTD calibration into them (``components.models.calibration``).

Example:
    >>> from components.models.waveguide import straight
    >>> sorted(straight(wl=1.55, length_um=100.0))
    [('o1', 'o2'), ('o2', 'o1')]
"""

from __future__ import annotations

from components.models.detector import detector_figures
from components.models.sdict import SDict, reciprocal, to_matrix
from components.models.switch import heater_tuning_nm_per_mW, switch_state_powers
from components.models.wdm import wdm_adjacent_crosstalk_dB, wdm_channel_transmission

__all__ = [
    "SDict",
    "detector_figures",
    "heater_tuning_nm_per_mW",
    "reciprocal",
    "switch_state_powers",
    "to_matrix",
    "wdm_adjacent_crosstalk_dB",
    "wdm_channel_transmission",
]
