"""How well the announced wait matches the wait callers then have, on simulated days.

One queue with 10 agents at 95% offered load: Poisson arrivals over an 8-hour
day, handle times exponential or log-normal (mean 240 s, cv 1), callers
patient or abandoning (exponential patience, mean 600 s).  The simulation
drives the real router against Redis with a simulated clock: every arrival is
enqueued (and told its estimate), agents accept offers at once, calls end
after their handle time.  For answered callers it compares, side by side,
what was announced (upper quantile rounded up to whole minutes), the raw
upper quantile, the model's mean, and the queue-length estimator
(n+1)/(s*mu) with the same recent mean handle time, the same estimator told the true mean
handle time (the oracle), and Asterisk's app_queue estimate (a moving average
of recent answered waits, new = (3 old + wait) / 4).  It prints the ratio of
the model mean's root-mean-square error to the oracle's and to Asterisk's.

    python bench/wait_accuracy.py [--redis-url redis://127.0.0.1:6379/9]
"""

from __future__ import annotations

import heapq
import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean

from benchlib import arguments, bench_redis
from redis import Redis

from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from routing.config import config_from_mapping
from routing.estimates import handle_time_profile, reference_wait
from routing.reservations import Reservation
from routing.router import Router
from routing.snapshots import queue_load

AGENTS = 10
MEAN_HANDLE = 240.0
LOAD = 0.95
DAY_SECONDS = 8 * 3600
DAYS = 3
PATIENCE = 600.0
T0 = 1_800_000_000.0
CONFIG = config_from_mapping({
    "languages": ["en"],
    "queues": {"general": {"wrap_up": 0, "max_size": 100_000, "max_wait": 86_400, "reservation_timeout": 3_600}},
    "estimates": {"quantile": 0.8, "default_handle_time": 300.0, "min_samples": 20},
    "records": {"handle_window": int(os.environ.get("HANDLE_WINDOW", "1000"))},
})


@dataclass(frozen=True)
class Scenario:
    name: str
    handle: str  # 'exponential' or 'lognormal'
    abandons: bool


SCENARIOS = [
    Scenario("exponential handle, patient callers", "exponential", False),
    Scenario("exponential handle, with abandonment", "exponential", True),
    Scenario("log-normal handle, patient callers", "lognormal", False),
    Scenario("log-normal handle, with abandonment", "lognormal", True),
]


@dataclass
class Caller:
    arrived: float
    announced: float | None  # announced minutes as seconds (60 for "less than a minute")
    quantile: float | None
    mean: float | None
    reference: float | None
    oracle: float | None  # the queue-length estimator told the true mean handle time
    asterisk: float | None  # Asterisk app_queue: a moving average of recent answered waits
    answered: float | None = None
    abandoned: bool = False


@dataclass
class Simulation:
    router: Router
    chance: random.Random
    scenario: Scenario
    callers: dict[str, Caller] = field(default_factory=dict)
    events: list[tuple[float, int, str, str]] = field(default_factory=list)
    sequence: int = 0
    average_wait: float | None = None  # Asterisk's holdtime: (3 * old + new) / 4 at each answer

    def at(self, moment: float, kind: str, sid: str = "") -> None:
        self.sequence += 1
        heapq.heappush(self.events, (moment, self.sequence, kind, sid))

    def handle_time(self) -> float:
        if self.scenario.handle == "exponential":
            return self.chance.expovariate(1 / MEAN_HANDLE)
        sigma2 = math.log(2.0)  # cv 1
        return self.chance.lognormvariate(math.log(MEAN_HANDLE) - sigma2 / 2, math.sqrt(sigma2))

    def arrive(self, now: float, day_end: float) -> None:
        sid = f"CA{len(self.callers)}"
        load = queue_load(self.router.ctx, "general", "en", math.inf, now=now)
        ticket = self.router.enqueue(CallRequest(sid, "general", "en"), now=now)
        mean_handle, _ = handle_time_profile(load.handle_times, CONFIG.estimates)
        estimate = ticket.estimate
        ahead = ticket.position - 1
        self.callers[sid] = Caller(
            now, max(estimate.minutes, 1) * 60.0 if estimate else None, estimate.seconds if estimate else None,
            estimate.expected if estimate else None, reference_wait(ahead, load.staffed, mean_handle),
            0.0 if ticket.offer is not None else reference_wait(ahead, AGENTS, MEAN_HANDLE),
            0.0 if ticket.offer is not None else self.average_wait)
        if ticket.offer is not None:
            self.start([ticket.offer], now)
        elif self.scenario.abandons:
            self.at(now + self.chance.expovariate(1 / PATIENCE), "abandon", sid)
        next_arrival = now + self.chance.expovariate(LOAD * AGENTS / MEAN_HANDLE)
        if next_arrival < day_end:
            self.at(next_arrival, "arrive")

    def start(self, offers: list[Reservation], now: float) -> None:
        for offer in offers:
            self.router.accept(offer.id, now=now)
            caller = self.callers[offer.call_sid]
            caller.answered = now
            waited = now - caller.arrived
            self.average_wait = waited if self.average_wait is None else (3 * self.average_wait + waited) / 4
            self.at(now + self.handle_time(), "complete", offer.call_sid)

    def step(self, day_end: float) -> None:
        now, _, kind, sid = heapq.heappop(self.events)
        if kind == "arrive":
            self.arrive(now, day_end)
        elif kind == "complete":
            self.start(self.router.complete(sid, now=now), now)
        elif self.callers[sid].answered is None:
            self.callers[sid].abandoned = True
            self.start(self.router.abandon(sid, now=now), now)


def simulate(client: Redis, prefix: str, scenario: Scenario, seed: int, days: int) -> list[Caller]:
    router = Router(client, CONFIG, prefix=prefix)
    for number in range(AGENTS):
        router.register_agent(AgentProfile(f"agent{number}", f"Agent {number}", {"general": 5}, ("en",)), now=T0)
        router.set_agent_state(f"agent{number}", AgentState.AVAILABLE, now=T0)
    simulation = Simulation(router, random.Random(seed), scenario)
    for day in range(days):
        start = T0 + day * 86_400
        simulation.at(start, "arrive")
        while simulation.events:
            simulation.step(start + DAY_SECONDS)
    return list(simulation.callers.values())


def rms_error(callers: list[Caller], figure: Callable[[Caller], float | None]) -> float:
    errors = [told - (caller.answered - caller.arrived) for caller in callers
              if (told := figure(caller)) is not None and caller.answered is not None]
    return math.sqrt(fmean(e * e for e in errors))


def error_row(label: str, callers: list[Caller], figure: Callable[[Caller], float | None]) -> str:
    pairs = [(figure(caller), caller.answered - caller.arrived) for caller in callers
             if figure(caller) is not None and caller.answered is not None]
    errors = [told - waited for told, waited in pairs]
    longer = sum(1 for told, waited in pairs if waited > told) / len(pairs)
    return (f"  {label:34} {fmean(errors):+8.0f} s {fmean(abs(e) for e in errors):9.0f} s "
            f"{math.sqrt(fmean(e * e for e in errors)):9.0f} s {longer:9.1%}")


def report(scenario: Scenario, callers: list[Caller], days: int) -> None:
    answered = [caller for caller in callers if caller.answered is not None]
    waits = [caller.answered - caller.arrived for caller in answered]
    abandoned = sum(caller.abandoned for caller in callers) / len(callers)
    print(f"\n{scenario.name}: {days} days, {len(callers)} callers, {abandoned:.1%} abandoned, "
          f"mean answered wait {fmean(waits):.0f} s")
    print(f"  {'estimator':34} {'mean err':>10} {'mean |err|':>11} {'rms err':>11} {'waited longer':>13}")
    print(error_row("announced (80% quantile, whole min)", answered, lambda caller: caller.announced))
    print(error_row("80% quantile, unrounded", answered, lambda caller: caller.quantile))
    print(error_row("model mean", answered, lambda caller: caller.mean))
    print(error_row("(n+1)/(s*mu) reference", answered, lambda caller: caller.reference))
    print(error_row("oracle: (n+1)/(s*mu), true mu", answered, lambda caller: caller.oracle))
    print(error_row("Asterisk moving average", answered, lambda caller: caller.asterisk))
    model = rms_error(answered, lambda caller: caller.mean)
    print(f"  rms ratio model mean / oracle: {model / rms_error(answered, lambda caller: caller.oracle):.2f}; "
          f"model mean / Asterisk: {model / rms_error(answered, lambda caller: caller.asterisk):.2f} "
          "(below 1: the model is the more accurate)")


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    started = time.perf_counter()
    with bench_redis(args.redis_url) as (client, prefix):
        for index, scenario in enumerate(SCENARIOS):
            callers = simulate(client, f"{prefix}{index}:", scenario, seed=311 + index, days=DAYS)
            report(scenario, callers, DAYS)
    print(f"\n({time.perf_counter() - started:.0f} s; errors are told minus actual wait, over answered callers; "
          "'waited longer' is the share who waited longer than the figure)")


if __name__ == "__main__":
    main()
