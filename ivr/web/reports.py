"""Filing a resident's report: one case per form, with a reference from the shared allocator.

The form carries an id of its own; with the browser's CSRF secret it makes
the case's source key, so posting the same form twice (a double click, a
reload) finds the case the first post opened instead of opening another.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases import duplicates
from ivr.cases.allocator import ReferenceAllocator
from ivr.models.case import Case
from ivr.open311.filing import file_or_join, new_reference
from ivr.open311.validation import ValidSubmission

CHANNEL = "web"


def source_key(csrf_token: str, form_id: str | None) -> str | None:
    if form_id is None:
        return None
    return "web:" + hashlib.sha256(f"{csrf_token}|{form_id}".encode()).hexdigest()[:64]


@dataclass(frozen=True)
class ReportOptions:
    language: str = "en"
    wants_updates: bool = False  # the resident ticked "text me when the status changes"
    within_metres: float = duplicates.DEFAULT_WITHIN_METRES


def file_report(sessions: sessionmaker[Session], references: ReferenceAllocator, valid: ValidSubmission,
                key: str | None, now: datetime, options: ReportOptions = ReportOptions()) -> tuple[str, bool]:
    """The reference of the case for this form, and whether it was already reported (the form joined it).

    ReferenceUnavailable when no number can be issued.
    """
    earlier = _filed_under(sessions, key)
    if earlier:
        return earlier
    reference = new_reference(references, now)
    try:
        with db.unit_of_work(sessions) as session:
            filed = file_or_join(session, reference, valid, CHANNEL, now, key, options.within_metres,
                                 options.language, options.wants_updates and bool(valid.contact_phone))
            return filed.case.reference, filed.joined
    except IntegrityError:
        earlier = _filed_under(sessions, key)  # the same form, posted twice at once
        if earlier is None:
            raise
        return earlier


def _filed_under(sessions: sessionmaker[Session], key: str | None) -> tuple[str, bool] | None:
    if key is None:
        return None
    with sessions() as session:
        opened = session.scalar(select(Case.reference).where(Case.source_key == key))
        if opened is not None:
            return opened, False
        joined = duplicates.joined_under(session, key)
        return (joined.reference, True) if joined is not None else None
