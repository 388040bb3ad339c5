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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from ivr import agent_notes, db
from ivr.cases import duplicates
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.call_record import rebuild_call, rebuild_calls
from ivr.cases.service import CaseError, NewCase, open_case
from ivr.jobs.sql_retry import retry_on_disconnect
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case
from ivr.routing_records import keep_change
from routing.calls import split_queue_name

logger = logging.getLogger(__name__)

CALLS_QUEUE = "calls"
#: Every job on the calls queue: short, retried with backoff, kept a week when it fails for replay.
CALL_JOB_OPTIONS: dict[str, Any] = {
    "job_timeout": 30,
    "result_ttl": 3600,
    "failure_ttl": 7 * 24 * 3600,
    "retry": Retry(max=5, interval=[2, 10, 30, 120, 600]),
}

#: Case source keys looked up in one IN (...) list.
SOURCE_KEYS_AT_ONCE = 1000

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
        from ivr import redis_connection
        from ivr.cases.service import highest_sequence
        from ivr.settings import Settings

        sessions = _session_factory()

        def highest_in_sql(year: int) -> int:
            with sessions() as session:
                return highest_sequence(session, year)

        redis = redis_connection.connect(Settings.from_env())  # the plain URL or Sentinel's primary
        _references = ReferenceAllocator(redis, highest_in_sql)
    return _references


@retry_on_disconnect  # a connection dropped by a database failover: once more, at once
def record_call_event(event: dict[str, Any]) -> bool:
    """Store one call event and bring the call's row up to date; False when it was already stored."""
    return record_call_events([event]) == 1


def record_call_events(events: list[dict[str, Any]]) -> int:
    """Store a batch of call events (what the webhooks of the last moment recorded, ivr.jobs.event_stream) in one
    transaction; returns how many were new.  Each call touched is rebuilt once, after all its new events.

    A call whose events cannot be recorded does not hold the others back: its savepoint is rolled back, the
    rest commit, and its events go to a job of their own, retried and kept among the failed jobs like any
    other.  A batch of one call (and the in-request fallback) simply raises.
    """
    by_call: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_call.setdefault(event["call_sid"], []).append(event)
    try:
        with db.unit_of_work(_session_factory()) as session:
            return _record_batch(session, events)
    except Exception:
        if len(by_call) <= 1:
            raise
        logger.warning("a batch of %d calls' events failed; recording them call by call", len(by_call))
    new, broken = 0, []
    with db.unit_of_work(_session_factory()) as session:
        for call_sid, own in by_call.items():
            try:
                with session.begin_nested():
                    new += _record_batch(session, own)
            except Exception:
                logger.exception("call %s: events not recorded with their batch; they get a job of their own",
                                 call_sid)
                broken.append(own)
    for own in broken:
        _enqueue_alone(own)
    return new


def _record_batch(session: Session, events: list[dict[str, Any]]) -> int:
    """The whole batch in a few statements: one INSERT for every event, the calls with new events rebuilt
    together (ivr.cases.call_record.rebuild_calls), then cases opened for the few calls that have any."""
    new = _store_events(session, events)
    rebuilt = rebuild_calls(session, new)
    for call, values in _with_case_work(session, rebuilt):
        _open_cases_or_defer(session, call, values)
    return len(new)


def _store_events(session: Session, events: list[dict[str, Any]]) -> list[str]:
    """Insert the events not stored yet (one statement); returns the call of each new one."""
    rows = [{"call_sid": e["call_sid"], "kind": e["kind"], "sequence": e["sequence"],
             "occurred_at": datetime.fromisoformat(e["at"]), "data": e["data"]} for e in events]
    unique = {(r["call_sid"], r["kind"], r["sequence"]): r for r in rows}
    if not unique:
        return []
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(CallEvent).on_conflict_do_nothing(index_elements=["call_sid", "kind", "sequence"])
    # In the order they arrived: event ids follow a call's course (ivr.cases.call_record reads them by id).
    stored = session.execute(statement.returning(CallEvent.call_sid), list(unique.values())).scalars().all()
    return list(stored)


def _enqueue_alone(events: list[dict[str, Any]]) -> None:
    from rq import Queue, get_current_job

    job = get_current_job()
    if job is None:
        raise RuntimeError("call events could not be recorded")
    Queue(job.origin, connection=job.connection).enqueue(record_call_events, events, **CALL_JOB_OPTIONS)


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


def _with_case_work(session: Session, rebuilt: list[tuple[Call, dict[str, Any]]]
                    ) -> list[tuple[Call, dict[str, Any]]]:
    """The calls of a batch for which `_open_cases` has something to do, found in four queries for the
    whole batch; most calls (self-service, hang-ups) have nothing, and cost no statement more.

    It must stay in step with `_open_cases`: a call passes when any of its steps might act.
    """
    if not rebuilt:
        return []
    call_sids = [call.call_sid for call, _ in rebuilt]
    cased = _existing_source_keys(session, [f"call:{sid}:{what}" for sid in call_sids for what in ("message", "agent")])
    noted = agent_notes.calls_with_pending_among(session, call_sids)
    reported = duplicates.calls_with_reports(session, call_sids)

    def has_work(call: Call, values: dict[str, Any]) -> bool:
        sid = call.call_sid
        message = bool(values.get("message")) and f"call:{sid}:message" not in cased
        agent = bool(values.get("agent_login")) and call.agent_id is not None and f"call:{sid}:agent" not in cased
        return message or agent or sid in noted or sid in reported

    return [(call, values) for call, values in rebuilt if has_work(call, values)]


def _existing_source_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), SOURCE_KEYS_AT_ONCE):
        found.update(session.scalars(select(Case.source_key).where(
            Case.source_key.in_(keys[start:start + SOURCE_KEYS_AT_ONCE]))))
    return found


def _open_cases(session: Session, call: Call, values: dict[str, Any], references: ReferenceAllocator) -> None:
    _open_case_for_message(session, call, values, references)
    _open_case_for_agent_call(session, call, values, references)
    agent_notes.file_pending(session, call.call_sid)  # notes the agent saved before the case existed
    duplicates.link_reporting_call(session, call)  # a problem reported by phone, no agent


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
    skill = split_queue_name(call.queue or "general")[0]
    case = _open_case_as(session, NewCase(
        reference=references.allocate(opened.year), service_code=skill, channel="phone",
        opened_at=opened, description=f"Call taken by {agent.name if agent else 'an agent'}.",
        contact_phone=call.caller, source_key=source_key,
    ), call)
    if agent is not None and agent not in case.agents:
        case.agents.append(agent)


_agents_case = agent_notes.case_of_call


#: Filing agents' notes only writes SQL: retried with backoff like the other call jobs.  A note whose case
#: does not exist yet is not an error: it stays in pending_notes (ivr.agent_notes) until the case opens.
NOTE_JOB_OPTIONS: dict[str, Any] = CALL_JOB_OPTIONS


def file_agent_notes(call_sid: str) -> int:
    """File the call's pending notes on its case if it exists now; returns notes filed (0: still pending)."""
    with db.unit_of_work(_session_factory()) as session:
        return agent_notes.file_pending(session, call_sid)


@retry_on_disconnect  # a connection dropped by a database failover: once more, at once
def add_agent_note(call_sid: str, agent_login: str, text: str, at: str) -> bool:
    """Keep an agent's note (jobs queued before notes were kept at save time) and file it if it can be;
    True when it was filed now."""
    with db.unit_of_work(_session_factory()) as session:
        agent_notes.keep(session, call_sid, agent_login, text, datetime.fromisoformat(at))
        return agent_notes.file_pending(session, call_sid) > 0


def file_all_pending_notes(sessions: sessionmaker[Session]) -> int:
    """The sweep's pass: every pending note whose case now exists is filed; returns notes filed."""
    filed = 0
    with sessions() as session:
        calls = agent_notes.calls_with_pending(session)
    for call_sid in calls:
        with db.unit_of_work(sessions) as session:
            filed += agent_notes.file_pending(session, call_sid)
    return filed
