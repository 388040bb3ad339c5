"""Self-service answers about cases: filing a voice message as a case, and a case's status by phone."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.cases import reference
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.service import find_by_reference
from ivr.models.case import Case
from ivr.self_service.spoken import spoken_date

logger = logging.getLogger(__name__)

PHRASES = {
    "en": {
        "filed": "Your message has been saved as case number {ref}. Again, your case number is {ref}.",
        "written": "Your message has been saved as case number {ref}.",
        "no_reference": "Your message has been saved. We could not create a case number right now; "
                        "the 3-1-1 team will give you one when they follow up.",
        "invalid": "That number does not look like a case number. Case numbers have ten digits.",
        "mistyped": "That number did not check out: one of the digits may have been mistyped. "
                    "Please enter it again.",
        "not_found": "I could not find case number {ref}.",
        "status": "Case number {ref}, {service}, is {status}. It was last updated on {updated}.",
        "expected": "The city aims to resolve these within {days}; this one is expected by {date}.",
        "overdue": "It is past the expected date of {date}; an agent can tell you more.",
        "closed_on": "It was closed on {date}.",
        "statuses": {"open": "open", "in_progress": "in progress", "closed": "closed"},
        "day": "1 day", "days": "{n} days",
    },
    "es": {
        "filed": "Su mensaje quedó registrado con el número de caso {ref}. Repito, su número de caso es {ref}.",
        "written": "Su mensaje quedó registrado con el número de caso {ref}.",
        "no_reference": "Su mensaje quedó registrado. No pudimos crear un número de caso en este momento; "
                        "el equipo 3-1-1 se lo dará cuando le contacte.",
        "invalid": "Ese número no parece un número de caso. Los números de caso tienen diez dígitos.",
        "mistyped": "Ese número no es válido: es posible que un dígito se haya marcado mal. "
                    "Márquelo otra vez, por favor.",
        "not_found": "No encontré el caso número {ref}.",
        "status": "El caso número {ref}, {service}, está {status}. Se actualizó por última vez {updated}.",
        "expected": "La ciudad busca resolver estos casos en {days}; este se espera para {date}.",
        "overdue": "Ya pasó la fecha prevista, {date}; un agente le puede dar más información.",
        "closed_on": "Se cerró {date}.",
        "statuses": {"open": "abierto", "in_progress": "en proceso", "closed": "cerrado"},
        "day": "1 día", "days": "{n} días",
    },
}


def _days(hours: int, language: str) -> str:
    days = max(1, round(hours / 24))
    phrases = PHRASES[language]
    return phrases["day"] if days == 1 else phrases["days"].format(n=days)


def describe_case(case: Case, now: datetime, language: str) -> tuple[str, ...]:
    """What a caller hears about their case: service, status, last update, and when it should be done."""
    phrases = PHRASES[language]
    zone = now.tzinfo
    ref = reference.spoken(case.reference, language)
    sentences = [phrases["status"].format(
        ref=ref, service=case.service_type.name, status=phrases["statuses"][case.status],
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
