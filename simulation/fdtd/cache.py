"""On-disk cache of FDTD results keyed by the job hash (the same question is never rerun).

Directory: ``$QC_FDTD_CACHE`` or ``~/.cache/quantacore/fdtd``; one file
``<hash[:2]>/<hash>.json`` per job, written atomically (temp file + rename), so concurrent
workers and killed runs never leave a half-written entry.

Example:
    >>> import tempfile
    >>> c = FdtdCache(tempfile.mkdtemp())
    >>> c.get("ab" * 32) is None
    True
    >>> c.put("ab" * 32, {"s": {}}).name == "ab" * 32 + ".json"
    True
    >>> c.get("ab" * 32)
    {'s': {}}
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["FdtdCache", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$QC_FDTD_CACHE`` or ``~/.cache/quantacore/fdtd``."""
    env = os.environ.get("QC_FDTD_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "quantacore" / "fdtd"


class FdtdCache:
    """Results by job hash under ``root`` (default :func:`default_cache_dir`)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root) if root is not None else default_cache_dir()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """Cached result or None (an unreadable entry counts as missing)."""
        p = self.path(key)
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, key: str, result: dict[str, Any]) -> Path:
        """Store ``result`` atomically; returns its path."""
        p = self.path(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".tmp_", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(result, fh)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return p
