"""What the console shows about a call or callback: who, what they told the IVR, and what came before.

Live facts come from routing (queue, status, wait) and the call's context in
Redis (number, steps, values, answers heard); history comes from SQL.  A
history that cannot be read is left out, never an error: the offer matters more.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from agents.console import history
from ivr.voice import call_context
from ivr.voice.contact_center import topic

logger = logging.getLogger(__name__)
#: Why an agent is not ready, in words the console shows (the router's reason codes).
REASONS = {"timed_out": "missed offer", "rejected": "declined offer", "telephony": "call not connected"}


def about(services: Any, sid: str) -> dict[str, Any] | None:
    router = services.router
    call = router.call(sid)
    if call is None:
        return None
    context = call_context.load(services.redis, router.ctx.keys.prefix, sid)
    number = call.number or (context.number if context else None) or ""
    return {
        "kind": call.kind.value, "number": number, "withheld": not number,
        "language": call.language, "queue": call.queue, "skill": call.skill, "topic": topic(call.skill, "en"),
        "status": call.status.value, "waited": round(call.waited(router.ctx.now())), "entered": call.entered,
        "attempt": call.attempts + 1, "max_attempts": router.ctx.config.callbacks.max_attempts,
        "steps": context.steps if context else [], "values": context.values if context else {},
        "heard": context.heard if context else [],
        "history": _history(services, number, sid) if number else {"cases": [], "calls": []},
    }


def _history(services: Any, number: str, sid: str) -> dict[str, Any]:
    try:
        with services.sessions() as session:
            return history.previous(session, number, except_call=sid)
    except SQLAlchemyError as error:
        logger.warning("history of %s not shown with its offer: %s", number, error)
        return {"cases": [], "calls": [], "unavailable": True}


def wrap_up_ends(services: Any, login: str) -> float | None:
    """When the agent's wrap-up ends (seconds since the epoch), or None when not in wrap-up."""
    router = services.router
    return router.ctx.connection.zscore(router.ctx.keys.wrap_ups, login)
