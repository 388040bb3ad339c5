"""A batch of call events (one stream job) is recorded in a few statements, whatever its size, and stays
correct: each call one row, each event once, cases opened for the calls that have one, and two workers
recording overlapping batches at the same moment neither corrupt nor duplicate a row."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, select

from ivr.jobs import call_history
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
MESSAGE = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE9"


def sid(number: int) -> str:
    return f"CA{number:032x}"


def call_events(number: int, message: bool = False) -> list[dict]:
    """A whole call as its webhooks record it: started, two turns, the status callback."""
    def at(seconds: int) -> str:
        return (T0 + timedelta(seconds=seconds)).isoformat()

    values = {"topic": "noise", "message": MESSAGE, "case_ref": "2600000014"} if message else {}
    return [
        {"call_sid": sid(number), "kind": "started", "sequence": "s", "at": at(0),
         "data": {"caller": "+13125550199", "caller_withheld": False, "called": "+13125550311"}},
        {"call_sid": sid(number), "kind": "turn", "sequence": "t1", "at": at(2),
         "data": {"language": "en", "visits": [{"node": "greeting"}], "values": {}, "queue": None, "network": {}}},
        {"call_sid": sid(number), "kind": "turn", "sequence": "t2", "at": at(5),
         "data": {"language": "en", "visits": [{"node": "main_menu", "input": "keys 4"}], "values": values,
                  "queue": None, "network": {}}},
        {"call_sid": sid(number), "kind": "status", "sequence": "3:completed", "at": at(9),
         "data": {"status": "completed", "duration": 9}},
    ]


def as_they_arrive(numbers: range | list[int], which: range = range(4)) -> list[dict]:
    """The calls' events (`which` of each) interleaved as the webhooks of calls under way reach the stream."""
    per_call = [call_events(n) for n in numbers]
    return [events[i] for i in which for events in per_call]


def statements_for(sessions, events: list[dict]) -> int:  # type: ignore[no-untyped-def]
    engine = sessions().get_bind()
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        call_history.record_call_events(events)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_a_batch_of_forty_calls_costs_no_more_statements_than_a_batch_of_three(sessions):
    few = statements_for(sessions, as_they_arrive(range(3)))
    many = statements_for(sessions, as_they_arrive(range(100, 140)))
    assert many == few <= 12
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 43
        assert session.scalar(select(func.count()).select_from(CallEvent)) == 43 * 4


def test_a_batch_rebuilds_every_call_as_its_events_say(sessions):
    call_history.record_call_events(as_they_arrive(range(5)))
    with sessions() as session:
        rows = session.scalars(select(Call).order_by(Call.call_sid)).all()
        assert [row.call_sid for row in rows] == [sid(n) for n in range(5)]
        assert all([visit["node"] for visit in row.path] == ["greeting", "main_menu"] for row in rows)
        assert all((row.caller, row.status, row.ended_at, row.disposition) ==
                   ("+13125550199", "completed", T0 + timedelta(seconds=9), "hung_up_in_menu") for row in rows)


def test_events_already_stored_are_counted_once_and_change_no_row(sessions):
    assert call_history.record_call_events(as_they_arrive(range(4))) == 16
    assert call_history.record_call_events(as_they_arrive(range(2, 6)) * 2) == 8  # calls 4 and 5 are new
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Call)) == 6
        assert session.scalar(select(func.count()).select_from(CallEvent)) == 24
        assert all(len(row.path) == 2 for row in session.scalars(select(Call)))


def test_only_the_call_that_left_a_message_gets_a_case(sessions):
    events = [*as_they_arrive(range(3)), *call_events(7, message=True), *as_they_arrive(range(3, 6))]
    call_history.record_call_events(events)
    call_history.record_call_events(events)  # retried: still one case
    with sessions() as session:
        [case] = session.scalars(select(Case)).all()
        assert (case.reference, case.media_url, [c.call_sid for c in case.calls]) == (
            "2600000014", MESSAGE, [sid(7)])
        assert session.get(Call, session.scalar(select(Call.id).where(Call.call_sid == sid(7)))).disposition == (
            "voicemail")


RECORDER = """
import json, sys, time
from ivr import db
from ivr.jobs import call_history
engine = db.make_engine(sys.argv[1])
call_history.bind(db.make_session_factory(engine))
batches = json.loads(open(sys.argv[2]).read())
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
print(sum(call_history.record_call_events(batch) for batch in batches))
"""


def test_two_processes_recording_overlapping_batches_at_once_keep_one_whole_row_per_call(
        postgres, postgres_url, tmp_path):
    """The calls have started (their rows exist).  The first process has the first turn of calls 0-29,
    30-59, ...; the second the other turn and the hang-up of calls 15-44, 45-74, ...: every call is in both,
    so they rebuild the same rows at the same moment, each with events the other has not committed yet.
    Then each records its batches again, and nothing changes."""
    calls = 120
    call_history.bind(postgres)
    call_history.record_call_events(as_they_arrive(range(calls), range(1)))
    call_history.bind(None)
    first = [as_they_arrive(range(start, start + 30), range(1, 2)) for start in range(0, calls, 30)]
    second = [as_they_arrive([n % calls for n in range(start, start + 30)], range(2, 4))
              for start in range(15, calls + 15, 30)]
    plans = {"first": first * 2, "second": second * 2}
    start = time.time() + 4  # both have imported and connected by then
    recorders = []
    for name, batches in plans.items():
        (tmp_path / name).write_text(json.dumps(batches))
        recorders.append(subprocess.Popen([sys.executable, "-c", RECORDER, postgres_url, str(tmp_path / name),
                                           str(start)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    outputs = [recorder.communicate(timeout=120) for recorder in recorders]
    assert [recorder.returncode for recorder in recorders] == [0, 0], outputs
    assert all(err == b"" for _, err in outputs), outputs  # no batch fell back to call by call, nothing failed
    assert sum(int(out) for out, _ in outputs) == calls * 3  # each event stored by exactly one of them
    with postgres() as session:
        rows = session.scalars(select(Call).order_by(Call.call_sid)).all()
        assert [row.call_sid for row in rows] == sorted(sid(n) for n in range(calls))
        assert all([visit["node"] for visit in row.path] == ["greeting", "main_menu"] and row.status == "completed"
                   and row.caller == "+13125550199" for row in rows)
        assert session.scalar(select(func.count()).select_from(CallEvent)) == calls * 4
