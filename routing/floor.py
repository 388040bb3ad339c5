"""The floor as it is this second, read from routing's Redis state: who waits, who is being offered, who is free.

Plain data for the supervisor's wallboard.  A caller being offered to an agent
has left the queue's sorted set (the offer holds them) but is still waiting:
they count among the callers waiting, as `offered`, and their agent shows as
`ringing`, not free.  A callback waiting in line or scheduled for a retry is a
pending callback, not a caller waiting on hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from routing.agents import Agent, AgentState
from routing.calls import CallKind, CallStatus, WaitingCall, queue_name
from routing.context import RoutingContext
from routing.scripts import text
from routing.snapshots import call_from_fields, decode_hash
from routing.staffing import all_agents

#: The state the wallboard shows for an available agent who holds an offer.
RINGING = "ringing"


@dataclass
class LiveQueue:
    queue: str
    waiting: int = 0  # callers on hold, including those being offered to an agent right now
    offered: int = 0  # of those, the callers ringing at an agent
    longest_wait_seconds: float | None = None  # the longest current wait of a caller on hold
    callbacks_pending: int = 0  # callbacks in line or scheduled for another attempt
    staffed: int = 0  # agents holding this queue's skill and language, signed in and not on a break
    available: int = 0  # of those, free and not ringing
    waits: list[float] = field(default_factory=list)  # current waits of callers on hold, longest first


@dataclass(frozen=True)
class LiveAgent:
    login: str
    name: str
    state: str  # an AgentState value, or 'ringing'
    reason: str  # why the state was entered ('timed_out', 'supervisor: ...'), '' when none
    seconds_in_state: float
    call: str  # the call on the line, in wrap-up, or ringing ('' when none)
    call_queue: str  # that call's queue
    calls_today: int
    skills: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class LiveCaller:
    """A caller on hold, for the supervisor's controls (move, priority)."""

    sid: str
    queue: str
    priority: int
    waited_seconds: float
    status: str  # waiting, or offered (ringing at an agent)


@dataclass(frozen=True)
class LiveFloor:
    queues: dict[str, LiveQueue]
    agents: list[LiveAgent]
    callers: list[LiveCaller] = field(default_factory=list)  # longest wait first


def live_floor(ctx: RoutingContext, now: float) -> LiveFloor:
    queues = {queue_name(skill, language): LiveQueue(queue_name(skill, language))
              for skill in ctx.config.skills for language in ctx.config.languages}
    calls = _entries(ctx)
    callers = []
    for call in calls.values():
        line = queues.get(call.queue)
        if line is None:
            continue
        if call.kind is CallKind.CALLBACK:
            if call.status in (CallStatus.WAITING, CallStatus.OFFERED, CallStatus.SCHEDULED):
                line.callbacks_pending += 1
            continue
        if call.status in (CallStatus.WAITING, CallStatus.OFFERED):
            line.waiting += 1
            line.offered += call.status is CallStatus.OFFERED
            line.waits.append(max(0.0, now - call.entered))
            callers.append(LiveCaller(call.sid, call.queue, call.priority, max(0.0, now - call.entered),
                                      call.status.value))
    for line in queues.values():
        line.waits.sort(reverse=True)
        line.longest_wait_seconds = line.waits[0] if line.waits else None
    agents = all_agents(ctx)
    _staffing(ctx, queues, agents)
    callers.sort(key=lambda caller: -caller.waited_seconds)
    return LiveFloor(queues, [_live_agent(ctx, agent, now) for agent in sorted(agents, key=lambda a: a.id)],
                     callers)


def _entries(ctx: RoutingContext) -> dict[str, WaitingCall]:
    """Every entry in a queue, being offered, or a callback scheduled for later."""
    sids: set[str] = set()
    pipe = ctx.connection.pipeline(transaction=False)
    for skill in ctx.config.skills:
        for language in ctx.config.languages:
            pipe.zrange(ctx.keys.queue(skill, language), 0, -1)
    pipe.zrange(ctx.keys.callbacks_due, 0, -1)
    pipe.zrange(ctx.keys.reservations, 0, -1)
    *members, reservations = pipe.execute()
    sids.update(text(member) for group in members for member in group)
    for reservation_id in reservations:
        sid = ctx.connection.hget(ctx.keys.reservation(text(reservation_id)), "call")
        if sid:
            sids.add(text(sid))
    pipe = ctx.connection.pipeline(transaction=False)
    ordered = sorted(sids)
    for sid in ordered:
        pipe.hgetall(ctx.keys.call(sid))
    found = {}
    for sid, raw in zip(ordered, pipe.execute() if ordered else [], strict=True):
        fields = decode_hash(raw)
        if fields.get("sid"):
            found[sid] = call_from_fields(fields)
    return found


def _staffing(ctx: RoutingContext, queues: dict[str, LiveQueue], agents: list[Agent]) -> None:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for agent in agents:
        if agent.state not in (AgentState.AVAILABLE, AgentState.ON_CALL, AgentState.WRAP_UP):
            continue
        for skill in agent.profile.skills:
            for language in agent.profile.languages:
                counts[queue_name(skill, language)][0] += 1
                counts[queue_name(skill, language)][1] += agent.offerable
    for name, (staffed, available) in counts.items():
        if name in queues:
            queues[name].staffed, queues[name].available = staffed, available


def _live_agent(ctx: RoutingContext, agent: Agent, now: float) -> LiveAgent:
    state, call = agent.state.value, agent.call
    if agent.reservation:
        state = RINGING
        call = text(ctx.connection.hget(ctx.keys.reservation(agent.reservation), "call"))
    call_queue = ""
    if call:
        skill, language = ctx.connection.hmget(ctx.keys.call(call), "skill", "language")
        call_queue = queue_name(text(skill), text(language)) if skill and language else ""
    return LiveAgent(
        login=agent.id, name=agent.profile.name, state=state, reason=agent.reason,
        seconds_in_state=max(0.0, now - agent.since), call=call, call_queue=call_queue,
        calls_today=agent.calls_on(ctx.day(now)),
        skills=tuple(sorted(agent.profile.skills)), languages=agent.profile.languages,
    )
