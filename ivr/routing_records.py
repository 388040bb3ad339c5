"""What routing keeps in SQL because Redis may be down or restart empty: the adapter behind routing.recovery.

- the outbox: routing changes and case numbering that could not reach Redis, replayed by the sweep;
- the callbacks promised to callers, written when promised and closed when kept or failed;
- what the call log knows: calls that ended, when a caller entered a queue, agents on live calls.

Every write is its own short transaction; a failing database is logged and reported as False, never raised
into a webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.callback import CallbackPromise
from ivr.models.outbox import OutboxEntry
from ivr.models.queue_wait import QueueWait
from routing.recovery import AgentOnCall, PromisedCallback

logger = logging.getLogger(__name__)

#: Changes replayed per sweep, and how often one is tried before it is left for a person (cityline jobs).
REPLAY_BATCH = 200
MAX_ATTEMPTS = 50
#: Agents' calls looked for after a restart: answered this recently, their row not ended.
ON_CALL_LOOKBACK = timedelta(hours=4)


class RoutingRecords:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    # -- the outbox ----------------------------------------------------------------------------

    def keep(self, kind: str, subject: str, payload: dict[str, Any] | None = None) -> bool:
        """Keep a change for the sweep to apply; True when it is in SQL (now, or from an earlier retry)."""
        try:
            with db.unit_of_work(self.sessions) as session:
                keep_change(session, kind, subject, payload or {})
        except IntegrityError:
            return True  # another process kept the same change at the same moment
        except SQLAlchemyError:
            logger.exception("CHANGE NOT KEPT (%s %s %s)", kind, subject, payload)
            return False
        return True

    def replay(self, apply: dict[str, Callable[[str, dict[str, Any]], object]],
               stop_on: tuple[type[BaseException], ...]) -> int:
        """Apply pending changes oldest first; stop at an error in `stop_on` (Redis still down). Returns applied."""
        applied = 0
        with self.sessions() as session:
            pending = list(session.scalars(select(OutboxEntry).where(
                OutboxEntry.applied_at.is_(None), OutboxEntry.attempts < MAX_ATTEMPTS).order_by(OutboxEntry.id)
                .limit(REPLAY_BATCH)))
        for entry in pending:
            error = _apply(apply[entry.kind], entry, stop_on)
            if isinstance(error, stop_on):
                break  # not the change's fault: it is tried again, uncounted, at the next sweep
            self._mark(entry.id, error)
            applied += error is None
        return applied

    def _mark(self, entry_id: int, error: BaseException | None) -> None:
        values: dict[str, Any] = ({"applied_at": datetime.now(UTC)} if error is None else
                                  {"attempts": OutboxEntry.attempts + 1, "last_error": str(error)[:500]})
        with db.unit_of_work(self.sessions) as session:
            session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id).values(**values))

    def pending(self) -> list[OutboxEntry]:
        with self.sessions() as session:
            return list(session.scalars(select(OutboxEntry).where(OutboxEntry.applied_at.is_(None))))

    # -- callbacks promised --------------------------------------------------------------------

    def promise_callback(self, callback_id: str, number: str, skill: str, language: str, priority: int = 0,
                         requested: datetime | None = None) -> bool:
        """The caller was (or is about to be) told they will be called back: keep that promise in SQL."""
        row = CallbackPromise(callback_id=callback_id, number=number, skill=skill, language=language,
                              priority=priority, requested_at=requested or datetime.now(UTC), status="promised")
        try:
            with db.unit_of_work(self.sessions) as session, session.begin_nested():
                session.add(row)
        except IntegrityError:
            return True  # promised already (a retried webhook)
        except SQLAlchemyError:
            logger.exception("callback promise for %s not kept in SQL", callback_id)
            return False
        return True

    def close_callback(self, callback_id: str, status: str) -> None:
        try:
            with db.unit_of_work(self.sessions) as session:
                session.execute(update(CallbackPromise).where(
                    CallbackPromise.callback_id == callback_id, CallbackPromise.status == "promised")
                    .values(status=status, closed_at=datetime.now(UTC)))
        except SQLAlchemyError:
            logger.exception("callback %s %s but not closed in SQL (the sweep closes it later)", callback_id, status)

    def open_callbacks(self) -> list[PromisedCallback]:
        with self.sessions() as session:
            rows = session.scalars(select(CallbackPromise).where(CallbackPromise.status == "promised"))
            return [PromisedCallback(row.callback_id, row.number, row.skill, row.language, row.priority,
                                     row.requested_at.timestamp()) for row in rows]

    # -- the call log --------------------------------------------------------------------------

    def ended(self, sids: Iterable[str]) -> set[str]:
        wanted = list(sids)
        if not wanted:
            return set()
        with self.sessions() as session:
            return set(session.scalars(select(Call.call_sid).where(Call.call_sid.in_(wanted),
                                                                   Call.ended_at.is_not(None))))

    def entered_queue(self, call_sid: str) -> float | None:
        """When the call log says this caller joined a queue (seconds since the epoch), if it knows."""
        try:
            with self.sessions() as session:
                entered = session.scalar(select(Call.queue_entered_at).where(Call.call_sid == call_sid))
        except SQLAlchemyError:
            logger.exception("entry time of %s not read", call_sid)
            return None
        return entered.timestamp() if entered is not None else None

    def agents_on_calls(self) -> list[AgentOnCall]:
        since = datetime.now(UTC) - ON_CALL_LOOKBACK
        query = (select(QueueWait, Agent).join(Agent, Agent.login == QueueWait.agent_login)
                 .outerjoin(Call, Call.call_sid == QueueWait.call_sid)
                 .where(QueueWait.outcome == "answered", QueueWait.kind == "call", QueueWait.ended_at >= since,
                        Call.ended_at.is_(None)).order_by(QueueWait.ended_at))
        with self.sessions() as session:
            latest = {agent.login: (wait, agent) for wait, agent in session.execute(query)}
            return [AgentOnCall(agent.login, agent.name, dict(agent.skills), tuple(agent.languages), wait.call_sid,
                                wait.skill, wait.language, wait.ended_at.timestamp())
                    for wait, agent in latest.values()]


def keep_change(session: Session, kind: str, subject: str, payload: dict[str, Any]) -> None:
    """Add an outbox row in the caller's transaction; a row for the same change already there is reopened."""
    existing = session.scalar(select(OutboxEntry).where(OutboxEntry.kind == kind, OutboxEntry.subject == subject))
    if existing is None:
        session.add(OutboxEntry(kind=kind, subject=subject, payload=payload, created_at=datetime.now(UTC),
                                attempts=0, last_error=""))
    elif existing.applied_at is not None:
        existing.applied_at, existing.payload, existing.attempts = None, payload, 0


def _apply(apply: Callable[[str, dict[str, Any]], object], entry: OutboxEntry,
           stop_on: tuple[type[BaseException], ...]) -> BaseException | None:
    try:
        apply(entry.subject, entry.payload)
    except stop_on as error:
        return error
    except Exception as error:
        logger.exception("replaying %s %s failed (attempt %d)", entry.kind, entry.subject, entry.attempts + 1)
        return error
    return None
