"""The sweep file: a base chip spec, the spec fields to vary and how, the metrics to record.

Fields are named by their dotted path in the chip spec (``qubitron.gap_um``,
``wdm.spacing_nm``, ``thermal.max_heater_power_mW``, ``control.pulse_delay_ns`` ...; every
leaf of :class:`flows.spec.ChipSpec` but ``name``). Each is given a list of ``values`` or a
range ``low``/``high`` (``num`` values for a grid; sampled for ``random`` and ``lhs``, on a
log scale with ``log: true``; integer fields are rounded). Every path and every value is
checked against the chip-spec model before anything runs; a combination the model rejects
(e.g. a WDM grid that no longer fits the ring's FSR) becomes an ``invalid`` row and the sweep
goes on.

    name: gap_sweep
    base: {name: s, array: {rows: 1, columns: 2, tile_columns: 2}}   # or base_spec: chip.yaml
    sampler: grid                       # grid | random | lhs
    parameters:
      qubitron.gap_um: {values: [0.4, 0.5, 0.6]}
      qubitron.radius_um: {low: 45, high: 60, num: 3}
    stages: [drc, loss, control]        # default: every stage (a full build)
    pareto: {loss_worst_dB: min, area_mm2: min}   # optional trade-off plot

Example:
    >>> s = SweepSpec.model_validate({"name": "g", "base": {"name": "c"},
    ...     "parameters": {"qubitron.gap_um": {"values": [0.4, 0.5]}}})
    >>> points = plan_points(s, resolve_base(s, None))
    >>> [p.params for p in points], points[0].spec.name[:2]
    ([{'qubitron.gap_um': 0.4}, {'qubitron.gap_um': 0.5}], 'c_')
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from scipy.stats import qmc

from flows.spec import ChipSpec, SpecError, load_spec
from flows.sweep.metrics import METRICS, STAGES, Stage, stage_closure
from qc_pdk.errors import InputError
from qc_pdk.yaml_file import format_validation_error, read_yaml_model

__all__ = [
    "Point",
    "SweepSpecError",
    "SweepSpec",
    "chip_spec_paths",
    "check_parameter",
    "load_sweep",
    "plan_points",
    "point_name",
    "point_spec",
    "resolve_base",
]

#: more points than this is a typo, not a sweep (each point is a pipeline run)
MAX_POINTS = 100_000


class SweepSpecError(InputError):
    """A sweep file that cannot be run (the message names the field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ParameterRange(_Strict):
    """How one spec field varies: explicit ``values``, or ``low``..``high`` (``num`` for grids)."""

    values: list[Any] | None = Field(default=None, min_length=1)
    low: float | None = None
    high: float | None = None
    num: int | None = Field(default=None, ge=1, le=10_000, description="grid values in the range")
    log: bool = Field(default=False, description="space / sample the range logarithmically")

    @model_validator(mode="after")
    def _one_form(self) -> ParameterRange:
        ranged = self.low is not None or self.high is not None
        if self.values is not None and ranged:
            raise ValueError("give either values or low/high, not both")
        if self.values is None and not ranged:
            raise ValueError("give values or low and high")
        if ranged:
            if self.low is None or self.high is None:
                raise ValueError("a range needs both low and high")
            if not self.high > self.low:
                raise ValueError(f"high ({self.high}) must exceed low ({self.low})")
            if self.log and self.low <= 0:
                raise ValueError("a log range needs low > 0")
        return self


class QecOptions(_Strict):
    """Options of the QEC stage (the build's defaults; other values change only that stage)."""

    distances: list[int] = Field(default=[3, 5], min_length=1)
    max_shots: int = Field(default=2_000, ge=10, le=10_000_000)

    @model_validator(mode="after")
    def _odd(self) -> QecOptions:
        if any(d < 3 or d % 2 == 0 or d > 25 for d in self.distances):
            raise ValueError(f"qec.distances must be odd, 3..25; got {self.distances}")
        return self


class SweepSpec(_Strict):
    """A whole sweep (see the module docstring)."""

    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    base: dict[str, Any] | None = Field(default=None, description="inline base chip spec")
    base_spec: str | None = Field(default=None, description="base chip spec file (relative)")
    parameters: dict[str, ParameterRange] = Field(min_length=1)
    sampler: Literal["grid", "random", "lhs"] = "grid"
    samples: int | None = Field(default=None, ge=1, le=MAX_POINTS)
    seed: int = Field(default=0, ge=0)
    stages: list[Stage] = Field(default_factory=lambda: list(STAGES))
    metrics: list[str] | None = Field(default=None, description="default: every metric")
    pareto: dict[str, Literal["min", "max"]] | None = None
    qec: QecOptions = QecOptions()

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if self.base is not None and self.base_spec is not None:
            raise ValueError("give base or base_spec, not both")
        if self.sampler == "grid":
            if self.samples is not None:
                raise ValueError("samples is for the random and lhs samplers")
            for path, r in self.parameters.items():
                if r.values is None and r.num is None:
                    raise ValueError(f"parameters.{path}: a grid range needs num")
        elif self.samples is None:
            raise ValueError(f"the {self.sampler} sampler needs samples")
        known = {m.name for m in METRICS}
        for name in [*(self.metrics or []), *(self.pareto or {})]:
            if name not in known:
                raise ValueError(f"unknown metric {name!r}; known: {', '.join(sorted(known))}")
        if self.pareto is not None and len(self.pareto) != 2:
            raise ValueError("pareto names two metrics with min or max")
        return self

    @property
    def run_stages(self) -> tuple[str, ...]:
        """The stages each point runs (the chosen ones and what they need)."""
        return stage_closure(self.stages)

    @property
    def full_build(self) -> bool:
        """Every stage of ``quantacore build`` runs."""
        return self.run_stages == STAGES


@dataclass(frozen=True)
class Point:
    """One sweep point: its number, parameter values and chip spec (None: an invalid combo)."""

    index: int
    params: dict[str, Any]
    spec: ChipSpec | None
    error: str | None = None


def _leaves(model: type[BaseModel], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_leaves(ann, f"{path}."))
        else:
            out[path] = ann
    return out


def chip_spec_paths() -> dict[str, Any]:
    """Dotted path -> type annotation of every sweepable chip-spec field.

    Example:
        >>> "qubitron.gap_um" in chip_spec_paths(), "name" in chip_spec_paths()
        (True, False)
    """
    leaves = _leaves(ChipSpec)
    leaves.pop("name")
    return leaves


def _is_int(annotation: Any) -> bool:
    return annotation is int


def _is_number(annotation: Any) -> bool:
    return annotation in (int, float)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for k in keys[:-1]:
        node = node.setdefault(k, {})
    node[keys[-1]] = value


def point_spec(base: ChipSpec, params: dict[str, Any]) -> ChipSpec:
    """``base`` with each dotted path set to its value (pydantic ValidationError if invalid).

    Example:
        >>> point_spec(ChipSpec(), {"qubitron.gap_um": 0.6}).qubitron.gap_um
        0.6
    """
    data = base.model_dump(mode="json")
    for path, value in params.items():
        _set(data, path, value)
    return ChipSpec.model_validate(data)


def point_name(base_name: str, spec: ChipSpec) -> str:
    """``BASE_<8 hex>``: a name of the point's own, from its content.

    gdsfactory caches the chip cell by its name (``routing.chip.chip_layout`` takes the spec's
    name as its cell name), so two points of one worker with the same name would share the
    first one's chip; identical points still get the same name.

    Example:
        >>> point_name("chip", ChipSpec()) == point_name("chip", ChipSpec(name="x"))
        True
    """
    data = spec.model_dump(mode="json")
    data.pop("name")
    digest = hashlib.sha256(canonical_json(data).encode()).hexdigest()
    return f"{base_name[:54]}_{digest[:8]}"


def check_parameter(base: ChipSpec, path: str, value: Any) -> None:
    """Reject a value the chip-spec field itself refuses (type, bounds), naming both.

    Errors of the whole model (a combination of fields) are left to the points.

    Raises:
        SweepSpecError: naming ``parameters.PATH`` and the value.
    """
    try:
        point_spec(base, {path: value})
    except ValidationError as e:
        keys = tuple(path.split("."))
        # the field's own errors, and its sub-model's checks that name it (minimum gap ...)
        own = [
            err for err in e.errors()
            if tuple(str(p) for p in err["loc"])[: len(keys)] == keys
            or (tuple(str(p) for p in err["loc"]) == keys[:-1] and path in err["msg"])
        ]
        if own:
            msg = "; ".join(
                ".".join(str(p) for p in err["loc"]) + ": "
                + err["msg"].removeprefix("Value error, ")
                for err in own
            )
            raise SweepSpecError(f"parameters.{path}: value {value!r}: {msg}") from None


def _check_paths(sweep: SweepSpec, base: ChipSpec) -> dict[str, Any]:
    paths = chip_spec_paths()
    for path, r in sweep.parameters.items():
        if path not in paths:
            close = difflib.get_close_matches(path, list(paths), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise SweepSpecError(f"parameters.{path}: not a chip-spec field{hint}")
        ann = paths[path]
        if r.values is None and not _is_number(ann):
            raise SweepSpecError(f"parameters.{path}: not a number; give values, not a range")
        if r.values is not None:
            for v in r.values:
                check_parameter(base, path, v)
            continue
        assert r.low is not None and r.high is not None
        for x in (r.low, r.high):
            check_parameter(base, path, int(x) if _is_int(ann) else x)
    return paths


def _range_values(r: ParameterRange, n: int, integer: bool) -> list[Any]:
    assert r.low is not None and r.high is not None
    if r.log:
        xs = np.geomspace(r.low, r.high, n)
    else:
        xs = np.linspace(r.low, r.high, n)
    return _typed(xs, integer)


def _typed(xs: np.ndarray, integer: bool) -> list[Any]:
    if integer:
        return [int(round(float(x))) for x in xs]
    return [float(x) for x in xs]


def _from_unit(r: ParameterRange, u: np.ndarray, integer: bool) -> list[Any]:
    """Map unit-interval samples ``u`` onto the parameter (range or categorical values)."""
    if r.values is not None:
        idx = np.minimum((u * len(r.values)).astype(int), len(r.values) - 1)
        return [r.values[i] for i in idx]
    assert r.low is not None and r.high is not None
    if r.log:
        xs = np.exp(math.log(r.low) + u * (math.log(r.high) - math.log(r.low)))
    else:
        xs = r.low + u * (r.high - r.low)
    return _typed(xs, integer)


def _param_sets(sweep: SweepSpec, paths: dict[str, Any]) -> list[dict[str, Any]]:
    names = list(sweep.parameters)
    ints = [_is_int(paths[p]) for p in names]
    if sweep.sampler == "grid":
        axes = []
        for p, integer in zip(names, ints, strict=True):
            r = sweep.parameters[p]
            axes.append(r.values if r.values is not None else
                        _range_values(r, r.num or 1, integer))
        total = math.prod(len(a) for a in axes)
        if total > MAX_POINTS:
            raise SweepSpecError(f"the grid has {total} points, more than {MAX_POINTS}")
        return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
    n = sweep.samples or 1
    if sweep.sampler == "lhs":
        u = qmc.LatinHypercube(d=len(names), seed=sweep.seed).random(n)
    else:
        u = np.random.default_rng(sweep.seed).random((n, len(names)))
    columns = [
        _from_unit(sweep.parameters[p], u[:, j], ints[j]) for j, p in enumerate(names)
    ]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def plan_points(sweep: SweepSpec, base: ChipSpec) -> list[Point]:
    """Every point of the sweep with its chip spec, or the reason the combination is invalid.

    Raises:
        SweepSpecError: a bad path or value, or no valid point at all.
    """
    paths = _check_paths(sweep, base)
    points = []
    for i, params in enumerate(_param_sets(sweep, paths)):
        try:
            spec = point_spec(base, params)
            points.append(Point(index=i, params=params, spec=spec.model_copy(
                update={"name": point_name(base.name, spec)})))
        except ValidationError as e:
            points.append(Point(index=i, params=params, spec=None,
                                error=format_validation_error(e)))
    if all(p.spec is None for p in points):
        raise SweepSpecError(f"no point of the sweep is a valid chip spec: {points[0].error}")
    return points


def resolve_base(sweep: SweepSpec, folder: Path | None) -> ChipSpec:
    """The base chip spec: inline ``base``, the ``base_spec`` file, or the default chip.

    Raises:
        SweepSpecError: the base does not validate.
    """
    if sweep.base_spec is not None:
        path = Path(sweep.base_spec)
        if not path.is_absolute() and folder is not None:
            path = folder / path
        try:
            return load_spec(path)
        except SpecError as e:
            raise SweepSpecError(f"base_spec: {e}") from None
    if sweep.base is None:
        return load_spec(None)
    try:
        return ChipSpec.model_validate(sweep.base)
    except ValidationError as e:
        raise SweepSpecError(f"base.{format_validation_error(e)}") from None


def load_sweep(path: str | Path) -> tuple[SweepSpec, ChipSpec, list[Point]]:
    """Read a sweep file, resolve its base spec and plan its points.

    Raises:
        SweepSpecError: unreadable file, a bad field, path or value (named in the message).
    """
    sweep = read_yaml_model(path, SweepSpec, what="a sweep spec", error=SweepSpecError)
    base = resolve_base(sweep, Path(path).parent)
    try:
        points = plan_points(sweep, base)
    except SweepSpecError as e:
        raise SweepSpecError(f"{path}: {e}") from None
    return sweep, base, points


def canonical_json(value: Any) -> str:
    """Sorted, compact JSON (the content keys hash it)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))

