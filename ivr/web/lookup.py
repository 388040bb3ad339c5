"""Looking a case up by the reference a resident types, telling a typo from an unknown number.

The Damm check digit catches every single mistyped digit and every swap of
neighbours, so the page can say "that number has a typo" before searching.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from flows.numbers import is_ascii_digits
from ivr.cases import reference
from ivr.models.case import Case, CaseUpdate


@dataclass(frozen=True)
class Typed:
    outcome: str  # "empty", "malformed", "check_digit" or "ok"
    reference: str  # digits only


def read_reference(text: str | None) -> Typed:
    digits = reference.normalise((text or "").strip())
    if not digits:
        return Typed("empty", "")
    if len(digits) != reference.LENGTH or not is_ascii_digits(digits):
        return Typed("malformed", digits)
    return Typed("ok" if reference.is_valid(digits) else "check_digit", digits)


def find_case(session: Session, ref: str) -> Case | None:
    statement = select(Case).options(selectinload(Case.updates)).where(Case.reference == ref)
    return session.scalar(statement)


def public_updates(case: Case) -> list[CaseUpdate]:
    """What residents may read, newest first; agents' notes stay private."""
    return sorted((u for u in case.updates if u.public), key=lambda u: u.at, reverse=True)


def is_overdue(case: Case, now: datetime) -> bool:
    return case.status != "closed" and case.expected_by < now
