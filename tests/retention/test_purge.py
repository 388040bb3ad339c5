"""The retention purge on SQLite and PostgreSQL: old personal data goes, statistics and recent data stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, change_status, find_by_reference, open_case
from ivr.jobs import call_history
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case
from ivr.models.sms_contact import SmsContact
from ivr.retention.policy import InvalidRetention, RetentionPolicy, parse_policy
from ivr.retention.purge import purge
from ivr.telephony import TelephonyError

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=800)
RECENT = NOW - timedelta(days=3)
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE" + "1" * 32


def voicemail(sid: str, at: datetime, recording: str = RECORDING) -> list[dict]:
    """A caller who says their address, leaves a message and hangs up."""
    def event(kind: str, seconds: int, data: dict, sequence: str | None = None) -> dict:
        return {"call_sid": sid, "kind": kind, "sequence": sequence or f"{kind}-{seconds}",
                "at": (at + timedelta(seconds=seconds)).isoformat(), "data": data}
    return [
        event("started", 0, {"caller": "+13125550199", "caller_withheld": False, "called": "+13125550311",
                             "direction": "inbound"}),
        event("turn", 5, {"from_node": "main_menu", "language": "en", "visits": [
            {"node": "main_menu", "input": "speech one twenty five elm street", "result": "option 1",
             "said": ["Here is the schedule for 125 Elm Street."]}],
            "values": {"street": "Elm St", "house": "125", "message": recording},
            "queue": None, "network": {"RecordingUrl": recording, "RecordingDuration": "12", "From": "+13125550199"}}),
        event("status", 30, {"status": "completed", "duration": 30}, "3:completed"),
    ]


def record(events: list[dict]) -> None:
    for item in events:
        call_history.record_call_event(item)


def call_row(sessions, sid: str) -> Call:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalars(select(Call).where(Call.call_sid == sid)).one()


class Deleted(list):
    """The phone provider's recordings endpoint: remembers what it deleted, can refuse."""

    def __init__(self, refuse: bool = False) -> None:
        super().__init__()
        self.refuse = refuse

    def __call__(self, url: str) -> None:
        if self.refuse:
            raise TelephonyError("provider unreachable")
        self.append(url)


def test_an_old_calls_number_words_and_recording_go_but_the_call_stays_counted(sessions):
    record(voicemail("CAold", OLD))
    record(voicemail("CAnew", RECENT, recording=RECORDING.replace("1" * 32, "2" * 32)))
    before = call_row(sessions, "CAold")
    assert before.caller == "+13125550199" and before.disposition == "voicemail"
    deleted = Deleted()
    report = purge(sessions, RetentionPolicy(), NOW, deleted)
    assert report.counts["caller_details"] == 1 and report.counts["recordings"] == 1
    assert deleted == [RECORDING]
    old = call_row(sessions, "CAold")
    assert (old.caller, old.recording_url, old.details_removed) == (None, None, True)
    assert old.path[0]["input"] == "" and "said" not in old.path[0] and old.path[0]["result"] == "option 1"
    assert (old.disposition, old.duration_seconds) == ("voicemail", 30)  # still counted as what it was
    with sessions() as session:
        data = [e.data for e in session.scalars(select(CallEvent).where(CallEvent.call_sid == "CAold"))]
    assert "+13125550199" not in repr(data) and "Elm" not in repr(data) and RECORDING not in repr(data)
    recent = call_row(sessions, "CAnew")
    assert recent.caller == "+13125550199" and recent.recording_url is not None and not recent.details_removed


def test_a_late_event_rebuilding_a_scrubbed_call_cannot_bring_the_number_back(sessions):
    record(voicemail("CAold", OLD))
    purge(sessions, RetentionPolicy(), NOW, Deleted())
    call_history.record_call_event({"call_sid": "CAold", "kind": "status", "sequence": "4:completed",
                            "at": (OLD + timedelta(seconds=31)).isoformat(),
                            "data": {"status": "completed", "duration": 31}})
    rebuilt = call_row(sessions, "CAold")
    assert (rebuilt.caller, rebuilt.recording_url, rebuilt.details_removed) == (None, None, True)
    assert rebuilt.disposition == "voicemail" and rebuilt.duration_seconds == 31


def test_a_recording_the_provider_will_not_delete_keeps_its_link_for_the_next_run(sessions):
    record(voicemail("CAold", OLD))
    report = purge(sessions, RetentionPolicy(), NOW, Deleted(refuse=True))
    assert (report.counts["recordings"], report.recordings_kept) == (0, 1)
    assert call_row(sessions, "CAold").recording_url == RECORDING
    assert purge(sessions, RetentionPolicy(), NOW, Deleted()).counts["recordings"] == 1
    assert call_row(sessions, "CAold").recording_url is None


def test_a_dry_run_counts_and_changes_nothing(sessions):
    record(voicemail("CAold", OLD))
    deleted = Deleted()
    report = purge(sessions, RetentionPolicy(), NOW, deleted, dry_run=True)
    assert report.counts["caller_details"] == 1 and report.counts["recordings"] == 1 and deleted == []
    assert call_row(sessions, "CAold").caller == "+13125550199"


def test_contacts_on_cases_closed_long_ago_go_and_open_cases_keep_theirs(sessions):
    with db.unit_of_work(sessions) as session:
        for number, name in ((1, "closed long ago"), (2, "still open")):
            open_case(session, NewCase(make_reference(2024, number), "potholes", "web", OLD, description=name,
                                       contact_name="Ana Díaz", contact_phone="+13125550199",
                                       contact_email="ana@example.com"))
    with db.unit_of_work(sessions) as session:
        change_status(session, find_by_reference(session, make_reference(2024, 1)), "closed",
                      OLD + timedelta(days=1), "fixed")
    assert purge(sessions, RetentionPolicy(), NOW, Deleted()).counts["case_contacts"] == 1
    with sessions() as session:
        cases = {c.description: c for c in session.scalars(select(Case))}
    closed, still_open = cases["closed long ago"], cases["still open"]
    assert (closed.contact_name, closed.contact_phone, closed.contact_email) == ("", None, "")
    assert closed.status == "closed" and closed.service_type.code == "potholes"  # the case itself stays
    assert still_open.contact_email == "ana@example.com"


def test_residents_linked_to_a_case_lose_their_numbers_when_its_contacts_go(sessions):
    from ivr.cases import duplicates
    from ivr.models.case_reporter import CaseReporter

    with db.unit_of_work(sessions) as session:
        case = open_case(session, NewCase(reference=make_reference(2024, 9), service_code="potholes", channel="web",
                                          address="125 Elm St", opened_at=OLD))
        duplicates.join(session, case, duplicates.Reporter("phone", OLD, "+13125550142", wants_updates=True))
        change_status(session, case, "closed", OLD + timedelta(days=1), "fixed")
    assert purge(sessions, RetentionPolicy(), NOW, Deleted()).counts["case_contacts"] == 1
    with sessions() as session:
        [joined] = session.scalars(select(CaseReporter)).all()
        assert (joined.phone, joined.email, joined.joined) == (None, "", True)  # still counted, no longer reachable


def test_texting_contacts_go_but_an_opt_out_is_kept_for_ever(sessions):
    with db.unit_of_work(sessions) as session:
        session.add_all([SmsContact(phone="+13125550101", language="es", opted_out=False, updated_at=OLD),
                         SmsContact(phone="+13125550102", language="en", opted_out=True, updated_at=OLD),
                         SmsContact(phone="+13125550103", language="en", opted_out=False, updated_at=RECENT)])
    assert purge(sessions, RetentionPolicy(), NOW, Deleted()).counts["sms_contacts"] == 1
    with sessions() as session:
        assert sorted(session.scalars(select(SmsContact.phone))) == ["+13125550102", "+13125550103"]


def test_keep_means_for_ever_and_a_kind_left_out_is_not_touched(sessions):
    record(voicemail("CAold", OLD))
    report = purge(sessions, parse_policy("caller_details=keep, recordings=keep"), NOW, Deleted())
    assert "caller_details" not in report.counts and "recordings" not in report.counts
    assert call_row(sessions, "CAold").caller == "+13125550199"


@pytest.mark.parametrize(("text", "message"), [
    ("recordings=0", "out of range"),
    ("voicemails=30", "'voicemails' is not a kind of data"),
    ("recordings=30, recordings=60", "given twice"),
    ("recordings", "expected kind=days"),
])
def test_a_bad_policy_is_refused_naming_the_item(text, message):
    with pytest.raises(InvalidRetention, match=message):
        parse_policy(text)


def test_days_may_carry_a_d_and_defaults_fill_the_rest():
    policy = parse_policy(" recordings = 90d ,sms_contacts=keep")
    assert (policy.recordings, policy.sms_contacts, policy.caller_details) == (90, None, 730)


def test_one_worker_a_day_runs_the_purge(sessions, redis):
    from ivr.retention.daily import run_if_due

    record(voicemail("CAold", OLD))
    first = run_if_due(redis, sessions, RetentionPolicy(), Deleted(), now=NOW)
    again = run_if_due(redis, sessions, RetentionPolicy(), Deleted(), now=NOW + timedelta(hours=3))
    tomorrow = run_if_due(redis, sessions, RetentionPolicy(), Deleted(), now=NOW + timedelta(days=1))
    assert first is not None and first.counts["caller_details"] == 1
    assert again is None  # another worker (or this one) already did today
    assert tomorrow is not None and tomorrow.counts["caller_details"] == 0


def test_the_command_shows_the_policy_and_runs_dry(sessions, redis_url):
    from click.testing import CliRunner

    from ivr.cli import main

    record(voicemail("CAold", OLD))
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    env = {"DATABASE_URL": url, "REDIS_URL": redis_url, "RETENTION": "recordings=30"}
    shown = CliRunner().invoke(main, ["retention", "show"], env=env)
    assert "recordings: 30 days (voice messages and call recordings" in shown.output
    assert "sms_contacts: 730 days" in shown.output
    dry = CliRunner().invoke(main, ["retention", "run", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "would remove caller_details: 1" in dry.output and "would remove recordings: 1" in dry.output
    assert call_row(sessions, "CAold").caller == "+13125550199"
    bad = CliRunner().invoke(main, ["retention", "show"], env={**env, "RETENTION": "recordings=never"})
    assert bad.exit_code == 1 and "RETENTION: 'recordings=never': expected kind=days" in bad.output
