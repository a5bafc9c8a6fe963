"""MEEP FDTD of single cells: out-of-process worker, on-disk cache, parallel sweeps,
convergence, calibration of the compact models and the validation report.

Layout of the package (one concept per module): ``job`` (component -> canonical job + hash),
``interpreter`` (finding a Python with meep), ``worker`` (the meep script), ``runner``
(subprocess), ``cache``, ``sparams`` (run/run in parallel), ``convergence``, ``cells``
(calibration geometries), ``calibrate`` (sweeps + fits -> ``qc_pdk/data/calibration.json``),
``validation`` (FDTD vs compact model report).

Example:
    >>> from simulation.fdtd import MeepNotAvailable
    >>> from qc_pdk.errors import InputError
    >>> issubclass(MeepNotAvailable, InputError)
    True
"""

from simulation.fdtd.cache import FdtdCache
from simulation.fdtd.interpreter import MeepNotAvailable, find_meep_python
from simulation.fdtd.job import FdtdJob, build_job
from simulation.fdtd.runner import FdtdWorkerError
from simulation.fdtd.sparams import FdtdResult, fdtd_sparams, run_job, run_jobs

__all__ = [
    "FdtdCache",
    "FdtdJob",
    "FdtdResult",
    "FdtdWorkerError",
    "MeepNotAvailable",
    "build_job",
    "fdtd_sparams",
    "find_meep_python",
    "run_job",
    "run_jobs",
]
