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



def test_an_agent_whose_console_keeps_asking_during_an_outage_stays_present(app, database_down, redis):
    """Presence lasts seconds and the sweep logs out an absent agent: an outage must not log out the floor."""
    from agents.push.presence import PRESENCE_SECONDS, is_present, presence_key

    prefix = app.extensions["cityline"].router.ctx.keys.prefix
    person = log_in(app.test_client(), "dana-agent", "agent")
    database_down()
    assert not is_present(redis, prefix, "dana-agent")
    assert person.client.get("/agents/api/me").status_code == 503
    assert is_present(redis, prefix, "dana-agent")
    assert 0 < redis.ttl(presence_key(prefix, "dana-agent")) <= PRESENCE_SECONDS


def test_after_logging_out_an_outage_keeps_nobody_present(app, database_down, redis):
    from agents.push.presence import is_present

    prefix = app.extensions["cityline"].router.ctx.keys.prefix
    person = log_in(app.test_client(), "dana-agent", "agent")
    assert person.post("/agents/logout").status_code == 303
    database_down()
    person.client.get("/agents/api/me")
    assert not is_present(redis, prefix, "dana-agent")
