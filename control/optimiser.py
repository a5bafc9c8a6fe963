"""The AI layer: optuna searches design parameters for one or several objectives.

A study is a search space (:class:`Dimension`: a float or integer range, optionally log or
stepped, or categorical choices), objectives (:class:`Objective`: a metric to minimise or
maximise) and constraints (:class:`Constraint`: ``metric <= / >= / == bound``). One objective
uses TPE (multivariate), several use NSGA-II; each constraint's violation (> 0: infeasible)
is set on the trial (``Trial.set_constraint``), where either sampler reads it. Trials are
asked in batches and evaluated by a caller's function on a whole batch at once (the sweep's
Dask cluster evaluates a batch in parallel), then told back. The study lives in optuna's RDB
storage (SQLite by default), so a killed study resumes: trials left running by a dead process
are marked failed and their parameters queued again.

What is optimised is the caller's: ``quantacore optimize`` evaluates chip specs through the
sweep pipeline (``flows/optimize_job.py``); the tests use the ring's critical coupling, whose
optimum the compact model gives in closed form.

Example:
    >>> study = optimise(
    ...     lambda batch: [{"f": (p["x"] - 0.3) ** 2} for p in batch],
    ...     dimensions=[Dimension("x", low=0.0, high=1.0)], objectives=[Objective("f")],
    ...     n_trials=30, seed=1)
    >>> abs(study.best_params["x"] - 0.3) < 0.05
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import optuna
from optuna.trial import FrozenTrial, Trial, TrialState

__all__ = [
    "Constraint",
    "Dimension",
    "Objective",
    "feasible",
    "make_study",
    "optimise",
    "pareto_front",
]

Metrics = dict[str, Any]
BatchEvaluator = Callable[[list[dict[str, Any]]], list[Metrics]]


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: ``low``..``high`` (``integer``, ``log``, ``step``) or ``choices``."""

    name: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    integer: bool = False
    choices: tuple[Any, ...] | None = None

    def suggest(self, trial: Trial) -> Any:
        """The trial's value of this parameter."""
        if self.choices is not None:
            return trial.suggest_categorical(self.name, list(self.choices))
        assert self.low is not None and self.high is not None
        if self.integer:
            step = int(self.step) if self.step else 1
            return trial.suggest_int(self.name, int(self.low), int(self.high), step=step,
                                     log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, step=self.step, log=self.log)


@dataclass(frozen=True)
class Objective:
    """A metric to minimise or maximise."""

    metric: str
    direction: Literal["minimize", "maximize"] = "minimize"


@dataclass(frozen=True)
class Constraint:
    """``metric op bound``; its violation is how far the metric is on the wrong side."""

    metric: str
    op: Literal["<=", ">=", "=="]
    bound: float | bool

    @property
    def name(self) -> str:
        """``metric<=bound`` (the constraint's key in the study)."""
        return f"{self.metric}{self.op}{self.bound}"

    def violation(self, metrics: Metrics) -> float:
        """0 when met, > 0 when not (1 when the metric is missing or not a number)."""
        value = metrics.get(self.metric)
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return 1.0
        if self.op == "==":
            return 0.0 if value == self.bound else 1.0 + abs(float(value) - float(self.bound))
        gap = float(value) - float(self.bound)
        return max(gap, 0.0) if self.op == "<=" else max(-gap, 0.0)


def make_study(
    *,
    objectives: Sequence[Objective],
    storage: str | None = None,
    study_name: str = "quantacore",
    seed: int = 0,
    sampler: Literal["auto", "tpe", "nsga2", "random"] = "auto",
) -> optuna.Study:
    """A new or resumed study (``storage``: an optuna RDB URL, e.g. ``sqlite:///study.db``).

    Raises:
        ValueError: a resumed study whose objectives differ (the message says how).
    """
    kind = sampler if sampler != "auto" else ("tpe" if len(objectives) == 1 else "nsga2")
    chosen: optuna.samplers.BaseSampler
    if kind == "tpe":
        chosen = optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=10)
    elif kind == "nsga2":
        chosen = optuna.samplers.NSGAIISampler(seed=seed)
    else:
        chosen = optuna.samplers.RandomSampler(seed=seed)
    directions = [o.direction for o in objectives]
    study = optuna.create_study(
        storage=storage, study_name=study_name, directions=directions, sampler=chosen,
        load_if_exists=True,
    )
    if [d.name.lower() for d in study.directions] != directions:
        raise ValueError(
            f"study {study_name!r} in {storage} optimises {len(study.directions)} objective(s) "
            f"in other directions; use another study name or folder"
        )
    study.set_user_attr("objectives", [[o.metric, o.direction] for o in objectives])
    return study


def _requeue_dead_trials(study: optuna.Study) -> int:
    """Trials left RUNNING by a killed process: failed, and their parameters asked again."""
    dead = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
    for t in dead:
        study.tell(t.number, state=TrialState.FAIL)
        study.enqueue_trial(t.params)
    return len(dead)


def _finished(study: optuna.Study) -> int:
    """Trials evaluated to the end (a trial of a dead process, failed unevaluated, is not)."""
    return sum(
        t.state == TrialState.COMPLETE or (t.state == TrialState.FAIL and "metrics" in t.user_attrs)
        for t in study.get_trials(deepcopy=False)
    )


def optimise(
    evaluate: BatchEvaluator,
    *,
    dimensions: Sequence[Dimension],
    objectives: Sequence[Objective],
    constraints: Sequence[Constraint] = (),
    n_trials: int = 50,
    batch_size: int = 1,
    storage: str | None = None,
    study_name: str = "quantacore",
    seed: int = 0,
    sampler: Literal["auto", "tpe", "nsga2", "random"] = "auto",
    on_trial: Callable[[FrozenTrial], None] | None = None,
) -> optuna.Study:
    """Run the study until it holds ``n_trials`` finished trials (resuming a stored one).

    Args:
        evaluate: maps a batch of parameter dicts to one metrics dict each (same order).
        dimensions: the search space.
        objectives: metrics to minimise / maximise.
        constraints: conditions a design must meet (feasibility, not an objective).
        n_trials: finished trials the study should hold in the end (earlier runs count).
        batch_size: trials asked and evaluated together (the parallel workers).
        storage: optuna storage URL (None: in memory, not resumable).
        study_name: the study's name in the storage.
        seed: sampler seed.
        sampler: ``auto`` (TPE for one objective, NSGA-II for several), or forced.
        on_trial: called with each finished trial (progress).

    Returns:
        the study; a trial whose objective metric is missing is FAIL with ``user_attrs["error"]``.
    """
    study = make_study(objectives=objectives, storage=storage, study_name=study_name,
                       seed=seed, sampler=sampler)
    _requeue_dead_trials(study)
    while (remaining := n_trials - _finished(study)) > 0:
        trials = [study.ask() for _ in range(min(batch_size, remaining))]
        params = [{d.name: d.suggest(t) for d in dimensions} for t in trials]
        results = evaluate(params)
        for trial, metrics in zip(trials, results, strict=True):
            values = [metrics.get(o.metric) for o in objectives]
            trial.set_user_attr("metrics", {k: v for k, v in metrics.items()
                                            if isinstance(v, (int, float, bool, str))})
            for i, c in enumerate(constraints):  # the samplers read them (optuna >= 5)
                trial.set_constraint(f"{i}:{c.name}", c.violation(metrics))
            if any(v is None or not math.isfinite(float(v)) for v in values):
                trial.set_user_attr("error", metrics.get("error") or "objective not computed")
                frozen = study.tell(trial, state=TrialState.FAIL)
            else:
                frozen = study.tell(trial, [float(v) for v in values if v is not None])
            if on_trial is not None:
                on_trial(frozen)
    return study


def feasible(trial: FrozenTrial) -> bool:
    """The trial completed and meets every constraint."""
    return trial.state == TrialState.COMPLETE and all(
        v <= 0.0 for v in trial.constraints.values()
    )


def pareto_front(study: optuna.Study) -> list[FrozenTrial]:
    """The feasible trials no other feasible trial dominates, by trial number.

    (Also for one objective: then the best feasible trial or trials.)
    """
    done = [t for t in study.get_trials(deepcopy=False) if feasible(t)]
    signs = [1.0 if d == optuna.study.StudyDirection.MINIMIZE else -1.0 for d in study.directions]

    def key(t: FrozenTrial) -> list[float]:
        return [s * v for s, v in zip(signs, t.values, strict=True)]

    front = []
    for t in done:
        kt = key(t)
        if not any(
            all(a <= b for a, b in zip(key(o), kt, strict=True)) and key(o) != kt for o in done
        ):
            front.append(t)
    return sorted(front, key=lambda t: t.number)
