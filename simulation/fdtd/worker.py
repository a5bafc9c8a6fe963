"""MEEP worker: reads one job JSON, runs the FDTD simulation, writes the result JSON.

Run by :mod:`simulation.fdtd.runner` as a plain script under an interpreter that can
``import meep`` (Debian's ``python3-meep``, NumPy 1.x)::

    /usr/bin/python3 simulation/fdtd/worker.py JOB.json RESULT.json

It imports ONLY the standard library, NumPy and meep -- never the toolkit's packages, whose
environment (NumPy 2.x) it does not share. Everything physical (polygons with their
refractive index, ports, band, resolution) is already resolved in the job file.

Job schema (lengths in um, meep's length unit is 1 um so frequency = 1/wl_um):

- ``dimension``: 2 (effective-index, polygons in the simulation plane) or 3 (prisms in z);
- ``polarization``: ``"te"`` (in-plane E, meep EVEN_Z) or ``"tm"`` (out-of-plane E, ODD_Z);
  2D only;
- ``background_index``; ``geometry``: list of ``{"vertices": [[x, y], ...], "index": n,
  "zmin": z0, "zmax": z1}`` (z ignored in 2D; later entries win where they overlap);
- ``cell``: ``{"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"}`` (PML included), ``pml_um``;
- ``ports``: list of ``{"name", "axis": "x"|"y", "outward": +1|-1, "source": [x, y, z],
  "monitor": [x, y, z], "size": [sx, sy, sz]}``;
- ``wl_um``: wavelengths of the S-parameters; ``resolution_px_per_um``; ``source_ports``:
  names of the ports excited (one run each); ``decay_by`` (DFT-decay tolerance),
  ``min_time`` / ``max_time`` (meep time units, um/c) bounding the run after the source.

Result: ``{"wl_um": [...], "s": {"o1,o2": [[re, im], ...]}, "meep_version", "elapsed_s",
"timesteps", "resolution_px_per_um"}`` where key ``"a,b"`` is the amplitude from port a
into port b (sax convention ``(a, b)``), normalised by the incident mode amplitude at a.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

try:
    import meep as mp
except ImportError:  # imported (not run) by the venv's doctest collection, which has no meep
    mp = None


def _vec(xyz, dimension):
    return mp.Vector3(xyz[0], xyz[1], xyz[2] if dimension == 3 else 0.0)


def _geometry(job):
    dim = job["dimension"]
    objs = []
    for g in job["geometry"]:
        mat = mp.Medium(index=float(g["index"]))
        if dim == 3:
            # a prism's base sits at its vertices' z: put them at zmin
            zmin, zmax = float(g["zmin"]), float(g["zmax"])
            verts = [mp.Vector3(x, y, zmin) for x, y in g["vertices"]]
            objs.append(mp.Prism(verts, height=zmax - zmin, material=mat, axis=mp.Vector3(0, 0, 1)))
        else:
            verts = [mp.Vector3(x, y, 0.0) for x, y in g["vertices"]]
            objs.append(mp.Prism(verts, height=mp.inf, material=mat))
    return objs


def _direction(axis):
    return mp.X if axis == "x" else mp.Y


def _parity(job):
    if job["dimension"] == 3:
        return mp.NO_PARITY
    return mp.EVEN_Z if job.get("polarization", "te") == "te" else mp.ODD_Z


def run(job):
    """Run all source ports of ``job``; returns the result dict."""
    dim = job["dimension"]
    c = job["cell"]
    size = mp.Vector3(
        c["xmax"] - c["xmin"], c["ymax"] - c["ymin"], (c["zmax"] - c["zmin"]) if dim == 3 else 0.0
    )
    centre = mp.Vector3(
        (c["xmax"] + c["xmin"]) / 2,
        (c["ymax"] + c["ymin"]) / 2,
        ((c["zmax"] + c["zmin"]) / 2) if dim == 3 else 0.0,
    )
    wl = np.asarray(job["wl_um"], dtype=float)
    freqs = 1.0 / wl
    fcen = 0.5 * (freqs.max() + freqs.min())
    # pulse ~2x wider than the band so every requested frequency carries power
    df = max(2.0 * (freqs.max() - freqs.min()), 0.2 * fcen)
    parity = _parity(job)
    geometry = _geometry(job)
    ports = job["ports"]
    s = {}
    steps = 0
    t0 = time.time()
    for src_name in job["source_ports"]:
        src = next(p for p in ports if p["name"] == src_name)
        into = -int(src["outward"])  # the source launches toward the device
        kdir = mp.Vector3(**{src["axis"]: float(into)})
        sources = [
            mp.EigenModeSource(
                src=mp.GaussianSource(fcen, fwidth=df),
                center=_vec(src["source"], dim),
                size=_vec(src["size"], dim),
                direction=mp.NO_DIRECTION,
                eig_kpoint=kdir,
                eig_band=1,
                eig_parity=parity,
                eig_match_freq=True,
            )
        ]
        sim = mp.Simulation(
            cell_size=size,
            boundary_layers=[mp.PML(float(job["pml_um"]))],
            geometry=geometry,
            sources=sources,
            resolution=float(job["resolution_px_per_um"]),
            default_material=mp.Medium(index=float(job["background_index"])),
            dimensions=dim,
            geometry_center=centre,  # job coordinates are the layout's (um)
        )
        mons = {}
        for p in ports:
            region = mp.FluxRegion(center=_vec(p["monitor"], dim), size=_vec(p["size"], dim))
            mons[p["name"]] = sim.add_mode_monitor(freqs, region)
        sim.run(
            until_after_sources=mp.stop_when_dft_decayed(
                tol=float(job.get("decay_by", 1e-4)),
                minimum_run_time=float(job.get("min_time", 0.0)),
                maximum_run_time=float(job.get("max_time", 2000.0)),
            )
        )
        steps += int(sim.fields.t)  # meep time steps taken
        amps = {}
        for p in ports:
            res = sim.get_eigenmode_coefficients(
                mons[p["name"]],
                [1],
                eig_parity=parity,
                direction=_direction(p["axis"]),
            )
            alpha = res.alpha[0]  # [freq, (+axis, -axis)]
            out_idx = 0 if int(p["outward"]) > 0 else 1
            amps[p["name"]] = (alpha[:, out_idx], alpha[:, 1 - out_idx])
        incident = amps[src_name][1]
        for p in ports:
            out = amps[p["name"]][0]
            val = out / incident
            s[f"{src_name},{p['name']}"] = [[float(v.real), float(v.imag)] for v in val]
        sim.reset_meep()
    return {
        "wl_um": [float(w) for w in wl],
        "s": s,
        "meep_version": str(getattr(mp, "__version__", "unknown")),
        "elapsed_s": time.time() - t0,
        "timesteps": steps,
        "resolution_px_per_um": float(job["resolution_px_per_um"]),
        "dimension": dim,
    }


def main(argv):
    if len(argv) != 3:
        sys.stderr.write("usage: worker.py JOB.json RESULT.json\n")
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        job = json.load(fh)
    result = run(job)
    if mp.am_master():
        with open(argv[2], "w", encoding="utf-8") as fh:
            json.dump(result, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
