"""Turning a valid submission into a case, the same way for the web form and the API.

The reference comes from the same Redis allocator the phone line uses, so
numbers never collide across channels; the answers to a service's extra
questions are stored next to the case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

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
