"""Phrases agents' wrap-ups teach: what a caller said at the main menu, and the service type the agent filed.

CityLine records no separate wrap-up disposition per service type, so the
teaching signal is the case an agent opened for the call: every case with an
agent on it (`case_agents`) and the calls linked to it (`case_calls`) whose path
holds words said at a menu's `on_words` (the visit's result is "words", its
input "said '...'").  The case's service-type code names the intent through the
intents file's `service_types`; a code no intent lists teaches nothing.

The phrases are kept in a plain file, one `intent<TAB>phrase` a line, that
`cityline intents train` writes and every process reads when it trains.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.engine import WORDS_VALUE
from ivr.intents.catalogue import Catalogue
from ivr.models.case import Case

SAID_PREFIX = "said "


def phrases_said(path: Iterable[dict[str, object]]) -> list[str]:
    """The words a call's path shows the caller said at a menu that hands words on."""
    phrases = []
    for visit in path:
        spoken = visit.get("input")
        if visit.get("result") == WORDS_VALUE and isinstance(spoken, str) and spoken.startswith(SAID_PREFIX):
            phrase = _unquoted(spoken[len(SAID_PREFIX):])
            if phrase:
                phrases.append(phrase)
    return phrases


def learn_from_cases(session: Session, catalogue: Catalogue) -> list[tuple[str, str]]:
    """(phrase, intent) for every phrase a caller said on a call an agent then opened a case for."""
    pairs: list[tuple[str, str]] = []
    for case in session.scalars(select(Case).where(Case.agents.any())).unique():
        intent = catalogue.intent_for_service_type(case.service_type.code)
        if intent is None:
            continue
        pairs += [(phrase, intent) for call in case.calls for phrase in phrases_said(call.path or [])]
    return sorted(set(pairs))


def write_learned(path: Path, pairs: Iterable[tuple[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{intent}\t{' '.join(phrase.split())}\n" for phrase, intent in pairs]
    path.write_text("".join(lines), encoding="utf-8")


def read_learned(path: Path | None) -> list[tuple[str, str]]:
    """The learned (phrase, intent) pairs; none when the file does not exist yet."""
    if path is None or not path.exists():
        return []
    return list(read_labelled(path.read_text(encoding="utf-8").splitlines()))


def read_labelled(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(phrase, intent) from `intent<TAB>phrase` lines; blank lines and # comments skipped."""
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        intent, _, phrase = line.partition("\t")
        if intent.strip() and phrase.strip():
            yield phrase.strip(), intent.strip()


def _unquoted(text: str) -> str:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return ""
    return value if isinstance(value, str) else ""
