"""A migrated database on SQLite and on PostgreSQL, with sessions for jobs bound to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from ivr import db, jobs
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case


@pytest.fixture(params=["sqlite", "postgresql"])
def sessions(request, sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    engine = db.make_engine(url)
    db.upgrade(engine)
    factory = db.make_session_factory(engine)
    _empty(factory)
    jobs.bind(factory)
    yield factory
    jobs.bind(None)
    _empty(factory)
    engine.dispose()


def _empty(factory: sessionmaker[Session]) -> None:
    with db.unit_of_work(factory) as session:
        for case in session.query(Case):
            session.delete(case)
        session.flush()
        session.execute(delete(Call))
        session.execute(delete(CallEvent))
