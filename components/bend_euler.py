"""Euler bend: gdsfactory's ``bend_euler`` with the QuantaCore minimum bend-radius check."""

from __future__ import annotations

import gdsfactory as gf
from gdsfactory.typings import CrossSectionSpec, LayerSpec

from components._common import layer_name, radius_or_default
from components._model_kwargs import bend_kwargs
from components.models.bend import bend_euler as bend_euler_model
from components.registry import OPTICAL, bind_foreign_cell, library_cell
from qc_pdk.rules import min_bend_radius_um


def euler_min_radius(
    radius: float, angle: float = 90.0, p: float = 0.5, with_arc_floorplan: bool = True
) -> float:
    """Smallest radius of curvature (um) of gdsfactory's Euler bend of effective ``radius``."""
    if not with_arc_floorplan:
        return float(radius)
    return float(gf.path.euler(radius=radius, angle=angle, p=p, use_eff=True).info["Rmin"])


@library_cell(
    ports={"o1": OPTICAL, "o2": OPTICAL},
    model=bend_euler_model,
    model_kwargs=bend_kwargs,
    category="bend",
)
@gf.cell
def bend_euler(
    radius: float | None = None,
    angle: float = 90.0,
    p: float = 0.5,
    with_arc_floorplan: bool = True,
    npoints: int | None = None,
    angular_step: float | None = None,
    layer: LayerSpec | None = None,
    width: float | None = None,
    cross_section: CrossSectionSpec = "strip",
    allow_min_radius_violation: bool = False,
) -> gf.Component:
    """Euler bend (gdsfactory's ``bend_euler``) that never curves tighter than the PDK allows.

    ``radius`` is gdsfactory's effective (floorplan) radius; the Euler curve's smallest radius
    of curvature is smaller (about 0.706 x radius for p = 0.5, 90 deg), and that smallest
    radius is what is checked against the layer's bend-radius rule (WG1.R.1 / WG2.R.1, 20 um),
    so the default 30 um routing radius (21.2 um minimum) passes and 28 um does not.

    Args:
        radius: effective radius in um; default the cross-section's radius (30 um for SiN).
        angle: bend angle in degrees (90 or 180).
        p: fraction of the bend that is an Euler curve (0 = circular, 1 = fully Euler).
        with_arc_floorplan: if False, ``radius`` is the minimum radius of curvature itself.
        npoints: points per 360 degrees.
        angular_step: angular step in degrees.
        layer: layer override (must be a QuantaCore layer).
        width: core width override in um.
        cross_section: cross-section spec.
        allow_min_radius_violation: skip the bend-radius check (the DRC will still flag it).

    .. code::

                 o2
                 |
                /
           ___/
        o1

    Raises:
        ValueError: the bend's smallest radius of curvature is under the layer's rule.
    """
    r = radius_or_default(radius, cross_section)
    if r <= 0:
        raise ValueError(f"radius={radius} must be > 0 um")
    lname = layer_name(cross_section)
    limit = min_bend_radius_um(lname)
    rmin = euler_min_radius(r, angle, p, with_arc_floorplan)
    if limit and not allow_min_radius_violation and rmin < limit - 1e-6:
        needed = limit * r / rmin
        raise ValueError(
            f"radius={r} um gives an Euler bend whose smallest radius of curvature is "
            f"{rmin:.3f} um, below the minimum bend radius {limit} um of {lname} "
            f"(rule {lname}.R.1); use radius >= {needed:.2f} um"
        )
    c = gf.Component()
    inner = gf.components.bend_euler(
        radius=r,
        angle=angle,
        p=p,
        with_arc_floorplan=with_arc_floorplan,
        npoints=npoints,
        angular_step=angular_step,
        layer=layer,
        width=width,
        cross_section=cross_section,
        allow_min_radius_violation=allow_min_radius_violation,
    )
    ref = c << inner
    c.add_ports(ref.ports)
    c.info.update(inner.info.model_dump())
    return c


# gdsfactory's routers draw circular bends with the same model
bind_foreign_cell(
    "bend_circular", model_name="bend_euler", model_kwargs=bend_kwargs, category="bend"
)
