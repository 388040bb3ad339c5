"""Turning a valid submission into a case, the same way for the web form and the API.

The reference comes from the same Redis allocator the phone line uses, so
numbers never collide across channels; the answers to a service's extra
questions are stored next to the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from ivr.cases import duplicates
from ivr.cases.allocator import ReferenceAllocator
from ivr.cases.service import NewCase, open_case
from ivr.models.case import Case
from ivr.models.service_attribute import CaseAttribute
from ivr.open311 import catalogue
from ivr.open311.validation import Submission, ValidSubmission, clean, validate


def checked(sessions: sessionmaker[Session], submission: Submission) -> ValidSubmission:
    """Validated against the chosen service's definition as published now; InvalidSubmission otherwise."""
    code = clean(submission.service_code)
    with sessions() as session:
        spec = catalogue.service_spec(session, code) if code else None
    return validate(submission, spec)


def new_reference(references: ReferenceAllocator, now: datetime) -> str:
    """A fresh reference for the city-local year of `now`; ReferenceUnavailable when Redis is down."""
    return references.allocate(now.year)


def open_submitted_case(session: Session, reference: str, valid: ValidSubmission, channel: str,
                        now: datetime, source_key: str | None) -> Case:
    """Open the case (or find the one already opened under `source_key`) with its answers."""
    case = open_case(session, NewCase(
        reference=reference, service_code=valid.service_code, channel=channel, opened_at=now,
        description=valid.description, address=valid.address, zip_code=valid.zip_code,
        latitude=valid.latitude, longitude=valid.longitude, contact_name=valid.contact_name,
        contact_phone=valid.contact_phone, contact_email=valid.contact_email, media_url=valid.media_url,
        source_key=source_key,
    ))
    if case.reference == reference:
        session.add_all(CaseAttribute(case_id=case.id, code=code, value=value)
                        for code, value in valid.attributes.items())
        session.flush()
    return case


@dataclass(frozen=True)
class Filed:
    case: Case
    joined: bool  # True: the report was added to an open case already filed near the same place


def file_or_join(session: Session, reference: str, valid: ValidSubmission, channel: str, now: datetime,
                 source_key: str | None, within_metres: float = duplicates.DEFAULT_WITHIN_METRES,
                 language: str = "en", wants_updates: bool = False) -> Filed:
    """Join an open case of the same service near the address (ivr/cases/duplicates.py), or open one.

    A retried submission (the same source key) finds what its first attempt did.
    """
    earlier = duplicates.joined_under(session, source_key)
    if earlier is not None:
        return Filed(earlier, joined=True)
    reporter = duplicates.Reporter(channel, now, valid.contact_phone, valid.contact_email, language,
                                   wants_updates, source_key)
    opened_before = _already_opened(session, source_key)
    if not opened_before:
        place = duplicates.Place(valid.address, valid.latitude, valid.longitude)
        existing = duplicates.existing_case(session, valid.service_code, place, within_metres)
        if existing is not None:
            duplicates.join(session, existing, reporter)
            return Filed(existing, joined=True)
    case = open_submitted_case(session, reference, valid, channel, now, source_key)
    if not opened_before and case.reference == reference:
        duplicates.record_filer(session, case, reporter)
    return Filed(case, joined=False)


def _already_opened(session: Session, source_key: str | None) -> bool:
    from sqlalchemy import select

    return source_key is not None and session.scalar(select(Case.id).where(Case.source_key == source_key)) is not None
