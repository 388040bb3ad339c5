"""Fixtures of the case tests that need PostgreSQL itself (row locks, two processes at once)."""

from __future__ import annotations

import pytest

from ivr import db
from tests.conftest import _empty


@pytest.fixture
def postgres(postgres_url):  # type: ignore[no-untyped-def]
    """A migrated session factory on the run's PostgreSQL schema, emptied of calls and cases around the test."""
    engine = db.make_engine(postgres_url)
    db.upgrade(engine)
    factory = db.make_session_factory(engine)
    _empty(factory)
    yield factory
    _empty(factory)
    engine.dispose()
