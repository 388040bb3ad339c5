"""How long a caller will wait, from what the queue looks like now and how it has behaved lately.

A caller `ahead` places back is answered when that many agents (fewer the
free ones, fewer the callers ahead who will hang up first) have finished a
call.  With `staffed` agents each taking `m` seconds on average, finishes come
about every m/s seconds; the time to the k-th finish is modelled as a gamma
variable with mean k·m/s whose spread grows with how much handle times vary.
We announce an upper quantile of it, rounded up, so most callers wait no
longer than they were told: a promise broken is worse than a pleasant surprise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, pvariance

from routing.config import EstimateConfig

#: Spread of handle times assumed before a queue has its own (exponential: cv² = 1).
DEFAULT_CV2 = 1.0


@dataclass(frozen=True)
class QueueLoad:
    """A queue as the estimator sees it; every field comes from live Redis state or recent records."""

    ahead: int  # callers (and callbacks) in front of this one
    staffed: int  # agents with the skill and language who are available, on a call or in wrap-up
    available: int  # of those, free now
    handle_times: Sequence[float] = ()  # recent handle times in this queue, seconds
    abandon_rate: float = 0.0  # share of recent callers in this queue who hung up before an answer
    outcomes: int = 0  # how many recent callers that share is taken from


@dataclass(frozen=True)
class WaitEstimate:
    seconds: float  # the upper-quantile wait
    expected: float  # the mean wait under the same model
    minutes: int  # what is announced: 0 means "less than a minute"


def estimate_wait(load: QueueLoad, config: EstimateConfig) -> WaitEstimate | None:
    """The wait to announce, or None when nobody staffs the queue (then only the position is said)."""
    if load.staffed <= 0:
        return None
    finishes = finishes_needed(load, config)
    if finishes <= 0:
        return WaitEstimate(seconds=0.0, expected=0.0, minutes=0)
    mean_handle, cv2 = handle_time_profile(load.handle_times, config)
    gap = mean_handle / load.staffed
    expected = finishes * gap
    variance = gap * gap * (min(finishes, 1.0) + max(finishes - 1.0, 0.0) * cv2)
    seconds = gamma_quantile(expected, variance, config.quantile)
    return WaitEstimate(seconds=seconds, expected=expected, minutes=announced_minutes(seconds))


def finishes_needed(load: QueueLoad, config: EstimateConfig) -> float:
    """Calls agents must finish before this caller is answered; callers ahead who will hang up don't count
    (once there are enough recent outcomes to say how many do: until then, assume all stay)."""
    rate = min(max(load.abandon_rate, 0.0), 0.95) if load.outcomes >= config.min_samples else 0.0
    return load.ahead * (1.0 - rate) + 1.0 - load.available


def handle_time_profile(handle_times: Sequence[float], config: EstimateConfig) -> tuple[float, float]:
    """Mean handle time and its squared coefficient of variation; configured defaults until data suffices."""
    if len(handle_times) < config.min_samples:
        return config.default_handle_time, DEFAULT_CV2
    mean = fmean(handle_times)
    if mean <= 0:
        return config.default_handle_time, DEFAULT_CV2
    return mean, min(max(pvariance(handle_times, mean) / (mean * mean), 0.1), 9.0)


def gamma_quantile(mean: float, variance: float, quantile: float) -> float:
    """Quantile of the gamma law with this mean and variance (Wilson-Hilferty; no SciPy needed)."""
    if variance <= 0:
        return mean
    shape = mean * mean / variance
    z = NormalDist().inv_cdf(quantile)
    cube = 1.0 - 1.0 / (9.0 * shape) + z / (3.0 * math.sqrt(shape))
    return max(mean * max(cube, 0.0) ** 3, 0.0)


def announced_minutes(seconds: float) -> int:
    """Whole minutes, rounded up (to fives beyond ten minutes); 0 only when the wait is under a minute."""
    if seconds < 60:
        return 0
    minutes = math.ceil(seconds / 60)
    return minutes if minutes <= 10 else 5 * math.ceil(minutes / 5)


def reference_wait(ahead: int, staffed: int, mean_handle: float) -> float | None:
    """The textbook queue-length estimator (n+1)/(s·mu), for comparison in benchmarks."""
    if staffed <= 0:
        return None
    return (ahead + 1) * mean_handle / staffed
