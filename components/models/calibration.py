"""Calibration overrides for the compact-model constants (written by FDTD calibration runs).

The file ``qc_pdk/data/calibration.json`` (optional) holds sections of constants that replace
the compact models' estimated defaults, e.g.::

    {
      "ring_coupler": {"kappa0_per_um": 0.061, "decay_um": 0.41},
      "ring_heater": {"p_pi_mW": 21.0}
    }

Known sections / keys (all optional):

- ``ring_coupler``: ``kappa0_per_um`` (1/um), ``decay_um`` (um) -- ring/bus coupling,
  see ``components.models.ring``;
- ``ring_heater``: ``p_pi_mW`` (mW) -- heater power per pi round-trip phase.

The file is re-read when its modification time changes. Set ``QC_CALIBRATION_FILE`` to use
another path.

Example:
    >>> from components.models.calibration import load_calibration
    >>> isinstance(load_calibration("/nonexistent/calibration.json"), dict)
    True
"""

from __future__ import annotations

import functools
import importlib.util
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["calibrated", "calibration_path", "load_calibration"]


def calibration_path() -> Path:
    """Path of the calibration file: ``$QC_CALIBRATION_FILE`` or ``qc_pdk/data/calibration.json``.

    Returns:
        the path (the file need not exist).

    Example:
        >>> calibration_path().name
        'calibration.json'
    """
    env = os.environ.get("QC_CALIBRATION_FILE")
    if env:
        return Path(env)
    spec = importlib.util.find_spec("qc_pdk")  # locates the package without importing it
    if spec is not None and spec.submodule_search_locations:
        base = Path(next(iter(spec.submodule_search_locations)))
    else:  # pragma: no cover - qc_pdk is always installed with this package
        base = Path(__file__).resolve().parents[2] / "qc_pdk"
    return base / "data" / "calibration.json"


@functools.lru_cache(maxsize=8)
def _read(path: str, mtime_ns: int) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"calibration file {path} must hold a JSON object, got {type(data)}")
    return data


def load_calibration(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read the calibration overrides; ``{}`` when the file does not exist.

    Args:
        path: JSON file; default ``calibration_path()``.

    Returns:
        a fresh dict ``{section: {key: value}}`` (empty when the file is absent).

    Raises:
        ValueError: if the file exists but is not a JSON object.

    Example:
        >>> load_calibration("/nonexistent/calibration.json")
        {}
    """
    p = Path(path) if path is not None else calibration_path()
    try:
        mtime = p.stat().st_mtime_ns
    except FileNotFoundError:
        return {}
    return json.loads(json.dumps(_read(str(p), mtime)))


def calibrated(section: str, key: str, default: float) -> float:
    """One calibrated constant: ``load_calibration()[section][key]`` if present, else ``default``.

    Args:
        section: section name, e.g. ``"ring_coupler"``.
        key: key inside the section, e.g. ``"kappa0_per_um"`` (units in the name).
        default: value used when the file or entry is absent.

    Returns:
        the value as float.

    Example:
        >>> calibrated("no_such_section", "x_um", 1.5)
        1.5
    """
    value = load_calibration().get(section, {}).get(key, default)
    return float(value)
