"""Background jobs (RQ) that write call history to SQL, off the caller's path.

Jobs take plain data, are idempotent and state their limits.  A worker process
builds its database connection once from the environment; tests and the
in-request fallback hand one in with `bind`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from rq import Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases import duplicates
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.call_record import rebuild_call
from ivr.cases.service import CaseError, NewCase, change_status, open_case
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case, case_calls
from ivr.routing_records import keep_change

logger = logging.getLogger(__name__)

CALLS_QUEUE = "calls"
#: Every job on the calls queue: short, retried with backoff, kept a week when it fails for replay.
CALL_JOB_OPTIONS: dict[str, Any] = {
    "job_timeout": 30,
    "result_ttl": 3600,
    "failure_ttl": 7 * 24 * 3600,
    "retry": Retry(max=5, interval=[2, 10, 30, 120, 600]),
}

_sessions: sessionmaker[Session] | None = None
_references: ReferenceAllocator | None = None


def bind(sessions: sessionmaker[Session] | None, references: ReferenceAllocator | None = None) -> None:
    """Use these sessions (and case numbers) for jobs in this process; None: build from the environment."""
    global _sessions, _references
    _sessions, _references = sessions, references


def _session_factory() -> sessionmaker[Session]:
    global _sessions
    if _sessions is None:
        from ivr.settings import Settings

        _sessions = db.make_session_factory(db.make_engine(Settings.from_env().database_url))
    return _sessions


def _reference_allocator() -> ReferenceAllocator:
    """Case numbers come from the same Redis counter the IVR and the web use, never from SQL alone."""
    global _references
    if _references is None:
        from redis import Redis

        from ivr.cases.service import highest_sequence
        from ivr.settings import Settings

        sessions = _session_factory()

        def highest_in_sql(year: int) -> int:
            with sessions() as session:
                return highest_sequence(session, year)

        redis = Redis.from_url(Settings.from_env().redis_url or "redis://127.0.0.1:6379/0")
        _references = ReferenceAllocator(redis, highest_in_sql)
    return _references


def record_call_event(event: dict[str, Any]) -> bool:
    """Store one call event and bring the call's row up to date; False when it was already stored."""
    with db.unit_of_work(_session_factory()) as session:
        if not _store_event(session, event):
            return False
        call, values = rebuild_call(session, event["call_sid"])
        _open_cases_or_defer(session, call, values)
    return True


def _open_cases_or_defer(session: Session, call: Call, values: dict[str, Any]) -> None:
    """Open the call's cases; without a case number now (Redis down) the event is still stored and the
    cases are left in the outbox for the sweep to number and open (`open_call_cases`)."""
    try:
        with session.begin_nested():
            _open_cases(session, call, values, _reference_allocator())
    except ReferenceUnavailable as error:
        logger.warning("call %s: no case number now (%s); the sweep opens its cases later", call.call_sid, error)
        keep_change(session, "open_cases", call.call_sid, {})


def open_call_cases(call_sid: str, sessions: sessionmaker[Session], references: ReferenceAllocator) -> None:
    """The outbox replay of a call whose cases could not be numbered: open them now (each once)."""
    with db.unit_of_work(sessions) as session:
        call, values = rebuild_call(session, call_sid)
        _open_cases(session, call, values, references)


def _open_cases(session: Session, call: Call, values: dict[str, Any], references: ReferenceAllocator) -> None:
    _open_case_for_message(session, call, values, references)
    _open_case_for_agent_call(session, call, values, references)
    duplicates.link_reporting_call(session, call)  # a problem reported by phone, no agent


def _store_event(session: Session, event: dict[str, Any]) -> bool:
    key = (event["call_sid"], event["kind"], event["sequence"])
    if _already_stored(session, *key):
        return False
    try:
        with session.begin_nested():
            session.add(CallEvent(call_sid=key[0], kind=key[1], sequence=key[2],
                                  occurred_at=datetime.fromisoformat(event["at"]), data=event["data"]))
    except IntegrityError:  # another worker stored it between our check and insert
        return False
    return True


def _already_stored(session: Session, call_sid: str, kind: str, sequence: str) -> bool:
    query = select(CallEvent.id).where(
        CallEvent.call_sid == call_sid, CallEvent.kind == kind, CallEvent.sequence == sequence
    )
    return session.scalar(query) is not None


def _open_case_for_message(session: Session, call: Call, values: dict[str, Any],
                           references: ReferenceAllocator) -> None:
    """A voice message becomes a case exactly once, under the number the caller heard.

    When no number could be given during the call (Redis was unreachable), the
    worker takes one now: the report is never lost for want of a number.
    """
    message = values.get("message")
    source_key = f"call:{call.call_sid}:message"
    if not message or _case_exists(session, source_key):
        return
    opened = call.started_at or datetime.now(UTC)
    reference = values.get("case_ref") or references.allocate(opened.year)
    _open_case_as(session, NewCase(
        reference=reference, service_code=values.get("topic") or "general", channel="phone", opened_at=opened,
        description="Voice message left on the 3-1-1 line.", media_url=message, contact_phone=call.caller,
        source_key=source_key,
    ), call)


def _case_exists(session: Session, source_key: str) -> bool:
    return session.scalar(select(Case.id).where(Case.source_key == source_key)) is not None


def _open_case_as(session: Session, new: NewCase, call: Call) -> Case:
    """Open the case under its service type; a topic the catalogue lacks is filed as general, not lost."""
    try:
        return open_case(session, new, calls=[call])
    except CaseError:
        logger.warning("call %s: %r is not a service type; filing as general", call.call_sid, new.service_code)
        return open_case(session, NewCase(**{**new.__dict__, "service_code": "general"}), calls=[call])


def _open_case_for_agent_call(session: Session, call: Call, values: dict[str, Any],
                              references: ReferenceAllocator) -> None:
    """A call an agent took becomes a case the agent (and the city) can follow, exactly once."""
    source_key = f"call:{call.call_sid}:agent"
    if not values.get("agent_login") or call.agent_id is None or _case_exists(session, source_key):
        return
    if _agents_case(session, call.call_sid) is not None:  # the agent filed it, or added the caller to one
        return
    agent = session.get(Agent, call.agent_id)
    opened = call.answered_at or call.started_at or datetime.now(UTC)
    skill = (call.queue or "general").rsplit("-", 1)[0]
    case = _open_case_as(session, NewCase(
        reference=references.allocate(opened.year), service_code=skill, channel="phone",
        opened_at=opened, description=f"Call taken by {agent.name if agent else 'an agent'}.",
        contact_phone=call.caller, source_key=source_key,
    ), call)
    if agent is not None and agent not in case.agents:
        case.agents.append(agent)


def _agents_case(session: Session, call_sid: str) -> Case | None:
    """The case the agent's console tied this call to (filed for it, or an existing one the caller joined)."""
    keyed = session.scalar(select(Case).where(Case.source_key == f"call:{call_sid}:agent"))
    if keyed is not None:
        return keyed
    return session.scalar(select(Case).join(case_calls).join(Call).where(
        Call.call_sid == call_sid, Case.source_key.is_distinct_from(f"call:{call_sid}:message")).limit(1))


class CaseNotOpenYet(RuntimeError):
    """The case for this call has not been written yet; RQ retries the job after a back-off."""


#: An agent's note can be written before the worker has opened the call's case: retry until it has.
NOTE_JOB_OPTIONS: dict[str, Any] = {**CALL_JOB_OPTIONS, "retry": Retry(max=6, interval=[2, 5, 10, 30, 120, 600])}


def add_agent_note(call_sid: str, agent_login: str, text: str, at: str) -> bool:
    """Attach an agent's private note to the case of the call they took; False if it was already there."""
    written = datetime.fromisoformat(at)
    with db.unit_of_work(_session_factory()) as session:
        case = _agents_case(session, call_sid)
        if case is None:
            raise CaseNotOpenYet(f"no case yet for call {call_sid}")
        if any(u.at == written and u.note == text for u in case.updates):
            return False
        agent = session.scalar(select(Agent).where(Agent.login == agent_login))
        change_status(session, case, case.status, written, text, agent, public=False)
    return True
