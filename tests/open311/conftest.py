"""An app on SQLite and on PostgreSQL, with Open311 API keys configured and a real Redis."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.open311.support import BACKENDS, database_url_for, env_for


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[str]:
    yield from database_url_for(request, sqlite_url)


@pytest.fixture
def env(database_url: str, redis_url: str, redis) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return env_for(database_url, redis_url)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()
