"""The supervisor's interval exports: figures from SQL with their definitions, for supervisors only."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from ivr import db
from ivr.models.queue_wait import QueueWait
from routing.metrics import DEFINITIONS
from tests.agents.login import log_in
from tests.floor.test_history import _store


def _today_waits(app) -> datetime:  # type: ignore[no-untyped-def]
    """Three waits early in the city's today (answered in 10 s and 50 s, abandoned after 30 s); the interval's start."""
    zone = app.extensions["cityline"].settings.office_hours.zone
    start = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        session.execute(sa.delete(QueueWait))
        _store(session, [(1, "answered", 10), (2, "answered", 50), (3, "abandoned", 30)], start)
    return start


def test_the_supervisor_exports_today_per_interval_as_json_with_definitions(app) -> None:  # type: ignore[no-untyped-def]
    start = _today_waits(app)
    body = log_in(app.test_client(), "sam", "supervisor").get("/agents/api/floor/intervals?minutes=30").get_json()
    assert body["definitions"] == DEFINITIONS and body["threshold_seconds"] == 20
    first = body["rows"][0]
    assert first["start"] == start.isoformat()
    assert (first["offered"], first["answered"], first["abandoned"]) == (3, 2, 1)
    assert first["service_level"] == 0.5 and first["service_level_with_abandons"] == 1 / 3
    assert first["asa_seconds"] == 30 and first["wait_p90_seconds"] == 50


def test_the_csv_export_starts_with_the_definitions(app) -> None:  # type: ignore[no-untyped-def]
    start = _today_waits(app)
    response = log_in(app.test_client(), "sam", "supervisor").get("/agents/api/floor/intervals?format=csv&minutes=15")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "# service_level: answered within the threshold / answered" in text
    assert f"{start.isoformat()},3,2,1,0,0.5," in text
    assert sum(1 for line in text.splitlines() if line[:1].isdigit()) == 96  # every quarter hour of the day


def test_bad_parameters_are_a_400_not_a_500(app) -> None:  # type: ignore[no-untyped-def]
    client = log_in(app.test_client(), "sam", "supervisor")
    for query in ["period=forever", "minutes=7", "minutes=x", "format=xml"]:
        assert client.get(f"/agents/api/floor/intervals?{query}").status_code == 400


def test_an_agent_cannot_read_the_floor_exports(app) -> None:  # type: ignore[no-untyped-def]
    assert log_in(app.test_client(), "alice").get("/agents/api/floor/intervals").status_code == 403
    assert app.test_client().get("/agents/api/floor/intervals").status_code == 401


def test_one_mandarin_queue_can_be_exported_and_an_unknown_language_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    _today_waits(app)  # all in potholes-en: the Mandarin line had no calls
    client = log_in(app.test_client(), "sam", "supervisor")
    body = client.get("/agents/api/floor/intervals?minutes=60&queue=general-zh-CN").get_json()
    assert body["queue"] == "general-zh-CN" and body["threshold_seconds"] == 20
    assert sum(row["offered"] for row in body["rows"]) == 0
    assert client.get("/agents/api/floor/intervals?queue=general-zh-TW").status_code == 400
