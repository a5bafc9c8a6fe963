"""`quantacore optimize OPT.yaml --out DIR`: optuna over the real pipeline, resumable.

The study file names a base chip spec, the spec fields to search (dotted paths, as in a
sweep), the objectives and the constraints over the sweep's metrics
(``flows.sweep.metrics``), and the stages each trial runs. Trials are chip specs evaluated by
the sweep's point function (``flows.sweep.point.evaluate_point``) on the same Dask cluster
(a batch of trials per round, one per worker) and through the same content cache. The study
is stored in ``DIR/study.db`` (optuna's RDB storage on SQLite): re-running the command
resumes it. At the end: ``trials.parquet`` (every trial with parameters, metrics, state),
``pareto.json`` and ``pareto/NAME_<trial>.yaml`` (each a chip spec for ``quantacore build``),
and ``optimize.html``.

    name: gap_opt
    base: {name: opt, array: {rows: 1, columns: 2, tile_columns: 2}}
    parameters:
      qubitron.gap_um: {low: 0.3, high: 1.0}
      io.coupler: {values: [grating, edge]}
    objectives: {detection_efficiency_min: max, area_mm2: min}
    constraints: [{metric: drc_clean, op: "==", value: true},
                  {metric: tuning_power_mW, op: "<=", value: 50}]
    stages: [drc, loss, thermal]
    trials: 40

Example:
    >>> s = OptimizeSpec.model_validate({"name": "o", "stages": ["loss"],
    ...     "parameters": {"qubitron.gap_um": {"low": 0.4, "high": 0.7}},
    ...     "objectives": {"detection_efficiency_min": "max"}})
    >>> [d.name for d in dimensions(s, resolve_base_spec(s, None))], s.trials
    (['qubitron.gap_um'], 40)
"""

from __future__ import annotations

import functools
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

import optuna
import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from control.optimiser import Constraint, Dimension, Objective, feasible, optimise, pareto_front
from flows.output import atomic_file
from flows.spec import ChipSpec
from flows.sweep.metrics import METRICS, STAGES, Stage, stage_closure
from flows.sweep.point import evaluate_point
from flows.sweep.run import dask_client
from flows.sweep.spec import (
    ParameterRange,
    QecOptions,
    SweepSpec,
    SweepSpecError,
    check_parameter,
    chip_spec_paths,
    point_name,
    point_spec,
    resolve_base,
)
from flows.sweep.store import ResultCache, check_sweep_folder, point_key, sweep_lock
from qc_pdk.errors import InputError
from qc_pdk.yaml_file import format_validation_error, read_yaml_mapping

__all__ = ["OptimizeResult", "OptimizeSpec", "dimensions", "load_optimize", "run_optimize"]


class OptimizeSpecError(InputError):
    """A study file that cannot be run (the message names the field)."""


class ConstraintSpec(BaseModel):
    """``metric op value``: a design must meet it to count."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    metric: str
    op: Literal["<=", ">=", "=="]
    value: float | bool


class OptimizeSpec(BaseModel):
    """A whole study (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    name: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
    base: dict[str, Any] | None = None
    base_spec: str | None = None
    parameters: dict[str, ParameterRange] = Field(min_length=1)
    objectives: dict[str, Literal["min", "max"]] = Field(min_length=1)
    constraints: list[ConstraintSpec] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=lambda: list(STAGES))
    trials: int = Field(default=40, ge=1, le=100_000)
    batch: int | None = Field(default=None, ge=1, le=1024, description="default: the workers")
    sampler: Literal["auto", "tpe", "nsga2", "random"] = "auto"
    seed: int = Field(default=0, ge=0)
    qec: QecOptions = QecOptions()

    @model_validator(mode="after")
    def _metrics_known_and_produced(self) -> OptimizeSpec:
        produced = {m.name: m.stage for m in METRICS}
        run = stage_closure(self.stages)
        for where, name in [*(("objectives", n) for n in self.objectives),
                            *(("constraints", c.metric) for c in self.constraints)]:
            if name not in produced:
                raise ValueError(f"{where}: unknown metric {name!r}; known: "
                                 f"{', '.join(sorted(produced))}")
            if produced[name] not in run:
                raise ValueError(f"{where}: {name} needs the {produced[name]} stage; add it "
                                 f"to stages")
        return self


def resolve_base_spec(spec: OptimizeSpec, folder: Path | None) -> ChipSpec:
    """The base chip spec (inline, file, or the default chip)."""
    as_sweep = SweepSpec.model_construct(base=spec.base, base_spec=spec.base_spec)
    return resolve_base(as_sweep, folder)


def dimensions(spec: OptimizeSpec, base: ChipSpec) -> list[Dimension]:
    """The search space from the study's parameters, checked against the chip spec.

    Raises:
        SweepSpecError: an unknown field or a value the field refuses.
    """
    paths = chip_spec_paths()
    dims = []
    for path, r in spec.parameters.items():
        if path not in paths:
            raise SweepSpecError(f"parameters.{path}: not a chip-spec field")
        integer = paths[path] is int
        if r.values is not None:
            for v in r.values:
                check_parameter(base, path, v)
            dims.append(Dimension(path, choices=tuple(r.values)))
            continue
        if paths[path] not in (int, float):
            raise SweepSpecError(f"parameters.{path}: not a number; give values, not a range")
        assert r.low is not None and r.high is not None
        for v in (r.low, r.high):
            check_parameter(base, path, int(v) if integer else v)
        dims.append(Dimension(path, low=r.low, high=r.high, log=r.log, integer=integer))
    return dims


def load_optimize(path: str | Path) -> tuple[OptimizeSpec, ChipSpec, list[Dimension]]:
    """Read and check a study file.

    Raises:
        OptimizeSpecError: unreadable, a bad field, metric, path or value (named).
    """
    try:
        data = read_yaml_mapping(path, what="an optimisation study")
        spec = OptimizeSpec.model_validate(data)
        base = resolve_base_spec(spec, Path(path).parent)
        return spec, base, dimensions(spec, base)
    except ValidationError as e:
        raise OptimizeSpecError(f"{path}: {format_validation_error(e)}") from None
    except (ValueError, SweepSpecError) as e:
        raise OptimizeSpecError(f"{path}: {e}" if str(path) not in str(e) else str(e)) from None


class OptimizeResult(BaseModel):
    """How the study ended: trials, feasible ones, the Pareto front with its design files."""

    name: str
    trials: int
    complete: int
    feasible: int
    objectives: dict[str, str]
    pareto: list[dict[str, Any]]
    storage: str


def _evaluator(
    spec: OptimizeSpec, base: ChipSpec, cache: ResultCache | None, client: Any
) -> Any:
    stages = stage_closure(spec.stages)
    options = {"qec": spec.qec.model_dump()} if "qec" in stages else {}
    distances, shots = tuple(spec.qec.distances), spec.qec.max_shots

    def evaluate(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any] | None] = [None] * len(batch)
        pending: dict[int, tuple[str, str]] = {}
        for i, params in enumerate(batch):
            try:
                chip = point_spec(base, params)
            except ValidationError as e:  # an invalid combination: the trial fails, not the run
                out[i] = {"error": format_validation_error(e)}
                continue
            chip = chip.model_copy(update={"name": point_name(base.name, chip)})
            key = point_key(chip, stages, options)
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                out[i] = {**hit["metrics"], "spec": chip.model_dump_json()}
            else:
                pending[i] = (key, chip.model_dump_json())
        if client is None:
            results = {i: evaluate_point(js, stages=stages, qec_distances=distances,
                                         qec_max_shots=shots)
                       for i, (_, js) in pending.items()}
        else:
            futures = {i: client.submit(evaluate_point, js, stages=stages,
                                        qec_distances=distances, qec_max_shots=shots,
                                        key=f"opt-point-{key}")
                       for i, (key, js) in pending.items()}
            results = {i: f.result() for i, f in futures.items()}
        for i, result in results.items():
            key, js = pending[i]
            if cache is not None:
                cache.put(key, result)
            out[i] = {**result["metrics"], "spec": js, "error": result["error"]}
        return [o or {} for o in out]

    return evaluate


def _trials_table(study: optuna.Study) -> pa.Table:
    rows = []
    for t in study.get_trials(deepcopy=False):
        metrics = t.user_attrs.get("metrics", {})
        row: dict[str, Any] = {"trial": t.number, "state": t.state.name,
                               "feasible": feasible(t), "error": t.user_attrs.get("error")}
        row.update({f"param.{k}": v for k, v in t.params.items()})
        row.update({m.name: metrics.get(m.name) for m in METRICS})
        row["spec"] = metrics.get("spec")
        rows.append(row)
    # a parameter seen as int in one trial and float in another: let arrow unify to float
    return pa.Table.from_pylist(rows)


def _write_html(study: optuna.Study, path: Path, objectives: list[str]) -> None:
    import optuna.visualization as vis

    figs = []
    done = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    if done:
        if len(objectives) == 1:
            figs.append(vis.plot_optimization_history(study, target_name=objectives[0]))
            if len(done) >= 2 and any(feasible(t) for t in done):
                figs.append(vis.plot_slice(study, target_name=objectives[0]))
        else:
            figs.append(vis.plot_pareto_front(
                study, target_names=objectives,
            ))
    parts = [f"<h1>optimisation {study.study_name}</h1>"]
    parts += [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figs)]
    page = f"<!doctype html><html><head><meta charset='utf-8'></head><body>{''.join(parts)}"
    atomic_file(path, lambda tmp: tmp.write_text(page + "</body></html>", encoding="utf-8"))


def run_optimize(
    spec: OptimizeSpec,
    base: ChipSpec,
    dims: list[Dimension],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    trials: int | None = None,
    console: Console | None = None,
    cache_dir: str | Path | None = None,
    use_cache: bool = True,
) -> OptimizeResult:
    """Run (or resume) the study into ``out`` and write the trials, Pareto designs and plots.

    Args:
        spec: the study.
        base: its base chip spec.
        dims: its search space (:func:`dimensions`).
        out: study folder (``study.db`` in it; re-using it resumes).
        scheduler: Dask scheduler address (None: local cluster).
        workers: local worker processes (None: one per core; 0: in this process).
        trials: finished trials the study should hold (default: the file's ``trials``).
        console: progress output.
        cache_dir: the sweep's content cache folder (default: the user cache).
        use_cache: read and fill it.

    Returns:
        the study's outcome (also ``pareto.json``).
    """
    console = console or Console(stderr=True)
    out = check_sweep_folder(out, create=True)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    objectives = [Objective(m, "minimize" if d == "min" else "maximize")
                  for m, d in spec.objectives.items()]
    constraints = [Constraint(c.metric, c.op, c.value) for c in spec.constraints]
    storage = f"sqlite:///{out.resolve() / 'study.db'}"
    n_trials = trials or spec.trials
    cache = ResultCache(cache_dir) if use_cache else None
    with sweep_lock(out), ExitStack() as stack:
        client = None
        if workers != 0 or scheduler is not None:
            client = stack.enter_context(dask_client(
                scheduler=scheduler, workers=workers, n_tasks=spec.batch or n_trials,
                console=console))
        n_workers = len(client.scheduler_info()["workers"]) if client is not None else 1
        batch = spec.batch or max(n_workers, 1)
        progress = Progress(TextColumn("[bold]trials"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[last]}"),
                            console=console)
        with progress:
            task = progress.add_task("trials", total=n_trials, last="")

            def on_trial(t: optuna.trial.FrozenTrial) -> None:
                progress.update(task, advance=1, last="" if t.values is None else
                                f"last {', '.join(f'{v:.4g}' for v in t.values)}")

            try:
                study = optimise(
                    _evaluator(spec, base, cache, client), dimensions=dims,
                    objectives=objectives, constraints=constraints, n_trials=n_trials,
                    batch_size=batch, storage=storage, study_name=spec.name,
                    seed=spec.seed, sampler=spec.sampler, on_trial=on_trial,
                )
            except ValueError as e:
                raise OptimizeSpecError(str(e)) from None
        return _write_outputs(study, spec, out, storage, console)


def _write_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")


def _write_outputs(
    study: optuna.Study, spec: OptimizeSpec, out: Path, storage: str, console: Console
) -> OptimizeResult:
    front = pareto_front(study)
    designs = []
    (out / "pareto").mkdir(exist_ok=True)
    for t in front:
        metrics = dict(t.user_attrs.get("metrics", {}))
        chip = json.loads(metrics.pop("spec"))
        design = out / "pareto" / f"{spec.name}_{t.number:04d}.yaml"
        atomic_file(design, functools.partial(_write_text, yaml.safe_dump(chip, sort_keys=False)))
        designs.append({"trial": t.number, "params": t.params,
                        "objectives": dict(zip(spec.objectives, t.values, strict=True)),
                        "metrics": metrics, "design": str(design.relative_to(out))})
    trials = study.get_trials(deepcopy=False)
    result = OptimizeResult(
        name=spec.name, trials=len(trials),
        complete=sum(t.state.name == "COMPLETE" for t in trials),
        feasible=sum(feasible(t) for t in trials), objectives=dict(spec.objectives),
        pareto=designs, storage=storage,
    )
    atomic_file(out / "pareto.json", lambda tmp: tmp.write_text(result.model_dump_json(indent=2)))
    table = _trials_table(study)
    atomic_file(out / "trials.parquet", lambda tmp: pq.write_table(table, tmp))
    _write_html(study, out / "optimize.html", list(spec.objectives))
    console.print(
        f"{spec.name}: {result.trials} trials, {result.feasible} feasible, "
        f"{len(designs)} on the Pareto front -> {out / 'pareto.json'}"
    )
    return result
