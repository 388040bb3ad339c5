"""`cityline cases`: staff move a case along its lifecycle from the command line."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from ivr import db
from ivr.cases.reference import display, make_reference
from ivr.cases.service import NewCase, find_by_reference, open_case
from ivr.cli import main

REF = make_reference(2026, 7)


def run(sessions, *args: str):  # type: ignore[no-untyped-def]
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    return CliRunner().invoke(main, ["cases", *args], env={"DATABASE_URL": url})


def test_a_case_is_worked_on_noted_and_closed(sessions):
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=REF, service_code="potholes", channel="phone",
                                   opened_at=datetime(2026, 11, 24, 15, tzinfo=UTC), address="125 Elm Street"))
    assert run(sessions, "update", display(REF), "--status", "in_progress", "--note", "Crew assigned.").exit_code == 0
    assert run(sessions, "update", REF, "--note", "Resident called again.", "--private").exit_code == 0
    closed = run(sessions, "update", REF, "--status", "closed", "--note", "Filled.", "--resolution", "Patched.")
    assert closed.exit_code == 0 and closed.output.strip() == f"{display(REF)} is closed"
    with sessions() as session:
        case = find_by_reference(session, REF)
        assert [(u.status, u.note, u.public) for u in case.updates] == [
            ("open", "Opened by phone.", True), ("in_progress", "Crew assigned.", True),
            ("in_progress", "Resident called again.", False), ("closed", "Filled.", True)]
        assert case.resolution == "Patched." and case.closed_at is not None
    shown = run(sessions, "show", REF).output
    assert "Pothole or damaged street  [closed]  125 Elm Street  via phone" in shown
    assert "Resident called again. (agent note)" in shown and "resolution: Patched." in shown


def test_bad_requests_are_refused_with_a_reason(sessions):
    with db.unit_of_work(sessions) as session:
        open_case(session, NewCase(reference=REF, service_code="noise", channel="web",
                                   opened_at=datetime(2026, 11, 24, 15, tzinfo=UTC)))
    run(sessions, "update", REF, "--status", "closed")
    reopened_wrongly = run(sessions, "update", REF, "--status", "in_progress")
    assert reopened_wrongly.exit_code == 1 and "a closed case cannot become in_progress" in reopened_wrongly.output
    mistyped = run(sessions, "show", REF[:-1] + str((int(REF[-1]) + 1) % 10))
    assert mistyped.exit_code == 2 and "is not a case number" in mistyped.output
    assert "no case" in run(sessions, "show", make_reference(2026, 99)).output
    assert "give --status, --note or both" in run(sessions, "update", REF).output
