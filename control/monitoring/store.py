"""Telemetry on disk: Parquet files, one folder per signal group, one file per time chunk.

Parquet (pyarrow, already a dependency) rather than DuckDB: the twin only appends
time-ordered blocks and readers (pandas, polars, DuckDB itself, Spark) read Parquet
directly; an embedded database would add a dependency and a file format only its own
version opens. Each file holds a block of steps in long form, ``time_s`` (float64),
``channel`` (int32, the index in ``channels.parquet``) and ``value`` (float32), written
zstd-compressed under a hidden name and renamed into place (a reader never sees a
half-written file). ``channels.parquet`` names every channel (group, tile, item, name).

Example:
    >>> import tempfile, pathlib, numpy as np, pyarrow.parquet as pq
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> store = TelemetryStore(folder, groups={"a": slice(0, 2)}, chunk_steps=4)
    >>> for k in range(5):
    ...     store.append(k * 1.0, np.array([k, 10.0 * k]))
    >>> store.close()
    >>> t = pq.read_table(folder / "a").to_pydict()
    >>> t["value"][-2:], t["time_s"][-1]
    ([4.0, 40.0], 4.0)
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

__all__ = ["TelemetryStore", "write_table_atomic"]


def write_table_atomic(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` through a hidden temporary name and one rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)


class TelemetryStore:
    """Buffers steps and writes each group's block of ``chunk_steps`` steps as one file.

    Args:
        folder: where the group folders go (created).
        groups: group name -> slice of the flat per-step vector.
        chunk_steps: steps per file.
    """

    def __init__(self, folder: Path, *, groups: dict[str, slice], chunk_steps: int = 256) -> None:
        if chunk_steps < 1:
            raise ValueError(f"chunk_steps must be >= 1, got {chunk_steps}")
        self.folder = Path(folder)
        self.groups = dict(groups)
        self.chunk_steps = int(chunk_steps)
        self._times: list[float] = []
        self._rows: list[NDArray[np.float32]] = []
        self._part = 0
        self.samples_written = 0
        for g in self.groups:
            (self.folder / g).mkdir(parents=True, exist_ok=True)

    def append(self, time_s: float, values: NDArray[np.float64]) -> None:
        """Add one step (all channels)."""
        self._times.append(float(time_s))
        self._rows.append(values.astype(np.float32))
        if len(self._times) >= self.chunk_steps:
            self.flush()

    def flush(self) -> None:
        """Write the buffered steps (one file per group)."""
        if not self._times:
            return
        block = np.stack(self._rows)
        times = np.asarray(self._times)
        for g, sl in self.groups.items():
            part = block[:, sl]
            n_steps, n_ch = part.shape
            table = pa.table({
                "time_s": pa.array(np.repeat(times, n_ch)),
                "channel": pa.array(np.tile(np.arange(sl.start, sl.stop, dtype=np.int32),
                                            n_steps)),
                "value": pa.array(part.ravel()),
            })
            write_table_atomic(table, self.folder / g / f"part-{self._part:05d}.parquet")
            self.samples_written += part.size
        self._part += 1
        self._times.clear()
        self._rows.clear()

    def close(self) -> None:
        """Write what is left."""
        self.flush()
