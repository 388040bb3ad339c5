"""Webhooks' events go through a Redis stream into batched jobs, and every call still ends as exactly one row."""

from __future__ import annotations

import time

from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from ivr.jobs import call_history, event_stream
from ivr.models.call import Call
from ivr.models.call_event import CallEvent


def sid(number: int) -> str:
    return f"CA{number:032x}"


def call_events(number: int) -> list[list[dict]]:
    """A call's webhooks: incoming (started + first turn), a key press, the status callback."""
    def event(kind: str, second: int, data: dict, sequence: str) -> dict:
        return {"call_sid": sid(number), "kind": kind, "sequence": sequence,
                "at": f"2026-11-24T15:00:{second:02d}+00:00", "data": data}

    turn = {"language": "en", "visits": [{"node": "language", "input": "keys 1"}], "values": {}, "queue": None,
            "network": {}}
    return [[event("started", 0, {"caller": "+13125550199", "called": "+13125550311"}, "s"),
             event("turn", 1, turn, "t1")],
            [event("turn", 5, turn, "t2")],
            [event("status", 9, {"status": "completed", "duration": 9}, "1:completed")]]


def append(redis, webhooks: list[list[dict]]) -> None:  # type: ignore[no-untyped-def]
    for events in webhooks:
        pipe = redis.pipeline()
        event_stream.append(pipe, events)
        pipe.execute()


def rows(sessions) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return dict(session.execute(select(Call.call_sid, Call.status)).all())


def run_jobs(redis) -> None:  # type: ignore[no-untyped-def]
    SimpleWorker([Queue(call_history.CALLS_QUEUE, connection=redis)], connection=redis).work(burst=True)


def test_many_calls_webhooks_become_one_job_and_each_call_one_row(sessions, redis):
    for number in range(20):
        append(redis, call_events(number))
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    assert event_stream.drain(redis, queue) == 60
    assert queue.count == 1 and redis.xlen(event_stream.STREAM) == 0
    run_jobs(redis)
    assert rows(sessions) == {sid(n): "completed" for n in range(20)}
    with sessions() as session:
        assert session.scalar(select(func.count(CallEvent.id))) == 20 * 4


def test_the_same_webhooks_moved_twice_are_recorded_once(sessions, redis):
    append(redis, call_events(1) + call_events(1))  # Twilio's retries, or a mover that died after its job
    event_stream.drain(redis, Queue(call_history.CALLS_QUEUE, connection=redis))
    append(redis, call_events(1))
    event_stream.drain(redis, Queue(call_history.CALLS_QUEUE, connection=redis))
    run_jobs(redis)
    assert rows(sessions) == {sid(1): "completed"}
    with sessions() as session:
        assert session.scalar(select(func.count(CallEvent.id))) == 4


def test_entries_a_dead_mover_read_but_never_moved_are_taken_over(sessions, redis):
    append(redis, call_events(7))
    event_stream.ensure_group(redis)
    redis.xreadgroup(event_stream.GROUP, "dead-mover", {event_stream.STREAM: ">"}, count=10)  # then it died
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    assert event_stream.move_batch(redis, queue, "live-mover") == 0  # not yet: the other may still be at it
    assert event_stream.move_batch(redis, queue, "live-mover", claim_after_ms=0) == 3
    run_jobs(redis)
    assert rows(sessions) == {sid(7): "completed"}


def test_a_mover_whose_move_failed_moves_what_it_had_read_on_its_next_try(sessions, redis):
    append(redis, call_events(8))
    event_stream.ensure_group(redis)
    redis.xreadgroup(event_stream.GROUP, "mover", {event_stream.STREAM: ">"}, count=10)  # then its MULTI failed
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    assert event_stream.move_batch(redis, queue, "mover") == 0  # read once: a plain read never sees them again
    assert event_stream.move_batch(redis, queue, "mover", own_pending=True) == 3  # no wait for CLAIM_AFTER_MS
    assert redis.xpending(event_stream.STREAM, event_stream.GROUP)["pending"] == 0
    run_jobs(redis)
    assert rows(sessions) == {sid(8): "completed"}


def test_a_mover_starting_again_first_moves_what_it_had_read_before(sessions, redis):
    """As after a failover: the thread's last try read entries, then Redis refused the MULTI."""
    append(redis, call_events(9))
    event_stream.ensure_group(redis)
    redis.xreadgroup(event_stream.GROUP, event_stream.consumer_name(), {event_stream.STREAM: ">"}, count=10)
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    mover = event_stream.EventMover(redis, queue).start()
    try:
        wait_for(lambda: queue.count == 1, seconds=5)
    finally:
        mover.stop()
    run_jobs(redis)
    assert rows(sessions) == {sid(9): "completed"}


def test_a_call_that_cannot_be_recorded_does_not_hold_back_its_batch(sessions, redis):
    append(redis, call_events(1))
    append(redis, [[{**call_events(2)[0][0], "at": "not a time"}]])
    append(redis, call_events(3))
    event_stream.drain(redis, Queue(call_history.CALLS_QUEUE, connection=redis))
    run_jobs(redis)
    assert rows(sessions) == {sid(1): "completed", sid(3): "completed"}
    failed = Queue(call_history.CALLS_QUEUE, connection=redis).failed_job_registry
    scheduled = Queue(call_history.CALLS_QUEUE, connection=redis).scheduled_job_registry
    assert failed.count + scheduled.count == 1  # the broken call's own job, retried and kept for replay


def test_a_running_mover_turns_webhooks_into_jobs_within_moments(sessions, redis):
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    mover = event_stream.EventMover(redis, queue).start()
    try:
        append(redis, call_events(4))
        deadline = time.monotonic() + 10
        while redis.xlen(event_stream.STREAM) and time.monotonic() < deadline:
            run_jobs(redis)  # the worker the mover runs in, taking each job it makes
            time.sleep(0.02)
    finally:
        mover.stop()
    assert redis.xlen(event_stream.STREAM) == 0
    run_jobs(redis)
    assert rows(sessions) == {sid(4): "completed"}


def wait_for(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.02)


def test_while_a_job_waits_the_mover_lets_what_arrives_become_one_bigger_job(sessions, redis):
    queue = Queue(call_history.CALLS_QUEUE, connection=redis)
    mover = event_stream.EventMover(redis, queue).start()
    try:
        append(redis, call_events(1)[:1])
        wait_for(lambda: queue.count == 1)
        for number in (2, 3, 4):
            append(redis, call_events(number))
        time.sleep(0.3)
        assert (queue.count, redis.xlen(event_stream.STREAM)) == (1, 9)  # the workers are behind: kept
        run_jobs(redis)  # as it takes the first job, the mover makes one of the nine
        wait_for(lambda: redis.xlen(event_stream.STREAM) == 0)
    finally:
        mover.stop()
    run_jobs(redis)
    assert queue.finished_job_registry.count == 2
    assert rows(sessions) == {sid(1): None, sid(2): "completed", sid(3): "completed", sid(4): "completed"}
