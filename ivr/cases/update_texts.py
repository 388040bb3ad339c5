"""Residents hear back: which texts a case update owes, in each resident's language, and recording them sent.

A status change (to in progress, or closed with its resolution) owes one text
to every resident linked to the case who asked for updates.  A row per
(update, resident) in case_update_texts makes the sending happen once however
often the job runs; a number that sent STOP is recorded as skipped, not texted.
Plain Python over a SQL session; the job in ivr/jobs/case_update_jobs.py sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.cases import reference
from ivr.i18n import Section, service_name
from ivr.models.case import Case, CaseUpdate
from ivr.models.case_reporter import CaseReporter, CaseUpdateText

#: Statuses residents are told about; a note that leaves the status as it was is not news.
TOLD = ("in_progress", "closed")

#: A claim older than this without 'sent' belongs to a job that died sending: the text is owed again (at least
#: once; a text that reached the carrier just before its worker died may be sent twice).
STALE_CLAIM = timedelta(minutes=5)

#: The texts, per language (catalog ids case_updates.*; {city} is the city's name).
PHRASES = Section("case_updates")


@dataclass(frozen=True)
class OwedText:
    reporter_id: int
    phone: str
    body: str


def is_news(session: Session, update: CaseUpdate) -> bool:
    """A public update that moved the case to a status residents are told about."""
    if not update.public or update.status not in TOLD:
        return False
    earlier = session.scalar(select(CaseUpdate.status).where(
        CaseUpdate.case_id == update.case_id, CaseUpdate.id < update.id).order_by(CaseUpdate.id.desc()).limit(1))
    return earlier != update.status


def owed(session: Session, update: CaseUpdate, now: datetime | None = None) -> list[OwedText]:
    """Texts this update still owes: residents who asked, not yet texted (or skipped) for it."""
    if not is_news(session, update):
        return []
    # A text claimed long ago and never marked sent was lost with its job (a worker killed mid-send): owed again.
    stale = (now or datetime.now(UTC)) - STALE_CLAIM
    done = set(session.scalars(select(CaseUpdateText.reporter_id).where(
        CaseUpdateText.case_update_id == update.id,
        ~((CaseUpdateText.outcome == "sending") & (CaseUpdateText.at < stale)))))
    case = session.get_one(Case, update.case_id)
    rows = session.scalars(select(CaseReporter).where(
        CaseReporter.case_id == case.id, CaseReporter.wants_updates).order_by(CaseReporter.id))
    texts, seen = [], set()
    for row in rows:
        if row.id in done or not row.phone or row.phone in seen:
            continue
        seen.add(row.phone)
        texts.append(OwedText(row.id, row.phone, body(case, update, row.language)))
    return texts


def body(case: Case, update: CaseUpdate, language: str) -> str:
    phrases = PHRASES[language]
    ref = reference.display(case.reference)
    service = service_name(case.service_type.code, case.service_type.name, language)
    if update.status == "closed":
        resolution = (case.resolution or "").strip()
        text = phrases["closed"].format(ref=ref, service=service, resolution=resolution) if resolution else \
            phrases["closed_plain"].format(ref=ref, service=service)
    else:
        text = phrases["in_progress"].format(ref=ref, service=service)
    return text + phrases["stop"]


def claim(session: Session, update_id: int, text: OwedText, at: datetime) -> bool:
    """Record the text as being sent before it is sent: a second job finds the row and sends nothing.

    False when the resident opted out (STOP): the row says so and nothing is sent.
    """
    from ivr.sms.contacts import may_text  # here: the texting package's answers reach back into cases

    allowed = may_text(session, text.phone)
    outcome = "sending" if allowed else "opted_out"
    taken = session.execute(update(CaseUpdateText).where(  # take over a claim its job never finished
        CaseUpdateText.case_update_id == update_id, CaseUpdateText.reporter_id == text.reporter_id,
        CaseUpdateText.outcome == "sending", CaseUpdateText.at < at - STALE_CLAIM).values(at=at, outcome=outcome))
    if taken.rowcount == 0:
        session.add(CaseUpdateText(case_update_id=update_id, reporter_id=text.reporter_id, at=at, outcome=outcome))
    session.flush()
    return allowed


def mark_sent(session: Session, update_id: int, reporter_id: int, message_sid: str) -> None:
    row = session.get_one(CaseUpdateText, (update_id, reporter_id))
    row.outcome, row.message_sid = "sent", message_sid
