"""RQ jobs on routing's voice side: place accepted callbacks, open cases for the ones nobody took, copy waits.

Web processes only enqueue (the console's accept, a placed call's status
callback, an overflow message); the worker runs the jobs.  Each job takes ids
or plain data, reloads what it needs from the router and SQL, and is safe to
run twice: placing a call is claimed per attempt in Redis
(`routing.jobs.place_callback`), cases are keyed by a source key, and copied
waits by their stream id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import Any

from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases.allocator import ReferenceAllocator
from ivr.cases.service import CaseError, NewCase, highest_sequence, open_case
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.queue_wait import QueueWait
from ivr.settings import Settings
from ivr.telephony import Telephony, TelephonyError, make_telephony
from ivr.voice.contact_center import callback_answer_url, callback_status_url
from routing import jobs as routing_jobs
from routing.calls import CallStatus, queue_name
from routing.config import load_config
from routing.router import Router
from routing.telephony import TelephonyError as PortError
from routing.waits import WaitRecord

logger = logging.getLogger(__name__)

ROUTING_QUEUE = routing_jobs.ROUTING_QUEUE
#: Placing a call: quick and never retried by RQ (a failed attempt counts against the callback instead).
PLACE_CALLBACK_OPTIONS: dict[str, Any] = routing_jobs.CALLBACK_JOB_OPTIONS
#: Opening a case only writes SQL: retried with backoff, kept a week when it fails.
CASE_JOB_OPTIONS: dict[str, Any] = {
    "job_timeout": 30, "result_ttl": 3600, "failure_ttl": 7 * 24 * 3600,
    "retry": Retry(max=5, interval=[2, 10, 30, 120, 600]),
}
#: Waits copied per read of the stream, and reads per run (a run never holds the copy lock for long).
WAITS_BATCH = 500
WAITS_BATCHES_PER_RUN = 20


@dataclass(frozen=True)
class RoutingServices:
    """What the routing jobs and the sweep work with; built once per worker process, or handed in by tests."""

    router: Router
    telephony: Telephony
    sessions: sessionmaker[Session]
    references: ReferenceAllocator
    zone: tzinfo  # the city's: case references are numbered by the city's year


def services_from(settings: Settings, redis: Redis, sessions: sessionmaker[Session]) -> RoutingServices:
    router = Router(redis, load_config(settings.routing_file), hours=settings.office_hours)
    references = ReferenceAllocator(redis, partial(_highest_in_sql, sessions))
    return RoutingServices(router, make_telephony(settings, redis), sessions, references, settings.office_hours.zone)


def _highest_in_sql(sessions: sessionmaker[Session], year: int) -> int:
    with sessions() as session:
        return highest_sequence(session, year)


_bound: RoutingServices | None = None


def bind(services: RoutingServices | None) -> None:
    """Use these services for jobs run in this process (None: build them from the environment on first use)."""
    global _bound
    _bound = services


def current() -> RoutingServices:
    global _bound
    if _bound is None:
        from ivr import redis_connection

        settings = Settings.from_env()
        redis = redis_connection.connect(settings)
        _bound = services_from(settings, redis, db.make_session_factory(db.make_engine(settings.database_url)))
    return _bound


# -- enqueueing (web processes) ------------------------------------------------------------------

def enqueue_place_callback(redis: Redis, callback_id: str) -> Job:
    return Queue(ROUTING_QUEUE, connection=redis).enqueue(place_callback_job, callback_id, **PLACE_CALLBACK_OPTIONS)


def enqueue_callback_case(redis: Redis, callback_id: str) -> Job:
    return Queue(ROUTING_QUEUE, connection=redis).enqueue(open_unanswered_callback_case, callback_id,
                                                          **CASE_JOB_OPTIONS)


def enqueue_message_case(redis: Redis, message: dict[str, str]) -> Job:
    return Queue(ROUTING_QUEUE, connection=redis).enqueue(open_overflow_message_case, message, **CASE_JOB_OPTIONS)


# -- callbacks -----------------------------------------------------------------------------------

class _Dialer:
    """The routing port's place_call, with our status callback and our error type translated to the port's."""

    def __init__(self, telephony: Telephony, status_callback: str) -> None:
        self.telephony = telephony
        self.status_callback = status_callback

    def place_call(self, to: str, url: str) -> str:
        try:
            return self.telephony.place_call(to, url, status_callback=self.status_callback)
        except TelephonyError as error:
            raise PortError(str(error)) from error


def place_callback_job(callback_id: str) -> str | None:
    """Call the resident back for a callback an agent accepted; returns the placed CallSid (None: not placed).

    A carrier refusal counts as an unanswered attempt (routing.jobs.place_callback);
    when that was the last attempt, the callback becomes a case here and now.
    """
    services = current()
    call = services.router.call(callback_id)
    if call is None or call.status is not CallStatus.DIALING:
        logger.info("callback %s is not waiting to be dialed", callback_id)
        return None
    dialer = _Dialer(services.telephony, callback_status_url(callback_id, call.attempts))
    placed = routing_jobs.place_callback(callback_id, callback_answer_url(call), router=services.router,
                                         telephony=dialer)
    if placed is None:
        open_unanswered_callback_case(callback_id)
    return placed


def open_unanswered_callback_case(callback_id: str) -> str | None:
    """A callback every attempt of which went unanswered becomes a case; returns its reference.

    Idempotent by source key; does nothing for a callback that has not failed (or that Redis forgot).
    """
    services = current()
    call = services.router.call(callback_id)
    if call is None or call.status is not CallStatus.FAILED:
        return None
    source_key = f"callback:{callback_id}:unanswered"
    with db.unit_of_work(services.sessions) as session:
        existing = session.scalar(select(Case).where(Case.source_key == source_key))
        if existing is not None:
            return existing.reference
        now = datetime.now(services.zone)
        new = NewCase(reference=services.references.allocate(now.year), service_code=call.skill, channel="phone",
                      opened_at=now, contact_phone=call.number, source_key=source_key,
                      description=f"Callback requested on hold; {call.attempts} attempts unanswered")
        return _open(session, new, callback_id).reference


def open_overflow_message_case(message: dict[str, str]) -> str:
    """A message left after the queue's maximum wait becomes the case whose number the caller was told."""
    return _open_message_case(current(), message)


def _open_message_case(services: RoutingServices, message: dict[str, str]) -> str:
    call_sid, queue = message["call_sid"], queue_name(message["skill"], message["language"])
    new = NewCase(
        reference=message["reference"], service_code=message["skill"], channel="phone",
        opened_at=datetime.fromisoformat(message["at"]), media_url=message["recording_url"],
        contact_phone=message.get("number") or None, source_key=f"call:{call_sid}:overflow-message",
        description=f"Voice message left after the maximum wait in queue {queue}.",
    )
    with db.unit_of_work(services.sessions) as session:
        return _open(session, new, call_sid).reference


def file_kept_message(services: RoutingServices, message: dict[str, str]) -> str:
    """An overflow message kept in SQL while Redis was down (the outbox): numbered if it has no number yet,
    then opened as its case once; returns the reference."""
    source_key = f"call:{message['call_sid']}:overflow-message"
    with services.sessions() as session:
        existing = session.scalar(select(Case.reference).where(Case.source_key == source_key))
    if existing is not None:
        return existing
    at = datetime.fromisoformat(message["at"])
    reference = message.get("reference") or services.references.allocate_once(
        f"overflow-message:{message['call_sid']}", at.astimezone(services.zone).year)
    return _open_message_case(services, {**message, "reference": reference})


def _open(session: Session, new: NewCase, call_sid: str) -> Case:
    """Open the case linked to the call's row (when the call log has it); unknown skills are filed as general."""
    call = session.scalar(select(Call).where(Call.call_sid == call_sid))
    calls = [call] if call is not None else []
    try:
        return open_case(session, new, calls=calls)
    except CaseError:
        logger.warning("call %s: %r is not a service type; filing as general", call_sid, new.service_code)
        return open_case(session, NewCase(**{**new.__dict__, "service_code": "general"}), calls=calls)


# -- hold-time history ---------------------------------------------------------------------------

def copy_waits(router: Router, sessions: sessionmaker[Session], batch: int = WAITS_BATCH) -> int:
    """Copy finished waits from the router's stream to `queue_waits`, each exactly once; returns rows added.

    The last copied stream id is kept in Redis, and only moved after the rows are
    committed.  A lock keeps concurrent sweeps from copying the same records; if
    one dies between commit and cursor, the rerun finds the rows (unique stream id)
    and skips them.
    """
    redis = router.ctx.connection
    lock = redis.lock(router.ctx.keys.prefix + "waits:copying", timeout=60, blocking=False)
    if not lock.acquire():
        return 0
    try:
        return _copy_batches(router, sessions, batch)
    finally:
        lock.release()


def waits_cursor_key(router: Router) -> str:
    return router.ctx.keys.prefix + "waits:copied"


def _copy_batches(router: Router, sessions: sessionmaker[Session], batch: int) -> int:
    redis, cursor = router.ctx.connection, waits_cursor_key(router)
    after, added = (redis.get(cursor) or b"0-0").decode(), 0
    for _ in range(WAITS_BATCHES_PER_RUN):
        records = router.read_waits(after=after, count=batch)
        if not records:
            break
        added += _store_waits(sessions, records)
        after = records[-1].id
        redis.set(cursor, after)
        if len(records) < batch:
            break
    return added


def _store_waits(sessions: sessionmaker[Session], records: list[WaitRecord]) -> int:
    with db.unit_of_work(sessions) as session:
        ids = [record.id for record in records]
        stored = set(session.scalars(select(QueueWait.stream_id).where(QueueWait.stream_id.in_(ids))))
        fresh = [_wait_row(record) for record in records if record.id not in stored]
        session.add_all(fresh)
    return len(fresh)


def _wait_row(record: WaitRecord) -> QueueWait:
    return QueueWait(
        stream_id=record.id, queue=queue_name(record.skill, record.language), skill=record.skill,
        language=record.language, kind=record.kind, call_sid=record.sid, priority=record.priority,
        entered_at=_moment(record.entered), announced_position=record.position,
        announced_wait_seconds=record.estimate, outcome=record.outcome, ended_at=_moment(record.ended),
        waited_seconds=record.waited, agent_login=record.agent,
    )


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
