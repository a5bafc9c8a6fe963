"""Layer colours for KLayout (.lyp) and gdsfactory plots.

Example:
    >>> from qc_pdk.layer_views import LAYER_VIEWS
    >>> LAYER_VIEWS.get_from_tuple((1, 0)).name
    'WG1'
"""

from __future__ import annotations

from pathlib import Path

from gdsfactory.technology import LayerView, LayerViews

from qc_pdk.layers import layer_by_name

# name -> (colour, hatch pattern); waveguide layers solid, metals hatched, markers outlined.
_STYLE: dict[str, tuple[str, str]] = {
    "WG1": ("#1f77b4", "solid"),
    "WG2": ("#17becf", "dotted"),
    "WG3": ("#9467bd", "left-hatched"),
    "NOBEND": ("#7f7f7f", "hollow"),
    "HEATER": ("#d62728", "coarsely dotted"),
    "VIAC": ("#8c564b", "solid"),
    "M1": ("#ff7f0e", "left-hatched"),
    "VIA1": ("#9467bd", "solid"),
    "M2": ("#bcbd22", "right-hatched"),
    "PAD": ("#e377c2", "hollow"),
    "NW": ("#2ca02c", "solid"),
    "EMITTER": ("#ff00ff", "solid"),
    "TRENCH": ("#555555", "cross-hatched"),
    "FLUID": ("#1f9bcf", "cross-hatched"),
    "DEVREC": ("#00ff00", "hollow"),
    "FLOORPLAN": ("#aaaaaa", "hollow"),
    "TEXT": ("#000000", "hollow"),
    "PORT": ("#ff0000", "hollow"),
    "LABEL_INSTANCE": ("#cccccc", "hollow"),
    "ERROR_MARKER": ("#ff0000", "hollow"),
}


def _layer_views() -> LayerViews:
    views = LayerViews()
    for name, (layer, datatype) in layer_by_name().items():
        colour, pattern = _STYLE[name]
        views.add_layer_view(
            name,
            LayerView(
                layer=(layer, datatype),
                color=colour,
                hatch_pattern=pattern,
                visible=name not in {"LABEL_INSTANCE", "ERROR_MARKER"},
            ),
        )
    return views


LAYER_VIEWS = _layer_views()


def write_lyp(path: str | Path) -> Path:
    """Write the layer views as a KLayout layer-properties file; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    LAYER_VIEWS.to_lyp(path)
    return path
