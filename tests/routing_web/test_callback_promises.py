"""Callbacks promised to callers are SQL rows: put back in line when Redis forgets them, closed when settled."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from redis import Redis
from sqlalchemy import select

from ivr.models.callback import CallbackPromise
from ivr.routing_records import RoutingRecords
from routing import recovery
from routing.calls import CallbackRequest, CallStatus
from routing.config import config_from_mapping
from routing.office_hours import OfficeHours
from routing.router import Router
from tests.routing_web.conftest import NUMBER, ROUTING, ZONE

PROMISED = "CA" + "5" * 32


def status_of(sessions, callback_id: str) -> str:  # type: ignore[no-untyped-def]
    with sessions() as session:
        return session.scalar(select(CallbackPromise.status).where(CallbackPromise.callback_id == callback_id))


def test_an_after_hours_callback_redis_forgot_waits_for_the_opening_again(redis: Redis, sessions):
    records = RoutingRecords(sessions)
    records.promise_callback(PROMISED, NUMBER, "potholes", "en", requested=datetime.now(UTC) - timedelta(hours=3))
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).weekday()
    closed_now = Router(redis, config_from_mapping(ROUTING), prefix="test:",
                        hours=OfficeHours(ZONE, {tomorrow: ((time(8), time(9)),)}))
    assert recovery.restore_callbacks(closed_now, records) == [PROMISED]
    assert closed_now.call(PROMISED).status is CallStatus.SCHEDULED
    assert recovery.restore_callbacks(closed_now, records) == []  # routing knows it now


def test_a_promise_is_written_once_however_often_it_is_made(sessions):
    records = RoutingRecords(sessions)
    assert records.promise_callback(PROMISED, NUMBER, "potholes", "en")
    assert records.promise_callback(PROMISED, NUMBER, "potholes", "en")  # a retried webhook
    assert [promise.id for promise in records.open_callbacks()] == [PROMISED]


def test_a_callback_routing_settled_is_closed_in_sql(router: Router, sessions):
    records = RoutingRecords(sessions)
    records.promise_callback(PROMISED, NUMBER, "potholes", "en")
    router.request_callback(CallbackRequest(PROMISED, "potholes", "en", NUMBER))
    router.ctx.connection.hset(router.ctx.keys.call(PROMISED), "status", "failed")
    assert recovery.restore_callbacks(router, records) == []
    assert status_of(sessions, PROMISED) == "failed" and records.open_callbacks() == []
