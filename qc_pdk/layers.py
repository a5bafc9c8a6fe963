"""QuantaCore layer map: GDS (layer, datatype) for every drawn and marker layer.

Two silicon-nitride waveguide layers (WG1 lower, WG2 upper) give the 3D-stacked photonic
network, and an optional third (WG3, above WG2) lets a design ask what another layer buys;
TiN heaters, two aluminium metals with vias, an NbN nanowire layer for SNSPDs, emitter-site
markers, pad openings, thermal trenches and the usual floorplan / device
recognition layers complete the set.

Example:
    >>> from qc_pdk.layers import LAYER
    >>> tuple(LAYER.WG1)
    (1, 0)
"""

from __future__ import annotations

from gdsfactory.technology import LayerMap
from gdsfactory.typings import Layer


class QuantaCoreLayerMap(LayerMap):
    """GDS layer numbers of the QuantaCore process (names are the contract of `quantacore pdk`)."""

    WG1: Layer = (1, 0)  # SiN waveguide core, lower layer
    WG2: Layer = (2, 0)  # SiN waveguide core, upper layer
    WG3: Layer = (4, 0)  # SiN waveguide core, optional third layer above WG2
    NOBEND: Layer = (3, 0)  # waives the waveguide bend-radius rule (crossings, tapers, junctions)
    HEATER: Layer = (47, 0)  # TiN resistive heater
    VIAC: Layer = (40, 0)  # heater -> M1 contact
    M1: Layer = (41, 0)  # metal 1 (Al)
    VIA1: Layer = (44, 0)  # M1 -> M2 via
    M2: Layer = (45, 0)  # metal 2 (Al), pads
    PAD: Layer = (46, 0)  # passivation opening over M2 bond pads
    NW: Layer = (50, 0)  # NbN superconducting nanowire (SNSPD)
    EMITTER: Layer = (60, 0)  # quantum-emitter site marker
    TRENCH: Layer = (70, 0)  # deep thermal-isolation trench
    FLUID: Layer = (71, 0)  # microfluidic coolant channel (etched like TRENCH, coolant-filled)
    DEVREC: Layer = (68, 0)  # device recognition
    FLOORPLAN: Layer = (99, 0)  # die / tile outline
    TEXT: Layer = (66, 0)  # labels
    PORT: Layer = (1, 10)  # port pins (gdsfactory convention)
    LABEL_INSTANCE: Layer = (206, 0)  # instance labels written by gdsfactory netlisting
    ERROR_MARKER: Layer = (207, 0)  # scratch layer for error markers


LAYER = QuantaCoreLayerMap
# bottom to top: neighbours in this tuple are joined by one interlayer coupler
WAVEGUIDE_LAYERS: tuple[str, ...] = ("WG1", "WG2", "WG3")


def layer_distance(lower: str, upper: str) -> int:
    """Interlayer couplers between two waveguide layers (0 for the same layer).

    Example:
        >>> layer_distance("WG1", "WG3")
        2

    Raises:
        ValueError: a name that is not a waveguide layer.
    """
    for name in (lower, upper):
        if name not in WAVEGUIDE_LAYERS:
            raise ValueError(f"{name!r} is not a waveguide layer; have {WAVEGUIDE_LAYERS}")
    return abs(WAVEGUIDE_LAYERS.index(lower) - WAVEGUIDE_LAYERS.index(upper))


def layer_by_name() -> dict[str, tuple[int, int]]:
    """All layers as ``{name: (layer, datatype)}`` in declaration order."""
    return {
        name: (int(member.layer), int(member.datatype))
        for name, member in LAYER.__members__.items()
    }
