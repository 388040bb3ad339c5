"""The spec's documents built from our models: services, service definitions, requests, discovery, errors.

Field names and their order follow GeoReport v2 exactly; CityLine's words map
onto the spec's here and nowhere else (a case is a service request, its
reference the service_request_id, in_progress is still "open").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo
from typing import Any

from ivr.models.case import Case
from ivr.models.open311_submission import Open311Submission
from ivr.models.service_attribute import ServiceAttribute
from ivr.models.service_type import ServiceType
from ivr.open311 import w3c
from ivr.open311.formats import MEDIA_TYPES

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this API's shape last changed; sortable, as discovery asks.
CHANGESET = "2026-11-24T00:00:00Z"
#: Only media a client published itself is shown; a phone case's media is the caller's voice.
PUBLIC_MEDIA_CHANNELS = ("api",)


def service(kind: ServiceType, has_attributes: bool) -> dict[str, Any]:
    return {
        "service_code": kind.code,
        "service_name": kind.name,
        "description": kind.description,
        "metadata": has_attributes,
        "type": "realtime",  # the reference is allocated while the client waits
        "keywords": ", ".join(kind.keywords),
        "group": kind.group,
    }


def definition(kind: ServiceType, attributes: Sequence[ServiceAttribute]) -> dict[str, Any]:
    return {"service_code": kind.code, "attributes": [attribute(a) for a in attributes]}


def attribute(question: ServiceAttribute) -> dict[str, Any]:
    return {
        "variable": question.variable,
        "code": question.code,
        "datatype": question.datatype,
        "required": question.required,
        "datatype_description": question.datatype_description or None,
        "order": question.position,
        "description": question.description,
        "values": [{"key": str(v["key"]), "name": str(v["name"])} for v in question.values],
    }


def service_notice(kind: ServiceType) -> str:
    """What the city commits to, from the service's SLA."""
    hours = kind.sla_hours
    span = f"{hours} hours" if hours < 48 else f"{round(hours / 24)} days"
    return f"The city aims to resolve requests of this kind within {span}."


def request(case: Case, zone: tzinfo, submission: Open311Submission | None) -> dict[str, Any]:
    kind = case.service_type
    return {
        "service_request_id": case.reference,
        "status": "closed" if case.status == "closed" else "open",
        "status_notes": status_notes(case),
        "service_name": kind.name,
        "service_code": kind.code,
        "description": case.description or None,
        "agency_responsible": kind.department or None,
        "service_notice": service_notice(kind),
        "requested_datetime": w3c.format_in(case.opened_at, zone),
        "updated_datetime": w3c.format_in(case.updated_at, zone),
        "expected_datetime": w3c.format_in(case.expected_by, zone),
        "address": case.address or None,
        "address_id": (submission.address_id or None) if submission else None,
        "zipcode": case.zip_code or None,
        "lat": case.latitude,
        "long": case.longitude,
        "media_url": case.media_url if case.channel in PUBLIC_MEDIA_CHANNELS else None,
    }


def status_notes(case: Case) -> str | None:
    """The latest note residents may read; agents' private notes never leave the building."""
    public = [update for update in case.updates if update.public and update.note]
    return public[-1].note if public else None


def created(reference: str, kind: ServiceType, account_id: str) -> list[dict[str, Any]]:
    """The POST answer: realtime services return the id and, as the spec asks, no token."""
    return [{"service_request_id": reference, "service_notice": service_notice(kind),
             "account_id": account_id or None}]


def discovery(endpoint_url: str, production: bool) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": "For help with this API, contact the city's 3-1-1 center.",
        "key_service": "API keys for creating service requests are issued by the city's 3-1-1 center.",
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": endpoint_url,
            "changeset": CHANGESET,
            "type": "production" if production else "test",
            "formats": list(MEDIA_TYPES),
        }],
    }


def errors(code: int, descriptions: Iterable[str]) -> list[dict[str, Any]]:
    return [{"code": code, "description": text} for text in descriptions]
