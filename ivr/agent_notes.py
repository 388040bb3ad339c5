"""Agents' private notes on the case of the call they took: kept in SQL at once, filed when the case exists.

A note can be written long before its call's case exists (the worker opens the agent's case when
the call ends, unless the agent files one first).  Retrying the filing for a while and then giving
up lost notes on long calls while the console said "Saved."; instead the note is written to
`pending_notes` in the request that saves it, and filed onto the case by whichever comes first: the
filing job right after saving, the worker opening the call's cases, or the routing sweep.  A note is
never dropped: until its case exists it simply stays pending.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ivr.cases.service import change_status
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.case import Case, case_calls
from ivr.models.pending_note import PendingNote

logger = logging.getLogger(__name__)
#: Pending notes the sweep looks at per run (oldest first).
SWEEP_BATCH = 200


def case_of_call(session: Session, call_sid: str) -> Case | None:
    """The case the agent's console tied this call to (filed for it, or an existing one the caller joined),
    else the worker's case for the agent call."""
    keyed = session.scalar(select(Case).where(Case.source_key == f"call:{call_sid}:agent"))
    if keyed is not None:
        return keyed
    return session.scalar(select(Case).join(case_calls).join(Call).where(
        Call.call_sid == call_sid, Case.source_key.is_distinct_from(f"call:{call_sid}:message")).limit(1))


def keep(session: Session, call_sid: str, agent_login: str, text: str, written: datetime) -> bool:
    """Write the note as pending (in the caller's transaction); False when this very note is already kept."""
    exists = session.scalar(select(PendingNote.id).where(
        PendingNote.call_sid == call_sid, PendingNote.agent_login == agent_login,
        PendingNote.written_at == written))
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(PendingNote(call_sid=call_sid, agent_login=agent_login, text=text, written_at=written))
    except IntegrityError:  # the same note kept by a concurrent retry
        return False
    return True


def file_pending(session: Session, call_sid: str) -> int:
    """File the call's pending notes on its case, if it has one now; returns notes filed."""
    pending = list(session.scalars(select(PendingNote).where(
        PendingNote.call_sid == call_sid, PendingNote.filed_at.is_(None)).order_by(PendingNote.written_at)))
    if not pending:
        return 0
    case = case_of_call(session, call_sid)
    if case is None:
        return 0
    for note in pending:
        written = note.written_at
        if not any(u.at == written and u.note == note.text for u in case.updates):
            agent = session.scalar(select(Agent).where(Agent.login == note.agent_login))
            change_status(session, case, case.status, written, note.text, agent, public=False)
        note.filed_at = datetime.now(UTC)
    session.flush()
    logger.info("call %s: %d agent note(s) filed on case %s", call_sid, len(pending), case.reference)
    return len(pending)


def calls_with_pending_among(session: Session, call_sids: list[str]) -> set[str]:
    """Which of these calls have notes not filed yet (the worker's batch asks once for all its calls)."""
    found: set[str] = set()
    for start in range(0, len(call_sids), SWEEP_BATCH):
        found.update(session.scalars(select(PendingNote.call_sid).where(
            PendingNote.filed_at.is_(None), PendingNote.call_sid.in_(call_sids[start:start + SWEEP_BATCH]))))
    return found


def calls_with_pending(session: Session, limit: int | None = None) -> list[str]:
    """Calls whose pending notes can be filed now (their call is linked to a case), oldest note first.

    Only calls that have a case are read, so notes still waiting (a long call, or a call that never got a
    case) never crowd out the ones that can be filed.
    """
    linked = select(Call.call_sid).join(case_calls, case_calls.c.call_id == Call.id).where(
        Call.call_sid == PendingNote.call_sid).exists()
    keyed = select(Case.id).where(Case.source_key == literal("call:") + PendingNote.call_sid + ":agent").exists()
    waiting = select(PendingNote.call_sid, PendingNote.written_at).where(PendingNote.filed_at.is_(None),
                                                                         or_(linked, keyed))
    rows = session.execute(waiting.order_by(PendingNote.written_at).limit(limit or SWEEP_BATCH))
    return list(dict.fromkeys(sid for sid, _ in rows))
