"""How long a caller will wait, from what the queue looks like now and how it has behaved lately.

A caller `ahead` places back is answered when that many agents (fewer the
free ones, fewer the callers ahead who will hang up first) have finished a
call.  With `staffed` agents each taking `m` seconds on average, finishes come
about every m/s seconds; the time to the k-th finish is modelled as a gamma
variable with mean k·m/s whose spread grows with how much handle times vary.
We announce an upper quantile of it, rounded up, so most callers wait no
longer than they were told: a promise broken is worse than a pleasant surprise.

Agents are not all this queue's: one who also staffs a busy queue gives this
one only a share of their time (in proportion to the callers waiting in each of
their queues), and agents of the queue's escalation steps join in when the
caller has waited long enough.  So the rate of finishes is `capacity / m`
until the next escalation step opens, then grows by that step's share, and
agents of that step who are free then take a caller at once.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, pvariance

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
    wrap_up_left: Sequence[float] = ()  # seconds until each staffed agent in wrap-up is free again
    capacity: float | None = None  # the staffed agents' share of time for this queue; None: all of it
    escalation: Sequence[EscalationCapacity] = ()  # agents who join when later escalation steps open
    call_ages: Sequence[float] = ()  # seconds each staffed agent on a call has been on it


@dataclass(frozen=True)
class EscalationCapacity:
    """An escalation step not yet open to this caller: `opens_in` seconds from now, `capacity` agents' worth
    of time (shares, as for the queue's own agents), `available` of them free now."""

    opens_in: float
    capacity: float
    available: int = 0


@dataclass(frozen=True)
class WaitEstimate:
    seconds: float  # the upper-quantile wait
    expected: float  # the mean wait under the same model
    minutes: int  # what is announced: 0 means "less than a minute"


def estimate_wait(load: QueueLoad, config: EstimateConfig) -> WaitEstimate | None:
    """The wait to announce, or None when nobody staffs the queue (then only the position is said)."""
    if load.staffed <= 0 and not any(step.capacity > 0 for step in load.escalation):
        return None
    finishes = finishes_needed(load, config)
    if finishes <= 0:
        return WaitEstimate(seconds=0.0, expected=0.0, minutes=0)
    wrapping = sorted(max(left, 0.0) for left in load.wrap_up_left)
    if math.ceil(finishes) <= len(wrapping):  # an agent finishing wrap-up will take this caller
        soon = wrapping[math.ceil(finishes) - 1]
        return WaitEstimate(seconds=soon, expected=soon, minutes=announced_minutes(soon))
    finishes -= len(wrapping)  # agents in wrap-up are free before any call ends
    mean_handle, cv2 = handle_time_profile(load.handle_times, config)
    servers = load.staffed if load.capacity is None else min(load.capacity, load.staffed)
    expected = time_to_finishes(finishes, mean_handle, servers, load.escalation)
    if math.isinf(expected):
        return None
    if load.call_ages and not load.escalation and finishes >= 1:
        # The first finish comes from the calls in progress: how long each has run says how long it has left.
        # Shared agents give this queue only their share of those finishes (see time_shares).
        share = servers / max(load.staffed, 1)
        first = first_finish(load.call_ages, load.handle_times, mean_handle, config.min_samples) / share
        expected = max(expected - mean_handle / servers + first, 0.0)
    if expected <= 0:
        return WaitEstimate(seconds=0.0, expected=0.0, minutes=0)
    gap = expected / finishes  # the mean time between the finishes this caller waits for
    variance = gap * gap * (min(finishes, 1.0) + max(finishes - 1.0, 0.0) * cv2)
    seconds = gamma_quantile(expected, variance, config.quantile)
    return WaitEstimate(seconds=seconds, expected=expected, minutes=announced_minutes(seconds))


def mean_residual(age: float, handle_times: Sequence[float], mean_handle: float, min_samples: int) -> float:
    """Mean time left on a call that has lasted `age` seconds: the recent calls that lasted longer, less `age`
    (the mean handle time until enough calls lasted that long to say)."""
    longer = [handle - age for handle in handle_times if handle > age]
    return fmean(longer) if len(longer) >= min_samples else mean_handle


def first_finish(ages: Sequence[float], handle_times: Sequence[float], mean_handle: float, min_samples: int) -> float:
    """Mean time until the first of the calls in progress ends (each treated as ending at the rate 1/residual)."""
    rate = sum(1.0 / max(mean_residual(age, handle_times, mean_handle, min_samples), 1.0) for age in ages)
    return 1.0 / rate


def time_to_finishes(finishes: float, mean_handle: float, servers: float,
                     escalation: Sequence[EscalationCapacity] = ()) -> float:
    """Mean seconds until `finishes` calls end when `servers` agents' worth of time works this queue, growing
    as escalation steps open (their free agents take a caller the moment the step opens)."""
    elapsed, rate, remaining = 0.0, max(servers, 0.0) / mean_handle, finishes
    for step in sorted(escalation, key=lambda each: each.opens_in):
        opens = max(step.opens_in, 0.0)
        if rate > 0 and remaining <= rate * (opens - elapsed):
            return elapsed + remaining / rate
        remaining -= rate * (opens - elapsed)
        elapsed = opens
        remaining -= step.available
        if remaining <= 0:
            return elapsed
        rate += max(step.capacity, 0.0) / mean_handle
    return elapsed + remaining / rate if rate > 0 else math.inf


def time_shares(agents: Collection[str], own_queue: tuple[str, str],
                staffed_by_queue: Mapping[tuple[str, str], Collection[str]],
                waiting_by_queue: Mapping[tuple[str, str], int]) -> float:
    """How many agents' worth of time `agents` give `own_queue`: each splits their time among the queues they
    staff in proportion to the callers waiting there (this queue counts at least the caller asking)."""
    def demand(queue: tuple[str, str]) -> float:
        waiting = waiting_by_queue.get(queue, 0)
        return max(waiting, 1) if queue == own_queue else waiting

    total = 0.0
    for agent in agents:
        served = [queue for queue, members in staffed_by_queue.items() if agent in members]
        demands = sum(demand(queue) for queue in served if queue != own_queue) + demand(own_queue)
        total += demand(own_queue) / demands
    return total


def finishes_needed(load: QueueLoad, config: EstimateConfig) -> float:
    """Calls agents must finish before this caller is answered; callers ahead who will hang up don't count
    (once there are enough recent outcomes to say how many do: until then, assume all stay)."""
    rate = min(max(load.abandon_rate, 0.0), 0.95) if load.outcomes >= config.min_samples else 0.0
    return load.ahead * (1.0 - rate) + 1.0 - load.available


def abandon_share(outcomes: Sequence[str], short_abandon: float) -> tuple[float, int]:
    """Share of recent callers who hung up before an answer, and how many outcomes it is taken from.

    Outcomes are "A <waited>" or "X <waited>" (as the routing scripts record them).  A caller who hung up
    within `short_abandon` seconds (a misdial, or one who heard enough) never waited for an agent, so is
    left out altogether instead of shortening the estimates told to callers who do wait."""
    counted = [mark for mark, waited in map(_outcome, outcomes) if mark == "A" or waited >= short_abandon]
    abandoned = sum(1 for mark in counted if mark == "X")
    return (abandoned / len(counted) if counted else 0.0), len(counted)


def _outcome(item: str) -> tuple[str, float]:
    mark, _, waited = item.partition(" ")
    try:
        return mark, float(waited)
    except ValueError:
        return mark, 0.0


def wrap_up_left(wrapups: Mapping[str, float], staffed: Collection[str], now: float) -> tuple[float, ...]:
    """Seconds until each of this queue's agents in wrap-up (`wrapups`: agent id -> wrap-up ends at) is free."""
    return tuple(max(ends - now, 0.0) for agent, ends in wrapups.items() if agent in staffed)


def handle_time_profile(handle_times: Sequence[float], config: EstimateConfig) -> tuple[float, float]:
    """Mean handle time and its squared coefficient of variation; configured defaults until data suffices."""
    if len(handle_times) < config.min_samples:
        return config.default_handle_time, DEFAULT_CV2
    mean = fmean(handle_times)
    if mean <= 0:
        return config.default_handle_time, DEFAULT_CV2
    return mean, min(max(pvariance(handle_times, mean) / (mean * mean), 0.1), 9.0)


def gamma_quantile(mean: float, variance: float, quantile: float) -> float:
    """Quantile of the gamma law with this mean and variance, found by bisection on its exact CDF.

    The Wilson-Hilferty approximation used before ran a little low for small shapes (one or two calls
    to finish), enough to announce one minute less than the quantile near a minute boundary."""
    if variance <= 0 or mean <= 0:
        return max(mean, 0.0)
    shape, scale = mean * mean / variance, variance / mean
    low, high = 0.0, mean
    while gamma_cdf(shape, high / scale) < quantile:
        low, high = high, high * 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if gamma_cdf(shape, middle / scale) < quantile else (low, middle)
    return high


def gamma_cdf(shape: float, x: float) -> float:
    """The regularised lower incomplete gamma P(shape, x): a series below shape + 1, a continued fraction above."""
    if x <= 0:
        return 0.0
    log_front = shape * math.log(x) - x - math.lgamma(shape)
    if x < shape + 1:
        term = total = 1.0 / shape
        for n in range(1, 500):
            term *= x / (shape + n)
            total += term
            if term < total * 1e-15:
                break
        return min(total * math.exp(log_front), 1.0)
    return max(1.0 - _upper_fraction(shape, x) * math.exp(log_front), 0.0)


def _upper_fraction(shape: float, x: float) -> float:
    """Lentz's continued fraction for Q(shape, x) without its front factor."""
    tiny = 1e-300
    b = x + 1.0 - shape
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for n in range(1, 500):
        a = -n * (n - shape)
        b += 2.0
        d = b + a * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + a / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


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
