"""Queueing maths for staffing: Erlang C (callers wait for ever) and Erlang A (callers give up).

Plain Python, no Flask or Redis.  Traffic is given per interval: calls offered in
an interval of `interval_seconds`, the average handle time in seconds (talk +
hold + wrap-up), and the service-level threshold in seconds.  The offered load
in erlangs is A = calls × handle time / interval.

Erlang C is computed through the Erlang B recursion
B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), then C = c·B / (c - A·(1 - B)),
which never forms A^c or c! and so stays accurate for hundreds of agents.

Erlang A (Palm; Garnett, Mandelbaum and Reiman 2002) adds exponential patience
with mean `patience_seconds`: the number of callers in the system is a
birth-death chain with birth rate λ and death rate min(n, c)·μ + max(n - c, 0)·θ.
Its stationary distribution is summed numerically until the terms vanish.
As patience grows without bound (θ → 0) the figures tend to Erlang C's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from routing.exceptions import RoutingError

TAIL_EPSILON = 1e-13  # stop summing the chain's tail below this share of the mass
MAX_QUEUE_STATES = 100_000


class StaffingInputError(RoutingError, ValueError):
    """Traffic figures that cannot be staffed for (negative, zero interval or handle time)."""


@dataclass(frozen=True)
class Traffic:
    calls: float  # offered in one interval
    handle_seconds: float  # average handle time: talk + hold + wrap-up
    interval_seconds: float = 1800.0
    threshold_seconds: float = 20.0  # service level: answered within this many seconds

    def __post_init__(self) -> None:
        if self.calls < 0 or self.handle_seconds <= 0 or self.interval_seconds <= 0 or self.threshold_seconds < 0:
            raise StaffingInputError(f"cannot staff for {self}")

    @property
    def load(self) -> float:
        """Offered load in erlangs."""
        return self.calls * self.handle_seconds / self.interval_seconds

    @property
    def arrival_rate(self) -> float:
        return self.calls / self.interval_seconds


@dataclass(frozen=True)
class Prediction:
    agents: int
    probability_of_waiting: float
    service_level: float  # share of callers answered within the threshold
    average_speed_of_answer: float  # seconds, over all callers offered
    occupancy: float
    probability_of_abandoning: float = 0.0


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability of `agents` servers offered `load` erlangs (no queue)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(agents: int, load: float) -> float:
    """Probability that a caller waits at all; 1 when the agents cannot keep up (load >= agents)."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    blocking = erlang_b(agents, load)
    return agents * blocking / (agents - load * (1 - blocking))


def predict_c(traffic: Traffic, agents: int) -> Prediction:
    """Erlang C figures for `agents` agents; an overloaded floor has service level 0 and infinite ASA."""
    load = traffic.load
    waiting = erlang_c(agents, load)
    if agents <= load:
        return Prediction(agents, 1.0, 0.0, math.inf, 1.0)
    spare = agents - load
    service_level = 1 - waiting * math.exp(-spare * traffic.threshold_seconds / traffic.handle_seconds)
    asa = waiting * traffic.handle_seconds / spare
    return Prediction(agents, waiting, service_level, asa, load / agents)


def predict_a(traffic: Traffic, agents: int, patience_seconds: float) -> Prediction:
    """Erlang A figures for `agents` agents and callers who give up after `patience_seconds` on average."""
    if patience_seconds <= 0:
        raise StaffingInputError("patience must be positive")
    if agents <= 0:
        return Prediction(agents, 1.0, 0.0, patience_seconds, 1.0, 1.0 if traffic.calls else 0.0)
    chain = _chain(traffic, agents, 1 / patience_seconds)
    total = sum(chain)
    waiting = sum(chain[agents:]) / total
    queued = sum((n - agents) * p for n, p in enumerate(chain) if n > agents) / total
    busy = sum(min(n, agents) * p for n, p in enumerate(chain)) / total
    rate = traffic.arrival_rate
    abandon = queued / (patience_seconds * rate) if rate else 0.0
    within = _share_within(traffic, agents, 1 / patience_seconds, chain, total)
    asa = queued / rate if rate else 0.0
    return Prediction(agents, waiting, within, asa, busy / agents, abandon)


def _chain(traffic: Traffic, agents: int, theta: float) -> list[float]:
    """Unnormalised stationary probabilities p(n) of n callers in the system, p(0) = 1."""
    lam, mu = traffic.arrival_rate, 1 / traffic.handle_seconds
    chain, term, mass = [1.0], 1.0, 1.0
    for n in range(1, agents + MAX_QUEUE_STATES):
        term *= lam / (min(n, agents) * mu + max(n - agents, 0) * theta)
        chain.append(term)
        mass += term
        if n > agents and term < TAIL_EPSILON * mass:
            break
    return chain


def _share_within(traffic: Traffic, agents: int, theta: float, chain: list[float], total: float) -> float:
    """Share of arrivals whose wait until an agent would be free (ignoring their own patience) <= threshold.

    A caller finding k callers ahead waits through k + 1 departures from the head
    of the queue, each at rate c·μ + j·θ (j = k … 0 callers ahead still there).
    """
    late = sum(p * _wait_exceeds(agents / traffic.handle_seconds, theta, n - agents, traffic.threshold_seconds)
               for n, p in enumerate(chain) if n >= agents)
    return 1 - late / total


def _wait_exceeds(service_rate: float, theta: float, ahead: int, seconds: float) -> float:
    """P(a sum of exponentials with rates service_rate + j·θ, j = ahead … 0, exceeds `seconds`).

    Uniformisation: with Λ the largest rate, the count of events by time t is
    Poisson(Λt); each event is a departure with probability rate_j / Λ.
    """
    if seconds <= 0:
        return 1.0
    top = service_rate + ahead * theta
    mean = top * seconds
    state = [0.0] * (ahead + 2)  # state[r]: probability that r departures are still needed
    state[ahead + 1] = 1.0
    survive, log_weight, events = 0.0, -mean, 0
    while True:
        weight = math.exp(log_weight)
        survive += weight * (1 - state[0])
        if events > mean and weight < 1e-16:
            return min(1.0, survive)
        state = _step(state, service_rate, theta, top)
        events += 1
        log_weight += math.log(mean) - math.log(events)


def _step(state: list[float], service_rate: float, theta: float, top: float) -> list[float]:
    """One uniformised event: from `remaining` departures to go, one fewer with probability rate/Λ."""
    following = [0.0] * len(state)
    following[0] = state[0]
    for remaining in range(1, len(state)):
        rate = service_rate + (remaining - 1) * theta
        moved = state[remaining] * rate / top
        following[remaining - 1] += moved
        following[remaining] += state[remaining] - moved
    return following


def agents_needed(traffic: Traffic, target: float, patience_seconds: float | None = None,
                  most: int = 10_000) -> Prediction:
    """The fewest agents whose predicted service level reaches `target` (0-1)."""
    if not 0 < target < 1:
        raise StaffingInputError("the service-level target must be between 0 and 1")
    start = max(1, math.floor(traffic.load)) if patience_seconds is None else 1
    for agents in range(start, most + 1):
        prediction = predict_c(traffic, agents) if patience_seconds is None else predict_a(
            traffic, agents, patience_seconds)
        if prediction.service_level >= target:
            return prediction
    raise StaffingInputError(f"more than {most} agents would be needed")
