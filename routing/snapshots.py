"""Reading live routing state from Redis into the plain objects the decisions work on.

Reads are not atomic with the change that follows them; they do not need to
be.  A decision made from a stale snapshot is refused by the script that
commits it, and the dispatcher reads again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from routing.agents import Agent, AgentProfile, AgentState
from routing.calls import CallKind, CallStatus, WaitingCall
from routing.config import QueueConfig
from routing.context import RoutingContext
from routing.estimates import EscalationCapacity, QueueLoad, abandon_share, time_shares, wrap_up_left
from routing.matching import Head, Target, candidate, targets_after, wait_before_eligible
from routing.reservations import Reservation, ReservationStatus
from routing.scripts import text
from routing.strategies import Candidate

#: Cutoff meaning "any entry time": the agent holds the queue's skill.
NO_CUTOFF = 1e15
#: Strategies that compare more than the time an agent became free.
PROFILE_STRATEGIES = frozenset({"fewest_calls", "highest_proficiency"})


def decode_hash(raw: Mapping[Any, Any]) -> dict[str, str]:
    return {text(name): text(value) for name, value in raw.items()}


def _float(value: str) -> float | None:
    return float(value) if value else None


def agent_from_fields(fields: Mapping[str, str]) -> Agent:
    profile = AgentProfile(fields["id"], fields.get("name", ""), json.loads(fields["skills"]),
                           tuple(json.loads(fields["languages"])))
    return Agent(
        profile=profile, state=AgentState(fields["state"]), since=float(fields["since"]),
        reason=fields.get("reason", ""), calls_today=int(fields.get("calls_today") or 0),
        calls_day=fields.get("calls_day", ""), last_call_ended=_float(fields.get("last_call_ended", "")),
        reservation=fields.get("reservation", ""), call=fields.get("call", ""),
    )


def call_from_fields(fields: Mapping[str, str]) -> WaitingCall:
    return WaitingCall(
        sid=fields["sid"], kind=CallKind(fields["kind"]), skill=fields["skill"], language=fields["language"],
        priority=int(fields["priority"]), entered=float(fields["entered"]), status=CallStatus(fields["status"]),
        position=int(fields.get("position") or 0), estimate=_float(fields.get("estimate", "")),
        number=fields.get("number", ""), attempts=int(fields.get("attempts") or 0),
        reservation=fields.get("reservation", ""), agent=fields.get("agent", ""),
    )


def reservation_from_fields(fields: Mapping[str, str]) -> Reservation:
    return Reservation(
        id=fields["id"], call_sid=fields["call"], agent_id=fields["agent"], skill=fields["skill"],
        language=fields["language"], kind=fields["kind"], offered=float(fields["offered"]),
        expires=float(fields["expires"]), status=ReservationStatus(fields["status"]), number=fields.get("number", ""),
        from_agent=fields.get("from", ""),
    )


def load_agent(ctx: RoutingContext, agent_id: str) -> Agent | None:
    fields = decode_hash(ctx.connection.hgetall(ctx.keys.agent(agent_id)))
    return agent_from_fields(fields) if fields.get("id") else None


def load_call(ctx: RoutingContext, sid: str) -> WaitingCall | None:
    return _call_from(decode_hash(ctx.connection.hgetall(ctx.keys.call(sid))))


def load_call_and_values(ctx: RoutingContext, sid: str, keys: Sequence[str]) -> tuple[WaitingCall | None, list[Any]]:
    pipe = ctx.connection.pipeline(transaction=False)
    pipe.hgetall(ctx.keys.call(sid))
    pipe.mget(list(keys))
    fields, values = pipe.execute()
    return _call_from(decode_hash(fields)), values


def _call_from(fields: dict[str, str]) -> WaitingCall | None:
    return call_from_fields(fields) if fields.get("sid") else None


def load_reservation(ctx: RoutingContext, reservation_id: str) -> Reservation | None:
    fields = decode_hash(ctx.connection.hgetall(ctx.keys.reservation(reservation_id)))
    return reservation_from_fields(fields) if fields.get("id") else None


def free_candidates(ctx: RoutingContext, call: WaitingCall, queue: QueueConfig, now: float,
                    enough: int) -> list[Candidate]:
    """Free agents the call may be offered to now (its escalation tiers), with what its strategy compares.

    Pools are ordered by when agents became free, so for longest-idle the first `enough` of each pool
    hold the best candidates; the other strategies compare every free agent.
    """
    targets = targets_after(queue, call.waited(now))
    needs_profiles = _needs_profiles(queue, targets)
    last = enough - 1 if queue.strategy == "longest_idle" and not needs_profiles else -1
    pipe = ctx.connection.pipeline(transaction=False)
    for target in targets:
        pipe.zrange(ctx.keys.pool(call.language, target.skill), 0, last, withscores=True)
    pools = pipe.execute()
    idle: dict[str, tuple[int, float]] = {}
    for target, members in zip(targets, pools, strict=True):
        for member, score in members:
            agent_id = text(member)
            if agent_id not in idle or target.tier < idle[agent_id][0]:
                idle[agent_id] = (target.tier, score)
    if not needs_profiles:
        return [Candidate(agent_id, tier, since) for agent_id, (tier, since) in idle.items()]
    return _profiled_candidates(ctx, idle, queue, targets, ctx.day(now))


def _needs_profiles(queue: QueueConfig, targets: tuple[Target, ...]) -> bool:
    return queue.strategy in PROFILE_STRATEGIES or any(target.min_proficiency > 1 for target in targets)


def _profiled_candidates(ctx: RoutingContext, idle: Mapping[str, tuple[int, float]], queue: QueueConfig,
                         targets: tuple[Target, ...], day: str) -> list[Candidate]:
    pipe = ctx.connection.pipeline(transaction=False)
    for agent_id in idle:
        pipe.hmget(ctx.keys.agent(agent_id), "skills", "calls_today", "calls_day")
    found = []
    for agent_id, (skills, calls, calls_day) in zip(idle, pipe.execute(), strict=True):
        if skills is None:
            continue
        calls_today = int(calls or 0) if text(calls_day) == day else 0
        made = candidate(agent_id, idle[agent_id][1], json.loads(skills), calls_today, queue, targets)
        if made is not None:
            found.append(made)
    return found


def round_robin_cursor(ctx: RoutingContext, skill: str, language: str) -> str:
    return text(ctx.connection.get(ctx.keys.round_robin(skill, language)))


def eligible_heads(ctx: RoutingContext, agent: Agent, now: float) -> list[Head]:
    """For each queue the agent may serve, the first waiting entry it may take now (escalation included)."""
    queues: list[tuple[str, str]] = []
    cutoffs: list[float] = []
    for language in agent.profile.languages:
        for skill, queue in ctx.config.queues.items():
            wait = wait_before_eligible(agent.profile, queue, language) if language in ctx.config.languages else None
            if wait is not None:
                queues.append((skill, language))
                cutoffs.append(NO_CUTOFF if wait == 0 else now - wait)
    keys = [ctx.keys.queue(skill, language) for skill, language in queues]
    return [Head(*queues[index], sid, score) for index, sid, score in ctx.scripts.first_eligible(keys, cutoffs)]


def queue_load(ctx: RoutingContext, skill: str, language: str, score: float, waited: float = 0.0,
               now: float | None = None) -> QueueLoad:
    """What the wait estimate needs for an entry with this queue score that has waited `waited` seconds:
    entries ahead of it, staffing (and the share of it other queues leave this one), free agents and those
    finishing wrap-up, the escalation steps still to open, recent handle times and abandons (one round trip)."""
    load, _ = queue_load_and_place(ctx, skill, language, score, None, waited, now)
    return load


def queue_load_and_place(ctx: RoutingContext, skill: str, language: str, score: float, sid: str | None,
                         waited: float = 0.0, now: float | None = None) -> tuple[QueueLoad, bool]:
    """`queue_load`, and whether `sid` is still waiting in that queue, in the same round trip (the hold loop)."""
    own = (skill, language)
    others = [(other, each) for each in ctx.config.languages for other in ctx.config.queues]
    pipe = ctx.connection.pipeline(transaction=False)
    pipe.zcount(ctx.keys.queue(skill, language), "-inf", f"({score:.6f}")
    pipe.zcard(ctx.keys.pool(language, skill))
    pipe.lrange(ctx.keys.handle_times(skill, language), 0, -1)
    pipe.lrange(ctx.keys.outcomes(skill, language), 0, -1)
    pipe.zrange(ctx.keys.wrap_ups, 0, -1, withscores=True)
    # Each staffed agent's state and since, in the same round trip (SORT ... GET reads the agents' hashes).
    agent_key = ctx.keys.agent("*")
    pipe.sort(ctx.keys.staffed(language, skill), by="nosort", get=[f"{agent_key}->state", f"{agent_key}->since"])
    for queue_skill, queue_language in others:
        pipe.smembers(ctx.keys.staffed(queue_language, queue_skill))
        pipe.zcard(ctx.keys.queue(queue_skill, queue_language))
        pipe.zrange(ctx.keys.pool(queue_language, queue_skill), 0, -1)
    if sid is not None:
        pipe.zscore(ctx.keys.queue(skill, language), sid)
    results = pipe.execute()
    place = results.pop() if sid is not None else None
    ahead, available, handles, outcomes, wrapups, states, *per_queue = results
    staffed_by = {queue: {text(a) for a in per_queue[3 * i]} for i, queue in enumerate(others)}
    waiting_by = {queue: int(per_queue[3 * i + 1]) for i, queue in enumerate(others)}
    free_by = {queue: {text(a) for a in per_queue[3 * i + 2]} for i, queue in enumerate(others)}
    staffed = staffed_by.get(own, set())
    rate, counted = abandon_share([text(item) for item in outcomes], ctx.config.estimates.short_abandon)
    now = ctx.now(now)
    wrapping = wrap_up_left({text(agent): ends for agent, ends in wrapups}, staffed, now)
    steps = _escalation_capacity(ctx.config.queue(skill, language), own, waited, staffed_by, waiting_by, free_by)
    load = QueueLoad(ahead=int(ahead), staffed=len(staffed), available=int(available),
                     handle_times=tuple(float(item) for item in handles), abandon_rate=rate, outcomes=counted,
                     wrap_up_left=wrapping, capacity=time_shares(staffed, own, staffed_by, waiting_by),
                     escalation=steps, call_ages=_call_ages(states, now))
    return load, place is not None


def _call_ages(states: list[Any], now: float) -> tuple[float, ...]:
    """From SORT's flat [state, since, state, since, ...]: how long each agent on a call has been on it."""
    pairs = zip(states[0::2], states[1::2], strict=True)
    return tuple(max(now - float(since), 0.0) for state, since in pairs
                 if text(state) == "on_call" and since not in (None, b""))


def _escalation_capacity(queue: QueueConfig, own: tuple[str, str], waited: float,
                         staffed_by: dict[tuple[str, str], set[str]], waiting_by: dict[tuple[str, str], int],
                         free_by: dict[tuple[str, str], set[str]]) -> tuple[EscalationCapacity, ...]:
    """Each escalation step's agents not already counted, as time shares, opening `after - waited` from now.

    Staffing sets do not keep proficiency, so a step's minimum proficiency is not applied here (it can only
    make the estimate a little short for a queue whose escalation skill is thinly held)."""
    language = own[1]
    counted = set(staffed_by.get(own, set()))
    steps: list[EscalationCapacity] = []
    for step in queue.escalation:
        skills = step.skills if step.skills is not None else {s for s, _ in staffed_by}
        joining = {agent for skill in skills for agent in staffed_by.get((skill, language), set())} - counted
        if not joining:
            continue
        counted |= joining
        free = {agent for skill in skills for agent in free_by.get((skill, language), set())} & joining
        steps.append(EscalationCapacity(max(step.after - waited, 0.0),
                                        time_shares(joining, own, staffed_by, waiting_by), len(free)))
    return tuple(steps)


def position(ctx: RoutingContext, call: WaitingCall) -> int | None:
    """1 for the next entry served in the call's queue; None when it is not waiting in the queue."""
    rank = ctx.connection.zrank(ctx.keys.queue(call.skill, call.language), call.sid)
    return None if rank is None else int(rank) + 1
