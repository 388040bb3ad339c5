"""Working a case during a call: find the service, spot a duplicate nearby, tie the call to its case.

Plain functions over a SQL session, called by the console's case endpoints.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.cases import duplicates
from ivr.models.call import Call
from ivr.models.case import Case, case_calls
from ivr.models.service_type import ServiceType


class CallNotRecorded(LookupError):
    """The worker has not written the call's row yet, so it cannot be linked to a case."""


def find_services(session: Session, query: str) -> list[ServiceType]:
    """Active service types whose code, name or keywords contain every word typed."""
    words = query.lower().split()
    services = session.scalars(select(ServiceType).where(ServiceType.active).order_by(ServiceType.name))
    return [s for s in services if all(w in " ".join([s.code, s.name, *s.keywords]).lower() for w in words)]


def nearby_open_cases(session: Session, service_code: str, address: str, latitude: float | None = None,
                      longitude: float | None = None, within_metres: float = duplicates.DEFAULT_WITHIN_METRES,
                      limit: int = 5) -> list[Case]:
    """Open cases this report would duplicate: the same rule every channel uses (ivr/cases/duplicates.py)."""
    return duplicates.open_cases_near(session, service_code, duplicates.Place(address, latitude, longitude),
                                      within_metres, limit)


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
