"""Filing a resident's report: one case per form, with a reference from the shared allocator.

The form carries an id of its own; with the browser's CSRF secret it makes
the case's source key, so posting the same form twice (a double click, a
reload) finds the case the first post opened instead of opening another.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases.allocator import ReferenceAllocator
from ivr.models.case import Case
from ivr.open311.filing import new_reference, open_submitted_case
from ivr.open311.validation import ValidSubmission

CHANNEL = "web"


def source_key(csrf_token: str, form_id: str | None) -> str | None:
    if form_id is None:
        return None
    return "web:" + hashlib.sha256(f"{csrf_token}|{form_id}".encode()).hexdigest()[:64]


def file_report(sessions: sessionmaker[Session], references: ReferenceAllocator, valid: ValidSubmission,
                key: str | None, now: datetime) -> str:
    """The reference of the case for this form; ReferenceUnavailable when none can be issued."""
    earlier = _filed_under(sessions, key)
    if earlier:
        return earlier
    reference = new_reference(references, now)
    try:
        with db.unit_of_work(sessions) as session:
            return open_submitted_case(session, reference, valid, CHANNEL, now, key).reference
    except IntegrityError:
        earlier = _filed_under(sessions, key)  # the same form, posted twice at once
        if earlier is None:
            raise
        return earlier


def _filed_under(sessions: sessionmaker[Session], key: str | None) -> str | None:
    if key is None:
        return None
    with sessions() as session:
        return session.scalar(select(Case.reference).where(Case.source_key == key))
