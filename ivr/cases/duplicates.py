"""Already reported? Open cases of the same service at or near an address, and linking a resident to one.

Every channel asks here before filing (the phone line, the web form, Open311
and the agent console), so the same problem reported twice becomes one case
that counts two residents instead of two cases.  "Near" is either

* the same block face: the same street, the same hundred block and the same
  side (odd or even house numbers), from the address as written; or
* within ``within_metres`` when both the new report and the case have coordinates.

Plain Python over a SQL session: no Flask, no Twilio.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.case_reporter import CaseReporter
from ivr.models.service_type import ServiceType

if TYPE_CHECKING:
    from ivr.self_service.collection.streets import StreetName

#: Statuses a new report can still be added to.
STILL_OPEN = ("open", "in_progress")
#: Distance used when the city set none (DUPLICATE_WITHIN_METRES).
DEFAULT_WITHIN_METRES = 50.0
EARTH_RADIUS_METRES = 6_371_000.0
#: Report keys looked up in one IN (...) list.
REPORT_KEYS_AT_ONCE = 500
HOUSE = re.compile(r"^\s*(\d{1,6})\s+(.+)$")


@dataclass(frozen=True)
class Address:
    number: int
    street: StreetName

    @property
    def block(self) -> int:
        """The hundred block: 125 and 199 are on the 100 block."""
        return self.number // 100

    @property
    def side(self) -> int:
        """Odd and even numbers face each other across the street."""
        return self.number % 2


@dataclass(frozen=True)
class Place:
    """Where a new report is: the address as written, and coordinates when the channel has them."""

    address: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class Reporter:
    """A resident reporting a problem, as a channel knows them."""

    channel: str
    at: datetime
    phone: str | None = None
    email: str = ""
    language: str = "en"
    wants_updates: bool = False
    source_key: str | None = None  # a retried submission or webhook is recognised and counted once


def parse_address(text: str) -> Address | None:
    """'125 N Main St, Apt 4' as a house number and a comparable street name; None when it is not one."""
    # imported here: the self-service package's handlers file cases through this module
    from ivr.self_service.collection.streets import NotAStreetName, parse_street

    match = HOUSE.match(text.split(",")[0])
    if match is None:
        return None
    try:
        return Address(int(match.group(1)), parse_street(match.group(2)))
    except NotAStreetName:
        return None


def same_street(one: StreetName, other: StreetName) -> bool:
    """'Elm St' and 'Elm Street' and 'Elm' match; 'Elm St' and 'Elm Ave' do not; 'N Main' and 'S Main' do not."""
    def compatible(a: str, b: str) -> bool:
        return "" in (a, b) or a == b

    return one.base == other.base and compatible(one.suffix, other.suffix) and compatible(
        one.directional, other.directional)


def same_block_face(one: Address, other: Address) -> bool:
    return same_street(one.street, other.street) and one.block == other.block and one.side == other.side


def metres_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): exact enough for tens of metres anywhere on a city map."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(min(1.0, h)))


def is_near(case: Case, place: Place, within_metres: float = DEFAULT_WITHIN_METRES) -> bool:
    """Within the distance when both have coordinates; else on the same block face."""
    if None not in (place.latitude, place.longitude, case.latitude, case.longitude):
        return metres_between(place.latitude, place.longitude, case.latitude, case.longitude) <= within_metres  # type: ignore[arg-type]
    wanted, found = parse_address(place.address), parse_address(case.address)
    return wanted is not None and found is not None and same_block_face(wanted, found)


def open_cases_near(session: Session, service_code: str, place: Place,
                    within_metres: float = DEFAULT_WITHIN_METRES, limit: int = 5) -> list[Case]:
    """Open or in-progress cases of this service near the place, newest first."""
    rows = session.scalars(select(Case).join(ServiceType).where(
        ServiceType.code == service_code, Case.status.in_(STILL_OPEN)).order_by(Case.opened_at.desc()))
    return [case for case in rows if is_near(case, place, within_metres)][:limit]


def existing_case(session: Session, service_code: str, place: Place,
                  within_metres: float = DEFAULT_WITHIN_METRES) -> Case | None:
    """The case a new report of this service at this place joins instead of opening another; the oldest wins."""
    near = open_cases_near(session, service_code, place, within_metres, limit=1000)
    return min(near, key=lambda case: case.opened_at) if near else None


def record_filer(session: Session, case: Case, reporter: Reporter) -> CaseReporter:
    """The resident who opened the case, so they count and can be told when it moves."""
    return _add(session, case, reporter, joined=False)


def join(session: Session, case: Case, reporter: Reporter) -> CaseReporter:
    """Add a resident to an existing case (the same report, phone or e-mail is counted once)."""
    if reporter.source_key:
        again = session.scalar(select(CaseReporter).where(CaseReporter.source_key == reporter.source_key))
        if again is not None:
            return again
    for known in reporters_of(session, case):
        if (reporter.phone and known.phone == reporter.phone) or (reporter.email and known.email == reporter.email):
            known.wants_updates = known.wants_updates or reporter.wants_updates
            return known
    return _add(session, case, reporter, joined=True)


def _add(session: Session, case: Case, reporter: Reporter, joined: bool) -> CaseReporter:
    row = CaseReporter(case_id=case.id, channel=reporter.channel, phone=reporter.phone, email=reporter.email,
                       language=reporter.language, at=reporter.at, joined=joined,
                       wants_updates=reporter.wants_updates, source_key=reporter.source_key if joined else None)
    session.add(row)
    session.flush()
    return row


def joined_under(session: Session, source_key: str | None) -> Case | None:
    """The case a report with this key already joined, if it did."""
    if not source_key:
        return None
    row = session.scalar(select(CaseReporter).where(CaseReporter.source_key == source_key))
    return session.get(Case, row.case_id) if row is not None else None


def reporters_of(session: Session, case: Case) -> list[CaseReporter]:
    return list(session.scalars(select(CaseReporter).where(CaseReporter.case_id == case.id)
                                .order_by(CaseReporter.id)))


def residents(session: Session, case: Case) -> int:
    """How many residents reported this case: the filer (recorded or not) plus everyone who joined."""
    joined = session.scalar(select(func.count()).select_from(CaseReporter).where(
        CaseReporter.case_id == case.id, CaseReporter.joined)) or 0
    return 1 + joined


def report_key(call_sid: str) -> str:
    """The source key of the report a caller made by phone, on the case it filed or joined."""
    return f"call:{call_sid}:report"


def calls_with_reports(session: Session, call_sids: list[str]) -> set[str]:
    """Which of these calls filed or joined a case by phone (the worker's batch asks once for all its calls)."""
    calls = {report_key(sid): sid for sid in call_sids}
    keys, found = list(calls), set()
    for start in range(0, len(keys), REPORT_KEYS_AT_ONCE):
        chunk = keys[start:start + REPORT_KEYS_AT_ONCE]
        found.update(session.scalars(select(Case.source_key).where(Case.source_key.in_(chunk))))
        found.update(session.scalars(select(CaseReporter.source_key).where(CaseReporter.source_key.in_(chunk))))
    return {calls[key] for key in found}


def link_reporting_call(session: Session, call: Call) -> Case | None:
    """Tie a call that reported a problem by phone to its case, filed or joined (the worker calls this)."""
    key = report_key(call.call_sid)
    case = session.scalar(select(Case).where(Case.source_key == key)) or joined_under(session, key)
    if case is not None and call not in case.calls:
        case.calls.append(call)
    return case
