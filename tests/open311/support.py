"""Helpers shared by the Open311 and web tests: a migrated database per backend, cases and questions to read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from flask import Flask
from sqlalchemy import delete

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, change_status, open_case
from ivr.models.case import Case
from ivr.models.open311_submission import Open311Submission
from ivr.models.service_attribute import CaseAttribute, ServiceAttribute
from ivr.models.service_type import ServiceType

API_KEY = "test-open311-key-0123456789"
OTHER_KEY = "other-open311-key-9876543210"
BACKENDS = ["sqlite", "postgresql"]


def database_url_for(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    """A migrated, empty database on the parametrized backend, emptied again afterwards."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    factory = db.make_session_factory(engine)
    empty(factory)
    yield url
    empty(factory)
    engine.dispose()


def empty(factory) -> None:  # type: ignore[no-untyped-def]
    with db.unit_of_work(factory) as session:
        for table in (Open311Submission, CaseAttribute, ServiceAttribute):
            session.execute(delete(table))
        for case in session.query(Case):
            session.delete(case)
        session.query(ServiceType).update({ServiceType.active: True})


def env_for(url: str, redis_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "CITY_TIMEZONE": "America/New_York",
        "OFFICE_HOURS": "mon-sun 00:00-24:00",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "test-secret-key",
        "OPEN311_API_KEYS": f"{API_KEY}, {OTHER_KEY}",
    }


def add_question(app: Flask, service_code: str, code: str, **fields: Any) -> None:
    """Give a service an extra question (an Open311 attribute)."""
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        kind = session.query(ServiceType).filter_by(code=service_code).one()
        defaults: dict[str, Any] = {"position": 1, "datatype": "string", "variable": True, "required": False,
                                    "description": f"Question {code}?", "datatype_description": "", "values": []}
        session.add(ServiceAttribute(service_type_id=kind.id, code=code, **{**defaults, **fields}))


def add_case(app: Flask, sequence: int, opened_at: datetime, service_code: str = "potholes",
             status: str = "open", **fields: Any) -> str:
    """A case opened directly (as the phone line's worker would), moved to `status`."""
    reference = make_reference(opened_at.year, sequence)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        case = open_case(session, NewCase(reference=reference, service_code=service_code,
                                          channel=fields.pop("channel", "phone"), opened_at=opened_at, **fields))
        if status != "open":
            change_status(session, case, status, opened_at, note=f"Now {status}.")
    return reference


def stored_cases(app: Flask) -> list[Case]:
    with app.extensions["cityline"].sessions() as session:
        return list(session.query(Case).order_by(Case.id))


def filed_reports(app: Flask) -> int:
    """Reports taken: cases opened plus reports added to an open case as already reported."""
    from ivr.models.case_reporter import CaseReporter

    with app.extensions["cityline"].sessions() as session:
        return session.query(Case).count() + session.query(CaseReporter).filter_by(joined=True).count()


def parsed(response) -> ET.Element:  # type: ignore[no-untyped-def]
    """The XML body, after checking it is the spec's XML with its declaration."""
    assert response.content_type == "text/xml; charset=utf-8"
    assert response.data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ET.fromstring(response.data)
