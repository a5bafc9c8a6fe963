"""Streaming change detection and time-to-failure forecasts over every channel at once.

Per channel, after a warm-up that learns its baseline (mean and standard deviation, or the
mean count of a Poisson channel):

- **CUSUM** (Page's cumulative sum of log-likelihood ratios). Gaussian channels, two-sided,
  for a mean shift of ``shift_sigma`` standard deviations: S+ = max(0, S+ + d z - d^2/2),
  S- = max(0, S- - d z - d^2/2), z = (x - mu) / sigma. Poisson channels (dark counts),
  upward, for a rate ``poisson_ratio`` times the baseline: S = max(0, S + x ln r - lam (r - 1))
  (lam: the warm-up mean plus two standard errors).
  An alarm is S > h. For a log-likelihood CUSUM the in-control run length is at least e^h
  (Lorden 1971), so ``h = ln(arl)`` bounds the false alarms per channel and sample by 1/arl
  when the baseline is exact (the warm-up estimate loosens it; the tests and the benchmark
  measure the rate).
- **Time to failure**: each side of the CUSUM also keeps the sums of x and k x since it last
  stood at 0 (Page's estimate of when the change began); at an alarm a least-squares line
  through the samples since then gives the level now and the slope, and from them the time
  until the channel reaches its failure limit.

river (CUSUM, Page-Hinkley) and statsmodels (trend models) offer these per series in Python
(river: one sample per call); at ~10^6 samples per second over ~10^6 channels only numpy over
all channels at once keeps up, so the recursions are written here, vectorised.

Example:
    >>> import numpy as np
    >>> det = CusumDetector(n_channels=3, warmup_steps=50, poisson=np.array([False] * 3))
    >>> rng = np.random.default_rng(0)
    >>> for k in range(50):
    ...     _ = det.update(rng.normal(0.0, 1.0, 3), k)
    >>> fired = [det.update(rng.normal([0.0, 0.0, 3.0], 1.0), 50 + k) for k in range(30)]
    >>> sorted({int(c) for f in fired for c in f})
    [2]
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

__all__ = ["CusumDetector", "default_threshold"]

Array = NDArray[np.float64]
Index = NDArray[np.int64]

#: target in-control run length per channel (samples): threshold h = ln(ARL)
DEFAULT_ARL = 1e8


def default_threshold(arl: float = DEFAULT_ARL) -> float:
    """CUSUM threshold h = ln(arl) for an in-control run length of at least ``arl`` samples.

    Example:
        >>> round(default_threshold(1e8), 2)
        18.42
    """
    if not arl > 1:
        raise ValueError(f"arl must be > 1 sample, got {arl!r}")
    return math.log(arl)


def _poisson_baseline(mean: Array, n: float | Array) -> Array:
    """The rate a Poisson channel is tested against: the warm-up mean plus two standard
    errors. An estimate below the true rate would shorten the in-control run length
    (at 120 samples of ~1 count it is ~10 % low one time in six), so the test takes the upper
    bound; a channel with no count at all gets half a count per warm-up."""
    m = np.maximum(mean, 0.5 / n)
    return m + 2.0 * np.sqrt(m / n)


class CusumDetector:
    """Vectorised CUSUM and trend over ``n_channels`` channels (module docstring).

    Args:
        n_channels: number of channels.
        warmup_steps: steps that learn the baseline (no alarm before).
        poisson: per channel, True for a Poisson count channel (upward test).
        shift_sigma: Gaussian mean shift the CUSUM is tuned to, in standard deviations.
        poisson_ratio: rate ratio the Poisson CUSUM is tuned to (> 1).
        threshold: h (default ``ln(DEFAULT_ARL)``).
    """

    def __init__(
        self,
        *,
        n_channels: int,
        warmup_steps: int,
        poisson: NDArray[np.bool_],
        shift_sigma: float = 2.0,
        poisson_ratio: float = 2.0,
        threshold: float | None = None,
    ) -> None:
        if warmup_steps < 2:
            raise ValueError(f"warmup_steps must be >= 2, got {warmup_steps}")
        if not (shift_sigma > 0 and poisson_ratio > 1):
            raise ValueError("shift_sigma must be > 0 and poisson_ratio > 1")
        self.n = int(n_channels)
        self.warmup_steps = int(warmup_steps)
        self.poisson = np.asarray(poisson, dtype=bool)
        if self.poisson.shape != (self.n,):
            raise ValueError(f"poisson must have {self.n} entries, got {self.poisson.shape}")
        self.delta = float(shift_sigma)
        self.log_ratio = math.log(poisson_ratio)
        self.ratio = float(poisson_ratio)
        self.h = default_threshold() if threshold is None else float(threshold)
        self._sum = np.zeros(self.n)
        self._sumsq = np.zeros(self.n)
        self._seen = 0
        self.mu = np.zeros(self.n)
        self.sigma = np.ones(self.n)
        self.up = np.zeros(self.n)
        self.down = np.zeros(self.n)
        # per side (0 up, 1 down): since when it is > 0, and the sums of x and k x since then
        self.since = np.zeros((2, self.n))
        self.sum_x = np.zeros((2, self.n))
        self.sum_kx = np.zeros((2, self.n))
        self.alarms = 0
        self.side = np.zeros(self.n, dtype=np.int64)
        # after a channel's first alarm its trend segment keeps growing from the change point
        # (until it learns a new baseline): the longer fit steadies the forecast
        self.tracking = np.zeros(self.n, dtype=bool)
        self.track_k0 = np.zeros(self.n)
        self.track_sx = np.zeros(self.n)
        self.track_skx = np.zeros(self.n)
        self._relearn_left = np.zeros(self.n, dtype=np.int64)
        self._relearn_n = np.zeros(self.n)
        self._relearn_sum = np.zeros(self.n)
        self._relearn_sumsq = np.zeros(self.n)
        self._relearn_sigma = np.full(self.n, np.nan)
        self._relearning = False
        self._any_tracking = False

    @property
    def ready(self) -> bool:
        """True once the baseline is learnt."""
        return self._seen >= self.warmup_steps

    def _finish_warmup(self) -> None:
        m = self._sum / self._seen
        var = np.maximum(self._sumsq / self._seen - m * m, 0.0) * self._seen / (self._seen - 1)
        self.mu = m
        # a constant channel still gets a finite scale: 1e-6 of its value, or 1e-12
        self.sigma = np.maximum(np.sqrt(var), np.maximum(1e-6 * np.abs(m), 1e-12))
        self.mu = np.where(self.poisson, _poisson_baseline(m, self._seen), m)

    def update(self, x: Array, step: int) -> Index:
        """Feed one sample of every channel; returns the channels that alarm now.

        An alarming channel's sums restart at 0 (it alarms again if the change persists).
        """
        if not self.ready:
            self._sum += x
            self._sumsq += x * x
            self._seen += 1
            if self.ready:
                self._finish_warmup()
            return np.zeros(0, dtype=np.int64)
        if self._relearning:
            self._relearn_step(x)
        z = (x - self.mu) / self.sigma
        d = self.delta
        gauss_up = d * z - 0.5 * d * d
        pois_up = x * self.log_ratio - self.mu * (self.ratio - 1.0)
        self.up = np.maximum(0.0, self.up + np.where(self.poisson, pois_up, gauss_up))
        self.down = np.maximum(0.0, self.down + np.where(self.poisson, -np.inf,
                                                         -d * z - 0.5 * d * d))
        for side, s in enumerate((self.up, self.down)):
            live = s > 0
            self.since[side] = np.where(live, self.since[side], step + 1)
            self.sum_x[side] = np.where(live, self.sum_x[side] + x, 0.0)
            self.sum_kx[side] = np.where(live, self.sum_kx[side] + step * x, 0.0)
        self._step = step
        self.side = (self.down > self.up).astype(np.int64)
        if self._relearning:
            held = self._relearn_left > 0
            self.up[held] = 0.0
            self.down[held] = 0.0
        if self._any_tracking:
            self.track_sx += np.where(self.tracking, x, 0.0)
            self.track_skx += np.where(self.tracking, step * x, 0.0)
        fired = np.flatnonzero((self.up > self.h) | (self.down > self.h))
        if fired.size:
            new = fired[~self.tracking[fired]]
            sd = self.side[new]
            self.tracking[new] = True
            self.track_k0[new] = self.since[sd, new]
            self.track_sx[new] = self.sum_x[sd, new]
            self.track_skx[new] = self.sum_kx[sd, new]
            self._any_tracking = True
            self.up[fired] = 0.0
            self.down[fired] = 0.0
            self.alarms += int(fired.size)
        return fired.astype(np.int64)

    def relearn(self, channels: Index, steps: int, *, sigma: Array | None = None) -> None:
        """A known change of unknown size (an intervention): hold the channels' tests for
        ``steps`` samples and learn their mean again from them.

        Args:
            channels: which channels.
            steps: samples to learn from (>= 2).
            sigma: their standard deviation after the change where known (NaN or None: learnt
                from the samples too; a short re-estimate is looser than the warm-up's).
        """
        if steps < 2:
            raise ValueError(f"steps must be >= 2, got {steps}")
        known = np.full(len(channels), np.nan) if sigma is None else np.asarray(sigma, float)
        self._relearn_sigma[channels] = known
        self._relearn_left[channels] = steps
        self._relearn_n[channels] = 0.0
        self._relearn_sum[channels] = 0.0
        self._relearn_sumsq[channels] = 0.0
        self.tracking[channels] = False
        self.up[channels] = 0.0
        self.down[channels] = 0.0
        self._relearning = True

    def _relearn_step(self, x: Array) -> None:
        on = np.flatnonzero(self._relearn_left > 0)
        if on.size == 0:
            self._relearning = False
            return
        xo = x[on]
        self._relearn_n[on] += 1.0
        self._relearn_sum[on] += xo
        self._relearn_sumsq[on] += xo * xo
        self._relearn_left[on] -= 1
        done = on[self._relearn_left[on] == 0]
        if done.size:
            n = self._relearn_n[done]
            m = self._relearn_sum[done] / n
            var = np.maximum(self._relearn_sumsq[done] / n - m * m, 0.0) * n / (n - 1)
            self.mu[done] = np.where(self.poisson[done], _poisson_baseline(m, n), m)
            learnt = np.maximum(np.sqrt(var), np.maximum(1e-6 * np.abs(m), 1e-12))
            known = self._relearn_sigma[done]
            self.sigma[done] = np.where(np.isnan(known), learnt, known)

    def trend(self, channels: Index) -> tuple[Array, Array]:
        """(level now, slope per step) of each channel from a least-squares line through the
        samples since its change point: where its CUSUM last stood at 0 before its first alarm
        (kept until it learns a new baseline), else before now."""
        side = self.side[channels]
        k_now = float(getattr(self, "_step", 0))
        tr = self.tracking[channels]
        k0 = np.where(tr, self.track_k0[channels], self.since[side, channels])
        n = k_now - k0 + 1.0
        sx = np.where(tr, self.track_sx[channels], self.sum_x[side, channels])
        skx = np.where(tr, self.track_skx[channels], self.sum_kx[side, channels])
        # times relative to k0: sum t = n(n-1)/2, sum t^2 = (n-1)n(2n-1)/6
        st = n * (n - 1) / 2
        stt = (n - 1) * n * (2 * n - 1) / 6
        stx = skx - k0 * sx
        den = n * stt - st * st
        with np.errstate(divide="ignore", invalid="ignore"):
            slope = np.where(den > 0, (n * stx - st * sx) / den, 0.0)
            intercept = np.where(n > 0, (sx - slope * st) / n, self.mu[channels])
        return intercept + slope * (n - 1), slope

    def time_to_limit_s(
        self, channels: Index, *, lower: Array, upper: Array, step_s: float
    ) -> Array:
        """Forecast time (s) until each channel's trend reaches its limit (inf: never).

        Args:
            channels: which channels.
            lower, upper: their failure limits (same length).
            step_s: telemetry period, s.
        """
        lev, sl = self.trend(channels)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_up = np.where(sl > 0, (upper - lev) / sl, np.inf)
            t_dn = np.where(sl < 0, (lower - lev) / sl, np.inf)
        t = np.minimum(t_up, t_dn)
        t = np.where(np.isnan(t), np.inf, t)
        return np.maximum(t, 0.0) * step_s
