"""The vectorised CUSUM: false alarms on noise against its run-length bound, delays on
shifts, and the trend's time-to-failure forecast."""

from __future__ import annotations

import numpy as np
import pytest

from control.monitoring.detection import CusumDetector, default_threshold


def _run(det: CusumDetector, rng: np.random.Generator, steps: int, mean: np.ndarray,
         start: int = 0, poisson: bool = False) -> list[np.ndarray]:
    out = []
    for k in range(start, start + steps):
        x = rng.poisson(mean) if poisson else rng.normal(mean, 1.0)
        out.append(det.update(np.asarray(x, dtype=float), k))
    return out


def test_gaussian_false_alarms_below_one_per_million() -> None:
    # 2,000 channels x 5,000 steps = 10 M in-control samples after a 120-step warm-up
    rng = np.random.default_rng(5)
    n = 2_000
    det = CusumDetector(n_channels=n, warmup_steps=120, poisson=np.zeros(n, dtype=bool))
    _run(det, rng, 120, np.zeros(n))
    fired = _run(det, rng, 5_000, np.zeros(n), start=120)
    alarms = sum(f.size for f in fired)
    assert alarms * 1e6 / (n * 5_000) < 1.0


def test_poisson_false_alarms_below_one_per_million() -> None:
    # dark counts: about one count per step, the twin's default
    rng = np.random.default_rng(6)
    n = 2_000
    det = CusumDetector(n_channels=n, warmup_steps=120, poisson=np.ones(n, dtype=bool))
    _run(det, rng, 120, np.ones(n), poisson=True)
    fired = _run(det, rng, 5_000, np.ones(n), start=120, poisson=True)
    assert sum(f.size for f in fired) * 1e6 / (n * 5_000) < 1.0


def test_shift_is_detected_within_the_cusum_delay() -> None:
    rng = np.random.default_rng(1)
    n = 50
    det = CusumDetector(n_channels=n, warmup_steps=100, poisson=np.zeros(n, dtype=bool))
    _run(det, rng, 100, np.zeros(n))
    fired = _run(det, rng, 60, np.full(n, 3.0), start=100)  # 3 sigma step up
    first = {}
    for k, f in enumerate(fired):
        for c in f:
            first.setdefault(int(c), k)
    assert len(first) == n
    # expected delay h / (d * shift - d^2 / 2) = 18.4 / 4 ~ 5 steps
    assert max(first.values()) <= 12
    assert default_threshold() == pytest.approx(np.log(1e8))


def test_downward_shift_and_poisson_increase() -> None:
    rng = np.random.default_rng(2)
    det = CusumDetector(n_channels=2, warmup_steps=100, poisson=np.array([False, True]))
    for k in range(100):
        det.update(np.array([rng.normal(0, 1), rng.poisson(1.0)], dtype=float), k)
    seen: set[int] = set()
    for k in range(100, 200):
        seen |= set(det.update(np.array([rng.normal(-3, 1), rng.poisson(5.0)], dtype=float),
                               k).tolist())
    assert seen == {0, 1}


def test_time_to_limit_of_a_linear_drift() -> None:
    # level 0, noise 1, drift 0.05 per step from step 200: limit 20 is reached 400 steps later
    rng = np.random.default_rng(3)
    n = 20
    det = CusumDetector(n_channels=n, warmup_steps=150, poisson=np.zeros(n, dtype=bool))
    for k in range(300):
        drift = 0.05 * max(0, k - 200)
        det.update(rng.normal(drift, 1.0, n), k)
    assert det.tracking.all()  # every channel alarmed and follows its trend
    ch = np.arange(n)
    ttf = det.time_to_limit_s(ch, lower=np.full(n, -np.inf), upper=np.full(n, 20.0), step_s=1.0)
    true_ttf = 600 - 299
    assert np.median(ttf) == pytest.approx(true_ttf, rel=0.2)


def test_relearn_takes_a_new_baseline_without_alarms() -> None:
    rng = np.random.default_rng(4)
    n = 100
    det = CusumDetector(n_channels=n, warmup_steps=100, poisson=np.zeros(n, dtype=bool))
    _run(det, rng, 100, np.zeros(n))
    det.relearn(np.arange(n), 30)  # an intervention moves every level to 10
    fired = _run(det, rng, 300, np.full(n, 10.0), start=100)
    assert sum(f.size for f in fired) == 0
    assert np.allclose(det.mu, 10.0, atol=0.7)
