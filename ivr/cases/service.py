"""Opening, finding and moving cases along their lifecycle; callers pass a Session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.cases.reference import sequence_of
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.case import CHANNELS, Case, CaseUpdate
from ivr.models.service_type import ServiceType

#: Which status may follow which: a closed case can be reopened.
TRANSITIONS = {
    "open": {"in_progress", "closed"},
    "in_progress": {"open", "closed"},
    "closed": {"open"},
}


class CaseError(ValueError):
    """A request to open or change a case that cannot be honoured; the message says why."""


@dataclass(frozen=True)
class NewCase:
    reference: str
    service_code: str
    channel: str
    opened_at: datetime
    description: str = ""
    address: str = ""
    zip_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    contact_name: str = ""
    contact_phone: str | None = None
    contact_email: str = ""
    media_url: str | None = None
    source_key: str | None = None  # the same key never opens two cases (retries, replays)


def service_type(session: Session, code: str) -> ServiceType:
    found = session.scalar(select(ServiceType).where(ServiceType.code == code, ServiceType.active))
    if found is None:
        raise CaseError(f"there is no active service type {code!r}")
    return found


def open_case(session: Session, new: NewCase, calls: list[Call] | None = None) -> Case:
    """Open a case, or return the one already opened under the same source key."""
    if new.source_key:
        existing = session.scalar(select(Case).where(Case.source_key == new.source_key))
        if existing is not None:
            return existing
    if new.channel not in CHANNELS:
        raise CaseError(f"channel must be one of {', '.join(CHANNELS)}")
    kind = service_type(session, new.service_code)
    case = Case(
        reference=new.reference, service_type=kind, description=new.description, address=new.address,
        zip_code=new.zip_code, latitude=new.latitude, longitude=new.longitude, status="open",
        channel=new.channel, contact_name=new.contact_name, contact_phone=new.contact_phone,
        contact_email=new.contact_email, media_url=new.media_url, opened_at=new.opened_at,
        updated_at=new.opened_at, expected_by=new.opened_at + kind.sla, source_key=new.source_key,
        calls=list(calls or []),
    )
    case.updates.append(CaseUpdate(at=new.opened_at, status="open", note=f"Opened by {new.channel}."))
    session.add(case)
    session.flush()
    return case


def change_status(session: Session, case: Case, status: str, at: datetime, note: str = "",
                  agent: Agent | None = None, public: bool = True) -> CaseUpdate:
    if status not in TRANSITIONS.get(case.status, set()) and status != case.status:
        raise CaseError(f"a {case.status} case cannot become {status}")
    update = CaseUpdate(at=at, status=status, note=note, public=public, agent_id=agent.id if agent else None)
    case.updates.append(update)
    case.status, case.updated_at = status, at
    case.closed_at = at if status == "closed" else None
    if agent is not None and agent not in case.agents:
        case.agents.append(agent)
    session.flush()
    return update


def find_by_reference(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference))


def highest_sequence(session: Session, year: int) -> int:
    """The largest sequence used so far in `year` (0 when none), for seeding the Redis counter."""
    prefix = f"{year % 100:02d}"
    top = session.scalar(select(func.max(Case.reference)).where(Case.reference.like(f"{prefix}%")))
    return sequence_of(top) if top else 0
