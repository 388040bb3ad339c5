"""Server-sent events over HTTP: one Flask response per open page, fed by `agents.push.streams`.

The blueprints choose the topics a user may read (an agent: their own; a
supervisor: the floor) and call `event_stream`; this module holds the
per-process pieces: a Redis client whose socket outlasts a blocking read, and
the limit on pages streamed at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from redis import Redis

from agents.push import streams

EXTENSION = "cityline_push"


class PushServer:
    def __init__(self, redis: str | Callable[..., Redis], prefix: str, max_streams: int) -> None:
        """`redis`: a URL, or a function making a client from connection options (ivr.redis_connection.connect)."""
        connect: Callable[..., Redis] = (lambda **options: Redis.from_url(redis, **options)) if isinstance(
            redis, str) else redis
        self.redis = connect(socket_timeout=streams.HEARTBEAT_SECONDS + 10, socket_connect_timeout=2)
        self.prefix = prefix
        self.limit = streams.StreamLimit(max_streams)


def init_app(app: Flask, redis: str | Callable[..., Any], prefix: str, max_streams: int) -> None:
    app.extensions[EXTENSION] = PushServer(redis, prefix, max_streams)


def server() -> PushServer:
    return current_app.extensions[EXTENSION]


def event_stream(topics: list[str], on_beat: Callable[[], None] | None = None) -> Response:
    """Stream `topics` from where the page left off (Last-Event-ID), or from now; 503 when this process is full."""
    push_server = server()
    if not push_server.limit.acquire():
        response = jsonify(error="Live updates are busy on this server; the page will reconnect shortly.")
        response.status_code, response.headers["Retry-After"] = 503, "5"
        return response
    try:
        cursors = streams.decode_cursors(request.headers.get("Last-Event-ID"), topics) or streams.latest_ids(
            push_server.redis, push_server.prefix, topics)
    except Exception:
        push_server.limit.release()
        raise
    release = _once(push_server.limit.release)
    body = streams.stream(push_server.redis, push_server.prefix, cursors, release=release, on_beat=on_beat)
    response = Response(body, mimetype="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    response.call_on_close(release)  # also when the page left before the first event was sent
    return response


def _once(action: Callable[[], None]) -> Callable[[], None]:
    done = threading.Event()

    def run() -> None:
        if not done.is_set():
            done.set()
            action()

    return run
