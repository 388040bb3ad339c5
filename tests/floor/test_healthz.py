"""/healthz: 200 when Redis and the database answer, 503 naming the one that does not."""

from __future__ import annotations

from dataclasses import replace

import pytest
from redis import Redis
from sqlalchemy import create_engine


def test_healthy_when_both_answer(app) -> None:  # type: ignore[no-untyped-def]
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    health = response.get_json()
    assert health.pop("intents") in ("ready", "training")  # tests/intents/test_warm_up checks which
    assert health.pop("redis_durability").startswith("memory only")  # tests/ivr/test_health_failed_jobs: why
    assert health == {"status": "ok", "checks": {"redis": True, "database": True}, "failed_jobs": 0,
                      "calendars_ending": []}


def test_unreachable_redis_is_a_503_naming_redis(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    dead = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    monkeypatch.setitem(app.extensions, "cityline", replace(app.extensions["cityline"], redis=dead))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"redis": False, "database": True}


def test_unreachable_database_is_a_503_naming_the_database(app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    dead = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    monkeypatch.setitem(app.extensions, "cityline", replace(app.extensions["cityline"], sql=dead))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"redis": True, "database": False}
    dead.dispose()
