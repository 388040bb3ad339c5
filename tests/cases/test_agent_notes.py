"""An agent's note reaches the case of the call they took, once, even when written before the case exists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr import db, jobs
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, find_by_reference, open_case

SID = "CA" + "e" * 32
AT = "2026-11-24T15:30:00+00:00"


def test_a_note_waits_for_the_case_then_lands_once(sessions):
    with pytest.raises(jobs.CaseNotOpenYet):
        jobs.add_agent_note(SID, "alice", "Resident will send photos.", AT)
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=make_reference(2026, 3), service_code="noise", channel="phone",
                                   opened_at=datetime(2026, 11, 24, 15, tzinfo=UTC), source_key=f"call:{SID}:agent"))
    assert jobs.add_agent_note(SID, "alice", "Resident will send photos.", AT) is True
    assert jobs.add_agent_note(SID, "alice", "Resident will send photos.", AT) is False  # a re-run job
    with sessions() as session:
        case = find_by_reference(session, make_reference(2026, 3))
        assert [(u.note, u.public, u.status) for u in case.updates] == [
            ("Opened by phone.", True, "open"), ("Resident will send photos.", False, "open")]
