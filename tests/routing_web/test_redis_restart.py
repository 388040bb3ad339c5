"""Redis restarts with nothing on disk: routing is rebuilt from what SQL and the phone network know.

The app runs on a private redis-server of its own (never the machine's shared Redis), which the test
stops and starts again, empty, on the same port.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from sqlalchemy import select

from ivr import db
from ivr.app import create_app
from ivr.jobs import call_history, event_stream
from ivr.jobs.routing_jobs import RoutingServices
from ivr.jobs.sweeper import sweep_once
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.callback import CallbackPromise
from routing.agents import AgentProfile, AgentState
from routing.calls import CallKind, CallRequest, CallStatus
from routing.exceptions import StateConflict
from tests.conftest import TwilioClient
from tests.redis_server import PrivateRedis
from tests.routing_web.conftest import ZONE
from tests.voice_responses import heard, twiml

TALKING = "CA" + "1" * 32  # on the line with Ann
CALLBACK = "CA" + "2" * 32  # asked to be called back, and hung up
HOLDING = "CA" + "3" * 32  # on hold


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def city(env, private_redis):  # type: ignore[no-untyped-def]
    application = create_app({**env, "REDIS_URL": private_redis.url})
    services = application.extensions["cityline"]
    call_history.bind(services.sessions, services.references)
    yield application
    call_history.bind(None)
    services.sql.dispose()


def sweep(city) -> object:  # type: ignore[no-untyped-def]
    services = city.extensions["cityline"]
    return sweep_once(RoutingServices(services.router, services.telephony, services.sessions, services.references,
                                      ZONE))


def write_call_log(city) -> None:  # type: ignore[no-untyped-def]
    redis = city.extensions["cityline"].redis
    event_stream.drain(redis, Queue(call_history.CALLS_QUEUE, connection=redis))  # as `cityline worker --burst` does
    SimpleWorker([Queue(call_history.CALLS_QUEUE, connection=redis)], connection=redis).work(burst=True)


def reconnect(redis: Redis) -> None:
    for _ in range(3):
        try:
            redis.ping()
            return
        except RedisError:
            continue


@pytest.fixture
def before_the_restart(city):  # type: ignore[no-untyped-def]
    """Ann talks to one caller, another asked for a callback, a third is on hold; the call log is written."""
    services, twilio = city.extensions["cityline"], TwilioClient(city.test_client())
    with db.unit_of_work(services.sessions) as session:
        session.add(Agent(login="ann", name="Ann", skills={"potholes": 5}, languages=["en"]))
    router = services.router
    for sid in (TALKING, CALLBACK, HOLDING):
        twilio.post("/voice/step?node=report_menu&lang=en", {"Digits": "1", "CallSid": sid})  # joins potholes-en
    router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
    [offer] = router.set_agent_state("ann", AgentState.AVAILABLE)
    router.accept(offer.id)
    assert offer.call_sid == TALKING
    twilio.post("/voice/callback?skill=potholes&lang=en", {"Digits": "1", "CallSid": CALLBACK})
    entered = {sid: router.call(sid).entered for sid in (CALLBACK, HOLDING)}
    write_call_log(city)
    sweep(city)  # copies Ann's answered wait to SQL
    return entered


def restart(private_redis: PrivateRedis, city) -> None:  # type: ignore[no-untyped-def]
    private_redis.stop()
    private_redis.start()
    reconnect(city.extensions["cityline"].redis)
    assert city.extensions["cityline"].router.call(HOLDING) is None  # everything routing knew is gone


class TestAfterARestart:
    def test_the_promised_callback_is_in_sql_the_moment_it_is_promised(self, city, before_the_restart):
        with city.extensions["cityline"].sessions() as session:
            promise = session.scalar(select(CallbackPromise).where(CallbackPromise.callback_id == CALLBACK))
            assert (promise.status, promise.number, promise.skill) == ("promised", "+13125550199", "potholes")

    def test_the_sweep_sees_the_restart_and_rebuilds(self, city, before_the_restart, private_redis):
        restart(private_redis, city)
        found = sweep(city).recovery
        assert found.restarted and found.agents_restored == ["ann"] and found.callbacks_restored == [CALLBACK]
        assert sweep(city).recovery.restarted is False  # once

    def test_the_callback_keeps_its_place(self, city, before_the_restart, private_redis):
        restart(private_redis, city)
        sweep(city)
        callback = city.extensions["cityline"].router.call(CALLBACK)
        assert callback.kind is CallKind.CALLBACK and callback.status is CallStatus.WAITING
        assert callback.entered == pytest.approx(before_the_restart[CALLBACK], abs=0.01)

    def test_the_agent_on_a_call_gets_no_second_caller(self, city, before_the_restart, private_redis):
        restart(private_redis, city)
        sweep(city)
        router = city.extensions["cityline"].router
        assert router.agent("ann").state is AgentState.ON_CALL and router.agent("ann").call == TALKING
        with pytest.raises(StateConflict):  # the console's "available" is refused while on the call
            router.set_agent_state("ann", AgentState.AVAILABLE)
        router.enqueue(CallRequest("CA" + "4" * 32, "potholes", "en"))
        assert router.agent("ann").reservation == ""

    def test_the_agents_call_ends_normally(self, city, before_the_restart, private_redis):
        restart(private_redis, city)
        sweep(city)
        TwilioClient(city.test_client()).post("/voice/agent-done?agent=ann&lang=en",
                                              {"DialCallStatus": "completed", "CallSid": TALKING})
        assert city.extensions["cityline"].router.agent("ann").state in (AgentState.WRAP_UP, AgentState.AVAILABLE)

    def test_a_caller_on_hold_rejoins_at_the_place_they_had(self, city, before_the_restart, private_redis):
        restart(private_redis, city)
        sweep(city)
        root = twiml(TwilioClient(city.test_client()).post("/voice/hold?skill=potholes&lang=en",
                                                           {"CallSid": HOLDING, "QueuePosition": "1"}))
        router = city.extensions["cityline"].router
        holding = router.call(HOLDING)
        assert holding.status is CallStatus.WAITING and holding.queue == "potholes-en"
        with city.extensions["cityline"].sessions() as session:
            entered = session.scalar(select(Call.queue_entered_at).where(Call.call_sid == HOLDING)).timestamp()
        assert holding.entered == pytest.approx(entered, abs=0.01)
        assert heard(root)[0].startswith("You are number 2 in line")  # behind the callback, which asked first
