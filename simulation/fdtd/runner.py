"""Run one FDTD job in a worker subprocess (the meep interpreter) and return its result.

Example:
    >>> WORKER_SCRIPT.name
    'worker.py'
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from simulation.fdtd.interpreter import clean_env, find_meep_python, mpirun_command
from simulation.fdtd.job import FdtdJob

__all__ = ["WORKER_SCRIPT", "FdtdWorkerError", "run_worker"]

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
DEFAULT_TIMEOUT_S = 1800.0


class FdtdWorkerError(RuntimeError):
    """The meep worker failed or timed out; the message carries its stderr tail."""


def run_worker(
    job: FdtdJob, *, timeout_s: float = DEFAULT_TIMEOUT_S, mpi_np: int | None = None
) -> dict[str, Any]:
    """Run ``job`` with meep out of process (no cache: see ``simulation.fdtd.cache``).

    Args:
        job: the job.
        timeout_s: wall-clock limit in seconds.
        mpi_np: MPI processes for one large job (``mpirun -np N`` with python3-meep-openmpi);
            default ``$QC_MEEP_MPI_NP`` or 1 (serial).

    Returns:
        the worker's result dict (``wl_um``, ``s`` {"a,b": [[re, im], ...]}, ``elapsed_s``...).

    Raises:
        MeepNotAvailable: no interpreter with meep.
        FdtdWorkerError: the worker exited non-zero, timed out or wrote no result.
    """
    python = find_meep_python()
    nproc = int(mpi_np if mpi_np is not None else os.environ.get("QC_MEEP_MPI_NP", "1"))
    with tempfile.TemporaryDirectory(prefix="qc_fdtd_") as tmp:
        job_path = Path(tmp) / "job.json"
        out_path = Path(tmp) / "result.json"
        job_path.write_text(json.dumps(job.payload), encoding="utf-8")
        cmd = [*mpirun_command(nproc), python, str(WORKER_SCRIPT), str(job_path), str(out_path)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s,
                                  env=clean_env(), cwd=tmp)
        except subprocess.TimeoutExpired:
            raise FdtdWorkerError(
                f"FDTD job {job.label!r} ({job.hash[:12]}) timed out after {timeout_s:.0f} s"
            ) from None
        if proc.returncode != 0 or not out_path.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
            raise FdtdWorkerError(
                f"FDTD job {job.label!r} ({job.hash[:12]}) failed (exit {proc.returncode}) "
                f"under {python}:\n{tail}"
            )
        return json.loads(out_path.read_text(encoding="utf-8"))
