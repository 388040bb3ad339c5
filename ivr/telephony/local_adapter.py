"""The phone network on this machine: the same moves as Twilio, kept in Redis for the local caller.

Connecting a caller to an agent (or redirecting one to overflow) leaves a note
that the next hold request of that call picks up (the hold webhook then answers
<Leave/>, and the queue's action URL goes on from the router's state), which is
how `cityline call` gets connected.  Outgoing calls and texts are recorded, with
their answer and status URLs, so tests and people can play them (a second
`LocalCall` started at the answer URL).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping

from redis import Redis

logger = logging.getLogger(__name__)

PREFIX = "cityline:local-telephony:"
NOTE_TTL = 600
#: A call on hold asks for its hold loop at least this often; a call heard from within it is live.
LIVE_WINDOW = 60


class LocalTelephony:
    def __init__(self, redis: Redis, line_types: Mapping[str, str] | None = None) -> None:
        self.redis = redis
        self.line_types = dict(line_types or {})

    def line_type(self, e164: str) -> str | None:
        """From LOCAL_LINE_TYPES; any other number is a mobile."""
        return self.line_types.get(e164, "mobile")

    def connect_to_agent(self, call_sid: str, queue: str, url: str) -> None:
        self.redis.set(f"{PREFIX}dequeue:{call_sid}", url, ex=NOTE_TTL)

    def take_dequeue(self, call_sid: str) -> str | None:
        """The URL this waiting call was sent to, once (the hold webhook asks on every loop, so it is live)."""
        self.redis.set(f"{PREFIX}live:{call_sid}", "1", ex=LIVE_WINDOW)
        value = self.redis.getdel(f"{PREFIX}dequeue:{call_sid}")
        return value.decode() if value else None

    def redirect(self, call_sid: str, url: str) -> None:
        """The same note as a dequeue: the hold webhook answers <Leave/> and the queue's action goes on."""
        self.redis.set(f"{PREFIX}dequeue:{call_sid}", url, ex=NOTE_TTL)

    def call_over(self, call_sid: str) -> None:
        """The call's final status came in: this network knows it is no longer live."""
        self.redis.delete(f"{PREFIX}live:{call_sid}")
        self.redis.set(f"{PREFIX}ended:{call_sid}", "1", ex=86_400)

    def is_live(self, call_sid: str) -> bool | None:
        """From this adapter's own state: ended, heard from on hold lately, or (neither) cannot say."""
        if self.redis.exists(f"{PREFIX}ended:{call_sid}"):
            return False
        return True if self.redis.exists(f"{PREFIX}live:{call_sid}") else None

    def place_call(self, to: str, url: str, status_callback: str | None = None) -> str:
        sid = "CA" + uuid.uuid4().hex
        self._record("calls", {"sid": sid, "to": to, "url": url, "status_callback": status_callback or ""})
        logger.info("local telephony: call %s placed to %s (answer URL %s)", sid, to, url)
        return sid

    def send_sms(self, to: str, body: str) -> str:
        sid = "SM" + uuid.uuid4().hex
        self._record("sms", {"sid": sid, "to": to, "body": body})
        logger.info("local telephony: text %s to %s: %s", sid, to, body)
        return sid

    def delete_recording(self, url: str) -> None:
        """Kept in the list of deleted recordings, which the local caller's recordings are checked against."""
        self._record("deleted_recordings", {"url": url})
        logger.info("local telephony: recording %s deleted", url)

    def sent(self, kind: str) -> list[dict[str, str]]:
        """What was placed, texted or deleted, oldest first ("calls", "sms" or "deleted_recordings")."""
        return [json.loads(item) for item in self.redis.lrange(f"{PREFIX}{kind}", 0, -1)]

    def _record(self, kind: str, item: dict[str, str]) -> None:
        self.redis.rpush(f"{PREFIX}{kind}", json.dumps(item))
        self.redis.ltrim(f"{PREFIX}{kind}", -1000, -1)
