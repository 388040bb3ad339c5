"""Pushed events: kept per topic in Redis, read from a cursor, resumed after a reconnect, bounded per process."""

from __future__ import annotations

import threading

import pytest
from flask import Flask

from agents.push import events_http, streams

PREFIX = "test:"


def test_a_page_reads_what_was_published_after_its_cursor_in_order(redis):
    start = streams.latest_ids(redis, PREFIX, ["agent:alice"])
    assert start == {"agent:alice": "0-0"}
    streams.publish(redis, PREFIX, "agent:alice", "offer", {"reservation": "R1"})
    streams.publish(redis, PREFIX, "agent:alice", "state", {"state": "on_call"})
    events = streams.read(redis, PREFIX, start, block_ms=10)
    assert [(e.kind, e.data) for e in events] == [("offer", {"reservation": "R1"}), ("state", {"state": "on_call"})]


def test_a_page_only_sees_its_own_topics(redis):
    cursors = streams.latest_ids(redis, PREFIX, ["agent:alice"])
    streams.publish(redis, PREFIX, "agent:bob", "offer", {"reservation": "R2"})
    assert streams.read(redis, PREFIX, cursors, block_ms=10) == []


def test_a_reconnecting_page_gets_every_event_it_missed_from_its_last_event_id(redis):
    topics = ["agent:alice", streams.FLOOR_TOPIC]
    cursors = streams.latest_ids(redis, PREFIX, topics)
    streams.publish(redis, PREFIX, "agent:alice", "offer", {"n": 1})
    [seen] = streams.read(redis, PREFIX, cursors, block_ms=10)
    cursors[seen.topic] = seen.id
    last_event_id = streams.encode_cursors(cursors)  # what EventSource sends back as Last-Event-ID
    streams.publish(redis, PREFIX, "agent:alice", "offer", {"n": 2})  # published while the page was away
    streams.publish(redis, PREFIX, streams.FLOOR_TOPIC, "wallboard", {"n": 3})
    resumed = streams.decode_cursors(last_event_id, topics)
    assert [e.data["n"] for e in streams.read(redis, PREFIX, resumed, block_ms=10)] == [2, 3]


@pytest.mark.parametrize("header", [None, "", "garbage", "agent:alice=1-0", "agent:alice=x-1;floor=0-0",
                                    "agent:alice=¹-0;floor=0-0", "agent:bob=1-0;floor=0-0"])
def test_a_last_event_id_that_is_not_ours_starts_from_now(header):
    assert streams.decode_cursors(header, ["agent:alice", "floor"]) is None


def test_the_stream_says_hello_sends_events_and_heartbeats_then_ends_and_frees_its_slot(redis):
    limit = streams.StreamLimit(1)
    assert limit.acquire()
    cursors = streams.latest_ids(redis, PREFIX, ["agent:alice"])
    streams.publish(redis, PREFIX, "agent:alice", "offer", {"reservation": "R1"})
    ticks = iter([0.0, 0.0, 0.0, 0.5, 0.5, 2.0, 2.0])
    body = list(streams.stream(redis, PREFIX, cursors, release=limit.release, seconds=1.0, heartbeat=0.01,
                            clock=lambda: next(ticks)))
    assert body[0] == f"retry: {streams.RETRY_MS}\n\n"
    assert body[1].startswith("id: agent:alice=0-0\nevent: hello\n")
    assert "event: offer\n" in body[2] and '"reservation":"R1"' in body[2]
    assert body[3] == ": heartbeat\n\n"
    assert limit.acquire(), "the slot came back when the stream ended"


def test_a_process_streams_to_at_most_its_limit_and_tells_the_rest_to_retry(env, redis):
    app = Flask(__name__)
    events_http.init_app(app, env["REDIS_URL"], PREFIX, max_streams=1)
    app.add_url_rule("/events", "events", lambda: events_http.event_stream(["agent:alice"]))
    client = app.test_client()
    first = client.get("/events", buffered=False)
    assert first.status_code == 200 and first.mimetype == "text/event-stream"
    second = client.get("/events")
    assert second.status_code == 503 and second.headers["Retry-After"] == "5"
    assert "reconnect" in second.get_json()["error"]
    first.close()  # the page went away: its thread and slot are free again
    third = client.get("/events", buffered=False)
    assert third.status_code == 200
    third.close()


def test_a_stream_limit_of_zero_pushes_nothing():
    assert not streams.StreamLimit(0).acquire()


def test_the_limit_holds_across_threads():
    limit = streams.StreamLimit(3)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(limit.acquire())) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True] * 3


def test_a_page_that_leaves_before_its_first_event_frees_its_slot(env, redis):
    app = Flask(__name__)
    events_http.init_app(app, env["REDIS_URL"], PREFIX, max_streams=1)
    app.add_url_rule("/events", "events", lambda: events_http.event_stream(["agent:alice"]))
    with app.test_request_context("/events"):
        response = events_http.event_stream(["agent:alice"])
        response.close()  # never iterated
    assert app.extensions[events_http.EXTENSION].limit.acquire()
