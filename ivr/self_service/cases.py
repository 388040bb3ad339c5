"""Self-service answers about cases: filing a voice message as a case, and a case's status by phone."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.cases import reference
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.service import find_by_reference
from ivr.i18n import Section, service_name
from ivr.models.case import Case
from ivr.self_service.spoken import spoken_date

logger = logging.getLogger(__name__)

#: The sentences, per language, from the message catalogs (ivr/i18n, ids case_status.*).
PHRASES = Section("case_status")


def _days(hours: int, language: str) -> str:
    days = max(1, round(hours / 24))
    phrases = PHRASES[language]
    return phrases["day"] if days == 1 else phrases["days"].format(n=days)


def describe_case(case: Case, now: datetime, language: str) -> tuple[str, ...]:
    """What a caller hears about their case: service, status, last update, and when it should be done."""
    phrases = PHRASES[language]
    zone = now.tzinfo
    ref = reference.spoken(case.reference, language)
    service = service_name(case.service_type.code, case.service_type.name, language)
    sentences = [phrases["status"].format(
        ref=ref, service=service, status=phrases[f"statuses.{case.status}"],
        updated=spoken_date(case.updated_at.astimezone(zone).date(), language))]
    expected = spoken_date(case.expected_by.astimezone(zone).date(), language)
    if case.status == "closed" and case.closed_at is not None:
        closed = spoken_date(case.closed_at.astimezone(zone).date(), language)
        sentences.append(phrases["closed_on"].format(date=closed))
    elif case.expected_by < now:
        sentences.append(phrases["overdue"].format(date=expected))
    else:
        sentences.append(phrases["expected"].format(days=_days(case.service_type.sla_hours, language), date=expected))
    return tuple(sentences)


def register(registry: HandlerRegistry, sessions: sessionmaker[Session], references: ReferenceAllocator) -> None:
    def file_message(request: HandlerRequest) -> HandlerResult:
        phrases = PHRASES[request.language]
        try:
            if request.call_sid:  # a retried webhook for this message gets the number already said
                ref = references.allocate_once(f"message:{request.call_sid}", request.now.year)
            else:
                ref = references.allocate(request.now.year)
        except ReferenceUnavailable as error:
            logger.warning("no case reference for a voice message: %s", error)
            return HandlerResult("unavailable", (phrases["no_reference"],))
        spoken = reference.spoken(ref, request.language)
        written = phrases["written"].format(ref=reference.display(ref))
        return HandlerResult("filed", (phrases["filed"].format(ref=spoken),), {"case_ref": ref}, written=(written,))

    def case_status(request: HandlerRequest) -> HandlerResult:
        phrases = PHRASES[request.language]
        typed = reference.normalise(request.values.get("lookup_ref", ""))
        if not reference.is_valid(typed):
            problem = "mistyped" if reference.looks_like_reference(typed) else "invalid"
            return HandlerResult("invalid", (phrases[problem],))
        with sessions() as session:
            case = find_by_reference(session, typed)
            if case is None:
                return HandlerResult("not_found", (phrases["not_found"].format(
                    ref=reference.spoken(typed, request.language)),))
            return HandlerResult("found", describe_case(case, request.now, request.language))

    registry.register("cases.file_message", file_message, {"filed", "unavailable"})
    registry.register("cases.status", case_status, {"found", "not_found", "invalid"})
