"""Calibration of the compact models by FDTD sweeps -> ``qc_pdk/data/calibration.json``.

Sweeps (2D effective-index FDTD, :mod:`simulation.fdtd.job`):

- ``bend_euler``: 90 deg Euler bends (p = 0.5) over :data:`BEND_RADII_UM`; the radiation loss
  per 90 deg is fitted with loss_dB = a R^q exp(-R / R_d) (Marcuse's bend-loss form,
  BSTJ 50, 2551 (1971): attenuation ~ R^-1/2 exp(-c R), times the arc length ~ R, so q ~ 1/2;
  q is fitted, bounded to [0, 2]);
- ``ring_coupler``: bus + circular half ring of radius :data:`RING_RADIUS_UM` over
  :data:`RING_GAPS_UM`; the bus transmission |t|^2 gives theta = acos|t|, fitted with the
  ring model's theta = kappa0 exp(-gap / d) sqrt(2 pi R d) (kappa0, d), written to section
  ``ring_coupler_fdtd`` -- not the ``ring_coupler`` section the ring models read, because
  applying it re-tunes every ring and WDM design (a decision for the designers);
- ``crossing``: the library crossing's design sweep (top view) over
  :data:`CROSSING_DESIGNS_UM` (centre width x taper length): the design with the lowest
  through loss at crosstalk < :data:`CROSSING_MAX_CROSSTALK_DB` and a taper of at most
  :data:`CROSSING_MAX_LENGTH_UM` (:func:`best_crossing_design`) is the cell's default; its
  through loss and worst crosstalk (both inputs, at the converged
  :data:`CROSSING_RESOLUTION_PX_PER_UM`) are applied, the table is recorded with the design
  it replaced (``before``);
- ``mmi``: the library's SiN MMIs (``mmi1x2`` splitter, ``mmi2x2`` 3 dB coupler; top view)
  over :data:`MMI_DESIGNS_UM` (length around the self-imaging design 3 L_pi / 8 and L_pi / 2,
  plus access-taper widths): per cell, the design with the lowest excess loss at an imbalance
  below :data:`MMI_MAX_IMBALANCE_DB`, DRC-clean (:func:`best_mmi_design`), is the cell's
  default; the fit of excess loss and imbalance against the self-imaging defocus
  (:func:`fit_mmi`, ``components.models.mmi``) is applied, the table is recorded;
- ``interlayer_coupler``: the library WG1 -> WG2 coupler (side-view 2D) over
  :data:`INTERLAYER_LENGTHS_UM`; the loss of the cell's default length is applied, the table
  is recorded (it is what chose the default length).

All fits use the band-centre wavelength (1.55 um). ``python -m simulation.fdtd.calibrate``
regenerates the file (about 2-4 minutes on 2 cores, plus ~10 minutes for the 41 crossing designs
and ~8 minutes for the 16 MMI designs on a first run; results are cached).

Example:
    >>> fit = fit_bend_loss(radii_um=[10, 20, 30], loss_dB=[5.0, 1.2, 0.3])
    >>> round(bend_loss_from_fit(radius_um=20.0, **fit), 2)
    1.2
"""

from __future__ import annotations

import argparse
import datetime as _dt
import functools
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import gdsfactory as gf
import numpy as np
from scipy.optimize import curve_fit

from components.gallery import cell_parameters
from components.models.calibration import default_calibration_path
from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.cells import calibration_bend, calibration_ring_coupler, fdtd_cell
from simulation.fdtd.interpreter import meep_version
from simulation.fdtd.job import FdtdJob, build_job
from simulation.fdtd.sparams import FdtdResult, run_jobs

__all__ = [
    "BEND_RADII_UM",
    "CALIBRATION_RESOLUTION_PX_PER_UM",
    "CROSSING_DESIGNS_UM",
    "CROSSING_MAX_LENGTH_UM",
    "CROSSING_RESOLUTION_PX_PER_UM",
    "MMI_DESIGNS_UM",
    "MMI_MAX_IMBALANCE_DB",
    "best_crossing_design",
    "best_mmi_design",
    "fit_mmi",
    "mmi_sweep_jobs",
    "summarise_mmi_sweep",
    "crossing_is_drc_clean",
    "RING_GAPS_UM",
    "RING_RADIUS_UM",
    "bend_loss_from_fit",
    "calibrate",
    "calibration_jobs",
    "fit_bend_loss",
    "fit_ring_coupler",
    "summarise",
]

BEND_RADII_UM: tuple[float, ...] = (8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 30.0)
RING_RADIUS_UM = 10.0
RING_GAPS_UM: tuple[float, ...] = (0.2, 0.3, 0.4, 0.5, 0.6)
INTERLAYER_LENGTHS_UM: tuple[float, ...] = (60.0, 100.0, 150.0, 200.0, 250.0, 300.0, 400.0)
#: crossing designs swept, (centre width, taper length) in um, in the order they were added:
#: a 3 x 3 grid (2-4 x 6-15 um); each refinement followed the best corner, which kept moving
#: to narrower centres: widening (an MMI-like centre) loses to the diffraction of the wide,
#: multimode taper in this low-contrast guide, narrowing below the 0.8 um guide expands the
#: mode so it crosses the gap with less diffraction (a mode-expansion crossing)
CROSSING_DESIGNS_UM: tuple[tuple[float, float], ...] = (
    *((w, length) for length in (6.0, 10.0, 15.0) for w in (2.0, 3.0, 4.0)),
    *((w, length) for w in (1.5, 2.5) for length in (8.0, 10.0, 12.0, 15.0)),
    (2.0, 8.0), (2.0, 12.0), (2.0, 20.0), (2.5, 20.0), (3.0, 20.0), (3.0, 25.0),
    (1.25, 10.0), (1.75, 10.0), (1.5, 9.0), (1.5, 11.0), (1.25, 12.0), (1.75, 12.0),
    (1.0, 10.0), (0.8, 10.0), (1.0, 6.0), (1.0, 8.0), (1.0, 15.0), (0.6, 10.0), (0.6, 15.0),
    (0.5, 10.0), (0.5, 15.0), (0.6, 6.0), (0.6, 8.0), (0.6, 12.0), (0.7, 10.0), (0.5, 20.0),
    (0.6, 20.0), (0.5, 6.0), (0.5, 4.0), (0.6, 4.0), (0.5, 5.0), (0.7, 6.0), (0.5, 3.0),
)
#: MMI designs swept, ``{cell: ((width_mmi, length_mmi, width_taper) in um, ...)}``, around
#: the self-imaging designs (Soldano & Pennings, J. Lightwave Technol. 13, 615 (1995)): at
#: n_r = 1.674 (slab) in SiO2, W = 6 um -> W_e = 6.43 um, L_pi = 59.6 um; the 1x2's symmetric
#: interference at 3 L_pi / 8 = 22.3 um, the 2x2's general interference at 3 L_pi / 2 =
#: 89.4 um; then the access-taper width at the best length. Tried first and dropped: the
#: paired-interference 2x2 (W = 6, guides at +-W/6, L = 27-33 um: 3.9-9.7 dB off balance) and
#: a 4 um general-interference 2x2 (L = 35-46 um: 0.5-8.5 dB off balance, >= 0.26 dB loss):
#: this low-contrast guide images sharply only in the wider section
MMI_DESIGNS_UM: dict[str, tuple[tuple[float, float, float], ...]] = {
    "mmi1x2": (*((6.0, length, 1.5) for length in (20.0, 21.0, 22.0, 23.0, 24.0)),
               *((6.0, length, 2.0) for length in (21.0, 22.0, 23.0))),
    "mmi2x2": (*((6.0, length, 1.5) for length in (84.0, 86.0, 88.0, 90.0, 92.0)),
               *((6.0, length, 2.0) for length in (86.0, 87.0, 88.0, 89.0))),
}
MMI_MAX_IMBALANCE_DB = 0.3
#: the design the sweep replaced (the crossing's defaults until the sweep)
CROSSING_BEFORE_UM = (2.0, 6.0)
CROSSING_MAX_CROSSTALK_DB = -30.0
# the router spaces crossings and jogs by the crossing cell's length and its pitch rule is built
# around the 12 um cell: a 20 um crossing (0.5 / 10 um, 0.21 dB) fails routing sign-off
# (tests/routing/test_signoff.py, shifted rows at 50 um pitch), so the taper is capped until
# the router accepts longer crossings
CROSSING_MAX_LENGTH_UM = 6.0
# the crossing's loss moves by 0.05 dB (30 %) from 16 to 28 px/um (bends 2 %,
# benchmarks/bench_fdtd_convergence.py): the sweep ranks designs at the calibration
# resolution, the applied figures are the drawn design's at this one
CROSSING_RESOLUTION_PX_PER_UM = 28.0
# 16 px/um: the 20 -> 28 px/um change of the bend loss is < 0.05 dB (convergence check)
CALIBRATION_RESOLUTION_PX_PER_UM = 16.0
CALIBRATION_WL_UM: tuple[float, ...] = (1.53, 1.55, 1.57)
WL_FIT_UM = 1.55


def bend_loss_from_fit(
    *, radius_um: float, a_dB_per_90: float, radius_exponent: float, decay_radius_um: float
) -> float:
    """Calibrated bend loss per 90 deg (dB): a R^q exp(-R / R_d)."""
    r = float(radius_um)
    return float(a_dB_per_90 * r**radius_exponent * math.exp(-r / decay_radius_um))


def fit_bend_loss(*, radii_um: Sequence[float], loss_dB: Sequence[float]) -> dict[str, float]:
    """Fit loss_dB = a R^q exp(-R/R_d) (absolute dB least squares).

    Returns:
        ``{"a_dB_per_90", "radius_exponent", "decay_radius_um"}``.
    """
    r = np.asarray(radii_um, float)
    y = np.maximum(np.asarray(loss_dB, float), 1e-6)
    # start from the log-linear fit with q = 1/2, then refine in dB (the 0.05 dB target is
    # absolute, so the residuals are too)
    slope, icpt = np.polyfit(r, np.log(y) - 0.5 * np.log(r), 1)
    p0 = (math.exp(icpt), 0.5, -1.0 / slope if slope < 0 else 10.0)

    def f(rr: np.ndarray, a: float, q: float, rd: float) -> np.ndarray:
        return a * rr**q * np.exp(-rr / rd)

    popt, _ = curve_fit(f, r, y, p0=p0, bounds=([0, 0, 0.1], [np.inf, 2.0, 1e3]), maxfev=20000)
    return {"a_dB_per_90": float(popt[0]), "radius_exponent": float(popt[1]),
            "decay_radius_um": float(popt[2])}


def fit_ring_coupler(
    *, gaps_um: Sequence[float], through_power: Sequence[float], radius_um: float
) -> dict[str, float]:
    """Fit kappa0 (1/um) and d (um) of theta = kappa0 exp(-g/d) sqrt(2 pi R d), theta = acos|t|.

    Example:
        >>> g = np.array([0.2, 0.4]); th = 0.05 * np.exp(-g / 0.4) * np.sqrt(2 * np.pi * 8)
        >>> fit = fit_ring_coupler(gaps_um=g, through_power=np.cos(th) ** 2, radius_um=20.0)
        >>> round(fit["kappa0_per_um"], 3), round(fit["decay_um"], 3)
        (0.05, 0.4)
    """
    g = np.asarray(gaps_um, float)
    theta = np.arccos(np.sqrt(np.clip(np.asarray(through_power, float), 0.0, 1.0)))
    slope, _ = np.polyfit(g, np.log(np.maximum(theta, 1e-9)), 1)
    d0 = -1.0 / slope if slope < 0 else 0.3
    r = float(radius_um)

    def f(gg: np.ndarray, k0: float, d: float) -> np.ndarray:
        return k0 * np.exp(-gg / d) * np.sqrt(2 * np.pi * r * d)

    k00 = float(np.mean(theta / (np.exp(-g / d0) * np.sqrt(2 * np.pi * r * d0))))
    popt, _ = curve_fit(f, g, theta, p0=(k00, d0), bounds=([1e-6, 1e-3], [10.0, 10.0]))
    return {"kappa0_per_um": float(popt[0]), "decay_um": float(popt[1])}


def best_crossing_design(
    *, designs_um: Sequence[tuple[float, float]], through_loss_dB: Sequence[float],
    crosstalk_dB: Sequence[float], max_crosstalk_dB: float = CROSSING_MAX_CROSSTALK_DB,
    max_length_um: float = CROSSING_MAX_LENGTH_UM,
    is_drawable: Callable[[tuple[float, float]], bool] | None = None,
) -> tuple[float, float]:
    """The crossing design to draw: (centre width, taper length) in um.

    The lowest through loss (dB) among the designs with crosstalk (dB) below
    ``max_crosstalk_dB``, taper length at most ``max_length_um`` (footprint 2 x length) and,
    when ``is_drawable`` is given, ``is_drawable(design)`` true (asked in order of loss, e.g.
    :func:`crossing_is_drc_clean`).

    Raises:
        ValueError: no design meets the limits, or the sequences differ in length.

    Example:
        >>> best_crossing_design(designs_um=[(2, 6), (0.6, 6), (0.5, 10)],
        ...                      through_loss_dB=[0.76, 0.26, 0.21], crosstalk_dB=[-48, -34, -44])
        (0.6, 6.0)
    """
    if not len(designs_um) == len(through_loss_dB) == len(crosstalk_dB):
        raise ValueError("designs_um, through_loss_dB and crosstalk_dB differ in length")
    ok = [i for i, (x, d) in enumerate(zip(crosstalk_dB, designs_um, strict=True))
          if x < max_crosstalk_dB and d[1] <= max_length_um]
    if not ok:
        raise ValueError(f"no crossing design has crosstalk below {max_crosstalk_dB} dB and a "
                         f"taper of at most {max_length_um} um")
    for i in sorted(ok, key=lambda i: through_loss_dB[i]):
        design = (float(designs_um[i][0]), float(designs_um[i][1]))
        if is_drawable is None or is_drawable(design):
            return design
    raise ValueError("no crossing design within the limits is drawable (DRC)")


def crossing_is_drc_clean(design_um: tuple[float, float]) -> bool:
    """True when the crossing (centre width, taper length) in um passes the PDK's DRC (some
    widths leave sub-space notches where the four arms meet, e.g. 0.6 um: WG1.S.1)."""
    import tempfile

    from qc_pdk.drc import run_drc

    c = fdtd_cell("crossing", {"width_mmi": f"{design_um[0]:g}", "length": f"{design_um[1]:g}"})
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "crossing.gds"
        c.write_gds(path, with_metadata=False)
        return bool(run_drc(path).clean)


def crossing_sweep_jobs(
    *, resolution_px_per_um: float = CALIBRATION_RESOLUTION_PX_PER_UM,
    wl_um: Sequence[float] = CALIBRATION_WL_UM,
    designs_um: Sequence[tuple[float, float]] = CROSSING_DESIGNS_UM,
) -> list[tuple[tuple[float, float], FdtdJob]]:
    """The crossing design sweep: ``[((width_mmi_um, length_um), job), ...]``.

    One input (o1) per design: the cell is one taper arm drawn at 0, 90, 180 and 270 deg, so
    o2's paths are o1's rotated.
    """
    return [
        ((float(w), float(length)),
         build_job(fdtd_cell("crossing", {"width_mmi": f"{w:g}", "length": f"{length:g}"}),
                   source_ports=["o1"], label=f"crossing w={w:g} L={length:g}",
                   resolution_px_per_um=resolution_px_per_um, wl_um=tuple(wl_um)))
        for w, length in designs_um
    ]


def calibration_jobs(
    *, resolution_px_per_um: float = CALIBRATION_RESOLUTION_PX_PER_UM,
    wl_um: Sequence[float] = CALIBRATION_WL_UM,
    bend_radii_um: Sequence[float] = BEND_RADII_UM,
    ring_gaps_um: Sequence[float] = RING_GAPS_UM,
    ring_radius_um: float = RING_RADIUS_UM,
) -> dict[str, list[tuple[float | None, FdtdJob]]]:
    """The sweeps' jobs: ``{section: [(swept value or None, job), ...]}``."""
    wl = tuple(wl_um)

    def job(component: gf.Component, source_ports: list[str], label: str) -> FdtdJob:
        return build_job(component, source_ports=source_ports, label=label,
                         resolution_px_per_um=resolution_px_per_um, wl_um=wl)

    return {
        "bend_euler": [
            (float(r), job(calibration_bend(radius_um=r), ["o1"], f"bend R={r:g} um"))
            for r in bend_radii_um
        ],
        "ring_coupler": [
            (float(g), job(calibration_ring_coupler(gap_um=g, radius_um=ring_radius_um),
                           ["o1"], f"ring coupler gap={g:g} um"))
            for g in ring_gaps_um
        ],
        # both inputs: the symmetry of the through paths is part of the check
        "crossing": [(None, build_job(fdtd_cell("crossing"), source_ports=["o1", "o2"],
                                      label="crossing", wl_um=wl,
                                      resolution_px_per_um=max(resolution_px_per_um,
                                                               CROSSING_RESOLUTION_PX_PER_UM)))],
        "interlayer_coupler": [
            (float(length), job(fdtd_cell("interlayer_coupler", {"length": f"{length:g}"}),
                                ["o1"], f"interlayer L={length:g} um"))
            for length in INTERLAYER_LENGTHS_UM
        ],
    }


def _at(result: FdtdResult, a: str, b: str, wl_um: float = WL_FIT_UM) -> float:
    i = int(np.argmin(np.abs(result.wl_um - wl_um)))
    return float(result.power(a, b)[i])


def _swept(section: list[tuple[float | None, FdtdJob]]) -> list[float]:
    """Swept values of a sweep section (only single-job sections have None)."""
    values = []
    for v, _ in section:
        if v is None:
            raise ValueError("a sweep section holds a job without a swept value")
        values.append(v)
    return values


def _db(p: float) -> float:
    return -10.0 * math.log10(max(p, 1e-12))


def summarise_crossing_sweep(
    sweep: Sequence[tuple[tuple[float, float], FdtdResult]],
) -> dict[str, Any]:
    """The crossing sweep table, the design it picks and the one it replaced."""
    designs = [d for d, _ in sweep]
    loss = [_db(_at(r, "o1", "o3")) for _, r in sweep]
    xt = [-_db(max(_at(r, "o1", "o2"), _at(r, "o1", "o4"))) for _, r in sweep]
    chosen = best_crossing_design(designs_um=designs, through_loss_dB=loss, crosstalk_dB=xt,
                                  is_drawable=crossing_is_drc_clean)
    before = designs.index(CROSSING_BEFORE_UM) if CROSSING_BEFORE_UM in designs else None
    out: dict[str, Any] = {
        "selected_width_mmi_um": chosen[0], "selected_length_um": chosen[1],
        "selection": (f"lowest o1->o3 loss at crosstalk < {CROSSING_MAX_CROSSTALK_DB:g} dB, "
                      f"taper <= {CROSSING_MAX_LENGTH_UM:g} um (router), DRC-clean"),
        "sweep_resolution_px_per_um": CALIBRATION_RESOLUTION_PX_PER_UM,
        "sweep_width_mmi_um": [d[0] for d in designs],
        "sweep_length_um": [d[1] for d in designs],
        "sweep_through_loss_dB": [round(x, 5) for x in loss],
        "sweep_crosstalk_dB": [round(x, 3) for x in xt],
    }
    if before is not None:
        out["before"] = {"width_mmi_um": CROSSING_BEFORE_UM[0],
                         "length_um": CROSSING_BEFORE_UM[1],
                         "through_loss_dB": loss[before], "crosstalk_dB": xt[before]}
    return out


MmiDesign = tuple[float, float, float]


def mmi_sweep_jobs(
    *, resolution_px_per_um: float = CALIBRATION_RESOLUTION_PX_PER_UM,
    wl_um: Sequence[float] = CALIBRATION_WL_UM,
    designs_um: dict[str, tuple[MmiDesign, ...]] | None = None,
) -> list[tuple[tuple[str, MmiDesign], FdtdJob]]:
    """The MMI design sweep: ``[((cell, (width_mmi, length_mmi, width_taper)), job), ...]``.

    One input (o1) per design: the 1x2 is symmetric, the 2x2's o2 is o1 mirrored.
    """
    designs = MMI_DESIGNS_UM if designs_um is None else designs_um
    return [
        ((name, d),
         build_job(fdtd_cell(name, _mmi_params(d)), source_ports=["o1"],
                   label=f"{name} W={d[0]:g} L={d[1]:g} taper={d[2]:g}",
                   resolution_px_per_um=resolution_px_per_um, wl_um=tuple(wl_um)))
        for name, ds in designs.items() for d in ds
    ]


def _mmi_params(design_um: MmiDesign) -> dict[str, str]:
    w, length, taper = design_um
    return {"width_mmi": f"{w:g}", "length_mmi": f"{length:g}", "width_taper": f"{taper:g}"}


def mmi_is_drc_clean(name: str, design_um: MmiDesign) -> bool:
    """True when MMI cell ``name`` with (width_mmi, length_mmi, width_taper) in um passes DRC."""
    import tempfile

    from qc_pdk.drc import run_drc

    c = fdtd_cell(name, _mmi_params(design_um))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"{name}.gds"
        c.write_gds(path, with_metadata=False)
        return bool(run_drc(path).clean)


def best_mmi_design(
    *, designs_um: Sequence[MmiDesign], excess_loss_dB: Sequence[float],
    imbalance_dB: Sequence[float], max_imbalance_dB: float = MMI_MAX_IMBALANCE_DB,
    is_drawable: Callable[[MmiDesign], bool] | None = None,
) -> MmiDesign:
    """The MMI design to draw: the lowest excess loss (dB) among the designs whose
    |imbalance| (dB) is below ``max_imbalance_dB`` and, when given, ``is_drawable(design)``.

    Raises:
        ValueError: no design meets the limits, or the sequences differ in length.

    Example:
        >>> best_mmi_design(designs_um=[(6, 20, 1.5), (6, 22, 1.5), (6, 24, 1.5)],
        ...                 excess_loss_dB=[0.4, 0.1, 0.05], imbalance_dB=[0.0, 0.1, 0.5])
        (6.0, 22.0, 1.5)
    """
    if not len(designs_um) == len(excess_loss_dB) == len(imbalance_dB):
        raise ValueError("designs_um, excess_loss_dB and imbalance_dB differ in length")
    ok = [i for i, b in enumerate(imbalance_dB) if abs(b) < max_imbalance_dB]
    if not ok:
        raise ValueError(f"no MMI design has an imbalance below {max_imbalance_dB} dB")
    for i in sorted(ok, key=lambda i: excess_loss_dB[i]):
        design = (float(designs_um[i][0]), float(designs_um[i][1]), float(designs_um[i][2]))
        if is_drawable is None or is_drawable(design):
            return design
    raise ValueError("no MMI design within the limits is drawable (DRC)")


def fit_mmi(
    *, lengths_um: Sequence[float], wl_um: Sequence[float], loss_dB: Sequence[float],
    imbalance_dB: Sequence[float], wl0_um: float = WL_FIT_UM,
) -> dict[str, float]:
    """Fit the self-imaging defocus law of ``components.models.mmi`` to sweep points.

    With x = (L / L_img) (lambda / lambda_0) - 1: loss = excess + c x^2 (least squares over
    excess, L_img, c), imbalance = b0 + s x (linear, given L_img). One point per
    (length, wavelength).

    Returns:
        ``{"excess_loss_dB", "imaging_length_um", "defocus_loss_dB", "imbalance_dB",
        "imbalance_slope_dB"}``.

    Example:
        >>> L = np.repeat([20.0, 22.0, 24.0], 3); w = np.tile([1.53, 1.55, 1.57], 3)
        >>> x = L / 22.5 * w / 1.55 - 1
        >>> fit = fit_mmi(lengths_um=L, wl_um=w, loss_dB=0.1 + 40 * x**2, imbalance_dB=3 * x)
        >>> round(fit["imaging_length_um"], 3), round(fit["excess_loss_dB"], 3)
        (22.5, 0.1)
    """
    length = np.asarray(lengths_um, float)
    wl = np.asarray(wl_um, float)
    y = np.asarray(loss_dB, float)
    b = np.asarray(imbalance_dB, float)
    if not len(length) == len(wl) == len(y) == len(b) or len(y) < 3:
        raise ValueError("fit_mmi needs >= 3 points of equal-length sequences")

    def f(lw: np.ndarray, il: float, img: float, c: float) -> np.ndarray:
        x = lw[0] / img * lw[1] / wl0_um - 1.0
        return il + c * x**2

    img0 = float(length[np.argmin(y)])
    popt, _ = curve_fit(f, np.vstack([length, wl]), y, p0=(max(float(y.min()), 0.0), img0, 10.0),
                        bounds=([0.0, 0.5 * length.min(), 0.0], [10.0, 2.0 * length.max(), 1e5]),
                        maxfev=20000)
    x = length / popt[1] * wl / wl0_um - 1.0
    slope, icpt = np.polyfit(x, b, 1)
    return {"excess_loss_dB": float(popt[0]), "imaging_length_um": float(popt[1]),
            "defocus_loss_dB": float(popt[2]), "imbalance_dB": float(icpt),
            "imbalance_slope_dB": float(slope)}


def _mmi_outputs(name: str) -> tuple[str, str]:
    """(first, second) output of source o1 whose ratio is the imbalance: 1x2 o2/o3, 2x2 bar
    o4 / cross o3."""
    return ("o2", "o3") if name == "mmi1x2" else ("o4", "o3")


def summarise_mmi_sweep(
    sweep: Sequence[tuple[tuple[str, MmiDesign], FdtdResult]],
) -> dict[str, dict[str, Any]]:
    """Per MMI cell: the sweep table, the design it picks and the defocus-law fit."""
    out: dict[str, dict[str, Any]] = {}
    for name in dict.fromkeys(n for (n, _), _ in sweep):
        rows = [(d, r) for (n, d), r in sweep if n == name]
        a, b = _mmi_outputs(name)
        loss = [_db(_at(r, "o1", a) + _at(r, "o1", b)) for _, r in rows]
        imb = [_db(_at(r, "o1", b)) - _db(_at(r, "o1", a)) for _, r in rows]
        designs = [d for d, _ in rows]
        chosen = best_mmi_design(designs_um=designs, excess_loss_dB=loss, imbalance_dB=imb,
                                 is_drawable=functools.partial(mmi_is_drc_clean, name))
        # the defocus law is fitted over the lengths of the chosen width and taper
        same = [(d, r) for d, r in rows if (d[0], d[2]) == (chosen[0], chosen[2])]
        pts = [(d[1], float(w), r) for d, r in same for w in r.wl_um]
        fit = fit_mmi(
            lengths_um=[p[0] for p in pts], wl_um=[p[1] for p in pts],
            loss_dB=[_db(_at(r, "o1", a, w) + _at(r, "o1", b, w)) for _, w, r in pts],
            imbalance_dB=[_db(_at(r, "o1", b, w)) - _db(_at(r, "o1", a, w)) for _, w, r in pts])
        i = designs.index(chosen)
        res = rows[i][1]
        k = int(np.argmin(np.abs(res.wl_um - WL_FIT_UM)))
        ratio = res.sdict[("o1", b)][k] / res.sdict[("o1", a)][k]
        section: dict[str, Any] = {
            **fit,
            "width_mmi_um": chosen[0], "length_mmi_um": chosen[1], "width_taper_um": chosen[2],
            "fdtd_excess_loss_dB": loss[i], "fdtd_imbalance_dB": imb[i],
            # 1x2: ideally 0 deg (symmetric images); 2x2: cross vs bar, ideally +-90 deg;
            # recorded, the model takes the ideal value (the heater absorbs the difference)
            "fdtd_phase_deg": float(np.degrees(np.angle(ratio))),
            "fdtd_reflection_dB": -_db(_at(res, "o1", "o1")),
            "selection": (f"lowest excess loss at |imbalance| < {MMI_MAX_IMBALANCE_DB:g} dB, "
                          "DRC-clean"),
            "sweep_resolution_px_per_um": res.resolution_px_per_um,
            "sweep_width_mmi_um": [d[0] for d in designs],
            "sweep_length_mmi_um": [d[1] for d in designs],
            "sweep_width_taper_um": [d[2] for d in designs],
            "sweep_excess_loss_dB": [round(x, 5) for x in loss],
            "sweep_imbalance_dB": [round(x, 4) for x in imb],
        }
        if name == "mmi2x2":  # the sign is physics (which output the heater reaches first),
            # its size is not: a low-loss passive 2x2 coupler is at +-90 deg
            section["cross_phase_deg"] = math.copysign(90.0, section["fdtd_phase_deg"])
        out[name] = section
    return out


def summarise(
    jobs: dict[str, list[tuple[float | None, FdtdJob]]],
    results: dict[str, list[FdtdResult]],
    ring_radius_um: float = RING_RADIUS_UM,
    crossing_sweep: Sequence[tuple[tuple[float, float], FdtdResult]] | None = None,
    mmi_sweep: Sequence[tuple[tuple[str, MmiDesign], FdtdResult]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Fitted calibration sections from the sweep results (see the module docstring).

    Raises:
        ValueError: the crossing sweep picks another design than the cell's default (the cell
            must be updated first), or misses the default; likewise the interlayer sweep
            and the MMI sweep.
    """
    radii = _swept(jobs["bend_euler"])
    bend_loss = [_db(_at(r, "o1", "o2")) for r in results["bend_euler"]]
    bend: dict[str, Any] = fit_bend_loss(radii_um=radii, loss_dB=bend_loss)
    bend.update(radii_um=radii, fdtd_loss_dB_per_90=[round(x, 5) for x in bend_loss])

    gaps = _swept(jobs["ring_coupler"])
    through = [_at(r, "o1", "o4") for r in results["ring_coupler"]]
    ring: dict[str, Any] = fit_ring_coupler(
        gaps_um=gaps, through_power=through, radius_um=ring_radius_um
    )
    ring.update(radius_um=ring_radius_um, gaps_um=gaps,
                fdtd_through_power=[round(x, 6) for x in through])

    xr = results["crossing"][0]
    t13, t24 = _at(xr, "o1", "o3"), _at(xr, "o2", "o4")
    xt = max(_at(xr, "o1", "o2"), _at(xr, "o1", "o4"), _at(xr, "o2", "o1"), _at(xr, "o2", "o3"))
    t = min(t13, t24)
    t = min(t, 1.0 - 4.0 * xt)  # keep the model passive: t^2 + 4 x^2 <= 1 (power)
    crossing: dict[str, Any] = {
        "insertion_loss_dB": _db(t), "crosstalk_dB": -_db(xt),
        "fdtd_through_o1_o3_dB": -_db(t13), "fdtd_through_o2_o4_dB": -_db(t24),
        "resolution_px_per_um": xr.resolution_px_per_um}
    if crossing_sweep is not None:
        table = summarise_crossing_sweep(crossing_sweep)
        cell = cell_parameters("crossing")
        default = (float(str(cell["width_mmi"])), float(str(cell["length"])))
        chosen = (table["selected_width_mmi_um"], table["selected_length_um"])
        if default != chosen:
            raise ValueError(f"the crossing sweep picks (width_mmi, length) = {chosen} um but "
                             f"the cell draws {default} um: update components/crossing.py")
        crossing.update(width_mmi_um=default[0], length_um=default[1], **table)

    lengths = _swept(jobs["interlayer_coupler"])
    il_dB = [_db(min(_at(r, "o1", "o2"), 1.0)) for r in results["interlayer_coupler"]]
    default_length = float(str(cell_parameters("interlayer_coupler")["length"]))
    if default_length not in lengths:
        raise ValueError(f"the interlayer sweep {lengths} misses the cell's default length "
                         f"{default_length} um")
    inter = {"insertion_loss_dB": il_dB[lengths.index(default_length)],
             "length_um": default_length, "lengths_um": lengths,
             "fdtd_loss_dB": [round(x, 5) for x in il_dB]}
    ring["note"] = ("fit of the ring model's coupler constants; NOT applied (the ring models "
                    "read section ring_coupler): ~3.5x the estimated kappa0, which would "
                    "re-tune every ring/WDM design; rename to ring_coupler to apply")
    bend["note"] = ("2D effective-index FDTD; recorded as validation, NOT applied: the bend "
                    "models use the 3D vectorial mode table (components.models.mode_table)")
    out = {"bend_euler_fdtd_2d": bend, "ring_coupler_fdtd": ring, "crossing": crossing,
           "interlayer_coupler": inter}
    if mmi_sweep is not None:
        mmi = summarise_mmi_sweep(mmi_sweep)
        for name, table in mmi.items():
            cell = cell_parameters(name)
            drawn = tuple(float(str(cell[k])) for k in ("width_mmi", "length_mmi",
                                                        "width_taper"))
            picked = (table["width_mmi_um"], table["length_mmi_um"], table["width_taper_um"])
            if drawn != picked:
                raise ValueError(f"the MMI sweep picks (width_mmi, length_mmi, width_taper) = "
                                 f"{picked} um for {name} but the cell draws {drawn} um: "
                                 f"update components/models/mmi.py")
        out["mmi"] = {**mmi, "note": ("2D effective-index FDTD (top view, slab index of the "
                                      "0.3 um film): an estimate of the buried 3D strip's MMI")}
    return out


def calibrate(
    *, out_path: str | Path | None = None,
    resolution_px_per_um: float = CALIBRATION_RESOLUTION_PX_PER_UM,
    max_workers: int | None = None, client: Any = None, cache: FdtdCache | None = None,
    console: Any = None,
) -> dict[str, Any]:
    """Run the sweeps (in parallel, cached), fit, and write the calibration file.

    Args:
        out_path: JSON path (default ``components.models.calibration.default_calibration_path()``,
            i.e. ``qc_pdk/data/calibration.json`` unless ``$QC_CALIBRATION_FILE``).
        resolution_px_per_um: FDTD resolution of every sweep point.
        max_workers: meep processes at once (default all cores).
        client: optional ``dask.distributed.Client``.
        cache: FDTD cache.
        console: rich console for progress (None: quiet).

    Returns:
        the calibration dict written (sections plus ``_meta``).
    """
    jobs = calibration_jobs(resolution_px_per_um=resolution_px_per_um)
    flat = [(sec, j) for sec, items in jobs.items() for _, j in items]
    done = [0]

    def progress(i: int, res: FdtdResult) -> None:
        done[0] += 1
        if console is not None:
            how = "cached" if res.from_cache else f"{res.raw.get('elapsed_s', 0):.1f} s"
            console.log(f"[{done[0]}/{len(flat)}] {flat[i][1].label}: {how}")

    sweep = crossing_sweep_jobs(resolution_px_per_um=resolution_px_per_um)
    flat += [("crossing_sweep", j) for _, j in sweep]
    msweep = mmi_sweep_jobs(resolution_px_per_um=resolution_px_per_um)
    flat += [("mmi_sweep", j) for _, j in msweep]
    results_flat = run_jobs([j for _, j in flat], max_workers=max_workers, client=client,
                            cache=cache, on_done=progress)
    results: dict[str, list[FdtdResult]] = {
        k: [] for k in [*jobs, "crossing_sweep", "mmi_sweep"]}
    for (sec, _), res in zip(flat, results_flat, strict=True):
        results[sec].append(res)
    crossing_sweep = [(d, r) for (d, _), r in zip(sweep, results.pop("crossing_sweep"),
                                                   strict=True)]
    mmi_sweep = [(d, r) for (d, _), r in zip(msweep, results.pop("mmi_sweep"), strict=True)]
    sections = summarise(jobs, results, crossing_sweep=crossing_sweep, mmi_sweep=mmi_sweep)
    data: dict[str, Any] = {
        "_meta": {
            "generated_by": "python -m simulation.fdtd.calibrate",
            "date": _dt.date.today().isoformat(),
            "method": ("MEEP 2D effective-index FDTD (side view for interlayer_coupler): an "
                       "estimate of the buried 3D strips' figures"),
            "meep_version": meep_version(),
            "resolution_px_per_um": float(resolution_px_per_um),
            "wl_fit_um": WL_FIT_UM,
        },
        **sections,
    }
    path = Path(out_path) if out_path is not None else default_calibration_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_round(data), indent=1) + "\n", encoding="utf-8")
    return data


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        return float(f"{obj:.6g}")
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m simulation.fdtd.calibrate [--out PATH] [--resolution PX_PER_UM]``."""
    from rich.console import Console

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=None, help="calibration JSON path")
    ap.add_argument("--resolution", type=float, default=CALIBRATION_RESOLUTION_PX_PER_UM)
    ap.add_argument("--workers", type=int, default=None, help="meep processes at once")
    args = ap.parse_args(argv)
    import quantacore  # an entry point: activates the PDK once

    quantacore.activate()
    console = Console(stderr=True)
    data = calibrate(out_path=args.out, resolution_px_per_um=args.resolution,
                     max_workers=args.workers, console=console)
    console.print_json(json.dumps({k: v for k, v in _round(data).items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
