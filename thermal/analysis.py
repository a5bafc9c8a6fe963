"""``analyse_thermal``: layout -> crosstalk, tuning powers, heat load vs the cooling stage.

Pipeline: read heaters, rings and trenches hierarchically (``thermal.layout``), one kernel
solve per heater class (``thermal.kernel``), the sparse crosstalk matrix
(``thermal.crosstalk``), each ring's shift per K (``thermal.thermo_optic``), FSR
(``components.resonance.ring_fsr_nm`` of the ring's round trip) and linewidth (wl / Q), the
tuning powers (``thermal.tuning``), the heater time constant (``thermal.transient``, on a
coarser window), and the chip heat load against the cooling stage (``thermal.cooling``).

The model is linear at the operating temperature: it holds while the rises stay small against
the scale on which k(T) changes (at 4 K, k of glass changes within a few K: treat large
cryogenic rises as a first estimate).

Example:
    >>> import gdsfactory as gf
    >>> from components.ring_switch import ring_switch
    >>> c = gf.Component()
    >>> _ = c << ring_switch()
    >>> rep = analyse_thermal(c, window_um=40.0, transient=False, offsets_nm=[-0.3])
    >>> rep.n_heaters, rep.n_rings, rep.untunable_rings
    (1, 1, [])
    >>> 20.0 < rep.heater_power_mW[0] < 60.0
    True
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, PrivateAttr

from components.resonance import ring_fsr_nm
from thermal.area_heating import area_source_rise_K
from thermal.cooling import CoolantChannel, cooling_stage
from thermal.crosstalk import CrosstalkResult, crosstalk_matrix
from thermal.kernel import KernelOptions, kernel_problem
from thermal.layout import LayoutThermal, read_layout
from thermal.problem import cells_in
from thermal.stack import level_z_um
from thermal.thermo_optic import dneff_dT_per_K, shift_nm_per_K
from thermal.transient import step_response
from thermal.tuning import TuningResult, fabrication_offsets_nm, tune_rings

__all__ = ["AreaSource", "RingThermal", "ThermalReport", "analyse_thermal"]


class AreaSource(BaseModel):
    """An electronics block dissipating ``power_mW`` over a box (um): counts in the heat load."""

    model_config = ConfigDict(frozen=True)

    name: str
    xmin_um: float
    ymin_um: float
    xmax_um: float
    ymax_um: float
    power_mW: float


class RingThermal(BaseModel):
    """Per-ring results (units in the names)."""

    index: int
    centre_um: tuple[float, float]
    level: str
    own_heater: int
    self_rise_K_per_mW: float
    shift_nm_per_mW: float
    fsr_nm: float
    power_per_fsr_mW: float
    offset_nm: float
    area_source_rise_K: float = 0.0
    wrapped_fsr: bool
    power_mW: float
    tuned_shift_nm: float


class ThermalReport(BaseModel):
    """What ``analyse_thermal`` found; JSON-serialisable (``model_dump_json``)."""

    source: str
    temperature_K: float
    stage: str
    stage_cooling_power_W: float
    stage_source: str
    n_heaters: int
    n_rings: int
    n_kernel_solves: int
    kernel_cells: int
    kernel_edge_fraction: float
    energy_balance_error: float
    dneff_dT_per_K: float
    shift_nm_per_K: float
    worst_crosstalk_ratio: float
    median_power_per_fsr_mW: float
    heater_time_constant_s: float | None
    tuning_power_mW: float
    area_source_power_mW: float
    heat_load_W: float
    within_budget: bool
    untunable_rings: list[int]
    max_heater_power_mW: float
    rings: list[RingThermal]
    heater_power_mW: list[float]
    timings_s: dict[str, float]
    notes: list[str]
    _crosstalk: Any = PrivateAttr(default=None)
    _layout: Any = PrivateAttr(default=None)
    _tuning: Any = PrivateAttr(default=None)

    @property
    def crosstalk(self) -> CrosstalkResult:
        return self._crosstalk  # type: ignore[no-any-return,unused-ignore]

    @property
    def layout(self) -> LayoutThermal:
        return self._layout  # type: ignore[no-any-return,unused-ignore]


def _ring_geometry(lay: LayoutThermal) -> tuple[np.ndarray, np.ndarray]:
    rt = np.array([2 * math.pi * s.radius_um + 2 * s.length_x_um + 2 * s.length_y_um
                   for s in lay.ring_specs])
    fsr_spec = np.array([
        ring_fsr_nm(radius_um=s.radius_um, straight_um=2 * s.length_x_um + 2 * s.length_y_um)
        for s in lay.ring_specs
    ])
    return rt, fsr_spec


def analyse_thermal(
    component_or_gds_path: Any,
    *,
    temperature_K: float = 300.0,
    offsets_nm: Sequence[float] | None = None,
    fab_sigma_nm: float = 0.2,
    seed: int = 0,
    heater_powers_mW: Sequence[float] | None = None,
    max_heater_power_mW: float = 500.0,
    wl_nm: float = 1550.0,
    loaded_q: float = 50_000.0,
    channels: Sequence[CoolantChannel] = (),
    area_sources: Sequence[AreaSource] = (),
    window_um: float = 100.0,
    substrate_thickness_um: float | None = None,
    cooling_power_W: float | None = None,
    transient: bool = True,
    top_cell: str | None = None,
    kernel_options: KernelOptions | None = None,
) -> ThermalReport:
    """Thermal analysis of a layout: crosstalk, tuning, heat load against the cooling stage.

    Args:
        component_or_gds_path: gdsfactory Component or GDS path.
        temperature_K: operating (heat-sink) temperature in K (1-400).
        offsets_nm: fabricated resonance minus channel per ring (nm); None = seeded draw.
        fab_sigma_nm: standard deviation of the drawn offsets (nm).
        seed: seed of the draw.
        heater_powers_mW: given powers per heater (mW): skips the tuning solve.
        max_heater_power_mW: largest power of one heater (mW).
        wl_nm: channel wavelength (nm) for dn/dT, group index and FSR.
        loaded_q: loaded Q of the rings (linewidth = wl / Q; qubitron's estimate ~5e4).
        channels: coolant channels (top frame, um), besides the layout's FLUID shapes.
        area_sources: electronics blocks: their heat counts in the load, and their rise at
            each ring (``thermal.area_heating``) shifts its resonance before tuning.
        window_um: kernel window beyond each heater (um).
        substrate_thickness_um: Si above the heat sink (um); None = the PDK stack's 10 um.
        cooling_power_W: override of the stage's cooling power (W).
        transient: also compute the heater time constant (coarse window).
        top_cell: top cell name for a GDS with several top cells.
        kernel_options: full mesh options (overrides window/substrate/temperature above).

    Returns:
        ``ThermalReport``.

    Raises:
        ValueError: naming the bad parameter.
    """
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    stage = cooling_stage(temperature_K=temperature_K)
    if not (loaded_q > 0 and math.isfinite(loaded_q)):
        raise ValueError(f"loaded_q must be a finite number > 0, got {loaded_q!r}")
    if cooling_power_W is not None and not cooling_power_W > 0:
        raise ValueError(f"cooling_power_W must be > 0 W, got {cooling_power_W!r}")
    o = kernel_options or KernelOptions(window_um=window_um, temperature_K=temperature_K,
                                        substrate_thickness_um=substrate_thickness_um)
    o.checked()
    lay = read_layout(component_or_gds_path, top_cell=top_cell)
    timings["read_layout"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    channels = [*channels, *lay.coolant_channels()]  # given ones plus the layout's FLUID
    xt = crosstalk_matrix(lay, options=o, channels=channels)
    timings["crosstalk"] = time.perf_counter() - t1
    nr, nh = xt.matrix.shape
    dndt = dneff_dT_per_K(wl_nm=wl_nm, temperature_K=o.temperature_K)
    spk = shift_nm_per_K(wl_nm=wl_nm, temperature_K=o.temperature_K)
    _, fsr_spec = _ring_geometry(lay)
    fsr = fsr_spec[lay.ring_cell] if nr else np.zeros(0)
    if offsets_nm is None:
        off = fabrication_offsets_nm(n_rings=nr, sigma_nm=fab_sigma_nm, seed=seed)
    else:
        off = np.asarray(offsets_nm, dtype=float)
        if off.shape != (nr,):
            raise ValueError(f"offsets_nm must have one entry per ring ({nr}), got {off.shape}")
    t1 = time.perf_counter()
    area_rise = area_source_rise_K(
        sources=area_sources, ring_centres_um=lay.ring_centres_um(),
        ring_levels=[lay.ring_specs[c].level for c in lay.ring_cell], options=o,
        channels=channels,
    )
    timings["area_sources"] = time.perf_counter() - t1
    # the electronics' heat red-shifts every ring before the heaters act
    off = off + spk * area_rise
    t1 = time.perf_counter()
    tuning: TuningResult | None = None
    if heater_powers_mW is not None:
        p = np.asarray(heater_powers_mW, dtype=float)
        if p.shape != (nh,) or np.any(~(p >= 0)):
            raise ValueError(f"heater_powers_mW must be {nh} values >= 0 mW, got {p.shape}")
        achieved = spk * (xt.matrix @ p)
        untunable: list[int] = []
    else:
        tuning = tune_rings(crosstalk_K_per_mW=xt.matrix, offset_nm=off,
                            shift_nm_per_K=np.full(nr, spk), fsr_nm=fsr,
                            linewidth_nm=np.full(nr, wl_nm / loaded_q),
                            max_power_mW=max_heater_power_mW)
        p = np.asarray(tuning.power_mW)
        achieved = np.asarray(tuning.achieved_shift_nm)
        untunable = tuning.untunable
    timings["tuning"] = time.perf_counter() - t1
    self_rise = xt.self_rise_K_per_mW()
    rings = []
    centres = lay.ring_centres_um()
    for r in range(nr):
        s = float(self_rise[r]) if np.isfinite(self_rise[r]) else 0.0
        rings.append(RingThermal(
            index=r, centre_um=(float(centres[r, 0]), float(centres[r, 1])),
            level=lay.ring_specs[lay.ring_cell[r]].level, own_heater=int(xt.own_heater[r]),
            self_rise_K_per_mW=s, shift_nm_per_mW=s * spk, fsr_nm=float(fsr[r]),
            power_per_fsr_mW=float(fsr[r] / (s * spk)) if s > 0 else float("inf"),
            offset_nm=float(off[r]), wrapped_fsr=bool(off[r] > 0),
            area_source_rise_K=float(area_rise[r]),
            power_mW=float(p[xt.own_heater[r]]) if xt.own_heater[r] >= 0 else 0.0,
            tuned_shift_nm=float(achieved[r])))
    tau = None
    if transient and lay.heater_cells:
        t1 = time.perf_counter()
        hc = lay.heater_cells[int(np.bincount(lay.heater_cell).argmax())]
        coarse = o.model_copy(update={"window_um": min(o.window_um, 40.0), "fine_um": 1.0,
                                      "max_um": 10.0, "z_fine_um": 0.6})
        prob = kernel_problem(heater=hc, options=coarse)
        x0, y0, x1, y1 = hc.bbox_um
        z0, z1 = level_z_um("wg2")
        probe = cells_in(prob.grid, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], z0 - 0.3, z1 + 0.3)
        if not probe.any():
            probe = prob.q_W > 0
        tau = step_response(prob, probe=probe).time_constant_s
        timings["transient"] = time.perf_counter() - t1
    area_mw = float(sum(a.power_mW for a in area_sources))
    load_w = (float(p.sum()) + area_mw) * 1e-3
    cool = stage.cooling_power_W if cooling_power_W is None else float(cooling_power_W)
    finite_pfsr = [r.power_per_fsr_mW for r in rings if math.isfinite(r.power_per_fsr_mW)]
    edge = max((k.edge_fraction for k in xt.kernels), default=0.0)
    notes = [
        "dn_eff/dT is an estimate: effective-index partials of the SiN strip mode weighted by "
        "dn/dT of SiN and SiO2",
        f"kernel window {o.window_um} um beyond each heater: rises beyond it are taken as 0 "
        f"(largest rise on the window sides = {edge:.2e} of the peak)",
        "waveguide cores and other cells' metal are not in the conduction model; the heater "
        "cell's own metal is",
        "rings are found from gdsfactory cell info (ring_centre_um, radius_um); a GDS without "
        "kfactory meta data yields no rings",
        "electronics blocks dissipate at the top of the cladding (placement estimate); their "
        "rise at each ring centre shifts its resonance before tuning",
        "a ring red of its channel is tuned by one FSR minus its offset (wrapped_fsr)",
    ]
    if o.temperature_K < 250:
        notes.append("cryogenic k(T), dn/dT(T) and heat capacity below 300 K are estimates "
                     "(see thermal.materials); the linear model assumes small rises")
    energy = max((k.solution.balance_error for k in xt.kernels), default=0.0)
    rep = ThermalReport(
        source=lay.source, temperature_K=float(o.temperature_K), stage=stage.name,
        stage_cooling_power_W=cool, stage_source=stage.source if cooling_power_W is None else
        "given", n_heaters=nh, n_rings=nr, n_kernel_solves=xt.n_solves,
        kernel_cells=max((k.grid.size for k in xt.kernels), default=0),
        kernel_edge_fraction=max((k.edge_fraction for k in xt.kernels), default=0.0),
        energy_balance_error=energy, dneff_dT_per_K=dndt, shift_nm_per_K=spk,
        worst_crosstalk_ratio=xt.worst_crosstalk_ratio(),
        median_power_per_fsr_mW=float(np.median(finite_pfsr)) if finite_pfsr else float("nan"),
        heater_time_constant_s=tau, tuning_power_mW=float(p.sum()),
        area_source_power_mW=area_mw, heat_load_W=load_w, within_budget=load_w <= cool,
        untunable_rings=list(untunable), max_heater_power_mW=float(max_heater_power_mW),
        rings=rings, heater_power_mW=p.tolist(), timings_s=timings, notes=notes,
    )
    rep._crosstalk, rep._layout, rep._tuning = xt, lay, tuning
    timings["total"] = time.perf_counter() - t0
    return rep
