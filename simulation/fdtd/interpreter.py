"""Find a Python interpreter that can ``import meep`` (probed once per process).

Order: ``$QC_MEEP_PYTHON`` (used as given, never second-guessed), then ``/usr/bin/python3``
(Debian's ``python3-meep``), then ``python3`` on ``PATH``. The venv's own interpreter has
NumPy 2.x and no meep, which is why the FDTD layer runs out of process.

Example:
    >>> isinstance(INSTALL_HINT, str) and "python3-meep" in INSTALL_HINT
    True
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

from qc_pdk.errors import InputError

__all__ = ["INSTALL_HINT", "MeepNotAvailable", "find_meep_python", "mpirun_command"]

INSTALL_HINT = (
    "MEEP is not available: no Python interpreter that can `import meep` was found. "
    "Install Debian's MEEP with `sudo apt-get install python3-meep python3-matplotlib` "
    "(or run `make setup`), or set QC_MEEP_PYTHON to an interpreter that has meep."
)


class MeepNotAvailable(InputError):
    """No interpreter with meep: the message says how to install it (the user's to fix, so it
    is reported like bad input: one line, exit 2)."""


_PROBE = "import meep, numpy; print('QC_MEEP_VERSION=' + str(meep.__version__))"


@functools.lru_cache(maxsize=8)
def _probe(python: str) -> str | None:
    """meep version if ``python`` can import meep, else None (cached per process)."""
    try:
        out = subprocess.run(
            [python, "-c", _PROBE], capture_output=True, text=True, timeout=60,
            env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    tags = [ln for ln in out.stdout.splitlines() if ln.startswith("QC_MEEP_VERSION=")]
    return tags[-1].split("=", 1)[1] if tags else "unknown"


def _clean_env() -> dict[str, str]:
    """Environment for the meep interpreter: no venv leaking NumPy 2.x into it."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME",
                                                           "VIRTUAL_ENV")}
    env.setdefault("OMP_NUM_THREADS", "1")  # one core per job; parallelism is across jobs
    return env


def find_meep_python() -> str:
    """Path of an interpreter with meep.

    Returns:
        the interpreter path (``$QC_MEEP_PYTHON`` when set).

    Raises:
        MeepNotAvailable: with :data:`INSTALL_HINT` (and what was tried) when none imports meep.
    """
    env = os.environ.get("QC_MEEP_PYTHON")
    candidates = [env] if env else ["/usr/bin/python3", shutil.which("python3") or ""]
    tried = []
    for c in candidates:
        if not c:
            continue
        tried.append(c)
        if _probe(c) is not None:
            return c
    where = f" (tried: {', '.join(tried)})" if tried else ""
    raise MeepNotAvailable(INSTALL_HINT + where)


def meep_version() -> str:
    """meep version string of :func:`find_meep_python`'s interpreter."""
    return _probe(find_meep_python()) or "unknown"


def mpirun_command(np_procs: int) -> list[str]:
    """``["mpirun", "-np", N]`` when ``np_procs`` > 1 and mpirun exists (Debian's
    ``python3-meep-openmpi``), else ``[]`` (serial).

    Example:
        >>> mpirun_command(1)
        []
    """
    if np_procs <= 1:
        return []
    exe = shutil.which("mpirun")
    if exe is None:
        return []
    return [exe, "-np", str(int(np_procs))]


def clean_env() -> dict[str, str]:
    """Environment passed to worker processes (see :func:`_clean_env`)."""
    return _clean_env()
