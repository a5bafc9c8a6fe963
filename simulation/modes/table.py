"""The bend-mode table of the PDK's waveguide cross-sections: n_eff, n_g and radiation loss per
length vs bend radius, from the vectorial solver (``simulation.modes.fem``).

``python -m simulation.modes.table`` computes it (about a minute per cross-section on one core)
and writes ``qc_pdk/data/mode_table.json``, which the compact models read
(``components.models.mode_table``); tests and the build never recompute it.

Each entry is solved at three wavelengths (centre +- ``DWL_UM``) so the models get n_g
(central difference, material dispersion from the Sellmeier fits included) and the slope of
the loss with wavelength. Losses below ``LOSS_FLOOR_DB_PER_UM`` are under the solver's
numerical floor (the PML's effect on a straight guide) and are recorded as null; the models
extrapolate the exponential tail there.

Example:
    >>> sorted(PDK_CROSS_SECTIONS)
    ['sin_800x300']
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from components.models.waveguide_modes import n_sin, n_sio2
from simulation.modes.fem import MeshSpec, solve_mode

__all__ = [
    "PDK_CROSS_SECTIONS",
    "RADII_UM",
    "CrossSectionGeometry",
    "compute_entry",
    "default_table_path",
    "write_table",
]


@dataclass(frozen=True)
class CrossSectionGeometry:
    """A buried rectangular Si3N4 core in SiO2 (um), with the PDK names that draw it."""

    width_um: float
    thickness_um: float
    pdk_names: tuple[str, ...]


# Both SiN layers use the same 0.8 x 0.3 um strip (qc_pdk.cross_sections, qc_pdk.layer_stack)
PDK_CROSS_SECTIONS: dict[str, CrossSectionGeometry] = {
    "sin_800x300": CrossSectionGeometry(0.8, 0.3, ("strip", "strip_wg1", "strip_wg2")),
}
RADII_UM = (10.0, 12.5, 15.0, 17.5, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 60.0, 70.0, 80.0,
            100.0)
WL_UM = 1.55
DWL_UM = 0.01
# below this the radiation loss is not resolved: the PML alone gives a straight guide
# |Im n_eff| ~ 2e-11 (6e-10 dB/um) on the default mesh
LOSS_FLOOR_DB_PER_UM = 2e-8
MESH = MeshSpec()


def default_table_path() -> Path:
    """``qc_pdk/data/mode_table.json`` (found without importing the layout stack)."""
    return Path(__file__).resolve().parents[2] / "qc_pdk" / "data" / "mode_table.json"


def _solve(geom: CrossSectionGeometry, wl: float, radius: float, guess: float) -> complex:
    mode = solve_mode(
        wl_um=wl, eps_core=float(n_sin(wl)) ** 2, eps_clad=float(n_sio2(wl)) ** 2,
        width_um=geom.width_um, thickness_um=geom.thickness_um, radius_um=radius,
        n_guess=guess, mesh=MESH,
    )
    if mode.te_fraction < 0.9:
        raise ArithmeticError(f"R={radius} um, wl={wl} um: no TE-like mode found")
    return mode.n_eff


def compute_entry(
    geom: CrossSectionGeometry, radii_um: tuple[float, ...] = RADII_UM
) -> dict[str, object]:
    """Straight and bent mode data of one cross-section (see the module docstring).

    Returns:
        JSON-ready dict: geometry, ``wl_um`` (3 values), ``straight_n_eff`` (per wl),
        ``n_g_straight``, ``radius_um``, ``n_eff`` / ``loss_dB_per_um`` (radius x wl; loss null
        under the floor), ``n_g`` (per radius, at the centre wavelength).
    """
    wls = (WL_UM - DWL_UM, WL_UM, WL_UM + DWL_UM)
    straight = [_solve(geom, wl, math.inf, 1.55).real for wl in wls]
    n_eff: list[list[float]] = []
    loss: list[list[float | None]] = []
    n_g: list[float] = []
    for r in radii_um:
        row = [_solve(geom, wl, r, straight[1]) for wl in wls]
        n_eff.append([round(n.real, 8) for n in row])
        loss_row: list[float | None] = []
        for wl, n in zip(wls, row, strict=True):
            db = 20.0 / math.log(10.0) * 2.0 * math.pi / wl * max(-n.imag, 0.0)
            loss_row.append(float(f"{db:.5g}") if db > LOSS_FLOOR_DB_PER_UM else None)
        loss.append(loss_row)
        n_g.append(round(row[1].real - WL_UM * (row[2].real - row[0].real) / (2 * DWL_UM), 6))
    ng_straight = straight[1] - WL_UM * (straight[2] - straight[0]) / (2 * DWL_UM)
    return {
        "width_um": geom.width_um,
        "thickness_um": geom.thickness_um,
        "core": "Si3N4, Luke et al., Opt. Lett. 40, 4823 (2015)",
        "cladding": "SiO2, Malitson, JOSA 55, 1205 (1965)",
        "pdk_cross_sections": list(geom.pdk_names),
        "wl_um": list(wls),
        "straight_n_eff": [round(n, 8) for n in straight],
        "n_g_straight": round(ng_straight, 6),
        "radius_um": list(radii_um),
        "n_eff": n_eff,
        "n_g": n_g,
        "loss_dB_per_um": loss,
    }


def write_table(path: Path | None = None, names: tuple[str, ...] | None = None) -> Path:
    """Compute every (or the named) cross-section's entry and write the table JSON."""
    out = path or default_table_path()
    t0 = time.perf_counter()
    entries = {
        name: compute_entry(geom)
        for name, geom in PDK_CROSS_SECTIONS.items()
        if names is None or name in names
    }
    seconds = time.perf_counter() - t0
    table = {
        "_meta": {
            "generated_by": "python -m simulation.modes.table",
            "date": datetime.date.today().isoformat(),
            "method": "vectorial FEM (Nedelec N2 x P2, scikit-fem), exact cylindrical "
            "transformation, stretched-coordinate PML; checked against the exact radial "
            "solution of a bent slab (tests/simulation/test_modes.py)",
            "mesh": {k: getattr(MESH, k) for k in MESH.__dataclass_fields__},
            "loss_floor_dB_per_um": LOSS_FLOOR_DB_PER_UM,
            "seconds": round(seconds, 1),
        },
        "cross_sections": entries,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line: compute the table (``--only NAME`` for one cross-section)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", action="append", default=None)
    args = parser.parse_args(argv)
    path = write_table(args.out, tuple(args.only) if args.only else None)
    data = json.loads(path.read_text())
    for name, e in data["cross_sections"].items():
        print(f"{name}: n_eff {e['straight_n_eff'][1]:.5f}, n_g {e['n_g_straight']:.4f}")
        for r, loss in zip(e["radius_um"], e["loss_dB_per_um"], strict=True):
            per90 = None if loss[1] is None else loss[1] * math.pi / 2 * r
            print(f"  R = {r:6.1f} um: {per90 if per90 is None else f'{per90:.3g}'} dB/90deg")
    print(f"written {path} in {data['_meta']['seconds']} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
