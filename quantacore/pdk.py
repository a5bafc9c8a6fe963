"""The QuantaCore ``gdsfactory.Pdk``: technology + cells + calibrated models + routing.

This is the one module that sees every layer of the toolkit, as a gdsfactory PDK's top module
does (cf. cspdk): the technology (``qc_pdk``: layers, stack, cross-sections, materials) at
the ground floor, the library's cells and their models (``components``, with the FDTD
calibration bound into the models once, here), and the routing strategies (gdsfactory's, plus
the QuantaCore router). gdsfactory's own primitive cells are registered underneath so specs
such as ``bend="bend_circular"`` resolve; library cells win on name clashes.

Nothing below this module activates a PDK: the entry points do (the command line, the test
fixture, a user's ``quantacore.activate()``).

Example:
    >>> pdk = get_pdk()
    >>> pdk.name, "qubitron" in pdk.cells, "bend_euler" in pdk.models
    ('quantacore', True, True)
"""

from __future__ import annotations

from functools import cache

import gdsfactory as gf
import gdsfactory.components as gf_components
from gdsfactory.get_factories import get_cells
from gdsfactory.routing.factories import routing_strategies as gf_routing_strategies

from components import CELLS, MODELS
from components.models.calibration import Calibration, load_calibration
from qc_pdk import PDK_NAME, PDK_VERSION
from qc_pdk.cross_sections import CROSS_SECTIONS
from qc_pdk.layer_stack import LAYER_STACK
from qc_pdk.layer_views import LAYER_VIEWS
from qc_pdk.layers import LAYER
from qc_pdk.materials import MATERIALS
from quantacore import kfactory_cell_naming
from routing.strategy import route_bundle_quantacore

__all__ = ["activate", "calibration", "get_pdk"]


@cache
def calibration() -> Calibration:
    """The calibration in use: read once per process (``$QC_CALIBRATION_FILE`` or the PDK's)."""
    return load_calibration()


@cache
def get_pdk() -> gf.Pdk:
    """The QuantaCore PDK, built once per process with :func:`calibration` bound into models."""
    cells = dict(get_cells([gf_components]))
    cells.update(CELLS)
    return gf.Pdk(
        name=PDK_NAME,
        version=PDK_VERSION,
        layers=LAYER,
        layer_stack=LAYER_STACK,
        layer_views=LAYER_VIEWS,
        cross_sections=dict(CROSS_SECTIONS),
        cells=cells,
        models=calibration().bind(MODELS),
        routing_strategies={
            **gf_routing_strategies,
            "route_bundle_quantacore": route_bundle_quantacore,
        },
        materials_index={name: m.n_at_1550nm for name, m in MATERIALS.items()},
    )


def activate() -> gf.Pdk:
    """Make the QuantaCore PDK gdsfactory's active PDK and return it (idempotent)."""
    kfactory_cell_naming.install()
    pdk = get_pdk()
    pdk.activate()
    return pdk
