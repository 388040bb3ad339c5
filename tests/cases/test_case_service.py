"""Opening cases and moving them through open, in progress and closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import CaseError, NewCase, change_status, find_by_reference, open_case

OPENED = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def new_case(sequence: int = 1, **changes) -> NewCase:  # type: ignore[no-untyped-def]
    fields = {"reference": make_reference(2026, sequence), "service_code": "potholes", "channel": "phone",
              "opened_at": OPENED, "address": "125 Elm Street", "zip_code": "60601"}
    return NewCase(**{**fields, **changes})


def test_a_case_expects_resolution_within_its_service_sla(sessions):
    with db.unit_of_work(sessions) as session:
        case = open_case(session, new_case())
    with sessions() as session:
        stored = find_by_reference(session, case.reference)
        assert stored.expected_by == OPENED + timedelta(hours=72)
        assert stored.opened_at == OPENED and stored.opened_at.tzinfo is not None
        assert [(u.status, u.note) for u in stored.updates] == [("open", "Opened by phone.")]


def test_the_same_source_key_never_opens_two_cases(sessions):
    with db.unit_of_work(sessions) as session:
        first = open_case(session, new_case(1, source_key="call:CA1:message"))
        again = open_case(session, new_case(2, source_key="call:CA1:message"))
        assert again.id == first.id


@pytest.mark.parametrize(("changes", "message"), [
    ({"service_code": "unicorns"}, "no active service type 'unicorns'"),
    ({"channel": "fax"}, "channel must be one of"),
])
def test_bad_requests_are_refused_with_a_reason(sessions, changes, message):
    with pytest.raises(CaseError, match=message), db.unit_of_work(sessions) as session:
        open_case(session, new_case(**changes))


def test_the_lifecycle_records_each_step(sessions):
    with db.unit_of_work(sessions) as session:
        case = open_case(session, new_case())
        change_status(session, case, "in_progress", OPENED + timedelta(hours=1), "Crew assigned.")
        change_status(session, case, "closed", OPENED + timedelta(hours=5), "Filled.")
    with sessions() as session:
        stored = find_by_reference(session, case.reference)
        assert stored.status == "closed" and stored.closed_at == OPENED + timedelta(hours=5)
        assert [u.status for u in stored.updates] == ["open", "in_progress", "closed"]


def test_a_closed_case_can_be_reopened_but_not_set_in_progress(sessions):
    with db.unit_of_work(sessions) as session:
        case = open_case(session, new_case())
        change_status(session, case, "closed", OPENED)
        with pytest.raises(CaseError, match="a closed case cannot become in_progress"):
            change_status(session, case, "in_progress", OPENED)
        change_status(session, case, "open", OPENED, "Reopened: still there.")
        assert case.closed_at is None
