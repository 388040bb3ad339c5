"""Background jobs (RQ) that write call history to SQL, off the caller's path.

Jobs take plain data, are idempotent and state their limits.  A worker process
builds its database connection once from the environment; tests and the
in-request fallback hand one in with `bind`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from rq import Retry
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
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
    """Store one call event; returns False when it was already stored (a retry or replay)."""
    key = (event["call_sid"], event["kind"], event["sequence"])
    with db.unit_of_work(_session_factory()) as session:
        if _already_stored(session, *key):
            return False
        session.add(CallEvent(call_sid=key[0], kind=key[1], sequence=key[2],
                              occurred_at=datetime.fromisoformat(event["at"]), data=event["data"]))
        try:
            session.flush()
        except IntegrityError:  # another worker stored it between our check and insert
            session.rollback()
            return False
    return True


def _already_stored(session: Session, call_sid: str, kind: str, sequence: str) -> bool:
    query = select(CallEvent.id).where(
        CallEvent.call_sid == call_sid, CallEvent.kind == kind, CallEvent.sequence == sequence
    )
    return session.scalar(query) is not None
