"""The watchdog for callbacks stuck dialing: an accepted callback that never connects must not strand its agent.

When an agent accepts a callback the agent is on the call and the callback is 'dialing' until the
resident answers (the answer webhook) or the network reports no answer (the status callback).  If
neither comes (the call could not be placed, the status report was lost, the local network has
nobody to pick up) the agent would wait forever and every state change would be refused.  After
`callbacks.dial_timeout` seconds the watchdog counts the attempt as unanswered, exactly as a
'no-answer' report would: the callback is scheduled again, or failed after its last attempt, and
the agent is free.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from routing.callbacks import callback_unanswered
from routing.context import RoutingContext
from routing.exceptions import RoutingError
from routing.reservations import Reservation
from routing.scripts import text

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StuckCallback:
    """A callback the watchdog gave up dialing: what became of it and whose console to tell."""

    callback_id: str
    agent_id: str
    number: str
    result: str  # 'scheduled' (tried again later) or 'failed' (that was the last attempt)
    dialing_for: float  # seconds since the agent accepted it


def time_out_dialing(ctx: RoutingContext, now: float) -> tuple[list[StuckCallback], list[Reservation]]:
    """Give up on callbacks dialing longer than the configured time; returns them and the offers made."""
    limit = ctx.config.callbacks.dial_timeout
    stuck, offers = [], []
    for agent_id, sid, accepted in _agents_dialing(ctx):
        if now - accepted < limit:
            continue
        number = text(ctx.connection.hget(ctx.keys.call(sid), "number"))
        try:
            result, made = callback_unanswered(ctx, sid, now)
        except RoutingError:
            continue  # connected, or swept by another process, meanwhile
        logger.warning("callback %s to %s: no answer or status within %d s; %s, agent %s freed",
                       sid, number, limit, result, agent_id)
        stuck.append(StuckCallback(sid, agent_id, number, result, now - accepted))
        offers.extend(made)
    return stuck, offers


def _agents_dialing(ctx: RoutingContext) -> list[tuple[str, str, float]]:
    """(agent, callback, accepted at) for every agent on a callback whose call is still dialing."""
    agents = [text(member) for member in ctx.connection.smembers(ctx.keys.agents)]
    pipe = ctx.connection.pipeline(transaction=False)
    for agent_id in agents:
        pipe.hmget(ctx.keys.agent(agent_id), "state", "call", "answered_at")
    on_calls = [(agent_id, text(call), text(at)) for agent_id, (state, call, at) in zip(agents, pipe.execute(),
                                                                                        strict=True)
                if text(state) == "on_call" and text(call)]
    pipe = ctx.connection.pipeline(transaction=False)
    for _, sid, _ in on_calls:
        pipe.hmget(ctx.keys.call(sid), "kind", "status")
    found = []
    for (agent_id, sid, at), (kind, status) in zip(on_calls, pipe.execute(), strict=True):
        if text(kind) == "callback" and text(status) == "dialing" and at:
            found.append((agent_id, sid, float(at)))
    return found
