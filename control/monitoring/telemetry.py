"""Telemetry of the twin: every signal of the chip at each step, generated vectorised.

Signals (groups), one channel per tile / ring / heater / qubitron, tile-major:

========================  ========  ==========================================================
group                     per       true value
========================  ========  ==========================================================
tile_temperature_K        tile      heat sink + cooling faults + ambient drift
ring_offset_nm            ring      resonance - channel: fabrication + ageing drift +
                                    shift/K x temperature change + heater tuning (nearest order)
heater_power_mW           heater    the tuning loop's power
detector_counts           qubitron  Poisson(attempts x photon detection efficiency x step)
dark_counts               qubitron  Poisson(dark-count rate x step)
pump_power_mW             qubitron  power delivered at the qubitron x coupler / fibre factor
stokes_power_mW           qubitron  same on the Stokes line
========================  ========  ==========================================================

Measured values are the true values plus sensor noise (:class:`SensorNoise`; counts are
Poisson draws). Each step is one numpy pass over all channels: the 65,536-qubitron chip is
~0.7 M channels per step. Events of the :class:`~control.monitoring.scenario.Scenario` enter
as magnitudes (``rate`` x time since start, frozen after ``stop_s``).

The generator also keeps the *counterfactual* truth with the heater powers the build set
(no intervention): the failure time of an event is when that truth leaves its limit
(:data:`FAILURE_LIMITS`), i.e. when the component would have failed without the twin.

Example:
    >>> from control.monitoring.plant import ChipPlant, TilePlant
    >>> from control.monitoring.scenario import Scenario
    >>> chip = ChipPlant(tile=TilePlant.example(), tile_rows=1, tile_columns=2)
    >>> gen = TelemetryGenerator(chip, Scenario(duration_s=100, step_s=1.0, warmup_s=20))
    >>> x = gen.step(0)
    >>> x.shape == (gen.layout.n_channels,), gen.layout.groups["ring_offset_nm"]
    (True, slice(2, 6, None))
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from control.monitoring.plant import ChipPlant
from control.monitoring.scenario import Event, Scenario, ScenarioError

__all__ = [
    "FAILURE_LIMITS",
    "GROUPS",
    "ChannelLayout",
    "SensorNoise",
    "TelemetryGenerator",
]

Array = NDArray[np.float64]
Index = NDArray[np.int64]

GROUPS = (
    "tile_temperature_K",
    "ring_offset_nm",
    "heater_power_mW",
    "detector_counts",
    "dark_counts",
    "pump_power_mW",
    "stokes_power_mW",
)

#: when a component counts as failed (relative to its value at the start; model choices):
FAILURE_LIMITS = {
    "ring_offset_nm": "off its channel by more than half a linewidth (the tuning tolerance)",
    "tile_temperature_K": "warmer than the rise that detunes a ring by half a linewidth, or "
    "(below 20 K) more than SNSPD_MARGIN_K above the heat sink",
    "heater_power_mW": "at the heater's largest power (the ring can no longer be tuned); not "
    "for a heater that starts there",
    "detector_counts": "photon detection down by more than 10 %",
    "dark_counts": "dark counts up more than 10-fold",
    "pump_power_mW": "delivered power down by more than 1 dB",
    "stokes_power_mW": "delivered power down by more than 1 dB",
}
#: an NbN SNSPD loses efficiency well below its ~10 K critical temperature: 2 K above a ~4 K
#: stage is taken as the end of its plateau (an estimate)
SNSPD_MARGIN_K = 2.0
#: mode field radius of SMF-28 at 1550 nm (MFD 10.4 um), for the fibre-offset coupling loss
#: exp(-(d / w0)^2) of two Gaussian modes
FIBRE_MODE_RADIUS_UM = 5.2


@dataclass(frozen=True)
class SensorNoise:
    """Standard deviations of the sensors (model choices, not measured).

    Attributes:
        temperature_K: thermometer noise per reading, K.
        ring_offset_nm: resonance readout (dither lock-in) noise, nm.
        heater_relative: heater power readback noise, fraction.
        power_relative: on-chip tap power monitor noise, fraction.
    """

    temperature_K: float = 2e-3
    ring_offset_nm: float = 1e-3
    heater_relative: float = 1e-3
    power_relative: float = 2e-3


@dataclass(frozen=True)
class ChannelLayout:
    """Where each group's channels sit in the flat per-step vector, and their names."""

    groups: dict[str, slice]
    n_channels: int
    n_tiles: int
    per_tile: dict[str, int]

    @classmethod
    def of(cls, plant: ChipPlant) -> ChannelLayout:
        t = plant.tile
        per_tile = {
            "tile_temperature_K": 1, "ring_offset_nm": t.n_rings,
            "heater_power_mW": t.n_heaters, "detector_counts": t.n_qubitrons,
            "dark_counts": t.n_qubitrons, "pump_power_mW": t.n_qubitrons,
            "stokes_power_mW": t.n_qubitrons,
        }
        groups, start = {}, 0
        for g in GROUPS:
            n = per_tile[g] * plant.n_tiles
            groups[g] = slice(start, start + n)
            start += n
        return cls(groups=groups, n_channels=start, n_tiles=plant.n_tiles, per_tile=per_tile)

    def channel(self, group: str, tile: int, item: int = 0) -> int:
        """Flat index of item ``item`` of tile ``tile`` in ``group``."""
        return self.groups[group].start + tile * self.per_tile[group] + item

    def group_of(self, index: int) -> tuple[str, int, int]:
        """(group, tile, item) of flat channel ``index``."""
        for g, s in self.groups.items():
            if s.start <= index < s.stop:
                k = index - s.start
                return g, k // self.per_tile[g], k % self.per_tile[g]
        raise IndexError(index)

    def tile_channels(self, group: str, tile: int) -> Index:
        n = self.per_tile[group]
        start = self.groups[group].start + tile * n
        return np.arange(start, start + n, dtype=np.int64)

    def group_per_channel(self) -> NDArray[np.int8]:
        """Group number (position in GROUPS) of every channel."""
        out = np.empty(self.n_channels, dtype=np.int8)
        for k, g in enumerate(GROUPS):
            out[self.groups[g]] = k
        return out


def _wrap(offset: Array, fsr: Array) -> Array:
    """Offset from the nearest resonance order: in [-FSR/2, FSR/2)."""
    return offset - fsr * np.floor(offset / fsr + 0.5)  # np.mod is ~3x slower


@dataclass
class TelemetryGenerator:
    """Generates the measured telemetry step by step (see the module docstring).

    Args:
        plant: the chip.
        scenario: events, seed, step.
        noise: sensor noise.
    """

    plant: ChipPlant
    scenario: Scenario
    noise: SensorNoise = field(default_factory=SensorNoise)

    def __post_init__(self) -> None:
        p, t = self.plant, self.plant.tile
        self.layout = ChannelLayout.of(p)
        self.rng = np.random.default_rng(self.scenario.seed)
        self.ring_fsr = p.repeat(t.ring_fsr_nm)
        self.ring_hw = 0.5 * p.repeat(t.ring_linewidth_nm)
        self.untuned0 = p.repeat(t.ring_offset_nm)
        self.heater_power = p.repeat(t.heater_power_mW)
        self.heater_power0 = self.heater_power.copy()
        self._shift0 = self._tuned_shift(self.heater_power0)
        self._shift = self._shift0.copy()
        self.pump0 = p.repeat(t.pump_mW)
        self.stokes0 = p.repeat(t.stokes_mW)
        self.rate0 = p.repeat(t.photon_detection_efficiency) * t.readout_attempts_per_s
        self.dark0 = np.full(p.n_qubitrons, t.dark_counts_cps)
        self.targets = [self._target(e, k) for k, e in enumerate(self.scenario.events)]
        self.state = self._effects(0.0)
        self._baseline_truth = self.truth(counterfactual=True)

    # -- events -------------------------------------------------------------------------------
    def _target(self, e: Event, k: int) -> tuple[int, int | None]:
        """(tile index or -1 for all, item index) of event ``e``, checked against the chip."""
        if e.kind == "ambient_drift":
            return -1, None
        try:
            tile = self.plant.tile_index(e.tile)
        except ValueError as err:
            raise ScenarioError(f"events[{k}] ({e.label}): {err}") from None
        t = self.plant.tile
        limit = t.n_rings if e.kind == "ring_drift" else t.n_qubitrons
        if e.index is not None and e.index >= limit:
            what = "rings" if e.kind == "ring_drift" else "qubitrons"
            raise ScenarioError(
                f"events[{k}] ({e.label}): index {e.index} but the tile has {limit} {what}"
            )
        return tile, e.index

    def magnitude(self, e: Event, time_s: float) -> float:
        """Size of event ``e`` at ``time_s`` in its rate's unit x s (0 before it starts)."""
        if time_s < e.start_s:
            return 0.0
        end = time_s if e.stop_s is None else min(time_s, e.stop_s)
        return e.rate * (end - e.start_s)

    def _effects(self, time_s: float) -> dict[str, Any]:
        p, t = self.plant, self.plant.tile
        n_q = p.n_qubitrons
        d_temp = np.zeros(p.n_tiles)
        drift = np.zeros(p.n_rings)
        eff = np.ones(n_q)
        latched = np.zeros(n_q, dtype=bool)
        pump_dB = np.zeros(p.n_tiles)
        stokes_dB = np.zeros(p.n_tiles)
        for e, (tile, item) in zip(self.scenario.events, self.targets, strict=True):
            m = self.magnitude(e, time_s)
            if time_s < e.start_s:
                continue
            if e.kind == "ambient_drift":
                d_temp += m
            elif e.kind == "cooling_fault":
                d_temp[tile] += m
            elif e.kind == "ring_drift":
                drift[tile * t.n_rings + int(item or 0)] += m
            elif e.kind == "detector_degradation":
                q = tile * t.n_qubitrons + int(item or 0)
                eff[q] *= max(0.0, 1.0 - m)
            elif e.kind == "detector_latching":
                latched[tile * t.n_qubitrons + int(item or 0)] = True
            else:
                loss = m if e.kind == "coupler_drift" else (
                    10.0 / math.log(10.0) * (m / FIBRE_MODE_RADIUS_UM) ** 2
                )
                (pump_dB if e.line == "pump" else stokes_dB)[tile] += loss
        return {"d_temp": d_temp, "drift": drift, "eff": eff, "latched": latched,
                "pump_dB": pump_dB, "stokes_dB": stokes_dB}

    # -- state --------------------------------------------------------------------------------
    def _tuned_shift(self, heater_power_mW: Array) -> Array:
        t = self.plant.tile
        per_tile = heater_power_mW.reshape(self.plant.n_tiles, t.n_heaters)
        return np.asarray((t.shift_nm_per_mW @ per_tile.T).T).ravel()

    def set_heater_powers(self, tile: int, power_mW: Array) -> None:
        """Apply new heater powers (mW) to the heaters of tile ``tile`` (the tuning loop)."""
        n = self.plant.tile.n_heaters
        self.heater_power[tile * n:(tile + 1) * n] = power_mW
        t = self.plant.tile
        rows = slice(tile * t.n_rings, (tile + 1) * t.n_rings)
        self._shift[rows] = t.tuned_shift_nm(np.asarray(power_mW, dtype=float))

    def untuned_offset_nm(self) -> Array:
        """True resonance - channel of every ring without the heaters (nm)."""
        s = self.state
        spk = self.plant.tile.shift_nm_per_K
        per_ring_temp = np.repeat(s["d_temp"], self.plant.tile.n_rings)
        return self.untuned0 + s["drift"] + spk * per_ring_temp

    def truth(self, *, counterfactual: bool = False) -> Array:
        """True (noise-free) value of every channel now; ``counterfactual``: with the heater
        powers the build set (no intervention). Counts are expected counts per step."""
        t, s = self.plant.tile, self.state
        out = np.empty(self.layout.n_channels)
        g = self.layout.groups
        step = self.scenario.step_s
        out[g["tile_temperature_K"]] = t.temperature_K + s["d_temp"]
        shift = self._shift0 if counterfactual else self._shift
        out[g["ring_offset_nm"]] = _wrap(self.untuned_offset_nm() + shift, self.ring_fsr)
        out[g["heater_power_mW"]] = self.heater_power0 if counterfactual else self.heater_power
        on = ~s["latched"]
        out[g["detector_counts"]] = self.rate0 * s["eff"] * on * step
        out[g["dark_counts"]] = self.dark0 * on * step
        nq = t.n_qubitrons
        out[g["pump_power_mW"]] = self.pump0 * 10 ** (-np.repeat(s["pump_dB"], nq) / 10)
        out[g["stokes_power_mW"]] = self.stokes0 * 10 ** (-np.repeat(s["stokes_dB"], nq) / 10)
        return out

    def step(self, k: int) -> Array:
        """Measured telemetry of step ``k`` (all channels, flat; see ``layout``)."""
        self.state = self._effects(k * self.scenario.step_s)
        x = self.truth()
        g, n, rng = self.layout.groups, self.noise, self.rng
        sl = g["tile_temperature_K"]
        x[sl] += rng.normal(0.0, n.temperature_K, sl.stop - sl.start)
        sl = g["ring_offset_nm"]
        x[sl] += rng.normal(0.0, n.ring_offset_nm, sl.stop - sl.start)
        sl = g["heater_power_mW"]
        x[sl] *= 1.0 + rng.normal(0.0, n.heater_relative, sl.stop - sl.start)
        for name in ("detector_counts", "dark_counts"):
            sl = g[name]
            x[sl] = rng.poisson(x[sl])
        for name in ("pump_power_mW", "stokes_power_mW"):
            sl = g[name]
            x[sl] *= 1.0 + rng.normal(0.0, n.power_relative, sl.stop - sl.start)
        return x

    # -- limits -------------------------------------------------------------------------------
    def failed(self, channels: Index) -> NDArray[np.bool_]:
        """Whether each of ``channels`` is beyond its failure limit in the counterfactual truth
        (limits in :data:`FAILURE_LIMITS`, relative to the value at the start)."""
        x = self.truth(counterfactual=True)[channels]
        lo, hi = self.limits()
        return (x < lo[channels]) | (x > hi[channels])

    def limits(self) -> tuple[Array, Array]:
        """(lower, upper) failure limit of every channel (see :data:`FAILURE_LIMITS`)."""
        cached: tuple[Array, Array] | None = getattr(self, "_limits", None)
        if cached is not None:
            return cached
        t, g = self.plant.tile, self.layout.groups
        b = self._baseline_truth
        lo = np.full(self.layout.n_channels, -np.inf)
        hi = np.full(self.layout.n_channels, np.inf)
        sl = g["ring_offset_nm"]
        hw = self.ring_hw
        on_channel = np.abs(b[sl]) <= hw
        lo[sl] = np.where(on_channel, -hw, b[sl] - hw)
        hi[sl] = np.where(on_channel, hw, b[sl] + hw)
        margin = float(np.min(t.ring_linewidth_nm)) / 2 / max(t.shift_nm_per_K, 1e-30)
        if t.temperature_K < 20.0:
            margin = min(margin, SNSPD_MARGIN_K)
        sl = g["tile_temperature_K"]
        hi[sl] = b[sl] + margin
        sl = g["heater_power_mW"]
        top = t.max_heater_power_mW * (1 - 1e-9)
        hi[sl] = np.where(b[sl] < top, top, np.inf)  # a heater already at its top stays there
        sl = g["detector_counts"]
        lo[sl] = 0.9 * b[sl]
        sl = g["dark_counts"]
        hi[sl] = 10.0 * b[sl]
        for name in ("pump_power_mW", "stokes_power_mW"):
            sl = g[name]
            lo[sl] = b[sl] * 10 ** (-0.1)
        self._limits = (lo, hi)
        return lo, hi

    def affected_channels(self, k: int) -> Index:
        """Channels event ``k`` changes (its own signals and those it drives)."""
        e = self.scenario.events[k]
        tile, item = self.targets[k]
        lay = self.layout
        tiles = range(self.plant.n_tiles) if tile < 0 else [tile]
        out: list[Index] = []
        for ti in tiles:
            if e.kind in ("ambient_drift", "cooling_fault"):
                out += [lay.tile_channels("tile_temperature_K", ti),
                        lay.tile_channels("ring_offset_nm", ti),
                        lay.tile_channels("heater_power_mW", ti)]
            elif e.kind == "ring_drift":
                out += [np.array([lay.channel("ring_offset_nm", ti, int(item or 0))]),
                        lay.tile_channels("heater_power_mW", ti)]
            elif e.kind.startswith("detector"):
                out += [np.array([lay.channel("detector_counts", ti, int(item or 0)),
                                  lay.channel("dark_counts", ti, int(item or 0))])]
            else:
                group = "pump_power_mW" if e.line == "pump" else "stokes_power_mW"
                out += [lay.tile_channels(group, ti)]
        return np.unique(np.concatenate(out)).astype(np.int64)
