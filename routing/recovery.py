"""Putting routing right after Redis was unreachable or restarted empty.

Redis holds the live contact center; SQL and the phone network hold what
happened.  When the two disagree, they win:

- a change the web could not make while Redis was down (a call that ended) is
  replayed from SQL by `end_call`, idempotently;
- `remove_ghosts` takes callers whose call is over (SQL says it ended, or the
  phone network says it is no longer live) out of the queues before any agent
  is offered them;
- `release_finished_agents` frees agents left on a call that is over;
- `restore_callbacks` puts every callback still promised in SQL back in line
  with its original request time, if Redis forgot it;
- after a restart (`restarted`: the epoch key is missing), `restore_agent_calls`
  puts agents SQL and the phone network say are on a live call back on it, so
  nobody is offered a second caller.  Callers on hold rejoin by themselves at
  their next hold loop (see ivr.voice.contact_center.ContactCenter.hold).

The ports are Protocols; the SQL and telephony adapters live in the web/jobs layer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from routing.agents import AgentState
from routing.calls import CallbackRequest, CallKind, CallStatus, queue_score
from routing.exceptions import RoutingError
from routing.router import Router
from routing.scripts import text

logger = logging.getLogger(__name__)

#: An agent on one call longer than this, with the phone network not saying the call is live, is released.
MAX_PLAUSIBLE_CALL_SECONDS = 2 * 3600


@dataclass(frozen=True)
class PromisedCallback:
    id: str
    number: str
    skill: str
    language: str
    priority: int
    requested: float  # seconds since the epoch


@dataclass(frozen=True)
class AgentOnCall:
    """An agent SQL says answered a call whose row has not ended yet."""

    login: str
    name: str
    skills: dict[str, int]
    languages: tuple[str, ...]
    sid: str
    skill: str
    language: str
    answered: float


class CallLog(Protocol):
    def ended(self, sids: Iterable[str]) -> set[str]:
        """Those of these calls whose SQL row says they ended."""
        ...

    def agents_on_calls(self) -> list[AgentOnCall]:
        ...

    def open_callbacks(self) -> list[PromisedCallback]:
        ...

    def close_callback(self, callback_id: str, status: str) -> None:
        ...


class LiveCalls(Protocol):
    def is_live(self, call_sid: str) -> bool | None:
        """True: the call is still up; False: it is over; None: the phone network cannot say."""
        ...


def end_call(router: Router, sid: str) -> str:
    """The call is over: abandon it if it was waiting or offered, complete it if an agent had it."""
    call = router.call(sid)
    if call is None or call.kind is CallKind.CALLBACK:
        return "unknown" if call is None else "callback"
    try:
        if call.status in (CallStatus.WAITING, CallStatus.OFFERED):
            router.abandon(sid)
            return "abandoned"
        if call.status is CallStatus.ANSWERED:
            router.complete(sid)
            return "completed"
    except RoutingError as error:  # it moved meanwhile: nothing left to end
        logger.info("ending %s: %s", sid, error)
    return call.status.value


def restarted(router: Router) -> bool:
    """True once after Redis came back empty (or on a fresh Redis): the epoch marker was missing."""
    return bool(router.ctx.connection.set(router.ctx.keys.prefix + "epoch", f"{router.ctx.now():.0f}", nx=True))


def waiting_callers(router: Router) -> list[str]:
    """Callers on hold (waiting or being offered), oldest first."""
    return [text(member) for member in router.ctx.connection.zrange(router.ctx.keys.holding, 0, -1)]


def remove_ghosts(router: Router, log: CallLog, live: LiveCalls | None = None) -> list[str]:
    """Take callers whose call is over out of line (SQL first; the phone network too when given)."""
    sids = waiting_callers(router)
    gone = log.ended(sids)
    if live is not None:
        gone |= {sid for sid in sids if sid not in gone and live.is_live(sid) is False}
    removed = [sid for sid in sids if sid in gone and end_call(router, sid) == "abandoned"]
    for sid in removed:
        logger.warning("call %s was still waiting in routing after it ended; removed", sid)
    return removed


def release_finished_agents(router: Router, log: CallLog, live: LiveCalls,
                            max_seconds: float = MAX_PLAUSIBLE_CALL_SECONDS) -> list[str]:
    """Free agents on a call that is over: ended in SQL, unknown to routing, or implausibly long and not live."""
    now = router.ctx.now()
    on_call = [agent for agent in router.agents() if agent.state is AgentState.ON_CALL]
    ended = log.ended(agent.call for agent in on_call)
    released = []
    for agent in on_call:
        why = _why_over(router, agent.call, agent.call in ended, live, now - agent.since > max_seconds)
        if why and _release(router, agent.id, why):
            released.append(agent.id)
    return released


def _why_over(router: Router, sid: str, ended_in_sql: bool, live: LiveCalls, too_long: bool) -> str:
    call = router.call(sid) if sid else None
    if call is None or call.status not in (CallStatus.ANSWERED, CallStatus.DIALING):
        return "its call is no longer in routing"
    if call.kind is CallKind.CALL and ended_in_sql:
        return "its call ended"
    if too_long and (call.kind is CallKind.CALLBACK or live.is_live(sid) is not True):
        return "on one call far longer than plausible, the call not live"
    return ""


def _release(router: Router, agent_id: str, why: str) -> bool:
    try:
        call = router.release_agent(agent_id, f"released: {why}")
    except RoutingError as error:
        logger.info("agent %s not released: %s", agent_id, error)
        return False
    logger.warning("agent %s released from call %s: %s", agent_id, call or "(none)", why)
    return True


def restore_callbacks(router: Router, log: CallLog) -> list[str]:
    """Callbacks promised in SQL that routing forgot go back in line at their place; finished ones are closed."""
    restored = []
    for promise in log.open_callbacks():
        call = router.call(promise.id)
        if call is None:
            if _requeue_callback(router, promise):
                restored.append(promise.id)
        elif call.status in (CallStatus.COMPLETED, CallStatus.FAILED):
            log.close_callback(promise.id, "kept" if call.status is CallStatus.COMPLETED else "failed")
    return restored


def _requeue_callback(router: Router, promise: PromisedCallback) -> bool:
    request = CallbackRequest(promise.id, promise.skill, promise.language, promise.number, promise.priority)
    try:
        router.request_callback(request, entered=promise.requested)
    except RoutingError as error:
        logger.error("promised callback %s could not be put back in line: %s", promise.id, error)
        return False
    logger.warning("promised callback %s put back in line (routing had lost it)", promise.id)
    return True


def restore_agent_calls(router: Router, log: CallLog, live: LiveCalls) -> list[str]:
    """After a restart: agents on a call SQL knows of, and the phone network does not call over, are on it."""
    restored = []
    for found in log.agents_on_calls():
        if live.is_live(found.sid) is False:
            continue
        profile = {"id": found.login, "name": found.name, "skills": json.dumps(found.skills, sort_keys=True),
                   "languages": json.dumps(list(found.languages))}
        call = {"sid": found.sid, "skill": found.skill, "language": found.language,
                "answered": f"{found.answered:.6f}", "score": f"{queue_score(0, found.answered):.6f}"}
        if router.ctx.scripts.restore_on_call(profile, call, router.ctx.now()) == "ok":
            logger.warning("agent %s restored on call %s after routing lost its state", found.login, found.sid)
            restored.append(found.login)
    return restored
