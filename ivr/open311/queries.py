"""GET requests: reading the filters a client sent, and finding the cases they select.

The spec's defaults hold: without dates the window is the most recent 90 days,
a window may not span more than 90 days, and at most 1000 requests come back.
The widely implemented page/page_size extension pages through the rest,
newest first.  service_request_id overrides every other filter, as the spec says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from flows.numbers import whole_number
from ivr.cases import reference
from ivr.models.case import Case
from ivr.models.open311_submission import Open311Submission
from ivr.models.service_type import ServiceType
from ivr.open311 import w3c
from ivr.open311.errors import InvalidQuery

MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
STATUSES = {"open": ("open", "in_progress"), "closed": ("closed",)}


@dataclass(frozen=True)
class RequestQuery:
    references: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()  # "open", "closed"
    start: datetime | None = None
    end: datetime | None = None  # None: up to now
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def split(text: str | None) -> tuple[str, ...]:
    """A comma-delimited argument; empty items are dropped, as an empty argument means none."""
    return tuple(dict.fromkeys(item.strip() for item in (text or "").split(",") if item.strip()))


def parse_query(args: Mapping[str, str], now: datetime) -> RequestQuery:
    """The filters, or InvalidQuery naming every bad one."""
    problems: list[str] = []
    references = _references(split(args.get("service_request_id")), problems)
    if references or problems:
        _raise_if(problems)
        return RequestQuery(references=references)
    statuses = _statuses(split(args.get("status")), problems)
    start, end = _window(args.get("start_date"), args.get("end_date"), now, problems)
    page = _number("page", args.get("page"), 1, None, problems)
    page_size = _number("page_size", args.get("page_size"), MAX_PAGE_SIZE, MAX_PAGE_SIZE, problems)
    _raise_if(problems)
    return RequestQuery((), split(args.get("service_code")), statuses, start, end, page, page_size)


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise InvalidQuery(*problems)


def _references(values: Sequence[str], problems: list[str]) -> tuple[str, ...]:
    if len(values) > MAX_PAGE_SIZE:
        problems.append(f"service_request_id lists more than {MAX_PAGE_SIZE} requests")
    bad = [value for value in values if not reference.is_valid(reference.normalise(value))]
    if bad:
        problems.append(f"service_request_id {', '.join(bad)}: not a CityLine reference "
                        "(10 digits ending in a check digit, like 2600012349)")
    return tuple(reference.normalise(value) for value in values)


def _statuses(values: Sequence[str], problems: list[str]) -> tuple[str, ...]:
    bad = [value for value in values if value.lower() not in STATUSES]
    if bad:
        problems.append(f"status {', '.join(bad)}: must be open or closed")
    return tuple(value.lower() for value in values)


def _window(start_text: str | None, end_text: str | None, now: datetime,
            problems: list[str]) -> tuple[datetime | None, datetime | None]:
    start, end = _date("start_date", start_text, problems), _date("end_date", end_text, problems)
    if start and end and end < start:
        problems.append("end_date is before start_date")
    elif start and end and end - start > MAX_SPAN:
        problems.append("start_date and end_date may not span more than 90 days")
    if start is None and end is None:
        return now - MAX_SPAN, None
    return start or end - MAX_SPAN, end or start + MAX_SPAN  # type: ignore[operator]


def _date(name: str, text: str | None, problems: list[str]) -> datetime | None:
    if not (text or "").strip():
        return None
    try:
        return w3c.parse(text or "")
    except w3c.BadDate as error:
        problems.append(f"{name}: {error}")
        return None


def _number(name: str, text: str | None, default: int, largest: int | None, problems: list[str]) -> int:
    raw = (text or "").strip()
    if not raw:
        return default
    number = whole_number(raw)
    if number is None or number < 1 or (largest is not None and number > largest):
        upper = f" to {largest}" if largest else " or more"
        problems.append(f"{name} must be a whole number from 1{upper}")
        return default
    return number


def find_requests(session: Session, query: RequestQuery) -> list[Case]:
    statement = (select(Case).options(selectinload(Case.updates))
                 .order_by(Case.opened_at.desc(), Case.id.desc()))
    if query.references:
        return list(session.scalars(statement.where(Case.reference.in_(query.references))))
    statement = _filtered(statement, query)
    return list(session.scalars(statement.offset((query.page - 1) * query.page_size).limit(query.page_size)))


def _filtered(statement: Select[tuple[Case]], query: RequestQuery) -> Select[tuple[Case]]:
    if query.service_codes:
        statement = statement.join(Case.service_type).where(ServiceType.code.in_(query.service_codes))
    if query.statuses:
        statement = statement.where(Case.status.in_([s for name in query.statuses for s in STATUSES[name]]))
    if query.start is not None:
        statement = statement.where(Case.opened_at >= query.start)
    if query.end is not None:
        statement = statement.where(Case.opened_at <= query.end)
    return statement


def find_request(session: Session, typed: str) -> Case | None:
    """The case behind a service_request_id; a malformed id is simply not found."""
    ref = reference.normalise(typed)
    if not reference.is_valid(ref):
        return None
    statement = select(Case).options(selectinload(Case.updates)).where(Case.reference == ref)
    return session.scalar(statement)


def submissions_for(session: Session, cases: Sequence[Case]) -> dict[int, Open311Submission]:
    """What the API was told about these cases beyond the case itself (address_id, account_id)."""
    ids = [case.id for case in cases]
    if not ids:
        return {}
    rows = session.scalars(select(Open311Submission).where(Open311Submission.case_id.in_(ids)))
    return {row.case_id: row for row in rows}
