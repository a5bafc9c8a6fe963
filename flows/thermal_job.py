"""`quantacore thermal GDS_or_SPEC --out DIR`: heaters, crosstalk, tuning and heat load.

A GDS is analysed as it is (heaters and rings found hierarchically by ``thermal.layout``); a
chip spec is placed and routed in memory first, the way ``quantacore build`` draws it. The
outputs (``thermal.json``, ``tuning.json``, the crosstalk matrix, one temperature map per
level) are written atomically. Exit code 0 when every ring with a heater reaches its channel
within the heaters' power and the chip's heat load fits the cooling stage, 1 otherwise.

Example:
    >>> import tempfile, pathlib, gdsfactory as gf
    >>> from components import CELLS
    >>> c = gf.Component(); _ = c << CELLS["ring_switch"]()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t"
    >>> report, code = run_thermal(c, out, temperature_K=300.0, transient=False)
    >>> report.n_heaters, sorted(p.name for p in out.iterdir())[:2]
    (1, ['crosstalk.csv', 'crosstalk.npy'])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flows.output import atomic_folder
from flows.report import ThermalSummary
from qc_pdk.errors import InputError
from thermal.analysis import AreaSource, ThermalReport, analyse_thermal
from thermal.outputs import write_thermal_outputs

__all__ = ["ThermalInputError", "qubitron_detuning", "run_thermal", "thermal_summary"]

#: rings are matched to a tile's qubitrons by their drawn round trip, to this tolerance (um)
ROUND_TRIP_MATCH_UM = 1e-3


class ThermalInputError(InputError):
    """A layout or thermal setting that cannot be analysed (named in the message)."""


def thermal_summary(report: ThermalReport) -> ThermalSummary:
    """The build report's thermal section from a full thermal report."""
    untunable = set(report.untunable_rings)
    no_heater = [r.index for r in report.rings if r.own_heater < 0]
    tau = report.heater_time_constant_s
    return ThermalSummary(
        temperature_K=report.temperature_K,
        cooling_stage=report.stage,
        cooling_power_W=report.stage_cooling_power_W,
        heat_load_W=report.heat_load_W,
        within_budget=report.within_budget,
        heaters=report.n_heaters,
        rings=report.n_rings,
        rings_without_heater=len(no_heater),
        untunable_rings=len(untunable - set(no_heater)),
        tuning_power_mW=round(report.tuning_power_mW, 3),
        median_power_per_fsr_mW=round(report.median_power_per_fsr_mW, 3),
        worst_crosstalk_ratio=report.worst_crosstalk_ratio,
        heater_time_constant_us=None if tau is None else round(tau * 1e6, 3),
        notes=list(report.notes),
    )


def qubitron_detuning(
    report: ThermalReport, tile: Any
) -> tuple[dict[str, float], dict[str, str]]:
    """Each tile qubitron's ring detuning (nm) left after the tuning solve, and its source.

    A ring's resonance after tuning sits at channel + offset + achieved shift (fabrication
    and electronics offset, heaters' red shift), modulo its FSR: the detuning is that sum
    wrapped into (-FSR/2, FSR/2] (the nearest order). About 0 for a ring the heaters put on its
    channel; for an untunable one (heater power limit, weak thermo-optic effect at low
    temperature) what is left of its offset. Rings are matched to the tile's ``qubitron_K``
    instances by their drawn round trip (each qubitron of a tile has its own radius, one per
    WDM channel); over the chip's copies of the tile the largest detuning is kept (the
    control section is one tile standing for all of them).

    Args:
        report: the thermal analysis of the chip (``run_thermal``).
        tile: the routed tile cell (``routing.tile.chip_tile``).

    Returns:
        (qubitron -> detuning nm, qubitron -> where it came from); a qubitron whose ring the
        analysis did not find is left out.
    """
    lay = report.layout
    if lay is None:
        return {}, {}
    untunable = set(report.untunable_rings)
    round_trip = [
        2 * math.pi * s.radius_um + 2 * s.length_x_um + 2 * s.length_y_um for s in lay.ring_specs
    ]

    def wrapped_nm(r: int) -> float:
        ring = report.rings[r]
        d = ring.offset_nm + ring.tuned_shift_nm
        return float(d - ring.fsr_nm * math.floor(d / ring.fsr_nm + 0.5))

    detuning: dict[str, float] = {}
    source: dict[str, str] = {}
    for inst in tile.insts:
        name = inst.name or ""
        if not name.startswith("qubitron_"):
            continue
        rt = float(inst.cell.info["round_trip_um"])
        rings = [r for r, c in enumerate(lay.ring_cell)
                 if abs(round_trip[int(c)] - rt) < ROUND_TRIP_MATCH_UM]
        if not rings:
            continue
        worst = max(rings, key=lambda r: abs(wrapped_nm(r)))
        detuning[name] = wrapped_nm(worst)
        bad = [r for r in rings if r in untunable]
        where = f"{report.temperature_K:g} K, heater limit {report.max_heater_power_mW:g} mW"
        if bad:
            source[name] = (
                f"thermal tuning: untunable in {len(bad)} of {len(rings)} tiles ({where}); "
                "worst ring's offset left"
            )
        else:
            source[name] = (
                f"thermal tuning: residual after the solve ({where}), worst of {len(rings)} tiles"
            )
    return detuning, source


def run_thermal(
    source: Any,
    out: str | Path,
    *,
    temperature_K: float = 300.0,
    fab_sigma_nm: float = 0.2,
    seed: int = 0,
    max_heater_power_mW: float = 500.0,
    loaded_q: float = 50_000.0,
    transient: bool = True,
    electronics: Sequence[Any] = (),
) -> tuple[ThermalReport, int]:
    """Analyse ``source`` (GDS path or gdsfactory Component) and write the outputs to ``out``.

    Args:
        source: the layout.
        out: output folder (replaced atomically).
        temperature_K: heat-sink temperature in K.
        fab_sigma_nm: standard deviation of the drawn fabrication offsets in nm.
        seed: seed of that draw.
        max_heater_power_mW: largest power one heater may take, in mW.
        loaded_q: loaded Q of the rings (their linewidth is wl / Q).
        transient: also compute the heater's time constant.
        electronics: blocks with a box (um, top frame) and ``power_mW`` (``ElectronicsBlock``).

    Returns:
        the report and the exit code (0 every ring tunable within budget, 1 otherwise).

    Raises:
        ThermalInputError: a setting out of range (the message names it).
    """
    if not (0 < max_heater_power_mW <= 10_000 and math.isfinite(max_heater_power_mW)):
        raise ThermalInputError(
            f"max_heater_power_mW={max_heater_power_mW} must be in (0, 10000] mW"
        )
    try:
        report = analyse_thermal(
            source,
            temperature_K=temperature_K,
            fab_sigma_nm=fab_sigma_nm,
            seed=seed,
            max_heater_power_mW=max_heater_power_mW,
            loaded_q=loaded_q,
            transient=transient,
            area_sources=[
                AreaSource(name=b.name, xmin_um=b.xmin_um, ymin_um=b.ymin_um,
                           xmax_um=b.xmax_um, ymax_um=b.ymax_um, power_mW=b.power_mW)
                for b in electronics
            ],
        )
    except InputError:
        raise
    except ValueError as e:  # thermal checks name the parameter
        raise ThermalInputError(f"thermal: {e}") from None
    with atomic_folder(out) as tmp:
        write_thermal_outputs(report, tmp)
    return report, 0 if thermal_summary(report).tunable else 1
