"""POST requests: a client's submission becomes exactly one case, however often it is retried.

The rule (docs/open311.md):

* With an ``Idempotency-Key`` header, the key identifies the submission for
  that client (API key): a repeat with the same key and the same content
  returns the first answer; the same key with different content is refused.
  Keys are remembered for as long as the case exists.
* Without one, an identical submission (every field, attribute and
  device_id/account_id) from the same client within 24 hours is taken for a
  retry and returns the first answer; after that it is a new report.

A submission of the same service at or near an open case's address (ivr/cases/duplicates.py)
is added to that case: the answer carries the existing service_request_id, as GeoReport v2
allows, and the header ``Already-Reported: true``.

Two copies racing each other are settled by a unique constraint: the loser's
transaction rolls back and it answers with the winner's case.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.cases.allocator import ReferenceAllocator, ReferenceUnavailable
from ivr.cases.duplicates import DEFAULT_WITHIN_METRES
from ivr.models.case import Case
from ivr.models.open311_submission import Open311Submission
from ivr.open311.errors import IdempotencyKeyReused, InvalidRequest, ServiceUnavailable
from ivr.open311.fields import ApiExtras
from ivr.open311.filing import file_or_join, new_reference
from ivr.open311.validation import ValidSubmission

RETRY_WINDOW = timedelta(hours=24)
KEY_LIMIT = 100
CHANNEL = "api"


@dataclass(frozen=True)
class Attempt:
    """One POST, checked: who sent it, what, and the key that makes it unique."""

    client: str
    valid: ValidSubmission
    extras: ApiExtras
    fingerprint: str
    stored_key: str  # "key:<Idempotency-Key>" or "auto:<fingerprint>:<day>"
    explicit: bool
    now: datetime


@dataclass(frozen=True)
class Outcome:
    case: Case
    account_id: str
    replayed: bool  # True: an earlier identical attempt already opened this case
    joined: bool = False  # True: already reported; the request was added to this open case (docs/open311.md)


def idempotency_key(header: str | None) -> str | None:
    """The client's key, checked: 1-100 visible ASCII characters."""
    if header is None or not header.strip():
        return None
    key = header.strip()
    if len(key) > KEY_LIMIT or not all("!" <= c <= "~" for c in key):
        raise InvalidRequest(f"Idempotency-Key must be 1 to {KEY_LIMIT} visible ASCII characters")
    return key


def attempt(client: str, valid: ValidSubmission, extras: ApiExtras, key: str | None, now: datetime) -> Attempt:
    content = {"submission": asdict(valid), "device_id": extras.device_id, "account_id": extras.account_id}
    fingerprint = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    day = int(now.timestamp() // RETRY_WINDOW.total_seconds())
    stored = f"key:{key}" if key else f"auto:{fingerprint}:{day}"
    return Attempt(client, valid, extras, fingerprint, stored, key is not None, now)


def submit(sessions: sessionmaker[Session], references: ReferenceAllocator, attempt: Attempt,
           within_metres: float = DEFAULT_WITHIN_METRES) -> Outcome:
    """The case for this attempt: the earlier one for a retry, else a new one."""
    earlier = _earlier(sessions, attempt)
    if earlier is not None:
        return earlier
    try:
        reference = new_reference(references, attempt.now)
    except ReferenceUnavailable as error:
        raise ServiceUnavailable("Case numbers cannot be issued right now; please retry shortly") from error
    try:
        return _create(sessions, reference, attempt, within_metres)
    except IntegrityError:
        earlier = _earlier(sessions, attempt)  # a copy of this attempt won the race
        if earlier is None:
            raise
        return earlier


def _earlier(sessions: sessionmaker[Session], attempt: Attempt) -> Outcome | None:
    with sessions() as session:
        row = _matching_row(session, attempt)
        if row is None:
            return None
        if attempt.explicit and row.fingerprint != attempt.fingerprint:
            raise IdempotencyKeyReused("Idempotency-Key was already used for a different request")
        case = session.get_one(Case, row.case_id)
        return Outcome(case, row.account_id, replayed=True)


def _matching_row(session: Session, attempt: Attempt) -> Open311Submission | None:
    query = select(Open311Submission).where(Open311Submission.client == attempt.client)
    if attempt.explicit:
        query = query.where(Open311Submission.idempotency_key == attempt.stored_key)
    else:
        query = query.where(Open311Submission.fingerprint == attempt.fingerprint,
                            Open311Submission.idempotency_key.startswith("auto:"),
                            Open311Submission.created_at >= attempt.now - RETRY_WINDOW)
    return session.scalars(query.order_by(Open311Submission.id).limit(1)).first()


def _create(sessions: sessionmaker[Session], reference: str, attempt: Attempt, within_metres: float) -> Outcome:
    source_key = "open311:" + hashlib.sha256(f"{attempt.client}|{attempt.stored_key}".encode()).hexdigest()[:64]
    with db.unit_of_work(sessions) as session:
        filed = file_or_join(session, reference, attempt.valid, CHANNEL, attempt.now, source_key, within_metres)
        case = filed.case
        session.add(Open311Submission(
            client=attempt.client, idempotency_key=attempt.stored_key, fingerprint=attempt.fingerprint,
            case_id=case.id, created_at=attempt.now, account_id=attempt.extras.account_id,
            device_id=attempt.extras.device_id, address_id=attempt.valid.address_id,
        ))
        session.flush()
    return Outcome(case, attempt.extras.account_id, replayed=False, joined=filed.joined)
