"""The wallboard through the real router (Redis) and the real copy to SQL, checked against figures worked by hand.

One agent, Ann, on potholes-en (threshold 20 s, target 80 %, short abandons under 10 s, wrap-up 30 s):

    T0      CA1 calls; Ann is free, so it rings at her     (waiting 1, being offered; Ann ringing)
    T0+5    Ann answers CA1 (waited 5 s: within 20 s)
    T0+10   CA2 calls and waits
    T0+20   CA3 calls, hangs up at T0+25                    (5 s: a short abandon)
    T0+30   CA4 calls, hangs up at T0+60                    (30 s: abandoned after the threshold)
    T0+40   CA5 calls, hangs up at T0+55                    (15 s: abandoned, within the threshold)
    T0+50   CA6 calls, asks for a callback at T0+52         (a callback pending)
    T0+65   CA1 ends; wrap-up until T0+95                   (handled 60 + 30 = 90 s)
    T0+95   CA2 rings at Ann; she answers at T0+100         (waited 90 s: late)
    T0+130  CA2 ends; wrap-up until T0+160                  (handled 30 + 30 = 60 s)
    T0+155  CA7 calls and waits
    T0+160  CA6's callback rings at Ann
    T0+170  the wallboard is read
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from ivr import db
from ivr.floor.handlings import copy_handlings
from ivr.floor.history import interval_start
from ivr.floor.wallboard import day_start, wallboard
from ivr.jobs.routing_jobs import copy_waits
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.floor import CallHandling
from ivr.models.queue_wait import QueueWait
from ivr.models.service_type import ServiceType
from routing.agents import AgentProfile, AgentState
from routing.calls import CallRequest
from tests.agents.login import log_in


def _start(app) -> float:  # type: ignore[no-untyped-def]
    """The start of a quarter hour, today in the city and at least 10 minutes ago: the whole day fits in it."""
    now = time.time()
    quarter = interval_start(datetime.fromtimestamp(now - 600, UTC), 15).timestamp()
    return max(day_start(now, app.extensions["cityline"].settings.office_hours.zone).timestamp(), quarter)


def _sid(n: int) -> str:
    return f"CA{n:032d}"


def _board(app, now: float):  # type: ignore[no-untyped-def]
    services = app.extensions["cityline"]
    copy_waits(services.router, services.sessions)
    copy_handlings(services.router, services.sessions)
    return wallboard(services.router, services.sessions, services.settings.office_hours.zone, now=now)


def _queue(board, name: str = "potholes-en"):  # type: ignore[no-untyped-def]
    return next(row for row in board["queues"] if row["queue"] == name)


def _agent(board, login: str = "ann"):  # type: ignore[no-untyped-def]
    return next(agent for agent in board["agents"] if agent["login"] == login)


@pytest.fixture
def day(app):  # type: ignore[no-untyped-def]
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        session.execute(sa.delete(QueueWait))
        session.execute(sa.delete(CallHandling))
    router = app.extensions["cityline"].router
    t0 = _start(app)
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)), now=t0 - 60)
    router.set_agent_state("ann", AgentState.AVAILABLE, now=t0 - 30)
    return router, t0


def test_a_caller_ringing_at_an_agent_is_waiting_and_the_agent_is_ringing(app, day) -> None:  # type: ignore[no-untyped-def]
    router, t0 = day
    router.enqueue(CallRequest(_sid(1), "potholes", "en"), now=t0)
    board = _board(app, t0 + 1)
    line = _queue(board)
    assert (line["waiting"], line["offered_now"], line["longest_wait_seconds"]) == (1, 1, pytest.approx(1))
    assert line["available"] == 0
    ann = _agent(board)
    assert (ann["state"], ann["call"], ann["call_queue"]) == ("ringing", _sid(1), "potholes-en")
    assert board["floor"]["waiting"] == 1 and board["floor"]["agents_by_state"] == {"ringing": 1}
    assert [c["status"] for c in board["callers"]] == ["offered"]


def _known_day(router, t0: float) -> None:  # type: ignore[no-untyped-def]
    [offer1] = [router.enqueue(CallRequest(_sid(1), "potholes", "en"), now=t0).offer]
    router.accept(offer1.id, now=t0 + 5)
    router.enqueue(CallRequest(_sid(2), "potholes", "en"), now=t0 + 10)
    router.enqueue(CallRequest(_sid(3), "potholes", "en"), now=t0 + 20)
    router.abandon(_sid(3), now=t0 + 25)
    router.enqueue(CallRequest(_sid(4), "potholes", "en"), now=t0 + 30)
    router.enqueue(CallRequest(_sid(5), "potholes", "en"), now=t0 + 40)
    router.abandon(_sid(5), now=t0 + 55)
    router.enqueue(CallRequest(_sid(6), "potholes", "en"), now=t0 + 50)
    router.convert_to_callback(_sid(6), "+13125550106", now=t0 + 52)
    router.abandon(_sid(4), now=t0 + 60)
    router.complete(_sid(1), now=t0 + 65)
    [offer2] = router.tick(now=t0 + 95).offers
    assert offer2.call_sid == _sid(2)
    router.accept(offer2.id, now=t0 + 100)
    router.complete(_sid(2), now=t0 + 130)
    router.enqueue(CallRequest(_sid(7), "potholes", "en"), now=t0 + 155)
    [offer6] = router.tick(now=t0 + 160).offers
    assert offer6.call_sid == _sid(6)


def test_every_figure_of_a_known_day_matches_the_hand_count(app, day) -> None:  # type: ignore[no-untyped-def]
    router, t0 = day
    _known_day(router, t0)
    board = _board(app, t0 + 170)
    line = _queue(board)
    assert (line["threshold_seconds"], line["target"]) == (20, 0.8)
    assert (line["offered"], line["answered"], line["abandoned"], line["short_abandoned"]) == (4, 2, 2, 1)
    assert line["service_level"] == pytest.approx(1 / 2)  # CA1 within 20 s; CA2 not
    assert line["service_level_with_abandons"] == pytest.approx(1 / 3)  # + CA4, abandoned after 20 s
    assert line["asa_seconds"] == pytest.approx((5 + 90) / 2)
    assert line["wait_p90_seconds"] == pytest.approx(90)
    assert line["aht_seconds"] == pytest.approx((90 + 60) / 2)  # talk + hold + wrap-up
    assert line["abandonment"] == pytest.approx(2 / 4)
    assert (line["waiting"], line["offered_now"], line["longest_wait_seconds"]) == (1, 0, pytest.approx(15))
    assert line["callbacks_pending"] == 1
    assert (line["staffed"], line["available"]) == (1, 0)
    assert line["status"]["service_level"] == "alert" and line["status"]["longest_wait_seconds"] == "ok"
    assert {"code": "service_level_below_target", "queue": "potholes-en", "value": 0.5, "limit": 0.8} \
        in board["alerts"]
    ann = _agent(board)
    assert (ann["state"], ann["call"], ann["seconds_in_state"]) == ("ringing", _sid(6), pytest.approx(10))
    floor = board["floor"]
    assert (floor["offered"], floor["answered"], floor["service_level"]) == (4, 2, pytest.approx(0.5))
    assert floor["service_level_with_abandons"] == pytest.approx(1 / 3)
    assert floor["occupancy_now"] == 0.0 and floor["callbacks_pending"] == 1
    assert board["shown_service_level"] == "service_level"
    assert "service_level_with_abandons" in board["definitions"]
    other = _queue(board, "trash-en")
    assert (other["offered"], other["service_level"], other["status"]["service_level"]) == (0, None, "none")


def test_a_queue_with_callers_and_no_agents_raises_an_alert(app, day) -> None:  # type: ignore[no-untyped-def]
    router, t0 = day
    router.enqueue(CallRequest(_sid(8), "noise", "es"), now=t0)
    board = _board(app, t0 + 130)
    line = _queue(board, "noise-es")
    assert line["status"]["waiting"] == "alert" and line["status"]["longest_wait_seconds"] == "alert"
    codes = {alert["code"] for alert in board["alerts"] if alert["queue"] == "noise-es"}
    assert codes == {"waiting_without_agents", "longest_wait_over"}


def test_the_supervisor_reads_the_wallboard_and_an_agent_cannot(app, day) -> None:  # type: ignore[no-untyped-def]
    supervisor = log_in(app.test_client(), "sam", "supervisor")
    body = supervisor.get("/agents/api/floor/wallboard").get_json()
    assert {"floor", "queues", "agents", "alerts", "definitions", "notices"} <= set(body)
    agent = log_in(app.test_client(), "alice")
    for path in ["/agents/supervisor", "/agents/api/floor/wallboard", "/agents/api/floor/events",
                 "/agents/api/floor/charts", "/agents/api/floor/audit", "/agents/supervisor/audit",
                 "/agents/vendor/chart.umd.min.js"]:
        assert agent.get(path).status_code == 403, path
        assert app.test_client().get(path).status_code in (401, 303), path  # pages send strangers to the login
    for path in ["/agents/api/floor/broadcast", "/agents/api/floor/closure", "/agents/api/floor/agents/ann/state",
                 f"/agents/api/floor/calls/{_sid(1)}/priority", f"/agents/api/floor/calls/{_sid(1)}/move"]:
        assert agent.post(path, json={}).status_code == 403, path


def _calls_and_cases(app, t0: float) -> None:  # type: ignore[no-untyped-def]
    """Beside the queue: 2 calls self-served, 1 hung up in the menu; 3 pothole cases (2 by phone, 1 on the web)
    and 1 trash case by SMS."""
    started = datetime.fromtimestamp(t0, UTC)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        for table in (Case, Call, ServiceType):
            session.execute(sa.delete(table))
        for n, disposition in enumerate(["self_served", "self_served", "hung_up_in_menu", "answered_by_agent",
                                         "abandoned_in_queue", "callback", "in_progress"]):
            session.add(Call(call_sid=f"CAself{n}", started_at=started, disposition=disposition))
        types = {code: ServiceType(code=code, name=code.title()) for code in ("potholes", "trash")}
        session.add_all(types.values())
        for n, (code, channel) in enumerate([("potholes", "phone"), ("potholes", "phone"), ("potholes", "web"),
                                             ("trash", "sms")]):
            session.add(Case(reference=f"9000{n}", service_type=types[code], channel=channel, opened_at=started,
                             updated_at=started, expected_by=started + timedelta(days=3)))


def test_the_interval_row_and_every_chart_series_match_the_hand_count(app, day) -> None:  # type: ignore[no-untyped-def]
    router, t0 = day
    _known_day(router, t0)
    _calls_and_cases(app, t0)
    _board(app, t0 + 170)  # copies waits and handled calls to SQL
    sam = log_in(app.test_client(), "sam", "supervisor")
    charts = sam.get("/agents/api/floor/charts?period=today&minutes=15").get_json()
    rows = charts["intervals"]
    at = rows["start"].index(datetime.fromtimestamp(t0, UTC).isoformat())
    assert (rows["offered"][at], rows["answered"][at], rows["abandoned"][at]) == (4, 2, 2)
    assert rows["service_level"][at] == pytest.approx(1 / 2)
    assert rows["service_level_with_abandons"][at] == pytest.approx(1 / 3)
    assert (rows["asa_seconds"][at], rows["aht_seconds"][at]) == (pytest.approx(47.5), pytest.approx(75))
    assert sum(rows["offered"]) == 4  # no other interval of the day has a call
    waits = charts["wait_distribution"]
    assert waits["buckets"] == ["0-10 s", "10-20 s", "20-30 s", "30-60 s", "60-120 s", "120-300 s", "300+ s"]
    assert waits["answered"] == [1, 0, 0, 0, 1, 0, 0]  # 5 s and 90 s
    assert waits["abandoned"] == [1, 1, 0, 1, 0, 0, 0]  # 5 s (short), 15 s and 30 s
    assert charts["self_service"] == {"self_served": 2, "needed_agent": 3, "other": 1}
    assert charts["top_requests"] == [
        {"service_code": "potholes", "service_name": "Potholes", "cases": 3, "channels": {"phone": 2, "web": 1}},
        {"service_code": "trash", "service_name": "Trash", "cases": 1, "channels": {"sms": 1}}]
    assert "wait_distribution" in charts["definitions"] and "service_level" in charts["definitions"]
    exported = sam.get("/agents/api/floor/intervals?minutes=15&queue=potholes-en").get_json()
    row = next(r for r in exported["rows"] if r["start"] == rows["start"][at])
    assert (row["offered"], row["short_abandoned"], row["aht_seconds"]) == (4, 1, pytest.approx(75))
    assert (exported["threshold_seconds"], exported["short_abandon_seconds"]) == (20, 10)


def test_the_queue_table_api_counts_a_ringing_caller_as_waiting(app, day) -> None:  # type: ignore[no-untyped-def]
    router, t0 = day
    router.enqueue(CallRequest(_sid(1), "potholes", "en"))
    body = log_in(app.test_client(), "sam", "supervisor").get("/agents/api/queues").get_json()
    line = next(row for row in body["queues"] if row["queue"] == "potholes-en")
    assert (line["waiting"], line["offered"], line["available"]) == (1, 1, 0)
    assert next(a for a in body["agents"] if a["login"] == "ann")["state"] == "ringing"
