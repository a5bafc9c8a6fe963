"""The optimiser finds known optima, honours constraints and resumes a stored study."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import pytest

from components.models.ring import (
    adddrop_response,
    ring_gap_for_self_coupling_um,
    ring_round_trip_amplitude,
    ring_self_coupling,
)
from control.optimiser import Constraint, Dimension, Objective, feasible, optimise, pareto_front

optuna.logging.set_verbosity(optuna.logging.WARNING)
RADIUS_UM = 50.0


def through_power(gap_um: float) -> float:
    """On-resonance power at an all-pass ring's through port (0 at critical coupling)."""
    a = ring_round_trip_amplitude(radius_um=RADIUS_UM)
    t = float(ring_self_coupling(radius_um=RADIUS_UM, gap_um=gap_um))
    return float(abs(adddrop_response(t, 1.0, a, 0.0)["through"]) ** 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tpe_finds_the_critical_coupling_gap(seed: int) -> None:
    # critical coupling: the coupler's self-coupling equals the round-trip amplitude
    a = ring_round_trip_amplitude(radius_um=RADIUS_UM)
    gap_critical_um = ring_gap_for_self_coupling_um(self_coupling=a, radius_um=RADIUS_UM)
    calls: list[int] = []

    def evaluate(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        calls.append(len(batch))
        return [{"through": through_power(p["gap_um"])} for p in batch]

    study = optimise(
        evaluate, dimensions=[Dimension("gap_um", low=0.3, high=3.0)],
        objectives=[Objective("through")], n_trials=60, seed=seed,
    )
    assert sum(calls) == 60
    found = study.best_params["gap_um"]
    assert abs(found - gap_critical_um) < 0.01 * gap_critical_um
    assert study.best_value < 1e-3  # > 30 dB extinction


def test_nsga2_front_is_feasible_and_spans_the_trade_off() -> None:
    """f1 = x^2, f2 = (x - 2)^2: every x in [0, 2] is Pareto-optimal; x <= 1.5 cuts it."""
    study = optimise(
        lambda batch: [{"f1": p["x"] ** 2, "f2": (p["x"] - 2) ** 2, "x": p["x"]} for p in batch],
        dimensions=[Dimension("x", low=-3.0, high=5.0)],
        objectives=[Objective("f1"), Objective("f2")],
        constraints=[Constraint("x", "<=", 1.5)],
        n_trials=80, batch_size=8, seed=0,
    )
    front = pareto_front(study)
    xs = [t.params["x"] for t in front]
    assert len(front) >= 5 and all(feasible(t) for t in front)
    assert all(-0.1 <= x <= 1.5 for x in xs)  # sampled: the front nears [0, 1.5]
    assert max(xs) - min(xs) > 0.8
    assert any(not feasible(t) for t in study.trials)  # the sampler did meet the constraint


def test_study_resumes_from_sqlite_and_reruns_trials_of_a_dead_process(tmp_path: Path) -> None:
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    dims = [Dimension("gap_um", low=0.3, high=3.0)]
    objectives = [Objective("through")]
    seen: list[float] = []

    def evaluate(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen.extend(p["gap_um"] for p in batch)
        return [{"through": through_power(p["gap_um"])} for p in batch]

    first = optimise(evaluate, dimensions=dims, objectives=objectives, n_trials=8,
                     storage=storage, study_name="s")
    before = [t.params for t in first.trials]
    # a process that asked for a trial and died before telling
    dead = optuna.load_study(study_name="s", storage=storage).ask()
    dead_gap = dead.suggest_float("gap_um", 0.3, 3.0)
    seen.clear()
    again = optimise(evaluate, dimensions=dims, objectives=objectives, n_trials=12,
                     storage=storage, study_name="s")
    states = [t.state for t in again.trials]
    assert [t.params for t in again.trials][:8] == before  # nothing redone
    # the dead trial is failed (it does not count) and its design is run again first
    assert states.count(optuna.trial.TrialState.COMPLETE) == 12
    assert states[8] == optuna.trial.TrialState.FAIL
    assert seen[0] == dead_gap and len(seen) == 4


def test_constraint_violation() -> None:
    assert Constraint("p", "<=", 5.0).violation({"p": 4.0}) == 0.0
    assert Constraint("p", "<=", 5.0).violation({"p": 7.0}) == 2.0
    assert Constraint("p", ">=", 5.0).violation({"p": 4.5}) == 0.5
    assert Constraint("ok", "==", True).violation({"ok": True}) == 0.0
    assert Constraint("ok", "==", True).violation({"ok": False}) > 0.0
    assert Constraint("p", "<=", 5.0).violation({}) > 0.0  # not computed: not feasible


def test_missing_objective_fails_the_trial_not_the_study() -> None:
    study = optimise(
        lambda batch: [{"f": None if p["x"] > 0.5 else p["x"], "error": "above"} for p in batch],
        dimensions=[Dimension("x", low=0.0, high=1.0)], objectives=[Objective("f")],
        n_trials=12, seed=0,
    )
    failed = [t for t in study.trials if t.state == optuna.trial.TrialState.FAIL]
    assert failed and all(t.params["x"] > 0.5 and t.user_attrs["error"] for t in failed)
    assert study.best_params["x"] <= 0.5
