"""Temperature rise at the rings from electronics blocks (area heat sources).

An electronics block (control CMOS, a driver, a readout amplifier) is a rectangle dissipating
its power uniformly. Here it dissipates in a thin layer at the top of the cladding, where a
flip-chip or monolithic block would sit (a placement estimate, stated in the report). Each
block is solved once on its own window (its box plus ``options.window_um``), linear in its
power, and the rise is read at every ring centre on the ring's waveguide level; rings outside
the window get none. The rises of all blocks add (superposition).

Example:
    >>> import numpy as np
    >>> from thermal.analysis import AreaSource
    >>> from thermal.kernel import KernelOptions
    >>> block = AreaSource(name="cmos", xmin_um=-50, ymin_um=-50, xmax_um=50, ymax_um=50,
    ...                    power_mW=10.0)
    >>> rise = area_source_rise_K(sources=[block], ring_centres_um=np.array([[0, 0], [90, 0]]),
    ...     ring_levels=["wg2", "wg2"], options=KernelOptions(window_um=60, max_um=20))
    >>> bool(rise[0] > rise[1] > 0)
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from thermal.cooling import CoolantChannel
from thermal.grid import Grid, graded_axis
from thermal.kernel import KernelOptions
from thermal.problem import HeatSource, build_problem
from thermal.solver import solve_steady
from thermal.stack import base_layers, level_z_um, stack_breaks_um

__all__ = ["SOURCE_LAYER_THICKNESS_UM", "area_source_rise_K"]

#: thickness (um) of the dissipating layer at the top of the cladding
SOURCE_LAYER_THICKNESS_UM = 0.5


class _Box(Protocol):
    xmin_um: float
    ymin_um: float
    xmax_um: float
    ymax_um: float
    power_mW: float


def _axis(lo: float, hi: float, margin: float, o: KernelOptions) -> np.ndarray:
    # ~20 cells across the block whatever its size (a die-sized block stays a small solve),
    # spacing growing away from it
    fine = max(o.fine_um, (hi - lo) / 20.0)
    coarse = max(fine, o.max_um, (hi - lo + 2 * margin) / 40.0)
    return graded_axis(breaks_um=[lo - margin, hi + margin, lo, hi], fine_um=fine,
                       max_um=coarse, focus_um=(lo, hi), growth=o.growth)


def area_source_rise_K(
    *,
    sources: Sequence[_Box],
    ring_centres_um: np.ndarray,
    ring_levels: Sequence[str],
    options: KernelOptions,
    channels: Sequence[CoolantChannel] = (),
) -> np.ndarray:
    """Steady rise (K) at each ring centre from all ``sources`` together.

    Args:
        sources: blocks with ``xmin_um, ymin_um, xmax_um, ymax_um`` (um) and ``power_mW``.
        ring_centres_um: (R, 2) ring centres in the top frame (um).
        ring_levels: the stack level of each ring's waveguide (``"wg1"``, ``"wg2"``).
        options: window, mesh, temperature and substrate of the solves.
        channels: coolant channels (top frame) inside a block's window.

    Returns:
        (R,) rises in K (0 for rings outside every window).

    Raises:
        ValueError: a block with no area or a negative power.
    """
    o = options.checked()
    centres = np.asarray(ring_centres_um, dtype=float).reshape(-1, 2)
    rise = np.zeros(len(centres))
    if not len(sources) or not len(centres):
        return rise
    z_ring = np.array([sum(level_z_um(lv)) / 2 for lv in ring_levels])
    base = base_layers(substrate_thickness_um=o.substrate_thickness_um)
    top = base[-1][1]
    breaks = [*stack_breaks_um(substrate_thickness_um=o.substrate_thickness_um),
              top - SOURCE_LAYER_THICKNESS_UM]
    ze = graded_axis(breaks_um=breaks, fine_um=o.z_fine_um, max_um=o.z_max_um,
                     focus_um=(base[1][0], top), growth=0.5)
    w = o.window_um
    for s in sources:
        if not (s.xmax_um > s.xmin_um and s.ymax_um > s.ymin_um):
            raise ValueError(f"area source {s!r}: the box has no area")
        if not s.power_mW >= 0:
            raise ValueError(f"area source {s!r}: power_mW must be >= 0")
        if s.power_mW == 0:
            continue
        inside = ((centres[:, 0] > s.xmin_um - w) & (centres[:, 0] < s.xmax_um + w)
                  & (centres[:, 1] > s.ymin_um - w) & (centres[:, 1] < s.ymax_um + w))
        if not inside.any():
            continue
        grid = Grid(_axis(s.xmin_um, s.xmax_um, w, o), _axis(s.ymin_um, s.ymax_um, w, o), ze)
        box = ((s.xmin_um, s.ymin_um), (s.xmax_um, s.ymin_um), (s.xmax_um, s.ymax_um),
               (s.xmin_um, s.ymax_um))
        near = [c for c in channels if c.xmax_um > s.xmin_um - w and c.xmin_um < s.xmax_um + w
                and c.ymax_um > s.ymin_um - w and c.ymin_um < s.ymax_um + w]
        problem = build_problem(
            grid=grid, base_layers=base, channels=near, temperature_K=o.temperature_K,
            sources=[HeatSource(polygon_um=box, zmin_um=top - SOURCE_LAYER_THICKNESS_UM,
                                zmax_um=top, power_W=s.power_mW * 1e-3)],
            top_h_W_per_m2K=o.top_h_W_per_m2K,
        )
        field = np.nan_to_num(solve_steady(problem, rtol=1e-8).rise_K, nan=0.0)
        sample = RegularGridInterpolator((grid.xc, grid.yc, grid.zc), field,
                                         bounds_error=False, fill_value=0.0)
        idx = np.flatnonzero(inside)
        rise[idx] += sample(np.column_stack([centres[idx], z_ring[idx]]))
    return rise
