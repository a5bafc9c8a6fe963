"""The QuantaCore PDK as a gdsfactory ``Pdk``, and its activation.

gdsfactory's own primitive cells are registered underneath so that specs such as
``bend="bend_euler"`` resolve; QuantaCore cells (package ``components``) are registered on top
and win on name clashes.

Example:
    >>> from qc_pdk import activate
    >>> pdk = activate()
    >>> pdk.name
    'quantacore'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import gdsfactory as gf
import gdsfactory.components as gf_components
from gdsfactory.get_factories import get_cells

from qc_pdk.cross_sections import CROSS_SECTIONS
from qc_pdk.layer_stack import LAYER_STACK
from qc_pdk.layer_views import LAYER_VIEWS
from qc_pdk.layers import LAYER
from qc_pdk.materials import MATERIALS

PDK_NAME = "quantacore"


def _quantacore_cells() -> dict[str, Callable[..., gf.Component]]:
    """QuantaCore cells from the ``components`` package, if it registers any."""
    try:
        from components import CELLS  # deferred: components depends on this PDK
    except ImportError:
        return {}
    return dict(CELLS)


@cache
def get_pdk() -> gf.Pdk:
    """Build (once) the QuantaCore ``gdsfactory.Pdk``."""
    cells = dict(get_cells([gf_components]))
    cells.update(_quantacore_cells())
    return gf.Pdk(
        name=PDK_NAME,
        version="0.1.0",
        layers=LAYER,
        layer_stack=LAYER_STACK,
        layer_views=LAYER_VIEWS,
        cross_sections=dict(CROSS_SECTIONS),
        cells=cells,
        materials_index={name: m.n_at_1550nm for name, m in MATERIALS.items()},
    )


def activate() -> gf.Pdk:
    """Make the QuantaCore PDK gdsfactory's active PDK and return it (idempotent)."""
    pdk = get_pdk()
    active = gf.pdk._ACTIVE_PDK  # get_active_pdk() raises when none is active yet
    if active is not pdk:
        pdk.activate()
    return pdk
