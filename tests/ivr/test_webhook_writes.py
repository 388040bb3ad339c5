"""One webhook's writes, one script call: what it stores, what it refuses to store while a switch is set."""

from __future__ import annotations

import json

from redis import Redis

from flows.instructions import Turn, Visit
from ivr.floor import notices
from ivr.jobs import event_stream
from ivr.voice import call_context
from ivr.voice.texts import ANSWER_KEY, KEEP_SECONDS
from ivr.voice.webhook_writes import WebhookWrites

SID = "CA" + "ab" * 16
PREFIX = "cityline:"


class SqlFallback:
    """Stands in for CallEvents: what would have been written to SQL while Redis was down."""

    def __init__(self) -> None:
        self.written: list[dict] = []

    def record_synchronously(self, events: list[dict]) -> None:
        self.written.extend(events)


def turn_with(steps: int) -> Turn:
    visits = tuple(Visit(f"node{n}", str(n), "ok", said=(f"sentence {n}",)) for n in range(steps))
    return Turn((), visits, "es", {"street": "Main St", "secret": "not shown"})


def test_the_events_the_turn_for_agents_and_the_answer_arrive_together(redis: Redis):
    writes = WebhookWrites(redis, SqlFallback(), PREFIX)
    writes.record({"call_sid": SID, "kind": "started"})
    writes.record({"call_sid": SID, "kind": "turn"})
    writes.remember_turn(SID, "+13125550199", turn_with(2))
    writes.keep_answer(SID, ["Your trash day is Tuesday.", "Recycling is Friday."])
    assert writes.send() is None
    [(_, fields)] = redis.xrange(event_stream.STREAM)
    assert [e["kind"] for e in json.loads(fields[b"events"])] == ["started", "turn"]
    key, steps_key = call_context.context_keys(PREFIX, SID)
    context = call_context.load(redis, PREFIX, SID)
    assert context is not None and context.number == "+13125550199" and context.language == "es"
    assert context.values == {"street": "Main St"}  # only what agents are shown
    assert [step["node"] for step in context.steps] == ["node0", "node1"]
    assert 0 < redis.ttl(key) <= call_context.CONTEXT_SECONDS and redis.ttl(steps_key) > 0
    assert redis.get(ANSWER_KEY + SID) == b"Your trash day is Tuesday. Recycling is Friday."
    assert 0 < redis.ttl(ANSWER_KEY + SID) <= KEEP_SECONDS


def test_a_long_call_keeps_only_its_latest_steps(redis: Redis):
    for _ in range(3):
        writes = WebhookWrites(redis, SqlFallback(), PREFIX)
        writes.remember_turn(SID, None, turn_with(25))
        writes.send()
    context = call_context.load(redis, PREFIX, SID)
    assert context is not None and context.number is None
    assert len(context.steps) == call_context.MAX_STEPS == 60 and context.steps[-1]["node"] == "node24"


def test_while_a_switch_is_set_nothing_is_written_and_the_switches_come_back(redis: Redis):
    notices.close(redis, PREFIX, "flooding", "sam", {"en": "Closed for flooding."}, now=1000.0)
    writes = WebhookWrites(redis, SqlFallback(), PREFIX)
    writes.record({"call_sid": SID, "kind": "turn"})
    writes.remember_turn(SID, None, turn_with(1))
    writes.keep_answer(SID, ["Hello."])
    writes.unless_switched(*notices.switch_keys(PREFIX))
    closure, broadcast = notices.decode_switches(*writes.send())
    assert closure is not None and closure.reason == "flooding" and broadcast is None
    assert redis.xlen(event_stream.STREAM) == 0 and not redis.exists(ANSWER_KEY + SID)
    assert call_context.load(redis, PREFIX, SID) is None


def test_with_no_switch_set_the_checked_writes_go_through(redis: Redis):
    writes = WebhookWrites(redis, SqlFallback(), PREFIX)
    writes.record({"call_sid": SID, "kind": "turn"})
    writes.unless_switched(*notices.switch_keys(PREFIX))
    assert writes.send() is None and redis.xlen(event_stream.STREAM) == 1


def test_with_redis_down_the_events_go_to_sql_and_the_conveniences_are_dropped():
    down = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    fallback = SqlFallback()
    writes = WebhookWrites(down, fallback, PREFIX)
    writes.record({"call_sid": SID, "kind": "started"})
    writes.remember_turn(SID, None, turn_with(1))
    writes.unless_switched(*notices.switch_keys(PREFIX))
    assert writes.send() is None  # the caller gets the usual greeting
    assert fallback.written == [{"call_sid": SID, "kind": "started"}]
