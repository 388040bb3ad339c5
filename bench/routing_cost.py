"""What a routing decision costs, in units of one Redis round trip (PING) measured in the same run.

A busy contact center: 1,000 agents online, every one on a call, 10,000
callers waiting across 20 queues (10 skills x English/Spanish, all four
strategies, two escalation steps each).  Then each operation the web layer
performs is timed one at a time: a caller joins, a call completes, an agent
becomes free (which finds the first call it may take across its queues and
reserves it), the agent accepts (the call leaves the queue), the hold loop's
announcement, a caller hangs up, and the periodic sweep.  Finally an idle
center (1,000 agents free, nobody waiting) times a caller being matched at
once among hundreds of free agents.

    python bench/routing_cost.py [--redis-url redis://127.0.0.1:6379/9]
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from benchlib import CountingConnection, arguments, bench_redis, percentile

from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from routing.config import STRATEGIES, config_from_mapping
from routing.router import Router

SKILLS = ["general", "trash", "potholes", "streetlights", "noise", "graffiti", "water", "parking", "animals",
          "permits"]
LANGUAGES = ["en", "es"]
AGENTS = 1_000
WAITING = 10_000
SAMPLES = 400
PING = "PING (plain Redis round trip)"
T0 = 1_800_000_000.0


def config(strategy_of: Callable[[int], str], unescalated: str = "") -> Any:
    escalation = [{"after": 120, "skills": ["general"]}, {"after": 300, "skills": "any"}]
    queues = {skill: {"strategy": strategy_of(index), "escalation": [] if skill == unescalated else escalation}
              for index, skill in enumerate(SKILLS)}
    return config_from_mapping({
        "languages": LANGUAGES, "queues": queues,
        "defaults": {"max_size": 100_000, "max_wait": 86_400, "reservation_timeout": 3_600, "wrap_up": 30},
    })


def agent_profiles(chance: random.Random, lacking: str = "") -> list[AgentProfile]:
    profiles = []
    offered = [skill for skill in SKILLS[1:] if skill != lacking]
    for number in range(AGENTS):
        skills = {skill: chance.randint(1, 10) for skill in chance.sample(offered, chance.randint(1, 3))}
        if chance.random() < 0.5:
            skills["general"] = chance.randint(1, 10)
        languages = chance.choices([("en",), ("es",), ("en", "es")], weights=[60, 25, 15])[0]
        profiles.append(AgentProfile(f"agent{number:04d}", f"Agent {number}", skills, languages))
    return profiles


def timed(samples: dict[str, list[float]], name: str, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one operation, keeping its duration and the Redis round trips it made."""
    sent = CountingConnection.sent
    start = time.perf_counter()
    result = action(*args, **kwargs)
    samples.setdefault(name, []).append(time.perf_counter() - start)
    samples.setdefault(f"{name}#trips", []).append(CountingConnection.sent - sent)
    return result


def staff_everyone_busy(router: Router, profiles: list[AgentProfile], chance: random.Random) -> dict[str, str]:
    """Every agent available, then fed calls from its own queues until nobody is free; returns agent -> call."""
    for index, profile in enumerate(profiles):
        router.register_agent(profile, now=T0 - 7200)
        router.set_agent_state(profile.id, AgentState.AVAILABLE, now=T0 - 3600 + index)
    on_call: dict[str, str] = {}
    for profile in profiles:
        while router.agent(profile.id).offerable:
            skill = chance.choice(list(profile.skills))
            sid = f"seed{len(on_call)}"
            ticket = router.enqueue(CallRequest(sid, skill, profile.languages[0]), now=T0 - 1800)
            router.accept(ticket.offer.id, now=T0 - 1800)
            on_call[ticket.offer.agent_id] = ticket.sid
    return on_call


def fill_queues(router: Router, chance: random.Random) -> list[str]:
    sids = []
    for number in range(WAITING):
        request = CallRequest(f"wait{number}", chance.choice(SKILLS), chance.choice(LANGUAGES), chance.randint(0, 2))
        router.enqueue(request, now=T0 - 600 + number * 0.06)
        sids.append(request.sid)
    return sids


def busy_center(router: Router, chance: random.Random, samples: dict[str, list[float]]) -> None:
    start = time.perf_counter()
    on_call = staff_everyone_busy(router, agent_profiles(chance), chance)
    waiting = fill_queues(router, chance)
    print(f"set-up: {len(on_call)} agents on calls, {len(waiting)} callers waiting in "
          f"{len(SKILLS) * len(LANGUAGES)} queues ({time.perf_counter() - start:.1f} s)")
    for step in range(SAMPLES):
        busy_step(router, chance, samples, step, on_call, waiting)


def busy_step(router: Router, chance: random.Random, samples: dict[str, list[float]], step: int,
              on_call: dict[str, str], waiting: list[str]) -> None:
    """One of each operation, leaving every agent busy and the queues as full as before."""
    now = T0 + step
    timed(samples, PING, router.ctx.connection.ping)
    request = CallRequest(f"new{step}", chance.choice(SKILLS), chance.choice(LANGUAGES), chance.randint(0, 2))
    timed(samples, "caller joins (enqueue + estimate + match attempt)", router.enqueue, request, now=now)
    agent_id = chance.choice(sorted(on_call))
    timed(samples, "call completes (agent to wrap-up)", router.complete, on_call[agent_id], now=now)
    [offer] = timed(samples, "agent free -> first call across queues, reserved",
                    router.set_agent_state, agent_id, AgentState.AVAILABLE, now=now)
    timed(samples, "agent accepts (call leaves the queue)", router.accept, offer.id, now=now)
    on_call[offer.agent_id] = offer.call_sid
    sid = chance.choice(waiting)
    timed(samples, "hold announcement (position + estimate)", router.announcement, sid, "en", now=now)
    timed(samples, "caller hangs up (abandon, recorded)", router.abandon, request.sid, now=now + 0.5)
    if step % 8 == 0:
        timed(samples, "periodic sweep (tick)", router.tick, now=now)


def everyone_free(router: Router, profiles: list[AgentProfile]) -> None:
    for index, profile in enumerate(profiles):
        router.register_agent(profile, now=T0 - 7200)
        router.set_agent_state(profile.id, AgentState.AVAILABLE, now=T0 - 3600 + index)


def idle_center(router: Router, chance: random.Random, samples: dict[str, list[float]], strategy: str) -> None:
    everyone_free(router, agent_profiles(chance))
    for step in range(SAMPLES // 2):
        timed(samples, PING, router.ctx.connection.ping)
        request = CallRequest(f"idle{step}", chance.choice(SKILLS), chance.choice(LANGUAGES))
        ticket = timed(samples, f"caller joins, matched at once ({strategy})", router.enqueue, request, now=T0 + step)
        timed(samples, "caller hangs up while offered (agent freed)", router.abandon, ticket.sid, now=T0 + step)


def idle_sweep(router: Router, chance: random.Random, samples: dict[str, list[float]]) -> None:
    """1,000 free agents, none of whom may take the 40 callers waiting for a skill nobody has."""
    everyone_free(router, agent_profiles(chance, lacking="permits"))
    for number in range(40):
        router.enqueue(CallRequest(f"permit{number}", "permits", LANGUAGES[number % 2], number % 3), now=T0 + number)
    for step in range(SAMPLES // 4):
        timed(samples, PING, router.ctx.connection.ping)
        timed(samples, "sweep: 1,000 free agents, 40 callers none may take", router.tick, now=T0 + 60 + step)


def report(samples: dict[str, list[float]]) -> None:
    ping = percentile(samples[PING], 0.5)
    print(f"\n{'operation':58} {'median':>9} {'p95':>9} {'x PING':>7} {'trips':>6}")
    for name, durations in samples.items():
        if name.endswith("#trips"):
            continue
        median = percentile(durations, 0.5)
        trips = sum(samples[f"{name}#trips"]) / len(durations)
        print(f"{name:58} {median * 1e6:7.0f}us {percentile(durations, 0.95) * 1e6:7.0f}us "
              f"{median / ping:7.1f} {trips:6.1f}")
    print(f"\n(x PING: median over the median of {len(samples[PING])} PINGs timed between the operations; "
          "trips: requests sent to Redis per operation)")


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    samples: dict[str, list[float]] = {}
    with bench_redis(args.redis_url) as (client, prefix):
        busy_center(Router(client, config(lambda index: STRATEGIES[index % 4]), prefix=prefix + "busy:"),
                    random.Random(311), samples)
        for strategy in ("longest_idle", "fewest_calls"):
            router = Router(client, config(lambda index, chosen=strategy: chosen), prefix=f"{prefix}{strategy}:")
            idle_center(router, random.Random(312), samples, strategy)
        idle_sweep(Router(client, config(lambda index: "longest_idle", "permits"), prefix=f"{prefix}sweep:"),
                   random.Random(313), samples)
    report(samples)


if __name__ == "__main__":
    main()
