"""The phone network on this machine: the same moves as Twilio, kept in Redis for the local caller.

Connecting a caller to an agent (or redirecting one to overflow) leaves a note
that the next hold request of that call picks up (the hold webhook then answers
<Leave/>, and the queue's action URL goes on from the router's state), which is
how `cityline call` gets connected.  Outgoing calls and texts are recorded, with
their answer and status URLs, so tests and people can play them (a second
`LocalCall` started at the answer URL).

Conferences are kept here as Twilio keeps them: who is in each, muted, on hold
(with the hold URL they hear), and whether it has ended.  The local caller asks
for its own place in its conference on every pass (ivr/voice/conference_views.py), so
it hears hold music, an announcement, or is moved on, as a Twilio caller would.
An agent's softphone ("client:<login>") answers at once, as in local <Dial>s.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from redis import Redis
from redis.client import Pipeline

from ivr.telephony import TelephonyError

logger = logging.getLogger(__name__)

PREFIX = "cityline:local-telephony:"
NOTE_TTL = 600
#: A call on hold asks for its hold loop at least this often; a call heard from within it is live.
LIVE_WINDOW = 60
#: A conference nobody touched for this long is forgotten.
CONFERENCE_TTL = 4 * 3600


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
        pipe = self.redis.pipeline(transaction=False)  # one round trip on every loop (issue 10)
        pipe.set(f"{PREFIX}live:{call_sid}", "1", ex=LIVE_WINDOW)
        pipe.getdel(f"{PREFIX}dequeue:{call_sid}")
        pipe.exists(f"{PREFIX}redirect:{call_sid}")
        _, value, redirected = pipe.execute()
        if not value and redirected:  # rare: only then a second trip, so a dequeue never takes a redirect's note
            value = self.redis.getdel(f"{PREFIX}redirect:{call_sid}")
        return value.decode() if value else None

    def take_redirect(self, call_sid: str) -> str | None:
        """Where a REST redirect sent this call, once (asked by a caller in a conference: a dequeue meant for
        the queue it is about to join must wait for it there).  Asked on every pass, so the call is live."""
        self.redis.set(f"{PREFIX}live:{call_sid}", "1", ex=LIVE_WINDOW)
        value = self.redis.getdel(f"{PREFIX}redirect:{call_sid}")
        return value.decode() if value else None

    def redirect(self, call_sid: str, url: str) -> None:
        """Noted for the call's next request: on hold the webhook answers <Leave/> and the queue's action goes on
        (as for a dequeue); in a conference the caller leaves it for `url`."""
        self.redis.set(f"{PREFIX}redirect:{call_sid}", url, ex=NOTE_TTL)

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

    # -- conferences ---------------------------------------------------------------------------------

    def conference(self, name: str) -> dict[str, Any]:
        """{"participants": {sid: {"to", "muted", "held", "hold_url"}}, "ended": bool} (empty when unknown)."""
        raw = self.redis.get(self._conference_key(name))
        return json.loads(raw) if raw else {"participants": {}, "ended": False}

    def join(self, name: str, call_sid: str, to: str = "caller") -> None:
        """A call's own <Dial><Conference> brought it in (the local caller, on its first pass)."""
        def enter(room: dict[str, Any]) -> None:
            _reopen_if_ended(room)
            room["participants"].setdefault(call_sid, _participant(to))
        self._change(name, enter)

    def add_participant(self, conference: str, to: str, *, digits: str = "", muted: bool = False,
                        coach: str = "", on_end: str = "") -> str:
        sid = "CA" + uuid.uuid4().hex
        if not to.startswith("client:"):
            self._record("calls", {"sid": sid, "to": to, "url": f"conference:{conference}", "digits": digits,
                                   "status_callback": ""})
        def enter(room: dict[str, Any]) -> None:
            _reopen_if_ended(room)
            room["participants"][sid] = {**_participant(to), "muted": muted, "coach": coach, "digits": digits,
                                         "on_end": on_end}
        self._change(conference, enter)
        logger.info("local telephony: %s added to conference %s as %s", to, conference, sid)
        return sid

    def hold(self, conference: str, participant: str, hold_url: str) -> None:
        self._set(conference, participant, held=True, hold_url=hold_url)

    def unhold(self, conference: str, participant: str) -> None:
        self._set(conference, participant, held=False, hold_url="")

    def mute(self, conference: str, participant: str, muted: bool) -> None:
        self._set(conference, participant, muted=muted)

    def update_participant(self, conference: str, participant: str, *, muted: bool, coach: str = "") -> None:
        """Kept as Twilio keeps it: muted, and whom (if anyone) the participant is heard by alone."""
        self._set(conference, participant, muted=muted, coach=coach)

    def remove_participant(self, conference: str, participant: str) -> None:
        def leave(room: dict[str, Any]) -> None:
            room["participants"].pop(participant, None)
        self._change(conference, leave)

    def end_conference(self, conference: str) -> None:
        def end(room: dict[str, Any]) -> None:
            room["participants"], room["ended"] = {}, True
        self._change(conference, end)

    def _set(self, conference: str, participant: str, **values: Any) -> None:
        def update(room: dict[str, Any]) -> None:
            if participant not in room["participants"]:
                raise TelephonyError(f"{participant} is not in conference {conference}")
            room["participants"][participant].update(values)
        self._change(conference, update)

    def _change(self, name: str, change: Callable[[dict[str, Any]], None]) -> None:
        """Read, change and write one conference atomically (optimistic: retried if another process wrote)."""
        key = self._conference_key(name)

        def apply(pipe: Pipeline) -> None:
            raw = pipe.get(key)
            room = json.loads(raw) if raw else {"participants": {}, "ended": False}
            change(room)
            pipe.multi()
            pipe.set(key, json.dumps(room), ex=CONFERENCE_TTL)

        self.redis.transaction(apply, key)

    @staticmethod
    def _conference_key(name: str) -> str:
        return f"{PREFIX}conference:{name}"


def _reopen_if_ended(room: dict[str, Any]) -> None:
    """Joining a conference that ended starts a new one of that name (as on Twilio: a caller transferred to
    a queue and answered again is bridged in a fresh conference with the same name)."""
    if room["ended"]:
        room["participants"], room["ended"] = {}, False


def _participant(to: str) -> dict[str, Any]:
    return {"to": to, "muted": False, "held": False, "hold_url": ""}
