"""The QuantaCore layer stack as thermal geometry: base layers, layer z ranges, materials.

Reads ``qc_pdk.layer_stack.LAYER_STACK``: Si substrate under a 4 um BOX, SiO2 cladding up to
7 um, SiN cores (WG1, WG2), TiN heater at z = 3.4 um, Al vias and metals, and TRENCH as air
through BOX and cladding. The substrate thickness is a parameter: the PDK stack models 10 um of
Si with the heat sink at its bottom; a real die is thicker and spreads heat further.

Example:
    >>> base_layers()[0]
    (-14.0, -4.0, 'si')
    >>> level_z_um("heater")
    (3.4, 3.52)
"""

from __future__ import annotations

from qc_pdk.layer_stack import LAYER_STACK

__all__ = ["LAYER_OF_LEVEL", "base_layers", "level_material", "level_z_um", "stack_breaks_um"]

_BASE = ("substrate", "box", "cladding")
# stack level -> GDS layer, for the levels drawn in a layout
LAYER_OF_LEVEL: dict[str, tuple[int, int]] = {
    name: (int(lv.layer.layer[0]), int(lv.layer.layer[1]))  # type: ignore[union-attr,index]
    for name, lv in LAYER_STACK.layers.items()
    if name not in _BASE
}


def level_z_um(level: str) -> tuple[float, float]:
    """(zmin, zmax) in um of a stack level (``"wg2"``, ``"heater"``, ``"trench"`` ...)."""
    if level not in LAYER_STACK.layers:
        raise ValueError(f"level must be one of {sorted(LAYER_STACK.layers)}, got {level!r}")
    lv = LAYER_STACK.layers[level]
    return (round(float(lv.zmin), 9), round(float(lv.zmin + lv.thickness), 9))


def level_material(level: str) -> str:
    """Material name of a stack level (``thermal.materials`` names)."""
    level_z_um(level)
    return str(LAYER_STACK.layers[level].material)


def base_layers(*, substrate_thickness_um: float | None = None) -> list[tuple[float, float, str]]:
    """Horizontal (zmin_um, zmax_um, material) layers: substrate, BOX, cladding.

    Args:
        substrate_thickness_um: Si thickness above the heat sink (um); None = the PDK's 10 um.
    """
    out = []
    for name in _BASE:
        z0, z1 = level_z_um(name)
        if name == "substrate" and substrate_thickness_um is not None:
            t = float(substrate_thickness_um)
            if not t > 0:
                raise ValueError(
                    f"substrate_thickness_um must be > 0, got {substrate_thickness_um!r}"
                )
            z0 = z1 - t
        out.append((z0, z1, level_material(name)))
    return out


def stack_breaks_um(*, substrate_thickness_um: float | None = None) -> list[float]:
    """All z interfaces of the stack (um), ascending."""
    zs = {z for lo, hi, _ in base_layers(substrate_thickness_um=substrate_thickness_um)
          for z in (lo, hi)}
    for name in LAYER_OF_LEVEL:
        zs.update(level_z_um(name))
    top = base_layers()[-1][1]
    return sorted(z for z in zs if z <= top)
