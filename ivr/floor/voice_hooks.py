"""Where the supervisor's notices meet the voice webhooks: the greeting, a closed line, the hold loop.

Small functions the webhooks call so the voice modules keep one line each.
Redis being away never silences a call: a notice that cannot be read is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from twilio.twiml.voice_response import Say, VoiceResponse

from flows.instructions import Speak, Turn
from ivr.floor import notices

if TYPE_CHECKING:
    from redis import Redis

    from ivr.phone import CallerNumber
    from ivr.voice.contact_center import ContactCenter

logger = logging.getLogger(__name__)
#: Where callers go while the line is closed: the general queue's message/callback path.
CLOSED_SKILL = "general"
#: The closure and the broadcast (either may be None).
Switches = tuple["notices.Closure | None", "notices.Broadcast | None"]


def switches(redis: Redis, prefix: str) -> tuple[notices.Closure | None, notices.Broadcast | None]:
    """The closure and the broadcast for a new call, in one round trip; neither when Redis cannot say."""
    try:
        return notices.switches(redis, prefix)
    except RedisError as error:
        logger.warning("closure switch and greeting announcement unreadable, taking the call as usual: %s", error)
        return None, None


def closed_line(contact: ContactCenter, caller: CallerNumber, language: str,
                closure: notices.Closure | None) -> VoiceResponse | None:
    """During an emergency closure (read by `switches`): its message, then a callback offer or a recorded message."""
    if closure is None:
        return None
    response = contact.overflow(caller, CLOSED_SKILL, language)
    said = [(text, spoken) for text, spoken in notices.in_every_language(closure.texts(), language)
            if spoken in contact.flow.voices]
    for position, (text, spoken) in enumerate(said):
        voice = contact.flow.voices[spoken]
        response.verbs.insert(position, Say(text, voice=voice.voice, language=voice.language))
    return response


def with_greeting_announcement(turn: Turn, broadcast: notices.Broadcast | None, language: str) -> Turn:
    """The incident announcement first (in each language typed), while a greeting broadcast (read by `switches`)
    lasts."""
    said = notices.greeting_words(broadcast, language)
    if not said:
        return turn
    return replace(turn, instructions=(*(Speak(text, spoken) for text, spoken in said), *turn.instructions))


def switch_keys(prefix: str) -> tuple[str, str]:
    """Where the switches are, for a caller that reads them with other things (the hold loop)."""
    return notices.switch_keys(prefix)


def decode(values: list[Any]) -> Switches | None:
    """The switches from what was read at `switch_keys`; None (read them again later) when unreadable."""
    try:
        return notices.decode_switches(*values)
    except (TypeError, ValueError) as error:
        logger.warning("closure switch or broadcast unreadable: %s", error)
        return None


def on_hold(redis: Redis, prefix: str, sid: str, queue: str, language: str,
            switched: Switches | None = None) -> list[tuple[str, str]]:
    """The notices this caller on hold has not heard yet, as (text, language); `switched`, when the caller read
    them already."""
    try:
        return notices.for_caller_on_hold(redis, prefix, sid, queue, language, switched)
    except RedisError as error:
        logger.warning("broadcast unreadable for %s: %s", sid, error)
        return []
