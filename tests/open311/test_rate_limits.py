"""Open311 rate limits, counted in Redis so they hold across web processes: 429 in the spec's error format."""

from __future__ import annotations

import pytest

from ivr.app import create_app
from tests.open311.support import API_KEY, OTHER_KEY

REPORT = {"service_code": "potholes", "address_string": "125 Elm Street", "description": "deep"}


@pytest.fixture
def two_web_processes(env):  # type: ignore[no-untyped-def]
    """Two apps on the same Redis and database, as two gunicorn workers would be."""
    limited = {**env, "OPEN311_WRITE_LIMIT": "2/minute", "OPEN311_READ_LIMIT": "5/minute"}
    apps = [create_app(limited), create_app(limited)]
    yield [each.test_client() for each in apps]
    for each in apps:
        each.extensions["cityline"].sql.dispose()


def test_creating_is_limited_per_api_key_across_web_processes(two_web_processes):
    first, second = two_web_processes
    def post(client, key: str, number: int):  # type: ignore[no-untyped-def]
        return client.post("/open311/v2/requests.json",
                           data={**REPORT, "description": f"pothole {number}", "api_key": key})

    assert post(first, API_KEY, 1).status_code == 201
    assert post(second, API_KEY, 2).status_code == 201
    refused = post(first, API_KEY, 3)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    [error] = refused.get_json()
    assert error["code"] == 429 and "Too many requests (2 per 1 minute)" in error["description"]
    assert post(second, OTHER_KEY, 4).status_code == 201


def test_reading_is_limited_per_address_and_answers_in_the_asked_format(two_web_processes):
    first, second = two_web_processes
    for client in (first, second, first, second, first):
        assert client.get("/open311/v2/services.json").status_code == 200
    refused = second.get("/open311/v2/services.xml")
    assert refused.status_code == 429 and refused.content_type.startswith("text/xml")
    assert b"<code>429</code>" in refused.data
    other = first.get("/open311/v2/services.json", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_a_limit_that_does_not_parse_stops_start_up(env):
    from ivr.settings import ConfigError

    with pytest.raises(ConfigError, match="OPEN311_WRITE_LIMIT"):
        create_app({**env, "OPEN311_WRITE_LIMIT": "lots"})
