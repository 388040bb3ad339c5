"""What a supervisor tells callers: a broadcast heard on hold (and, optionally, at the greeting), and the closure.

Kept in Redis so every web process speaks the same words the moment a
supervisor sets them.  A broadcast lasts `seconds` (the key expires) and each
waiting caller hears it once, at their next hold loop: a set of the callers
who heard it is kept beside it.  An emergency closure lasts until reopened:
every new call hears its message and goes to the message/callback path
(`ivr.floor.voice_hooks`); callers already on hold hear it once, like a
broadcast, and keep their place.  Messages are per language; a caller whose
language has no text hears the first text there is, in its own voice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from ivr.i18n import catalogs

if TYPE_CHECKING:
    from redis import Redis

#: Longest broadcast (seconds) and longest message (characters) a supervisor may set.
MAX_BROADCAST_SECONDS = 24 * 3600
MAX_MESSAGE_CHARS = 500



class NoticeError(ValueError):
    """A broadcast or closure that cannot be set as asked; the message says why, for the supervisor."""


@dataclass(frozen=True)
class Broadcast:
    id: str
    messages: Mapping[str, str]  # language -> what callers hear
    queue: str  # '' for every queue
    greeting: bool  # also said at the greeting to every new caller while it lasts
    by: str
    at: float
    until: float

    def reaches(self, queue: str) -> bool:
        return not self.queue or self.queue == queue


@dataclass(frozen=True)
class Closure:
    reason: str
    by: str
    at: float
    messages: Mapping[str, str] = field(default_factory=dict)

    def message(self, language: str) -> tuple[str, str]:
        return spoken_in(self.texts(), language)

    def texts(self) -> dict[str, str]:
        """The typed messages, the default words for languages left empty."""
        return {**closure_messages(), **self.messages}


def closure_messages() -> dict[str, str]:
    """What callers hear during a closure when the supervisor typed nothing: catalog id floor.closure, in every
    language that has it."""
    books = catalogs()
    return {language: books.text(language, "floor.closure") for language in books.languages
            if books.raw(language, "floor.closure")}


def _broadcast_key(prefix: str) -> str:
    return f"{prefix}floor:broadcast"


def _heard_key(prefix: str, broadcast_id: str) -> str:
    return f"{prefix}floor:broadcast:{broadcast_id}:heard"


def _closure_key(prefix: str) -> str:
    return f"{prefix}floor:closure"


def clean_messages(messages: Mapping[str, str], languages: tuple[str, ...]) -> dict[str, str]:
    """The non-empty texts in the center's languages, checked; NoticeError when none is usable."""
    cleaned = {language: " ".join(str(messages.get(language) or "").split()) for language in languages}
    cleaned = {language: message for language, message in cleaned.items() if message}
    if any(len(message) > MAX_MESSAGE_CHARS for message in cleaned.values()):
        raise NoticeError(f"a message is at most {MAX_MESSAGE_CHARS} characters")
    return cleaned


def start_broadcast(redis: Redis, prefix: str, messages: Mapping[str, str], *, queue: str, greeting: bool,
                    by: str, seconds: int, now: float) -> Broadcast:
    """Replace any broadcast with this one, for `seconds`."""
    if not messages:
        raise NoticeError("type the message callers should hear")
    if not 60 <= seconds <= MAX_BROADCAST_SECONDS:
        raise NoticeError(f"a broadcast lasts from 1 minute to {MAX_BROADCAST_SECONDS // 3600} hours")
    broadcast = Broadcast(uuid.uuid4().hex[:12], dict(messages), queue, greeting, by, now, now + seconds)
    redis.set(_broadcast_key(prefix), json.dumps(asdict(broadcast)), ex=seconds)
    return broadcast


def current_broadcast(redis: Redis, prefix: str) -> Broadcast | None:
    raw = redis.get(_broadcast_key(prefix))
    return Broadcast(**json.loads(raw)) if raw else None


def stop_broadcast(redis: Redis, prefix: str) -> Broadcast | None:
    broadcast = current_broadcast(redis, prefix)
    redis.delete(_broadcast_key(prefix))
    return broadcast


def close(redis: Redis, prefix: str, reason: str, by: str, messages: Mapping[str, str], now: float) -> Closure:
    reason = " ".join(reason.split())
    if not reason:
        raise NoticeError("say why the line is closing: the reason is kept in the audit log")
    closure = Closure(reason[:300], by, now, dict(messages))
    redis.set(_closure_key(prefix), json.dumps(asdict(closure)))
    return closure


def current_closure(redis: Redis, prefix: str) -> Closure | None:
    raw = redis.get(_closure_key(prefix))
    return Closure(**json.loads(raw)) if raw else None


def switch_keys(prefix: str) -> tuple[str, str]:
    """Where the closure and the broadcast live (a webhook's write script reads them: ivr.voice.webhook_writes)."""
    return _closure_key(prefix), _broadcast_key(prefix)


def switches(redis: Redis, prefix: str) -> tuple[Closure | None, Broadcast | None]:
    """The closure and the broadcast in one round trip: every new call and every hold loop asks for both."""
    return decode_switches(*redis.mget(*switch_keys(prefix)))


def decode_switches(closure: bytes | str | None, broadcast: bytes | str | None) \
        -> tuple[Closure | None, Broadcast | None]:
    """The two switches from their stored JSON (None where unset)."""
    return (Closure(**json.loads(closure)) if closure else None,
            Broadcast(**json.loads(broadcast)) if broadcast else None)


def reopen(redis: Redis, prefix: str) -> Closure | None:
    closure = current_closure(redis, prefix)
    redis.delete(_closure_key(prefix))
    return closure


def spoken_in(messages: Mapping[str, str], language: str) -> tuple[str, str]:
    """(text, the language it is in): the caller's language when there is text for it, else the first."""
    if messages.get(language):
        return messages[language], language
    first = next(iter(messages))
    return messages[first], first


def for_caller_on_hold(redis: Redis, prefix: str, sid: str, queue: str, language: str,
                       switched: tuple[Closure | None, Broadcast | None] | None = None) -> list[tuple[str, str]]:
    """What this caller has not heard yet, once each: the closure message, then the broadcast reaching their queue
    (`switched`: the switches, when the caller read them already)."""
    said = []
    closure, broadcast = switched if switched is not None else switches(redis, prefix)
    heard_closure = f"{_closure_key(prefix)}:heard:{int(closure.at)}" if closure is not None else ""
    if closure is not None and redis.sadd(heard_closure, sid):
        redis.expire(heard_closure, 7 * 24 * 3600)
        said.append(closure.message(language))
    if broadcast is not None and broadcast.reaches(queue):
        heard = _heard_key(prefix, broadcast.id)
        if redis.sadd(heard, sid):
            redis.expireat(heard, int(broadcast.until) + 60)
            said.append(spoken_in(broadcast.messages, language))
    return said


def in_every_language(messages: Mapping[str, str], first: str) -> list[tuple[str, str]]:
    """Every text, the caller's likely language first: before the language menu we do not know theirs."""
    return sorted(((text, language) for language, text in messages.items() if text),
                  key=lambda said: said[1] != first)


def at_greeting(redis: Redis, prefix: str, language: str) -> list[tuple[str, str]]:
    """The incident announcement every new caller hears first, while a broadcast with `greeting` lasts."""
    return greeting_words(current_broadcast(redis, prefix), language)


def greeting_words(broadcast: Broadcast | None, language: str) -> list[tuple[str, str]]:
    """What `at_greeting` says for a broadcast already read (ivr.floor.voice_hooks reads it with the closure)."""
    if broadcast is None or not broadcast.greeting:
        return []
    return in_every_language(broadcast.messages, language)
