"""An agent's note reaches the case of the call they took, once, even when written long before the case exists."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ivr import agent_notes, db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, find_by_reference, open_case
from ivr.jobs import call_history
from ivr.models.pending_note import PendingNote

SID = "CA" + "e" * 32
AT = "2026-11-24T15:30:00+00:00"


def test_a_note_is_kept_until_the_case_exists_then_lands_once(sessions):
    assert call_history.add_agent_note(SID, "alice", "Resident will send photos.", AT) is False  # no case yet: kept
    for _ in range(10):  # however often the filing job runs, a note without its case stays pending
        assert call_history.file_agent_notes(SID) == 0
    with sessions() as session:
        [pending] = session.scalars(select(PendingNote)).all()
        assert (pending.text, pending.filed_at) == ("Resident will send photos.", None)
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=make_reference(2026, 3), service_code="noise", channel="phone",
                                   opened_at=datetime(2026, 11, 24, 15, tzinfo=UTC), source_key=f"call:{SID}:agent"))
    assert call_history.file_all_pending_notes(sessions) == 1  # the sweep's pass
    assert call_history.add_agent_note(SID, "alice", "Resident will send photos.", AT) is False  # a re-run job
    assert call_history.file_all_pending_notes(sessions) == 0
    with sessions() as session:
        case = find_by_reference(session, make_reference(2026, 3))
        assert [(u.note, u.public, u.status) for u in case.updates] == [
            ("Opened by phone.", True, "open"), ("Resident will send photos.", False, "open")]
        assert session.scalar(select(PendingNote.filed_at)) is not None


def test_keeping_the_same_note_twice_keeps_it_once(sessions):
    written = datetime.fromisoformat(AT)
    with db.unit_of_work(sessions) as session:
        assert agent_notes.keep(session, SID, "alice", "Two bags left out.", written) is True
        assert agent_notes.keep(session, SID, "alice", "Two bags left out.", written) is False
    with sessions() as session:
        assert len(session.scalars(select(PendingNote)).all()) == 1


def test_notes_still_waiting_never_crowd_out_a_note_whose_case_exists(sessions, monkeypatch):
    monkeypatch.setattr(agent_notes, "SWEEP_BATCH", 3)
    for n in range(5):  # older notes on calls that have no case (yet, or ever)
        call_history.add_agent_note(f"CA{n:032d}", "alice", f"waiting {n}", f"2026-11-24T1{n}:00:00+00:00")
    call_history.add_agent_note(SID, "alice", "This one can land.", "2026-11-24T16:00:00+00:00")
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=make_reference(2026, 4), service_code="noise", channel="phone",
                                   opened_at=datetime(2026, 11, 24, 15, tzinfo=UTC), source_key=f"call:{SID}:agent"))
    assert call_history.file_all_pending_notes(sessions) == 1
    with sessions() as session:
        assert session.scalar(select(PendingNote.filed_at).where(PendingNote.call_sid == SID)) is not None
