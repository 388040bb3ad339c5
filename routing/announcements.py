"""What a waiting caller hears about their place and wait, in English and Spanish.

Kept apart from the estimate so the words can change without touching the
arithmetic, and so the IVR gets one ready sentence to put in a <Say>.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from routing.estimates import WaitEstimate
from routing.exceptions import InvalidRequest


@dataclass(frozen=True)
class Phrases:
    next_in_line: str
    position: str  # {position}
    less_than_a_minute: str
    one_minute: str
    minutes: str  # {minutes}
    joiner: str  # between the position and the wait


PHRASES: Mapping[str, Phrases] = {
    "en": Phrases(
        next_in_line="You are next in line",
        position="You are number {position} in line",
        less_than_a_minute="the wait is less than a minute",
        one_minute="the wait is about 1 minute",
        minutes="the wait is about {minutes} minutes",
        joiner="; ",
    ),
    "es": Phrases(
        next_in_line="Usted es el siguiente en la fila",
        position="Usted es el número {position} en la fila",
        less_than_a_minute="la espera es de menos de un minuto",
        one_minute="la espera es de aproximadamente 1 minuto",
        minutes="la espera es de aproximadamente {minutes} minutos",
        joiner="; ",
    ),
}


def position_and_wait(position: int, estimate: WaitEstimate | None, language: str) -> str:
    """'You are number 3 in line; the wait is about 4 minutes.' (the wait is left out when unknown)."""
    phrases = PHRASES.get(language)
    if phrases is None:
        raise InvalidRequest(f"no announcement wording for language {language!r} (have: {', '.join(PHRASES)})")
    place = phrases.next_in_line if position <= 1 else phrases.position.format(position=position)
    if estimate is None:
        return f"{place}."
    return f"{place}{phrases.joiner}{_wait(estimate.minutes, phrases)}."


def _wait(minutes: int, phrases: Phrases) -> str:
    if minutes <= 0:
        return phrases.less_than_a_minute
    if minutes == 1:
        return phrases.one_minute
    return phrases.minutes.format(minutes=minutes)
