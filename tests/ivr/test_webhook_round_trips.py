"""What a webhook records reaches Redis in one round trip, its events in one stream entry (issue 10)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from redis import Redis
from redis.connection import Connection

from ivr.jobs import event_stream
from tests.conftest import CALL_SID, TwilioClient

OTHER_CALL = "CA" + "fedcba9876543210" * 2


def stream_entries(redis: Redis) -> list[list[dict]]:
    return [json.loads(fields[b"events"]) for _, fields in redis.xrange(event_stream.STREAM)]


class Trips(list):
    """The requests sent to Redis by this process (a command, a pipeline or a MULTI/EXEC: one each)."""

    @property
    def writes(self) -> list[bytes]:
        return [trip for trip in self if trip.split(b"\r\n")[2] not in READS]

    def count(self, command: bytes) -> int:  # type: ignore[override]
        return sum(1 for trip in self if trip.split(b"\r\n")[2] == command)


#: What reading the supervisor's switches and the caller's routing state sends (ivr/floor, routing/).
READS = {b"GET", b"MGET", b"HGETALL", b"ZCOUNT", b"ZSCORE", b"HMGET", b"SMEMBERS", b"SCARD"}


@contextmanager
def round_trips() -> Iterator[Trips]:
    sent = Trips()
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):  # type: ignore[no-untyped-def]
        sent.append(b"".join(command) if isinstance(command, list) else command)
        return original(self, command, check_health)

    Connection.send_packed_command = counting  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        Connection.send_packed_command = original  # type: ignore[method-assign]


@pytest.fixture
def warm(twilio):  # type: ignore[no-untyped-def]
    """One call first: RQ asks the server's version once per process, and connections are opened."""
    twilio.post("/voice/incoming", {"CallSid": OTHER_CALL})
    twilio.post("/voice/step?node=language&lang=en", {"CallSid": OTHER_CALL, "Digits": "1"})
    return twilio


def test_a_new_call_is_answered_after_one_round_trip_to_redis(warm, redis):
    with round_trips() as sent:
        response = warm.post("/voice/incoming")
    assert response.status_code == 200 and b"<Gather" in response.data
    # everything it records, with the supervisor's closure and broadcast checked first, in one script call
    assert len(sent) == 1 and sent.count(b"EVALSHA") == 1
    [events] = [events for events in stream_entries(redis) if events[0]["call_sid"] == CALL_SID]
    assert [event["kind"] for event in events] == ["started", "turn"]
    assert redis.exists(f"cityline:callctx:{CALL_SID}:steps")  # the path for agents went in the same trip


def test_a_menu_key_press_costs_one_round_trip_and_an_answer_is_kept_for_texting_in_it(warm, redis):
    warm.post("/voice/incoming")
    warm.post("/voice/step?node=language&lang=en", {"Digits": "1"})
    with round_trips() as sent:
        response = warm.post("/voice/step?node=main_menu&lang=en", {"Digits": "2"})
    assert response.status_code == 200 and b"pothole" in response.data
    assert len(sent) == 1 and sent.count(b"EVALSHA") == 1


def test_a_hold_announcement_reads_the_ticket_once(app, warm, redis):
    from routing.agents import AgentProfile, AgentState

    router = app.extensions["cityline"].router  # someone staffs the line (if nobody: test_unstaffed_hold)
    router.register_agent(AgentProfile("zoe", "Zoe", {"general": 5}, ("en",)))
    router.set_agent_state("zoe", AgentState.AVAILABLE)
    warm.post("/voice/incoming")
    warm.post("/voice/step?node=language&lang=en", {"Digits": "1"})
    assert b"<Enqueue" in warm.post("/voice/step?node=main_menu&lang=en", {"Digits": "0"}).data
    with round_trips() as sent:
        response = warm.post("/voice/hold?skill=general&lang=en", {"QueuePosition": "1"})
    assert b"You are next in line." in response.data and b"<Play>" in response.data
    assert sent.count(b"HGETALL") == 1  # the caller's entry is read once, for the announcement and the offer
    # the local network's notes (one pipeline), the entry with the supervisor's switches, the queue load
    assert [trip.split(b"\r\n")[2] for trip in sent] == [b"SET", b"HGETALL", b"ZCOUNT"]
    assert b"MGET" in sent[1] and b"floor:closure" in sent[1]  # the switches ride with the entry
    assert b"ZSCORE" in sent[2]  # and the place in line with the queue load
    assert b"GETDEL" in sent[0] and b"local-telephony:live:" in sent[0]  # noted live and dequeue asked, one trip


def test_the_started_event_is_kept_even_when_the_flow_fails_to_begin(app, twilio, redis, monkeypatch):
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("flow broke")

    monkeypatch.setattr(app.extensions["cityline"].engine, "begin", broken)
    app.testing = False  # a real 500, as Twilio would get it
    assert twilio.post("/voice/incoming").status_code == 500
    [events] = stream_entries(redis)
    assert [event["kind"] for event in events] == ["started"]


@contextmanager
def sql_statements(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    engine, statements = app.extensions["cityline"].sql, []

    def note(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_webhooks_whose_answer_needs_no_data_run_no_sql(app, warm):
    with sql_statements(app) as statements:
        warm.post("/voice/incoming")
        warm.post("/voice/step?node=language&lang=en", {"Digits": "1"})
        warm.post("/voice/step?node=main_menu&lang=en", {"Digits": "4"})  # office hours, from the flow
        warm.post("/voice/step?node=main_menu&lang=en", {"Digits": "0"})  # to the queue
        warm.post("/voice/hold?skill=general&lang=en", {"QueuePosition": "1"})
        warm.post("/voice/status", {"CallStatus": "completed", "CallDuration": "30", "SequenceNumber": "1"})
    assert statements == []


def test_a_hold_loop_still_hears_a_closure_and_a_broadcast_once_each(app, warm, redis):
    from ivr.floor import notices

    prefix = app.extensions["cityline"].router.ctx.prefix
    warm.post("/voice/incoming")
    warm.post("/voice/step?node=language&lang=en", {"Digits": "1"})
    warm.post("/voice/step?node=main_menu&lang=en", {"Digits": "0"})
    notices.close(redis, prefix, "flooding", "sam", {"en": "The line is closed for flooding."}, now=1000.0)
    notices.start_broadcast(redis, prefix, {"en": "Trash pickup is delayed a day."}, queue="", greeting=False,
                            by="sam", seconds=600, now=time.time())
    with round_trips() as sent:
        first = warm.post("/voice/hold?skill=general&lang=en", {"QueuePosition": "1"}).data
    again = warm.post("/voice/hold?skill=general&lang=en", {"QueuePosition": "1"}).data
    assert b"closed for flooding" in first and b"Trash pickup is delayed" in first
    assert b"closed for flooding" not in again and b"Trash pickup is delayed" not in again
    assert sum(b"MGET" in trip for trip in sent) == 1 and sent.count(b"GET") == 0  # both switches in one read


def test_a_new_call_during_a_closure_hears_it_from_the_same_single_read(app, warm, redis):
    from ivr.floor import notices

    prefix = app.extensions["cityline"].router.ctx.prefix
    notices.close(redis, prefix, "storm", "sam", {}, now=1000.0)
    with round_trips() as sent:
        response = warm.post("/voice/incoming")
    assert b"not taking calls right now because of an emergency" in response.data
    assert sent.count(b"MGET") == 1 and sent.count(b"GET") == 0
    # the greeting built before the switches were read was not recorded: the call started, and was closed
    recorded = [event["kind"] for events in stream_entries(redis) for event in events
                if event["call_sid"] == CALL_SID]
    assert recorded == ["started"]
    assert not redis.exists(f"cityline:callctx:{CALL_SID}:steps")


def test_a_new_call_during_a_closure_hears_it_even_when_the_flow_cannot_begin(app, twilio, redis, monkeypatch):
    from ivr.floor import notices

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("flow broke")

    monkeypatch.setattr(app.extensions["cityline"].engine, "begin", broken)
    notices.close(redis, app.extensions["cityline"].router.ctx.prefix, "storm", "sam", {}, now=1000.0)
    response = twilio.post("/voice/incoming")
    assert response.status_code == 200
    assert b"not taking calls right now because of an emergency" in response.data
    assert [event["kind"] for events in stream_entries(redis) for event in events] == ["started"]


def test_a_new_call_during_a_greeting_broadcast_records_the_greeting_it_heard(app, warm, redis):
    from ivr.floor import notices

    prefix = app.extensions["cityline"].router.ctx.prefix
    notices.start_broadcast(redis, prefix, {"en": "Trash pickup is delayed a day."}, queue="", greeting=True,
                            by="sam", seconds=600, now=time.time())
    with round_trips() as sent:
        response = warm.post("/voice/incoming")
    assert b"Trash pickup is delayed a day." in response.data and b"<Gather" in response.data
    assert sent.count(b"EVALSHA") == 2  # the first wrote nothing: a broadcast was on
    [events] = [events for events in stream_entries(redis) if events[0]["call_sid"] == CALL_SID]
    assert [event["kind"] for event in events] == ["started", "turn"]  # once each, as the caller heard it


def latency_counts(redis: Redis, endpoint: str) -> dict[bytes, bytes]:
    return redis.hgetall(f"cityline:metrics:webhook:{endpoint}")


def test_webhook_latency_costs_no_round_trip_per_webhook_and_adds_up_across_processes(app, env, warm, redis):
    from ivr.app import create_app
    from ivr.voice import webhook_metrics

    batch = app.extensions[webhook_metrics.EXTENSION]
    batch.flush()
    before = int(latency_counts(redis, "voice.incoming").get(b"count", 0))
    with round_trips() as sent:
        for _ in range(5):
            warm.post("/voice/incoming", {"CallSid": "CA" + uuid.uuid4().hex}).close()  # closed as gunicorn does
    assert sent.count(b"HINCRBY") == 0 and len(sent) == 5  # each webhook: its switches checked and its writes
    other = create_app(env)  # another web process, on its own batch
    other_batch = other.extensions[webhook_metrics.EXTENSION]
    TwilioClient(other.test_client()).post("/voice/incoming", {"CallSid": "CA" + uuid.uuid4().hex}).close()
    assert int(latency_counts(redis, "voice.incoming").get(b"count", 0)) == before  # nothing sent yet
    batch.flush_seconds = other_batch.flush_seconds = 0.0  # a second has gone by: the next closed answer sends
    with round_trips() as sent:
        warm.post("/voice/incoming", {"CallSid": "CA" + uuid.uuid4().hex}).close()
    assert sent.count(b"SADD") == 1  # one pipeline with the sums of the six webhooks this process answered
    other_batch.flush()
    counts = latency_counts(redis, "voice.incoming")
    assert int(counts[b"count"]) == before + 7
    assert sum(int(v) for k, v in counts.items() if k not in (b"count", b"sum")) == before + 7
    other.extensions["cityline"].sql.dispose()
    other.extensions["cityline"].redis.close()


def test_latency_the_batch_could_not_send_is_sent_with_the_next_flush(app, redis, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from ivr.voice import webhook_metrics

    batch = webhook_metrics.LatencyBatch(redis, "cityline:test-batch:")
    batch.add("voice.step", 0.003)
    batch.add("voice.step", 0.2)
    real_pipeline = redis.pipeline

    class Down:
        def __getattr__(self, name):  # type: ignore[no-untyped-def]
            return lambda *args, **kwargs: None

        def execute(self):  # type: ignore[no-untyped-def]
            raise RedisConnectionError("down")

    monkeypatch.setattr(redis, "pipeline", lambda **kwargs: Down())
    batch.flush()  # Redis away: logged, kept
    monkeypatch.setattr(redis, "pipeline", real_pipeline)
    batch.add("voice.step", 20.0)
    batch.flush()
    counts = redis.hgetall("cityline:test-batch:metrics:webhook:voice.step")
    assert counts[b"count"] == b"3" and counts[b"0"] == b"1" and counts[b"5"] == b"1" and counts[b"inf"] == b"1"
    assert abs(float(counts[b"sum"]) - 20.203) < 1e-9


def test_a_turn_heard_by_every_caller_is_rendered_once_per_process_and_read_the_same(app, warm, monkeypatch):
    from ivr.voice.twiml import Renderer

    built = []
    real_render = Renderer.render
    monkeypatch.setattr(Renderer, "render",
                        lambda self, instructions: built.append(1) or real_render(self, instructions))
    greetings = [warm.post("/voice/incoming", {"CallSid": "CA" + uuid.uuid4().hex}).data for _ in range(3)]
    menu = warm.post("/voice/step?node=language&lang=en", {"Digits": "1"}).data
    assert greetings[0] == greetings[1] == greetings[2] and b"<Gather" in greetings[0]
    assert built == []  # the warm call built both already
    assert b"<Gather" in menu and menu != greetings[0]
    spanish = warm.post("/voice/step?node=language&lang=en", {"Digits": "2"}).data
    assert built == [1] and spanish not in (menu, greetings[0])  # a new turn: built, and its own document
