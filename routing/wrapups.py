"""Wrap-up after a call: its countdown, "more time", and the wrap-up code (disposition) the agent picks.

The router puts an agent in wrap-up when their call completes (routing.offers.complete) with
an end time in the wrap-ups sorted set; the sweep frees them when it passes.  This module adds
what the agent does meanwhile:

- extend: push the end time back by the queue's `wrap_up_extend`, never past `wrap_up_max`
  seconds after the call ended;
- choose a code from the queue's `wrap_up_codes` (kept in Redis with the call, and written to the
  call's SQL row by the web layer);
- where the queue has `wrap_up_required`, the wrap-up does not end (by time or by the agent) until
  a code is chosen: `may_end` is asked by the sweep and by the console.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing.agents import AgentState
from routing.config import QueueConfig
from routing.context import RoutingContext
from routing.exceptions import InvalidRequest, StateConflict
from routing.scripts import text
from routing.staffing import get_agent


@dataclass(frozen=True)
class WrapUp:
    """An agent's wrap-up as the console shows it."""

    agent_id: str
    call_sid: str
    skill: str
    language: str
    started: float  # when the call ended
    ends: float  # when the sweep frees the agent (if a required code is chosen)
    latest_end: float  # the furthest "more time" can push `ends`
    codes: tuple[str, ...]
    required: bool
    code: str  # the code chosen so far ('' = none)

    @property
    def can_extend(self) -> bool:
        return self.ends < self.latest_end

    def labels(self, labels: Mapping[str, Mapping[str, str]], language: str) -> list[dict[str, str]]:
        """The queue's codes with their labels in `language` (English when it has none)."""
        return [{"code": code, "label": labels.get(code, {}).get(language) or labels.get(code, {}).get("en", code)}
                for code in self.codes]


def _code_key(ctx: RoutingContext, sid: str) -> str:
    return f"{ctx.keys.prefix}wrapup-code:{sid}"


def current(ctx: RoutingContext, agent_id: str) -> WrapUp | None:
    """The agent's wrap-up, or None when the agent is not in one."""
    agent = get_agent(ctx, agent_id)
    if agent.state is not AgentState.WRAP_UP or not agent.call:
        return None
    ends = ctx.connection.zscore(ctx.keys.wrap_ups, agent_id)
    skill, language = (text(value) for value in ctx.connection.hmget(ctx.keys.call(agent.call), "skill", "language"))
    queue = ctx.config.queues.get(skill) or QueueConfig(skill=skill, wrap_up=0)
    started = agent.since
    return WrapUp(agent_id, agent.call, skill, language, started, float(ends) if ends is not None else started,
                  started + max(queue.wrap_up_max, queue.wrap_up), queue.wrap_up_codes, queue.wrap_up_required,
                  text(ctx.connection.get(_code_key(ctx, agent.call))))


def _require(ctx: RoutingContext, agent_id: str) -> WrapUp:
    wrap_up = current(ctx, agent_id)
    if wrap_up is None:
        raise StateConflict(f"agent {agent_id}", get_agent(ctx, agent_id).state.value, "wrap_up")
    return wrap_up


def extend(ctx: RoutingContext, agent_id: str, now: float) -> WrapUp:
    """More time: the end moves back by the queue's step, capped at its maximum; StateConflict at the cap."""
    wrap_up = _require(ctx, agent_id)
    queue = ctx.config.queues.get(wrap_up.skill)
    step = queue.wrap_up_extend if queue else 0
    ends = min(max(wrap_up.ends, now) + step, wrap_up.latest_end)
    if ends <= wrap_up.ends:
        raise StateConflict(f"the wrap-up of agent {agent_id}", "at its maximum length", "time left to add")
    if not ctx.connection.zadd(ctx.keys.wrap_ups, {agent_id: ends}, xx=True, ch=True):
        raise StateConflict(f"agent {agent_id}", "no longer in wrap-up", "wrap_up")  # the sweep ended it meanwhile
    return _require(ctx, agent_id)


def choose_code(ctx: RoutingContext, agent_id: str, code: str) -> WrapUp:
    """Record the wrap-up code for the agent's call; InvalidRequest for a code the queue does not list."""
    wrap_up = _require(ctx, agent_id)
    if code not in wrap_up.codes:
        raise InvalidRequest(f"{code!r} is not a wrap-up code of queue {wrap_up.skill} "
                             f"(choose one of: {', '.join(wrap_up.codes) or 'none configured'})")
    ctx.connection.set(_code_key(ctx, wrap_up.call_sid), code, ex=ctx.config.records.finished_ttl)
    return _require(ctx, agent_id)


def may_end(ctx: RoutingContext, agent_id: str) -> bool:
    """False while the agent's queue requires a wrap-up code and none has been chosen."""
    wrap_up = current(ctx, agent_id)
    return wrap_up is None or not wrap_up.required or bool(wrap_up.code)


def code_of(ctx: RoutingContext, sid: str) -> str:
    """The wrap-up code chosen for a call ('' = none)."""
    return text(ctx.connection.get(_code_key(ctx, sid)))
