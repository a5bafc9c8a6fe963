"""`quantacore loss`: circuit solve and per-path loss budget of a layout, with reports.

Writes ``loss.json`` (every path, worst first, with its breakdown), ``paths/*.csv`` (one per
path: transmission over wavelength), a Touchstone file of the S-matrix and two PNGs
(transmission of the main paths; loss breakdown of the worst paths).

Example:
    >>> import tempfile, pathlib, gdsfactory as gf
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> gds = gf.components.straight(length=500.0).write_gds(out / "wg.gds")
    >>> report = run_loss(load_component(gds), out / "loss")
    >>> sorted(p.name for p in (out / "loss").iterdir())[:3]
    ['loss.json', 'loss_breakdown.png', 'paths']
"""

from __future__ import annotations

import re
from pathlib import Path

import gdsfactory as gf
import numpy as np

from flows.output import atomic_folder
from qc_pdk.drc import DrcInputError, read_layout_file
from qc_pdk.errors import InputError
from qc_pdk.yaml_file import read_yaml_mapping
from simulation.loss_budget import LossReport, loss_budget
from simulation.netlist import extract_netlist
from simulation.simulate import solve_netlist
from simulation.touchstone import write_touchstone

MAX_PLOTTED_PATHS = 8


class LossInputError(InputError):
    """The input cannot be analysed (message says why)."""


def load_component(path: str | Path) -> gf.Component:
    """The optical circuit to analyse, from a file.

    - GDS/OASIS written with gdsfactory metadata (cell names, settings and ports);
    - a chip spec YAML (`quantacore build`): its tile, the chip's one distinct optical circuit
      (every tile is the same cell);
    - a gdsfactory circuit YAML (a mapping with ``instances``).
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = read_yaml_mapping(path, what="a chip spec or circuit")
        except ValueError as e:
            raise LossInputError(str(e)) from None
        if "instances" not in data:
            from flows.spec import load_spec
            from routing.tile import chip_tile

            return chip_tile(load_spec(path).tile_design())
        try:
            return gf.read.from_yaml(path)
        except Exception as e:  # gdsfactory raises many types for bad YAML
            raise LossInputError(f"{path}: not a valid circuit YAML ({e})") from None
    try:
        read_layout_file(path)  # clear errors for missing / empty / foreign files
    except DrcInputError as e:
        raise LossInputError(str(e)) from None
    return gf.import_gds(path)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:120]


def one_direction(paths: list) -> list:
    """Paths with each reciprocal pair (a -> b, b -> a) shown once, order kept."""
    seen: set[tuple[str, str]] = set()
    out = []
    for p in paths:
        if (p.output, p.input) not in seen:
            seen.add((p.input, p.output))
            out.append(p)
    return out


def _plots(report: LossReport, s_band: dict, wl: np.ndarray, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = one_direction(sorted(report.paths, key=lambda p: p.insertion_loss_dB))
    paths = paths[:MAX_PLOTTED_PATHS]
    fig, ax = plt.subplots(figsize=(9, 5))
    for p in paths:
        t = np.abs(s_band[(p.input, p.output)]) ** 2
        ax.plot(wl * 1e3, 10 * np.log10(np.maximum(t, 1e-12)), label=f"{p.input} -> {p.output}")
    ax.set_xlabel("wavelength (nm)")
    ax.set_ylabel("transmission (dB)")
    ax.set_title(f"{report.component}: main optical paths")
    ax.grid(alpha=0.3)
    if paths:
        ax.legend(fontsize=7, loc="lower left")
    fig.savefig(out / "transmission.png", dpi=130, bbox_inches="tight")
    plt.close(fig)

    worst = one_direction(report.paths)[:MAX_PLOTTED_PATHS]
    cats = sorted({c for p in worst for c in p.breakdown_dB})
    fig, ax = plt.subplots(figsize=(9, 5))
    left = np.zeros(len(worst))
    labels = [f"{p.input} -> {p.output}"[-40:] for p in worst]
    for cat in cats:
        vals = np.array([p.breakdown_dB.get(cat, 0.0) for p in worst])
        ax.barh(labels, vals, left=left, label=cat)
        left += vals
    ax.set_xlabel("insertion loss (dB)")
    ax.set_title("loss breakdown, worst paths")
    ax.invert_yaxis()
    if cats:
        ax.legend(fontsize=7)
    fig.savefig(out / "loss_breakdown.png", dpi=130, bbox_inches="tight")
    plt.close(fig)


def run_loss(component: gf.Component, out: str | Path, *, centre_wl_um: float = 1.55) -> LossReport:
    """Analyse ``component`` and write the reports into ``out`` (replaced atomically)."""
    out = Path(out)
    wl = np.linspace(centre_wl_um - 0.005, centre_wl_um + 0.005, 201)
    report = loss_budget(component, wl, centre_wl_um=centre_wl_um)
    net = extract_netlist(component, expose_detectors=True)
    s_band = solve_netlist(net, wl)[net.top]
    with atomic_folder(out) as tmp:
        (tmp / "loss.json").write_text(report.model_dump_json(indent=2))
        (tmp / "paths").mkdir()
        for p in report.paths:
            t = s_band[(p.input, p.output)]
            rows = np.c_[wl * 1e3, 10 * np.log10(np.maximum(np.abs(t) ** 2, 1e-30)), np.angle(t)]
            np.savetxt(
                tmp / "paths" / f"{_slug(p.input)}__{_slug(p.output)}.csv",
                rows,
                delimiter=",",
                header="wavelength_nm,transmission_dB,phase_rad",
                comments="",
            )
        write_touchstone(s_band, wl, tmp / _slug(component.name))
        _plots(report, s_band, wl, tmp)
    return report
