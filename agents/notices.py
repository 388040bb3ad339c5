"""Notices: a short message routing leaves for one agent's console, about something no button explains.

The sweep leaves one when it had to act on the agent's behalf (a callback that never connected was
given up on and the agent freed).  The console shows it (words in its own text, by `key`) until it is
dismissed or the agent takes the next call.  Leaving one pushes an 'agent' event so the page reads it.
"""

from __future__ import annotations

import json
from typing import Any

from redis import Redis

from agents.push import streams

#: How long a notice waits for the agent to read it.
NOTICE_SECONDS = 3600


def _key(prefix: str, login: str) -> str:
    return f"{prefix}notice:{login}"


def leave(redis: Redis, prefix: str, login: str, key: str, values: dict[str, Any]) -> None:
    redis.set(_key(prefix, login), json.dumps({"key": key, "values": values}), ex=NOTICE_SECONDS)
    streams.publish(redis, prefix, streams.agent_topic(login), "agent", {"notice": key})


def read(redis: Redis, prefix: str, login: str) -> dict[str, Any] | None:
    raw = redis.get(_key(prefix, login))
    if not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def clear(redis: Redis, prefix: str, login: str) -> None:
    redis.delete(_key(prefix, login))
