"""Every call ends as exactly one Call row, whatever order or how often its events arrive."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ivr.jobs import call_history
from ivr.models.call import Call
from ivr.models.case import Case

SID = "CA" + "b" * 32
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def event(kind: str, seconds: int, data: dict, sequence: str | None = None) -> dict:
    return {"call_sid": SID, "kind": kind, "sequence": sequence or f"{kind}-{seconds}",
            "at": (T0 + timedelta(seconds=seconds)).isoformat(), "data": data}


def started(seconds: int = 0) -> dict:
    return event("started", seconds, {"caller": "+13125550199", "caller_withheld": False, "called": "+13125550311",
                                      "direction": "inbound"})


def turn(seconds: int, visits: list[dict], values: dict | None = None, queue: str | None = None,
         network: dict | None = None, language: str = "en") -> dict:
    return event("turn", seconds, {"from_node": None, "language": language, "visits": visits,
                                   "values": values or {}, "queue": queue, "network": network or {}})


def status(seconds: int, call_status: str = "completed", sequence: int = 3) -> dict:
    return event("status", seconds, {"status": call_status, "duration": seconds}, f"{sequence}:{call_status}")


def stored_call(sessions) -> Call:  # type: ignore[no-untyped-def]
    with sessions() as session:
        [call] = session.scalars(select(Call).where(Call.call_sid == SID)).all()
        return call


def record_all(events: list[dict]) -> None:
    for item in events:
        call_history.record_call_event(item)


OFFICE_HOURS_CALL = [
    started(),
    turn(1, [{"node": "greeting"}, {"node": "language"}]),
    turn(4, [{"node": "language", "input": "keys 2", "result": "option 2"}, {"node": "main_menu"}], language="es"),
    turn(9, [{"node": "main_menu", "input": "keys 4", "result": "option 4"},
             {"node": "office_hours_info", "handler": "office_hours.announce", "spoke": True, "result": "done"},
             {"node": "anything_else"}], language="es"),
    turn(15, [{"node": "anything_else", "input": "keys 2", "result": "option 2"}, {"node": "goodbye"}],
         language="es"),
    status(17),
]


def test_a_self_served_call_is_one_row_with_its_path(sessions):
    record_all(OFFICE_HOURS_CALL)
    call = stored_call(sessions)
    assert (call.caller, call.called, call.language, call.disposition) == (
        "+13125550199", "+13125550311", "es", "self_served")
    assert call.started_at == T0 and call.ended_at == T0 + timedelta(seconds=17)
    assert [step["node"] for step in call.path] == [
        "greeting", "language", "language", "main_menu", "main_menu", "office_hours_info", "anything_else",
        "anything_else", "goodbye"]
    assert call.answers == ["office_hours.announce"]
    assert (call.status, call.duration_seconds) == ("completed", 17)


@pytest.mark.parametrize("order", [list(reversed(range(6))), [5, 0, 3, 1, 4, 2]])
def test_out_of_order_delivery_gives_the_same_row(sessions, order):
    record_all([OFFICE_HOURS_CALL[i] for i in order])
    call = stored_call(sessions)
    assert call.disposition == "self_served" and call.path[0]["node"] == "greeting"
    assert call.path[-1]["node"] == "goodbye" and call.ended_at == T0 + timedelta(seconds=17)


def test_duplicate_and_retried_deliveries_change_nothing(sessions):
    record_all(OFFICE_HOURS_CALL)
    first = stored_call(sessions)
    assert not any(call_history.record_call_event(item) for item in OFFICE_HOURS_CALL)
    again = stored_call(sessions)
    assert (again.id, again.path, again.disposition) == (first.id, first.path, first.disposition)
    with sessions() as session:
        assert session.scalar(select(func.count(Call.id))) == 1


def test_a_caller_who_hangs_up_during_the_greeting_still_gets_a_row(sessions):
    record_all([started(), turn(1, [{"node": "greeting"}, {"node": "language"}]), status(3)])
    assert stored_call(sessions).disposition == "hung_up_in_menu"


def test_a_status_callback_alone_makes_a_row(sessions):
    record_all([status(0, "no-answer")])
    call = stored_call(sessions)
    assert call.disposition == "not_connected" and call.called == "" and call.ended_at == T0


def test_a_call_still_in_the_menus_is_in_progress(sessions):
    record_all([started(), turn(1, [{"node": "greeting"}])])
    assert stored_call(sessions).disposition == "in_progress"


QUEUED = [started(), turn(5, [{"node": "queue_general"}], queue="general-en")]


@pytest.mark.parametrize(("result", "disposition"), [
    ("bridged", "answered_by_agent"), ("hangup", "abandoned_in_queue"), ("queue-full", "overflow"),
    ("overflow", "overflow"),
])
def test_queue_results(sessions, result, disposition):
    ended = turn(65, [{"node": "queue_general", "input": result, "result": result}],
                 network={"QueueResult": result, "QueueTime": "60"})
    record_all([*QUEUED, ended, status(200)])
    call = stored_call(sessions)
    assert (call.queue, call.queue_result, call.queue_seconds, call.disposition) == (
        "general-en", result, 60, disposition)
    assert call.queue_entered_at == T0 + timedelta(seconds=5)
    if result == "bridged":
        assert call.answered_at == T0 + timedelta(seconds=65) and call.talk_seconds == 135


def test_a_voice_message_becomes_one_case_linked_to_the_call(sessions):
    message = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
    values = {"topic": "noise", "message": message, "case_ref": "2600000014"}
    closed = {"node": "route_noise", "handler": "office_hours.is_open", "spoke": False, "result": "closed"}
    events = [started(), turn(3, [closed, {"node": "leave_message_offer"}], {"topic": "noise"}),
              turn(40, [{"node": "record_message", "input": "recording of 20s"}], values,
                   network={"RecordingUrl": message, "RecordingDuration": "20"}),
              status(45)]
    for permutation in itertools.islice(itertools.permutations(events), 0, 24, 7):
        record_all(list(permutation))
    with sessions() as session:
        [case] = session.scalars(select(Case)).all()
        assert (case.reference, case.service_type.code, case.media_url, case.contact_phone) == (
            "2600000014", "noise", message, "+13125550199")
        assert [c.call_sid for c in case.calls] == [SID]
    call = stored_call(sessions)
    assert call.disposition == "voicemail" and call.recording_url == message


def test_after_hours_without_a_message(sessions):
    closed = {"node": "route_general", "handler": "office_hours.is_open", "spoke": False, "result": "closed"}
    record_all([started(), turn(3, [closed, {"node": "leave_message_offer"}]), status(9)])
    assert stored_call(sessions).disposition == "after_hours"


def test_a_message_left_while_no_number_could_be_given_still_becomes_a_case(sessions, redis):
    from ivr.cases.allocator import ReferenceAllocator
    from ivr.cases.reference import is_valid

    call_history.bind(sessions, ReferenceAllocator(redis, lambda year: 0, prefix="test:"))
    message = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE2"
    record_all([started(), turn(40, [{"node": "record_message"}], {"topic": "potholes", "message": message}),
                status(45)])
    with sessions() as session:
        [case] = session.scalars(select(Case)).all()
        assert is_valid(case.reference) and case.service_type.code == "potholes" and case.media_url == message
