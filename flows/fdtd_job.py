"""``quantacore fdtd CELL -p key=value --out DIR``: MEEP S-parameters of one cell vs its model.

Writes ``DIR/sparams.json``, ``DIR/<cell>.sNp`` (Touchstone), ``DIR/comparison.json`` (per
port pair: FDTD and compact-model |S|^2 in dB and their deviation) and ``DIR/comparison.png``.
``bend_euler`` below the PDK's 20 um bend-radius rule is built without the DRC radius check
(gdsfactory's ``bend_euler(allow_min_radius_violation=True)``), so
``quantacore fdtd bend_euler -p radius=10`` works. ``run_validation`` writes the FDTD vs
model report of all calibrated cells.

Example:
    >>> from flows.fdtd_job import run_fdtd
    >>> callable(run_fdtd)
    True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from components.registry import bind_cell
from flows.output import atomic_folder
from qc_pdk.errors import InputError
from qc_pdk.limits import check_number
from qc_pdk.rules import min_width_um
from simulation.fdtd.cells import fdtd_cell
from simulation.fdtd.job import DEFAULT_RESOLUTION_PX_PER_UM, build_job
from simulation.fdtd.sparams import run_job
from simulation.simulate import default_models
from simulation.touchstone import write_touchstone

__all__ = ["run_fdtd", "run_validation"]


def _dB(p: np.ndarray) -> list[float]:
    return [round(float(x), 5) for x in 10 * np.log10(np.maximum(p, 1e-12))]


class FdtdInputError(InputError):
    """A cell or setting the FDTD job cannot be built from (named in the message)."""


def run_fdtd(
    cell_name: str,
    params: dict[str, str],
    out_dir: Path,
    *,
    resolution: float | None = None,
    three_d: bool = False,
    console: Any = None,
) -> int:
    """Simulate ``cell_name`` by FDTD and compare with its compact model.

    Args:
        cell_name: library cell name (``quantacore cells``).
        params: cell parameters as strings (``{"radius": "10"}``).
        out_dir: output directory (created).
        resolution: FDTD resolution in px/um (default 14 in 2D, 10 in 3D).
        three_d: full 3D over the layer stack instead of 2D effective index.
        console: rich console for progress (None: quiet).

    Returns:
        0.

    Raises:
        FdtdInputError: unknown cell / parameter / bad value, or a cell FDTD cannot set up.
        MeepNotAvailable: no interpreter with meep (the message says how to install it).
    """
    default_res = 10.0 if three_d else DEFAULT_RESOLUTION_PX_PER_UM
    res = default_res if resolution is None else check_resolution(resolution)
    try:
        comp = fdtd_cell(cell_name, params)
        job = build_job(
            comp, resolution_px_per_um=res, dimension=3 if three_d else 2, label=cell_name
        )
    except InputError:
        raise
    except ValueError as e:  # the job builder names what it cannot simulate
        raise FdtdInputError(f"fdtd {cell_name}: {e}") from None
    if console is not None:
        with console.status(
            f"MEEP FDTD of {cell_name} ({'3D' if three_d else '2D'}, "
            f"{res:g} px/um, {len(job.payload['source_ports'])} source ports)"
        ):
            result = run_job(job)
    else:
        result = run_job(job)
    with atomic_folder(out_dir) as tmp:  # whole or not at all
        _write_outputs(tmp, cell_name, params, comp, result, res, three_d)
    if console is not None:
        console.print(
            f"FDTD {cell_name}: {len(result.sdict)} S-parameters "
            f"({'cache' if result.from_cache else 'simulated'}) -> {out_dir}"
        )
    return 0


def check_resolution(resolution: float) -> float:
    """``resolution`` (px/um) when the grid can resolve the PDK's narrowest waveguide.

    At least two pixels across the minimum waveguide width, at most ``MAX_RESOLUTION``.

    Example:
        >>> check_resolution(14)
        14.0
    """
    return check_number(
        resolution, field="--resolution", low=min_resolution(), high=MAX_RESOLUTION
    )


#: px/um: 10 nm pixels, finer than any feature the rules allow needs
MAX_RESOLUTION = 100.0


def min_resolution() -> float:
    """Two pixels across the narrowest waveguide the rules allow (px/um)."""
    return 2.0 / min(min_width_um("WG1"), min_width_um("WG2"))


def _write_outputs(
    out: Path,
    cell_name: str,
    params: dict[str, str],
    comp: Any,
    result: Any,
    res: float,
    three_d: bool,
) -> None:
    wl = result.wl_um
    sp = {
        "cell": cell_name,
        "params": dict(params),
        "job_hash": result.key,
        "from_cache": result.from_cache,
        "wl_um": wl.tolist(),
        "resolution_px_per_um": res,
        "dimension": 3 if three_d else 2,
        "meep_version": result.raw.get("meep_version"),
        "s": {
            f"{a},{b}": [[float(v.real), float(v.imag)] for v in arr]
            for (a, b), arr in sorted(result.sdict.items())
        },
    }
    (out / "sparams.json").write_text(json.dumps(sp, indent=1) + "\n", encoding="utf-8")
    # Touchstone needs a full matrix: reciprocity fills the columns of ports not excited
    full = dict(result.sdict)
    for (a, b), v in result.sdict.items():
        full.setdefault((b, a), v)
    write_touchstone(full, wl, out / cell_name)

    binding = bind_cell(comp)
    rows: list[dict[str, Any]] = []
    model_name = binding.model if binding else None
    if binding is not None:
        model = default_models()[binding.model](wl=wl, **dict(binding.kwargs))
        for (a, b), arr in sorted(result.sdict.items()):
            if (a, b) not in model:
                continue
            f = np.abs(arr) ** 2
            m = np.abs(np.broadcast_to(np.asarray(model[(a, b)]), wl.shape)) ** 2
            fd, md = _dB(f), _dB(m)
            rows.append(
                {
                    "pair": f"{a}->{b}",
                    "fdtd_dB": fd,
                    "model_dB": md,
                    "deviation_dB": [round(x - y, 5) for x, y in zip(md, fd, strict=True)],
                }
            )
    comparison = {
        "cell": cell_name,
        "model": model_name,
        "model_kwargs": dict(binding.kwargs) if binding else None,
        "wl_um": wl.tolist(),
        "pairs": rows,
        "max_abs_deviation_dB": max(
            (abs(d) for r in rows for d in r["deviation_dB"]), default=None
        ),
    }
    (out / "comparison.json").write_text(json.dumps(comparison, indent=1) + "\n", encoding="utf-8")
    _plot(comparison, out / "comparison.png")


def _plot(comparison: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    wl = comparison["wl_um"]
    for i, r in enumerate(comparison["pairs"]):
        ax.plot(wl, r["fdtd_dB"], "o", color=f"C{i}", label=f"{r['pair']} FDTD")
        ax.plot(wl, r["model_dB"], "-", color=f"C{i}", label=f"{r['pair']} model")
    ax.set_xlabel("wavelength (um)")
    ax.set_ylabel("|S|^2 (dB)")
    ax.set_title(f"{comparison['cell']}: FDTD vs {comparison['model']}")
    if comparison["pairs"]:
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run_validation(out_dir: Path, *, console: Any = None) -> Path:
    """Write ``validation.json`` + ``validation.png`` (FDTD vs model, all calibrated cells),
    replacing ``out_dir`` whole (an interrupted run leaves the previous one).

    Returns:
        the JSON path.
    """
    from contextlib import nullcontext

    from flows.output import atomic_folder
    from simulation.fdtd.validation import write_validation

    status = (
        console.status("FDTD validation of the calibrated compact models")
        if console is not None
        else nullcontext()
    )
    with status, atomic_folder(out_dir) as tmp:
        name = write_validation(tmp).name
    return Path(out_dir) / name
