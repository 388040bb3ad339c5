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
from ivr.cases.call_record import rebuild_call
from ivr.cases.service import CaseError, NewCase, open_case
from ivr.models.call import Call
from ivr.models.call_event import CallEvent

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


def bind(sessions: sessionmaker[Session] | None) -> None:
    """Use these sessions for jobs run in this process (None: build from DATABASE_URL on first use)."""
    global _sessions
    _sessions = sessions


def _session_factory() -> sessionmaker[Session]:
    global _sessions
    if _sessions is None:
        from ivr.settings import Settings

        _sessions = db.make_session_factory(db.make_engine(Settings.from_env().database_url))
    return _sessions


def record_call_event(event: dict[str, Any]) -> bool:
    """Store one call event and bring the call's row up to date; False when it was already stored."""
    with db.unit_of_work(_session_factory()) as session:
        if not _store_event(session, event):
            return False
        call, values = rebuild_call(session, event["call_sid"])
        _open_case_for_message(session, call, values)
    return True


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


def _open_case_for_message(session: Session, call: Call, values: dict[str, Any]) -> None:
    """A voice message the caller was given a reference for becomes that case, exactly once."""
    reference, message = values.get("case_ref"), values.get("message")
    if not (reference and message):
        return
    new = NewCase(
        reference=reference, service_code=values.get("topic") or "general", channel="phone",
        opened_at=call.started_at or datetime.now(UTC), description="Voice message left on the 3-1-1 line.",
        media_url=message, contact_phone=call.caller, source_key=f"call:{call.call_sid}:message",
    )
    try:
        open_case(session, new, calls=[call])
    except CaseError:
        logger.warning("call %s: topic %r is not a service type; filing as general", call.call_sid, new.service_code)
        open_case(session, NewCase(**{**new.__dict__, "service_code": "general"}), calls=[call])
