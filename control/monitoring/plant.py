"""The chip the twin watches: one tile's thermal, optical and noise state, repeated over tiles.

Every tile of a QuantaCore chip is the same cell, so the build evaluates one tile (the
thermal model's rings, heaters and crosstalk; the pump and Stokes power delivered at each
qubitron; the tile's noise table) and the chip is that tile repeated over the tile array.
:class:`TilePlant` holds those figures as arrays; :class:`ChipPlant` adds the tile array.
:func:`tile_plant` builds a tile plant from the build's own stage results
(``thermal.analysis.ThermalReport``, ``control.noise.NoiseTable`` and the delivered powers),
so the twin starts from a real built chip, not from invented figures.

Example:
    >>> import numpy as np, scipy.sparse as sp
    >>> t = TilePlant.example()
    >>> chip = ChipPlant(tile=t, tile_rows=2, tile_columns=3)
    >>> chip.n_tiles, chip.n_rings, chip.n_qubitrons
    (6, 12, 12)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from control.noise import NoiseTable

__all__ = ["ChipPlant", "TilePlant", "tile_plant"]

Array = NDArray[np.float64]

#: SNSPD readout attempts per second of each qubitron (one time-bin photon per QEC round at a
#: 1 MHz round rate; a design choice of the twin's count model)
DEFAULT_READOUT_ATTEMPTS_PER_S = 1.0e6


@dataclass(frozen=True)
class TilePlant:
    """One tile's operating point (units in the names; rings and heaters of the thermal model).

    Attributes:
        temperature_K: heat-sink temperature.
        ring_names: one per ring of the tile's thermal model.
        ring_fsr_nm, ring_linewidth_nm: per ring.
        ring_offset_nm: fabricated resonance minus channel (with electronics heating), untuned.
        crosstalk_K_per_mW: (rings x heaters) mean ring rise per heater mW.
        shift_nm_per_K: resonance shift per K of the ring mode at ``temperature_K``.
        heater_power_mW: tuning powers (per heater) the build's tuning solve found.
        max_heater_power_mW: largest power of one heater.
        ring_round_trip_um, ring_gap_um: the ring for the alignment check (``ring_adddrop``).
        wl_nm: channel centre wavelength.
        qubitron_names: one per qubitron of the tile.
        pump_mW, stokes_mW: power delivered at each qubitron's buses on its channel.
        noise: the tile's noise table (one row per qubitron, same order).
        detector_efficiency, dark_counts_cps: nominal SNSPD figures.
        readout_attempts_per_s: readout photons per second and qubitron.
        noise_kwargs: the other arguments of ``control.noise.noise_table`` for this tile
            (loaded Q, ring radius, pulses), to re-solve a qubitron under a changed drive.
        ring_has_heater: per ring, whether a heater of its own tunes it.
        tuner: the tuning solve (``thermal.tuning.tune_rings`` keywords and result), handed in
            by the flow (``control`` does not import ``thermal``); None: no re-tuning.
    """

    temperature_K: float
    ring_names: tuple[str, ...]
    ring_fsr_nm: Array
    ring_linewidth_nm: Array
    ring_offset_nm: Array
    crosstalk_K_per_mW: sp.csr_matrix
    shift_nm_per_K: float
    heater_power_mW: Array
    max_heater_power_mW: float
    ring_round_trip_um: float
    ring_gap_um: float
    wl_nm: float
    qubitron_names: tuple[str, ...]
    pump_mW: Array
    stokes_mW: Array
    noise: NoiseTable
    detector_efficiency: float
    dark_counts_cps: float
    readout_attempts_per_s: float = DEFAULT_READOUT_ATTEMPTS_PER_S
    noise_kwargs: dict[str, Any] = field(default_factory=dict, repr=False)
    ring_has_heater: NDArray[np.bool_] | None = None
    tuner: Callable[..., Any] | None = field(default=None, repr=False)

    def heater_rings(self) -> NDArray[np.bool_]:
        """Which rings have a heater of their own (all when not known)."""
        if self.ring_has_heater is None:
            return np.ones(self.n_rings, dtype=bool)
        return np.asarray(self.ring_has_heater, dtype=bool)

    @property
    def n_rings(self) -> int:
        return len(self.ring_names)

    @property
    def n_heaters(self) -> int:
        return int(self.crosstalk_K_per_mW.shape[1])

    @property
    def n_qubitrons(self) -> int:
        return len(self.qubitron_names)

    @property
    def shift_nm_per_mW(self) -> sp.csr_matrix:
        """(rings x heaters) resonance shift per heater mW."""
        return sp.csr_matrix(self.crosstalk_K_per_mW * self.shift_nm_per_K)

    def tuned_shift_nm(self, heater_power_mW: Array) -> Array:
        """Resonance shift of each ring (nm) under heater powers (mW, per heater)."""
        return np.asarray(self.shift_nm_per_mW @ np.asarray(heater_power_mW, dtype=float))

    @property
    def photon_detection_efficiency(self) -> Array:
        return self.noise.column("photon_detection_efficiency")

    @classmethod
    def example(cls, *, tuner: Callable[..., Any] | None = None) -> TilePlant:
        """A small made-up tile (2 rings with heaters, 2 qubitrons) for examples and tests of
        the machinery; real runs use :func:`tile_plant`. ``tuner``: the tuning solve
        (``thermal.tuning.tune_rings``), None for a tile that is not re-tuned."""
        from control.noise import noise_table

        kwargs: dict[str, Any] = {"loaded_q": [2e4, 2e4], "ring_radius_um": [50.0, 50.0]}
        table = noise_table(pump_power_mW=[2e-7, 2e-7], stokes_power_mW=[2e-7, 2e-7],
                            qubitron_ids=["qubitron_0", "qubitron_1"], **kwargs)
        x = sp.csr_matrix(np.array([[1.0, 0.05], [0.05, 1.0]]))
        return cls(
            temperature_K=300.0, ring_names=("ring_0", "ring_1"),
            ring_fsr_nm=np.array([3.4, 3.4]), ring_linewidth_nm=np.array([0.075, 0.075]),
            ring_offset_nm=np.array([-0.2, -0.1]), crosstalk_K_per_mW=x,
            shift_nm_per_K=0.0144, heater_power_mW=np.array([13.0, 6.3]),
            max_heater_power_mW=500.0, ring_round_trip_um=2 * math.pi * 50 + 60, ring_gap_um=0.5,
            wl_nm=1550.0, qubitron_names=("qubitron_0", "qubitron_1"),
            pump_mW=np.array([2e-7, 2e-7]), stokes_mW=np.array([2e-7, 2e-7]), noise=table,
            detector_efficiency=0.91, dark_counts_cps=1.0, noise_kwargs=kwargs, tuner=tuner,
        )


@dataclass(frozen=True)
class ChipPlant:
    """The chip: ``tile`` repeated over ``tile_rows`` x ``tile_columns`` tiles (row-major).

    Channel order of every per-ring / per-heater / per-qubitron vector: tile-major
    (tile 0's items, then tile 1's ...), tile index = row x tile_columns + column.
    """

    tile: TilePlant
    tile_rows: int
    tile_columns: int

    def __post_init__(self) -> None:
        for name in ("tile_rows", "tile_columns"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {v!r}")

    @property
    def n_tiles(self) -> int:
        return self.tile_rows * self.tile_columns

    @property
    def n_rings(self) -> int:
        return self.n_tiles * self.tile.n_rings

    @property
    def n_heaters(self) -> int:
        return self.n_tiles * self.tile.n_heaters

    @property
    def n_qubitrons(self) -> int:
        return self.n_tiles * self.tile.n_qubitrons

    def tile_index(self, tile: tuple[int, int]) -> int:
        """Flat index of tile ``(row, column)``; ValueError when it is not on the chip."""
        r, c = tile
        if not (0 <= r < self.tile_rows and 0 <= c < self.tile_columns):
            raise ValueError(
                f"tile [{r}, {c}] is not on the chip ({self.tile_rows} x {self.tile_columns} "
                "tiles)"
            )
        return r * self.tile_columns + c

    def tile_name(self, index: int) -> str:
        return f"tile_{index // self.tile_columns}_{index % self.tile_columns}"

    def repeat(self, per_tile: Any) -> Array:
        """A per-tile-item vector repeated over every tile (tile-major)."""
        return np.tile(np.asarray(per_tile, dtype=float), self.n_tiles)

    @classmethod
    def with_qubitrons(cls, tile: TilePlant, n_qubitrons: int) -> ChipPlant:
        """A square-ish tile array holding ``n_qubitrons`` (a multiple of the tile's count)."""
        if n_qubitrons % tile.n_qubitrons:
            raise ValueError(
                f"n_qubitrons {n_qubitrons} is not a multiple of the tile's {tile.n_qubitrons}"
            )
        n_tiles = n_qubitrons // tile.n_qubitrons
        rows = int(math.isqrt(n_tiles))
        while n_tiles % rows:
            rows -= 1
        return cls(tile=tile, tile_rows=rows, tile_columns=n_tiles // rows)


def tile_plant(
    *,
    thermal: Any,
    noise: NoiseTable,
    pump_mW: Any,
    stokes_mW: Any,
    loaded_q: float,
    ring_round_trip_um: float,
    ring_gap_um: float,
    wl_nm: float,
    noise_kwargs: dict[str, Any] | None = None,
    tuner: Callable[..., Any] | None = None,
    readout_attempts_per_s: float = DEFAULT_READOUT_ATTEMPTS_PER_S,
) -> TilePlant:
    """A tile plant from the build's stage results.

    Args:
        thermal: the tile's ``thermal.analysis.ThermalReport`` (rings, crosstalk, tuning).
        noise: the tile's noise table (``flows.control_job.run_control``).
        pump_mW, stokes_mW: power delivered at each qubitron (mW, noise-table order).
        loaded_q: loaded Q of the rings (their linewidth is wl / Q, as in the tuning).
        ring_round_trip_um, ring_gap_um: the qubitron ring, for the alignment check.
        wl_nm: channel centre wavelength, nm.
        noise_kwargs: the noise table's other arguments (loaded_q, ring_radius_um, pulses).
        tuner: the tuning solve (``thermal.tuning.tune_rings``) for the twin's re-tuning.
        readout_attempts_per_s: readout photons per second and qubitron.

    Returns:
        the :class:`TilePlant`.
    """
    from components.models.detector import detector_figures

    fig = detector_figures()
    rings = thermal.rings
    n = len(rings)
    return TilePlant(
        temperature_K=float(thermal.temperature_K),
        ring_names=tuple(f"ring_{r.index}" for r in rings),
        ring_fsr_nm=np.array([r.fsr_nm for r in rings], dtype=float),
        ring_linewidth_nm=np.full(n, wl_nm / loaded_q),
        ring_offset_nm=np.array([r.offset_nm for r in rings], dtype=float),
        crosstalk_K_per_mW=sp.csr_matrix(thermal.crosstalk.matrix),
        shift_nm_per_K=float(thermal.shift_nm_per_K),
        heater_power_mW=np.asarray(thermal.heater_power_mW, dtype=float),
        max_heater_power_mW=float(thermal.max_heater_power_mW),
        ring_round_trip_um=float(ring_round_trip_um),
        ring_gap_um=float(ring_gap_um),
        wl_nm=float(wl_nm),
        qubitron_names=tuple(r.qubitron for r in noise.rows),
        pump_mW=np.asarray(pump_mW, dtype=float),
        stokes_mW=np.asarray(stokes_mW, dtype=float),
        noise=noise,
        detector_efficiency=float(fig["efficiency"]),
        dark_counts_cps=float(fig["dark_counts_cps"]),
        readout_attempts_per_s=float(readout_attempts_per_s),
        noise_kwargs=dict(noise_kwargs or {}),
        ring_has_heater=np.array([r.own_heater >= 0 for r in rings], dtype=bool),
        tuner=tuner,
    )

