"""Where sweep results live: one Parquet part per finished point, the results table, the cache.

**Why Parquet (pyarrow)**: one row per point with typed columns (parameters, metrics, status,
error) is a table; Parquet keeps the types, compresses, and pandas, polars, DuckDB and Excel
add-ins read it directly. zarr suits dense n-d arrays, not rows with strings and nulls.

**Resume**: each finished point is written as its own one-row part
``parts/<key>.parquet`` (hidden temporary name, then ``os.replace``), so a sweep killed at any
instant leaves only complete parts; the re-run skips every key with a part and never loses
one. ``results.parquet`` (one row per point of the current sweep, written atomically) is
rebuilt from the plan and the parts as results arrive and at the end. A lock file refuses a
second sweep writing the same folder.

**Cache**: a point's content key is the SHA-256 of the canonical JSON of its chip spec
(without ``name``, which changes no figure), the stages and their options, and the code
version (:func:`code_version`: package version, :data:`METRICS_VERSION` and a hash of the
toolkit's source and data files, so an edit or a new FDTD calibration never serves stale
figures). Results of successful points are kept under that key in ``$QC_SWEEP_CACHE`` or
``~/.cache/quantacore/sweep`` (the FDTD cache's keyed JSON store), so a repeated sweep, in any
folder, is served from it. The same key names the point's part file: a sweep resumed after
the code changed recomputes its points.

Example:
    >>> from flows.spec import ChipSpec
    >>> k = point_key(ChipSpec(), ("layout",), {})
    >>> k == point_key(ChipSpec(name="other"), ("layout",), {}), len(k)
    (True, 64)
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from flows.output import OutputError, atomic_file, check_output_folder
from flows.sweep.metrics import METRICS
from flows.sweep.spec import Point, canonical_json
from simulation.fdtd.cache import FdtdCache

__all__ = [
    "METRICS_VERSION",
    "check_sweep_folder",
    "PartStore",
    "ResultCache",
    "code_version",
    "default_sweep_cache_dir",
    "point_key",
    "results_table",
    "sweep_lock",
    "write_results",
]

#: bump when a metric's meaning changes: cached results of older code are then not reused
METRICS_VERSION = 1

_ARROW_TYPES = {"float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
_RESULT_FIELDS = [
    pa.field("key", pa.string()),
    pa.field("status", pa.string()),
    pa.field("error", pa.string()),
    pa.field("cached", pa.bool_()),
    pa.field("seconds", pa.float64()),
    pa.field("worker", pa.string()),
    *(pa.field(m.name, _ARROW_TYPES[m.kind]) for m in METRICS),
]
RESULT_SCHEMA = pa.schema(_RESULT_FIELDS)


#: the toolkit's packages: a point's figures depend on their code and data files
_PACKAGES = ("quantacore", "qc_pdk", "components", "routing", "simulation", "thermal", "control",
             "flows")


@functools.cache
def code_version() -> str:
    """Package version, metrics version and a SHA-256 of the toolkit's source and data files
    (``*.py``, ``qc_pdk/data/*``), so any change of the code or the calibration gives new
    content keys (reading them takes milliseconds, once per process).

    Example:
        >>> code_version() == code_version(), code_version().startswith("quantacore-")
        (True, True)
    """
    try:
        v = version("quantacore")
    except PackageNotFoundError:  # a source checkout without installation
        v = "source"
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in _PACKAGES:
        files = [*(root / package).rglob("*.py"), *(root / package).glob("data/*")]
        for path in sorted(p for p in files if p.is_file() and "__pycache__" not in p.parts):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return f"quantacore-{v}/metrics-{METRICS_VERSION}/{digest.hexdigest()[:16]}"


def point_key(spec: Any, stages: tuple[str, ...], options: dict[str, Any]) -> str:
    """Content key of a point: spec (without name), stages, stage options and code version."""
    data = spec.model_dump(mode="json")
    data.pop("name", None)
    blob = canonical_json(
        {"spec": data, "stages": list(stages), "options": options, "code": code_version()}
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def default_sweep_cache_dir() -> Path:
    """``$QC_SWEEP_CACHE`` or ``~/.cache/quantacore/sweep``."""
    env = os.environ.get("QC_SWEEP_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "quantacore" / "sweep"


class ResultCache:
    """Successful point results by content key (atomic JSON files, shared by all sweeps)."""

    def __init__(self, root: str | Path | None = None) -> None:
        # the FDTD cache is a generic keyed JSON store with atomic writes: reused, not copied
        self._store = FdtdCache(root if root is not None else default_sweep_cache_dir())

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached result of ``key`` or None."""
        return self._store.get(key)

    def put(self, key: str, result: dict[str, Any]) -> None:
        """Keep ``result`` when the point succeeded (failures may be transient: not cached)."""
        if result.get("status") == "ok":
            self._store.put(key, result)


def _result_row(key: str, result: dict[str, Any], *, cached: bool) -> dict[str, Any]:
    row = {
        "key": key,
        "status": result["status"],
        "error": result.get("error"),
        "cached": cached,
        "seconds": result.get("seconds"),
        "worker": result.get("worker"),
    }
    metrics = result.get("metrics") or {}
    row.update({m.name: metrics.get(m.name) for m in METRICS})
    return row


class PartStore:
    """The ``parts/`` folder of a sweep: one Parquet file per finished point key."""

    def __init__(self, out: Path) -> None:
        self.folder = out / "parts"
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(".*.tmp"):  # writers killed mid-write
            stale.unlink(missing_ok=True)

    def load(self) -> dict[str, dict[str, Any]]:
        """Every finished point's row, by key (an unreadable part counts as not finished)."""
        rows: dict[str, dict[str, Any]] = {}
        for path in sorted(self.folder.glob("*.parquet")):
            try:
                table = pq.read_table(path, schema=RESULT_SCHEMA)
            except (OSError, pa.ArrowInvalid):
                path.unlink(missing_ok=True)
                continue
            for row in table.to_pylist():
                rows[row["key"]] = row
        return rows

    def write(self, key: str, result: dict[str, Any], *, cached: bool) -> dict[str, Any]:
        """Write the part of ``key`` atomically; returns its row."""
        row = _result_row(key, result, cached=cached)
        table = pa.Table.from_pylist([row], schema=RESULT_SCHEMA)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{key[:16]}-", suffix=".tmp")
        os.close(fd)
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, self.folder / f"{key}.parquet")
        finally:
            Path(tmp).unlink(missing_ok=True)
        return row


def results_table(
    points: list[Point], keys: list[str | None], rows: dict[str, dict[str, Any]]
) -> pa.Table:
    """One row per point: its number, parameters, result (``pending`` if none yet) and spec.

    Args:
        points: the sweep's points.
        keys: content key of each point (None for an invalid combination).
        rows: finished results by key.
    """
    records = []
    for p, key in zip(points, keys, strict=True):
        if key is None:
            result = _result_row("", {"status": "invalid", "error": p.error}, cached=False)
            result["key"] = None
        else:
            result = rows.get(key) or _result_row(key, {"status": "pending"}, cached=False)
        record: dict[str, Any] = {"point": p.index}
        record.update({f"param.{k}": v for k, v in p.params.items()})
        record.update(result)
        record["spec"] = None if p.spec is None else p.spec.model_dump_json()
        records.append(record)
    return pa.Table.from_pylist(records)


def write_results(table: pa.Table, out: Path) -> Path:
    """Write ``results.parquet`` into ``out`` atomically."""
    return atomic_file(out / "results.parquet", lambda tmp: pq.write_table(table, tmp))


def check_sweep_folder(out: str | Path, *, create: bool = False) -> Path:
    """``out`` as a sweep folder (kept and resumed, not replaced); its parent may be missing
    when the grandparent exists (``--out gds_out/sweep`` on a fresh checkout), as for
    ``quantacore build``.

    Args:
        out: the folder.
        create: create it (and that parent) now; False: only check, before any work.

    Raises:
        OutputError: naming ``--out`` and the path.
    """
    out = Path(out)
    if not out.parent.exists() and out.parent.parent.is_dir() and out.name not in ("", ".", ".."):
        if create:
            out.parent.mkdir()
        else:
            return out
    out = check_output_folder(out)
    if create:
        out.mkdir(exist_ok=True)
    return out


@contextmanager
def sweep_lock(out: Path) -> Iterator[None]:
    """Hold ``out/.sweep.lock``; a second sweep writing the same folder gets an OutputError."""
    fd = os.open(out / ".sweep.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(
                f"--out {out}: another sweep is writing it; wait for it or choose another --out"
            ) from None
        yield
    finally:
        os.close(fd)
