"""The city's service catalogue read from SQL: which services exist and what each one asks.

Both the API and the web form read services through here, so "active" means
the same thing everywhere and validation sees exactly the published definition.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models.service_attribute import ServiceAttribute
from ivr.models.service_type import ServiceType
from ivr.open311.validation import AttributeSpec, ServiceSpec

#: What a service code can look like; anything else is unknown without asking the database.
_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,32}")


def active_services(session: Session) -> list[ServiceType]:
    query = select(ServiceType).where(ServiceType.active).order_by(ServiceType.group, ServiceType.name)
    return list(session.scalars(query))


def active_service(session: Session, code: str) -> ServiceType | None:
    if not _CODE.fullmatch(code):
        return None
    return session.scalar(select(ServiceType).where(ServiceType.code == code, ServiceType.active))


def attributes_of(session: Session, service: ServiceType) -> list[ServiceAttribute]:
    query = (select(ServiceAttribute).where(ServiceAttribute.service_type_id == service.id)
             .order_by(ServiceAttribute.position, ServiceAttribute.code))
    return list(session.scalars(query))


def services_with_attributes(session: Session) -> set[int]:
    """Ids of the services that ask extra questions (Open311 metadata=true), in one query."""
    return set(session.scalars(select(ServiceAttribute.service_type_id).distinct()))


def service_spec(session: Session, code: str) -> ServiceSpec | None:
    """The definition validation checks against, or None for an unknown or retired service."""
    service = active_service(session, code)
    if service is None:
        return None
    return ServiceSpec(service.code, service.name, tuple(_spec(a) for a in attributes_of(session, service)))


def _spec(attribute: ServiceAttribute) -> AttributeSpec:
    keys = tuple(str(value["key"]) for value in attribute.values)
    return AttributeSpec(attribute.code, attribute.datatype, attribute.required, attribute.variable,
                         attribute.description, keys)


def unknown_codes(session: Session, codes: tuple[str, ...]) -> list[str]:
    """The codes no service has ever had (retired services still name their old cases)."""
    plausible = [code for code in codes if _CODE.fullmatch(code)]
    if not plausible:
        return list(codes)
    known = set(session.scalars(select(ServiceType.code).where(ServiceType.code.in_(plausible))))
    return [code for code in codes if code not in known]
