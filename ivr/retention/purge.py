"""The purge: personal data past the policy's days removed from SQL (and recordings from the phone provider).

Calls are kept as statistics: what is removed is who called and what they keyed
or said, never that a call happened, how long it waited or how it ended.  A Call
row is rebuilt from its events whenever a late event arrives, so the events are
scrubbed the same way; a rebuild can never bring a number back.  Each kind is
worked in batches, each batch its own transaction, so a purge of years of data
never holds long locks, and a run stopped half-way is finished by the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, union, update
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.callback import CallbackPromise
from ivr.models.case import Case
from ivr.models.case_reporter import CaseReporter
from ivr.models.open311_submission import Open311Submission
from ivr.models.sms_contact import SmsContact
from ivr.retention.policy import RetentionPolicy

logger = logging.getLogger(__name__)
BATCH = 500
#: What a scrubbed call keeps of Twilio's report on a queue wait or a dial: figures, no numbers or words.
NETWORK_FACTS_KEPT = frozenset({"QueueResult", "QueueTime", "DialCallStatus", "DialCallDuration", "CallStatus"})
#: Flow values a call's disposition is decided from: kept as "there was one", never their content.
VALUES_KEPT_AS_FLAGS = frozenset({"message", "callback"})


@dataclass
class PurgeReport:
    counts: dict[str, int] = field(default_factory=dict)  # rows changed per kind (recordings: distinct ones)
    recordings_kept: int = 0  # recordings the provider would not delete this time: tried again next run

    def lines(self) -> list[str]:
        found = [f"{kind}: {count}" for kind, count in self.counts.items()]
        if self.recordings_kept:
            found.append(f"recordings the provider did not delete (tried again next run): {self.recordings_kept}")
        return found


@dataclass(frozen=True)
class _Kind:
    """Rows of `model` past the cutoff (`due(before)`), and how one batch of their ids is made safe."""

    model: Any
    key: Any  # the column batches are taken by
    due: Callable[[datetime], Any]
    apply: Callable[[Session, list[Any]], None]


def _remove_caller_details(session: Session, ids: list[Any]) -> None:
    calls = list(session.scalars(select(Call).where(Call.id.in_(ids))))
    for call in calls:
        call.caller = None
        call.path = [_scrubbed_visit(visit) for visit in call.path or []]
        call.details_removed = True
    for event in session.scalars(select(CallEvent).where(CallEvent.call_sid.in_([c.call_sid for c in calls]))):
        event.data = scrubbed_event_data(event.kind, event.data or {})


def _cases_with_reporter_contacts() -> Any:
    """Cases whose residents (the filer and those who joined, ivr/cases/duplicates.py) still have a number or e-mail."""
    return select(CaseReporter.case_id).where(CaseReporter.phone.is_not(None) | (CaseReporter.email != ""))


def _remove_case_contacts(session: Session, ids: list[Any]) -> None:
    session.execute(update(Case).where(Case.id.in_(ids)).values(contact_name="", contact_email="", contact_phone=None))
    session.execute(update(CaseReporter).where(CaseReporter.case_id.in_(ids)).values(phone=None, email=""))


KINDS: dict[str, _Kind] = {
    "caller_details": _Kind(
        Call, Call.id, lambda before: (Call.started_at < before) & Call.details_removed.is_(False),
        _remove_caller_details),
    "case_contacts": _Kind(
        Case, Case.id,
        lambda before: (Case.closed_at < before) & ((Case.contact_name != "") | (Case.contact_email != "")
                                                    | Case.contact_phone.is_not(None)
                                                    | Case.id.in_(_cases_with_reporter_contacts())),
        lambda session, ids: _remove_case_contacts(session, ids)),
    "callbacks": _Kind(
        CallbackPromise, CallbackPromise.id,
        lambda before: (CallbackPromise.closed_at < before) & (CallbackPromise.number != ""),
        lambda session, ids: session.execute(update(CallbackPromise).where(CallbackPromise.id.in_(ids))
                                             .values(number=""))),
    "sms_contacts": _Kind(
        SmsContact, SmsContact.phone,
        lambda before: (SmsContact.updated_at < before) & SmsContact.opted_out.is_(False),
        lambda session, ids: session.execute(delete(SmsContact).where(SmsContact.phone.in_(ids)))),
    "open311_ids": _Kind(
        Open311Submission, Open311Submission.id,
        lambda before: (Open311Submission.created_at < before)
        & ((Open311Submission.account_id != "") | (Open311Submission.device_id != "")),
        lambda session, ids: session.execute(update(Open311Submission).where(Open311Submission.id.in_(ids))
                                             .values(account_id="", device_id=""))),
}


def purge(sessions: sessionmaker[Session], policy: RetentionPolicy, now: datetime,
          delete_recording: Callable[[str], None], *, dry_run: bool = False) -> PurgeReport:
    """Remove what `policy` no longer keeps at `now` (aware); `dry_run` only counts."""
    report = PurgeReport()
    for name, kind in KINDS.items():
        days = policy.days(name)
        if days is not None:
            before = now - timedelta(days=days)
            report.counts[name] = (_count(sessions, kind, before) if dry_run
                                   else _in_batches(sessions, kind, before))
    days = policy.days("recordings")
    if days is not None:
        before = now - timedelta(days=days)
        if dry_run:
            urls = union(select(Call.recording_url.label("url")).where(_call_recordings(before)),
                         select(Case.media_url.label("url")).where(_case_messages(before))).subquery()
            with sessions() as session:
                report.counts["recordings"] = int(session.scalar(select(func.count()).select_from(urls)) or 0)
        else:
            report.counts["recordings"], report.recordings_kept = _recordings(sessions, before, delete_recording)
    return report


def _count(sessions: sessionmaker[Session], kind: _Kind, before: datetime) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(kind.model).where(kind.due(before))) or 0)


def _in_batches(sessions: sessionmaker[Session], kind: _Kind, before: datetime) -> int:
    """One transaction per batch of rows, until none is left."""
    total = 0
    while True:
        with db.unit_of_work(sessions) as session:
            ids = list(session.scalars(select(kind.key).where(kind.due(before)).order_by(kind.key).limit(BATCH)))
            if ids:
                kind.apply(session, ids)
        total += len(ids)
        if len(ids) < BATCH:
            return total


def scrubbed_event_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """An event as it may be kept after its call's details are removed (a rebuild from it shows no number)."""
    data = dict(data)
    if kind == "started":
        data["caller"] = None
    if kind == "turn":
        data["visits"] = [_scrubbed_visit(visit) for visit in data.get("visits", [])]
        data["values"] = {key: True for key, value in (data.get("values") or {}).items()
                          if key in VALUES_KEPT_AS_FLAGS and value}
        data["network"] = {key: value for key, value in (data.get("network") or {}).items()
                           if key in NETWORK_FACTS_KEPT}
    return data


def _scrubbed_visit(visit: dict[str, Any]) -> dict[str, Any]:
    """A menu step keeps where the caller went and what came of it, not what they keyed, said or heard."""
    kept = {key: value for key, value in visit.items() if key != "said"}
    if kept.get("input"):
        kept["input"] = ""
    return kept


def _call_recordings(before: datetime) -> Any:
    return (Call.started_at < before) & Call.recording_url.is_not(None)


def _case_messages(before: datetime) -> Any:
    return (Case.opened_at < before) & (Case.channel == "phone") & Case.media_url.is_not(None)


def _recordings(sessions: sessionmaker[Session], before: datetime,
                delete_recording: Callable[[str], None]) -> tuple[int, int]:
    """Calls' recordings and phone cases' voice messages: deleted at the provider first, then unlinked.

    A recording the provider would not delete keeps its link (and is counted as kept), so the next run
    tries it again; within one run it is not tried twice."""
    removed = 0
    failed: set[str] = set()
    while True:
        with db.unit_of_work(sessions) as session:
            calls = list(session.scalars(select(Call).where(_call_recordings(before), Call.recording_url.not_in(failed))
                                         .order_by(Call.id).limit(BATCH)))
            cases = list(session.scalars(select(Case).where(_case_messages(before), Case.media_url.not_in(failed))
                                         .order_by(Case.id).limit(BATCH)))
            urls = {row.recording_url for row in calls} | {row.media_url for row in cases}
            gone = _deleted_at_provider(sorted(url for url in urls if url), delete_recording)
            failed |= urls - gone
            removed += len(gone)  # one recording may be on its call and on the case it became
            for call in calls:
                if call.recording_url in gone:
                    call.recording_url = None
                    _unlink_recording_events(session, call.call_sid)
            for case in cases:
                if case.media_url in gone:
                    case.media_url = None
        if len(calls) < BATCH and len(cases) < BATCH:
            return removed, len(failed)


def _deleted_at_provider(urls: Iterable[str], delete_recording: Callable[[str], None]) -> set[str]:
    gone: set[str] = set()
    for url in urls:
        try:
            delete_recording(url)
        except Exception as error:  # the provider's errors vary; the link is kept and the next run retries
            logger.warning("retention: recording %s was not deleted at the provider (%s); kept for the next run",
                           url, error)
            continue
        gone.add(url)
    return gone


def _unlink_recording_events(session: Session, call_sid: str) -> None:
    for event in session.scalars(select(CallEvent).where(CallEvent.call_sid == call_sid,
                                                         CallEvent.kind == "turn")):
        network = dict((event.data or {}).get("network") or {})
        if "RecordingUrl" in network:
            network.pop("RecordingUrl")
            event.data = {**event.data, "network": network}
