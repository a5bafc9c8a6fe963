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

from flows.gds_file import read_mask, top_cell_meta
from flows.output import atomic_folder, check_output_folder
from qc_pdk.drc import DrcInputError, read_layout_file
from qc_pdk.errors import InputError
from qc_pdk.limits import WAVELENGTH_RANGE_UM, check_number
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

    - GDS/OASIS written with gdsfactory metadata (cell names, settings and ports), inside the
      file or in the ``NAME.meta.oas`` sidecar the toolkit writes (``flows.gds_file``); a chip
      mask (``quantacore build``) gives its tile, the one distinct optical circuit;
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
        _check_circuit_cells(path, data)
        try:
            return gf.read.from_yaml(path)
        except Exception as e:  # gdsfactory raises many types for bad YAML
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise LossInputError(f"{path}: not a valid circuit YAML ({first})") from None
    try:
        read_layout_file(path)  # clear errors for missing / empty / foreign files
    except DrcInputError as e:
        raise LossInputError(str(e)) from None
    info = top_cell_meta(path).get("kfactory:info")
    tile = info.get("tile_cell") if isinstance(info, dict) else None
    # a chip (`quantacore build`) has no ports of its own: every tile is its one circuit
    try:
        return read_mask(path, cellname=tile if isinstance(tile, str) else None)
    except InputError:
        raise
    except ValueError as e:  # e.g. several top cells
        raise LossInputError(f"{path}: {str(e).strip().splitlines()[0]}") from None


def _check_circuit_cells(path: Path, data: dict) -> None:
    """One line for an instance of a cell the active PDK does not have."""
    cells = gf.get_active_pdk().cells
    instances = data.get("instances")
    if not isinstance(instances, dict):
        raise LossInputError(f"{path}: instances must be a mapping of name: {{component: ...}}")
    for name, inst in instances.items():
        cell = inst.get("component") if isinstance(inst, dict) else inst
        if not isinstance(cell, str):
            raise LossInputError(f"{path}: instances.{name}.component must be a cell name")
        if cell not in cells:
            raise LossInputError(
                f"{path}: instances.{name}.component: unknown cell {cell!r} "
                "(see `quantacore cells`)"
            )


_NOT_OPTICAL = {"electrical", "dc", "pad", "placement"}


def _optical_ports(component: gf.Component) -> list:
    """Ports light can enter by (waveguide, grating and edge couplers)."""
    return [p for p in component.ports if p.port_type not in _NOT_OPTICAL]


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


def check_loss_settings(out: str | Path, *, centre_wl_um: float) -> Path:
    """The output folder, once it and the wavelength are known to be usable (before any work).

    Raises:
        InputError: ``out`` cannot be written, or ``centre_wl_um`` is outside the band the
            models are characterised in.
    """
    lo, hi = WAVELENGTH_RANGE_UM
    check_number(centre_wl_um, field="--centre-wl-um", low=lo, high=hi)
    return check_output_folder(out)


def run_loss(component: gf.Component, out: str | Path, *, centre_wl_um: float = 1.55) -> LossReport:
    """Analyse ``component`` and write the reports into ``out`` (replaced atomically)."""
    out = check_loss_settings(out, centre_wl_um=centre_wl_um)
    if not _optical_ports(component):
        raise LossInputError(
            f"{component.name}: no optical circuit: the top cell has no optical ports "
            "(give a cell or circuit with ports, e.g. a chip's tile)"
        )
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
