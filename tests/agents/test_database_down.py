"""While the database is away, the console and the supervisor's pages say "try again shortly" (503), not 500.

Every request of someone logged in loads their account from SQL first, so an outage reaches every route.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.exc import OperationalError

from tests.agents.login import log_in


def unreachable():  # type: ignore[no-untyped-def]
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


@pytest.fixture
def database_down(app, monkeypatch):  # type: ignore[no-untyped-def]
    def go_down() -> None:
        monkeypatch.setitem(app.extensions, "cityline", replace(app.extensions["cityline"], sessions=unreachable))
    return go_down


@pytest.mark.parametrize(("role", "path", "json"), [
    ("agent", "/agents/api/me", True),
    ("supervisor", "/agents/api/queues", True),
    ("supervisor", "/agents/supervisor", False),
])
def test_a_route_answers_503_with_retry_after_while_the_database_is_away(app, database_down, role, path, json):
    person = log_in(app.test_client(), f"dana-{role}", role)
    database_down()
    response = person.client.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "15"
    words = response.get_json()["error"] if json else response.get_data(as_text=True)
    assert words == "The database did not answer; nothing was changed. Try again shortly."

