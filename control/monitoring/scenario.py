"""Degradation scenarios of the digital twin: what fails, where, when and how fast (YAML).

A scenario is a seed, a duration, a telemetry step and a list of events. Each event starts at
``start_s`` and grows at ``rate`` (units per kind below) until ``stop_s`` (default: the end):

=====================  ==============================================  ======================
kind                   what changes                                    ``rate`` unit
=====================  ==============================================  ======================
ring_drift             resonance of ring ``index`` of the tile (ageing)  nm/s (signed)
cooling_fault          temperature of the tile (lost cooling)          K/s
ambient_drift          temperature of every tile (bath drift)          K/s (signed)
detector_degradation   SNSPD efficiency of qubitron ``index``          fraction lost per s
detector_latching      SNSPD of qubitron ``index`` latches (no clicks)  (not used)
coupler_drift          fibre coupler of the tile's ``line``            dB/s of extra loss
fibre_misalignment     lateral offset of the tile's ``line`` fibre     um/s
=====================  ==============================================  ======================

``tile`` is ``[row, column]`` of the tile array (``ambient_drift`` acts on all tiles);
``index`` is the ring index of the tile's thermal model (``ring_drift``) or the qubitron
index in the tile (detector events); ``line`` is ``pump`` or ``stokes``. Events may not start
before ``warmup_s``: the detectors learn each signal's baseline during the warm-up.

Example:
    >>> s = Scenario.model_validate({"seed": 1, "duration_s": 600, "step_s": 1.0, "events": [
    ...     {"kind": "ring_drift", "tile": [0, 0], "index": 2, "start_s": 120, "rate": 2e-5}]})
    >>> s.n_steps, s.events[0].kind
    (600, 'ring_drift')
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from qc_pdk.errors import InputError
from qc_pdk.yaml_file import read_yaml_model

__all__ = ["EVENT_KINDS", "Event", "Scenario", "ScenarioError", "load_scenario"]

EVENT_KINDS = (
    "ring_drift",
    "cooling_fault",
    "ambient_drift",
    "detector_degradation",
    "detector_latching",
    "coupler_drift",
    "fibre_misalignment",
)

#: largest number of telemetry steps of one run (memory of the per-step bookkeeping)
MAX_STEPS = 10_000_000


class ScenarioError(InputError):
    """A scenario file or field that cannot be used (named in the message)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_booleans(cls, value: object) -> object:
        # YAML reads `seed: true` as a boolean, which pydantic would take as 1
        items = value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(v, bool) for v in items):
            raise ValueError(f"expected a number, got {value!r}")
        return value


class Event(_Strict):
    """One injected degradation (see the module docstring for the kinds and units)."""

    kind: Literal[
        "ring_drift", "cooling_fault", "ambient_drift", "detector_degradation",
        "detector_latching", "coupler_drift", "fibre_misalignment",
    ]
    tile: tuple[int, int] = Field(default=(0, 0), description="[row, column] of the tile")
    index: int | None = Field(
        default=None, ge=0, description="ring (ring_drift) or qubitron (detector) in the tile"
    )
    line: Literal["pump", "stokes"] = Field(
        default="pump", description="which fibre / coupler (coupler_drift, fibre_misalignment)"
    )
    start_s: float = Field(ge=0.0, description="when the degradation starts, s")
    stop_s: float | None = Field(default=None, ge=0.0, description="when it stops growing, s")
    rate: float = Field(default=0.0, description="growth rate, unit by kind")

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if min(self.tile) < 0:
            raise ValueError(f"tile {list(self.tile)}: row and column must be >= 0")
        if self.kind in ("ring_drift", "detector_degradation", "detector_latching") and (
            self.index is None
        ):
            raise ValueError(f"{self.kind} needs an index (ring or qubitron in the tile)")
        if self.kind != "detector_latching" and self.rate == 0.0:
            raise ValueError(f"{self.kind} needs a rate != 0")
        if self.kind in ("cooling_fault", "detector_degradation", "coupler_drift",
                         "fibre_misalignment") and self.rate < 0:
            raise ValueError(f"{self.kind}: rate must be > 0 (it is a degradation), got "
                             f"{self.rate}")
        if self.kind == "detector_degradation" and self.rate >= 1.0:
            raise ValueError("detector_degradation: rate is the fraction lost per s, must be < 1")
        if self.stop_s is not None and self.stop_s <= self.start_s:
            raise ValueError(f"stop_s {self.stop_s} must be after start_s {self.start_s}")
        return self

    @property
    def label(self) -> str:
        """Short name, e.g. ``ring_drift@tile_0_0/ring_2``."""
        where = f"tile_{self.tile[0]}_{self.tile[1]}"
        if self.kind == "ambient_drift":
            where = "chip"
        elif self.kind == "ring_drift":
            where += f"/ring_{self.index}"
        elif self.kind.startswith("detector"):
            where += f"/qubitron_{self.index}"
        elif self.kind in ("coupler_drift", "fibre_misalignment"):
            where += f"/{self.line}"
        return f"{self.kind}@{where}"


class Scenario(_Strict):
    """A seeded run of the twin: duration, step, warm-up and the injected events."""

    name: str = Field(default="scenario", pattern=r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$")
    seed: int = Field(default=0, ge=0, description="seed of every random draw of the run")
    duration_s: float = Field(gt=0.0, description="simulated time, s")
    step_s: float = Field(default=1.0, gt=0.0, le=3600.0, description="telemetry period, s")
    warmup_s: float = Field(
        default=60.0, ge=0.0, description="baseline learning time (no event may start before)"
    )
    events: tuple[Event, ...] = ()

    @property
    def n_steps(self) -> int:
        """Number of telemetry steps."""
        return int(round(self.duration_s / self.step_s))

    @property
    def warmup_steps(self) -> int:
        return int(math.ceil(self.warmup_s / self.step_s))

    @model_validator(mode="after")
    def _fits(self) -> Scenario:
        if self.n_steps < 2:
            raise ValueError(f"duration_s {self.duration_s} must hold >= 2 steps of {self.step_s}")
        if self.n_steps > MAX_STEPS:
            raise ValueError(f"duration_s / step_s = {self.n_steps} steps, more than {MAX_STEPS}")
        if self.warmup_steps < 20:
            raise ValueError(
                f"warmup_s {self.warmup_s} gives {self.warmup_steps} steps: the baseline needs "
                ">= 20"
            )
        if self.warmup_s >= self.duration_s:
            raise ValueError(f"warmup_s {self.warmup_s} must be shorter than duration_s")
        for k, e in enumerate(self.events):
            if e.start_s < self.warmup_s:
                raise ValueError(
                    f"events[{k}] ({e.label}): start_s {e.start_s} is inside the warm-up "
                    f"(warmup_s {self.warmup_s}); the baseline would learn the fault"
                )
            if e.start_s >= self.duration_s:
                raise ValueError(f"events[{k}] ({e.label}): start_s {e.start_s} is after the end")
        return self


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file.

    Args:
        path: the YAML file.

    Returns:
        the :class:`Scenario`.

    Raises:
        ScenarioError: missing or unreadable file, bad YAML, or a field that fails validation
            (the message names the file and the field).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
        >>> _ = p.write_text("seed: 3\\nduration_s: 300\\n")
        >>> load_scenario(p).seed
        3
    """
    return read_yaml_model(path, Scenario, what="a twin scenario", error=ScenarioError)
