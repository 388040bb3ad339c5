"""Who opted out of texts (STOP), and the language each number chose, in SQL.

Every outbound text (the IVR's "text me that", replies on the text line) asks
`may_text` first; a number that sent STOP is never texted until it sends START.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from ivr.models.sms_contact import SmsContact


def may_text(session: Session, phone: str) -> bool:
    contact = session.get(SmsContact, phone)
    return contact is None or not contact.opted_out


def set_opted_out(session: Session, phone: str, opted_out: bool) -> None:
    contact = _contact(session, phone)
    contact.opted_out, contact.updated_at = opted_out, datetime.now(UTC)


def language_of(session: Session, phone: str) -> str:
    contact = session.get(SmsContact, phone)
    return contact.language if contact is not None else ""


def remember_language(session: Session, phone: str, language: str) -> None:
    contact = _contact(session, phone)
    if contact.language != language:
        contact.language, contact.updated_at = language, datetime.now(UTC)


def _contact(session: Session, phone: str) -> SmsContact:
    contact = session.get(SmsContact, phone)
    if contact is None:
        contact = SmsContact(phone=phone, language="", opted_out=False, updated_at=datetime.now(UTC))
        session.add(contact)
    return contact
