"""Working a case during a call: find the service, spot a duplicate nearby, tie the call to its case.

Plain functions over a SQL session, called by the console's case endpoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models.call import Call
from ivr.models.case import Case, case_calls
from ivr.models.service_type import ServiceType
from ivr.self_service.collection.streets import NotAStreetName, StreetName, parse_street

#: A case this many house numbers away on the same street is "near".
NEAR_HOUSE_NUMBERS = 100
#: ... or within this many degrees (about 200 m) when both have coordinates.
NEAR_DEGREES = 0.002
HOUSE = re.compile(r"^\s*(\d{1,6})\s+(.+)$")


class CallNotRecorded(LookupError):
    """The worker has not written the call's row yet, so it cannot be linked to a case."""


@dataclass(frozen=True)
class Address:
    number: int
    street: StreetName


def parse_address(text: str) -> Address | None:
    """'125 N Main St' as a house number and a comparable street name; None when it is not one."""
    match = HOUSE.match(text.split(",")[0])
    if match is None:
        return None
    try:
        return Address(int(match.group(1)), parse_street(match.group(2)))
    except NotAStreetName:
        return None


def find_services(session: Session, query: str) -> list[ServiceType]:
    """Active service types whose code, name or keywords contain every word typed."""
    words = query.lower().split()
    services = session.scalars(select(ServiceType).where(ServiceType.active).order_by(ServiceType.name))
    return [s for s in services if all(w in " ".join([s.code, s.name, *s.keywords]).lower() for w in words)]


def nearby_open_cases(session: Session, service_code: str, address: str, latitude: float | None = None,
                      longitude: float | None = None, limit: int = 5) -> list[Case]:
    """Open or in-progress cases of this service on the same street within N house numbers (or close by)."""
    wanted = parse_address(address)
    rows = session.scalars(select(Case).join(ServiceType).where(
        ServiceType.code == service_code, Case.status.in_(("open", "in_progress"))).order_by(Case.opened_at.desc()))
    near = [case for case in rows if _near(case, wanted, latitude, longitude)]
    return near[:limit]


def _near(case: Case, wanted: Address | None, latitude: float | None, longitude: float | None) -> bool:
    if None not in (latitude, longitude, case.latitude, case.longitude):
        return abs(case.latitude - latitude) <= NEAR_DEGREES and abs(case.longitude - longitude) <= NEAR_DEGREES  # type: ignore[operator]
    found = parse_address(case.address)
    if wanted is None or found is None:
        return False
    same_street = found.street.base == wanted.street.base and (
        "" in (found.street.suffix, wanted.street.suffix) or found.street.suffix == wanted.street.suffix)
    return same_street and abs(found.number - wanted.number) <= NEAR_HOUSE_NUMBERS


def recorded_call(session: Session, call_sid: str) -> Call:
    call = session.scalar(select(Call).where(Call.call_sid == call_sid))
    if call is None:
        raise CallNotRecorded(call_sid)
    return call


def case_of_call(session: Session, call_sid: str) -> Case | None:
    """The case this call is tied to: the agent's own, or an existing case the caller was added to."""
    keyed = session.scalar(select(Case).where(Case.source_key == f"call:{call_sid}:agent"))
    if keyed is not None:
        return keyed
    return session.scalar(select(Case).join(case_calls).join(Call).where(Call.call_sid == call_sid)
                          .order_by(Case.opened_at.desc()).limit(1))


def link_call(case: Case, call: Call) -> None:
    if call not in case.calls:
        case.calls.append(call)
