"""Wrap-up after a call, through the console API: the countdown, More time up to the queue's maximum,
a wrap-up code from the queue's list (required for potholes in the shipped routing file) written to
the call's SQL row by the calls worker, and then the next call."""

from __future__ import annotations

import pytest
import yaml
from rq import Queue, SimpleWorker
from sqlalchemy import select

from ivr.jobs import call_history, event_stream
from ivr.jobs.sweeper import sweep_once
from ivr.models.call import Call
from routing.agents import AgentState
from routing.calls import CallRequest
from tests.agents.login import log_in
from tests.routing_web.conftest import ROUTING

FIRST, SECOND = "CA" + "1" * 32, "CA" + "2" * 32


@pytest.fixture
def env(env, tmp_path):  # type: ignore[no-untyped-def]
    """The routing file of these tests, with a wrap-up code required after pothole calls."""
    raw = {**ROUTING, "queues": {**ROUTING["queues"], "potholes": {**ROUTING["queues"]["potholes"],
                                                                   "wrap_up_required": True}}}
    path = tmp_path / "routing-required.yaml"
    path.write_text(yaml.safe_dump(raw))
    return {**env, "ROUTING_FILE": str(path)}


@pytest.fixture
def ann(app):  # type: ignore[no-untyped-def]
    client = log_in(app.test_client(), "ann", name="Ann Lee", skills={"potholes": 7, "noise": 5})

    def call(method: str, path: str, body: dict | None = None, status: int = 200):  # type: ignore[no-untyped-def]
        response = client.open(f"/agents/api{path}", method=method, json=body)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    call("POST", "/me/state", {"state": "available"})
    return call


def talk_and_hang_up(app, ann, sid: str, skill: str = "potholes"):  # type: ignore[no-untyped-def]
    router = app.extensions["cityline"].router
    router.enqueue(CallRequest(sid, skill, "en"))
    offer = ann("GET", "/me")["offer"]
    ann("POST", f"/offers/{offer['id']}/accept")
    router.complete(sid)
    return ann("GET", "/me")


def test_after_the_call_the_agent_sees_the_countdown_and_the_queues_codes(app, ann):
    me = talk_and_hang_up(app, ann, FIRST)
    wrap = me["wrap_up"]
    assert (me["state"], wrap["call"], wrap["queue"], wrap["required"], wrap["code"]) == (
        "wrap_up", FIRST, "potholes-en", True, "")
    assert round(wrap["ends"] - me["now"]) == 30
    assert [c["code"] for c in wrap["codes"]][:2] == ["resolved", "case_filed"]
    assert wrap["labels"]["es"][1] == {"code": "case_filed", "label": "Caso nuevo registrado"}


def test_more_time_adds_the_queues_step_up_to_its_maximum(app, ann):
    me = talk_and_hang_up(app, ann, FIRST)
    started = me["wrap_up"]["ends"] - 30
    ends = [ann("POST", "/me/wrap-up/extend")["wrap_up"]["ends"] - started for _ in range(3)]
    assert [round(e) for e in ends] == [60, 90, 120]
    refused = ann("POST", "/me/wrap-up/extend", status=409)
    assert "maximum" in refused["error"]
    assert ann("GET", "/me")["wrap_up"]["can_extend"] is False


def test_a_required_code_holds_the_agent_until_chosen_then_the_next_call_comes(app, ann, redis):
    city = app.extensions["cityline"]
    call_history.bind(city.sessions, city.references)
    talk_and_hang_up(app, ann, FIRST)
    refused = ann("POST", "/me/state", {"state": "available"}, status=409)
    assert "wrap-up code" in refused["error"]
    assert "not a wrap-up code" in ann("POST", "/me/wrap-up/code", {"code": "made_up"}, status=400)["error"]

    city.router.enqueue(CallRequest(SECOND, "potholes", "en"))  # the next caller waits meanwhile
    later = city.router.ctx.now() + 31
    city.router.ctx.clock = lambda: later  # the wrap-up time is over: the sweep still holds Ann for the code
    routing_services = _services(app)
    sweep_once(routing_services)
    assert city.router.agent("ann").state is AgentState.WRAP_UP
    assert ann("GET", "/me")["offer"] is None

    me = ann("POST", "/me/wrap-up/code", {"code": "case_filed"})
    assert me["offer"]["call_sid"] == SECOND  # the code was all that was missing: the next call is offered

    calls = Queue(call_history.CALLS_QUEUE, connection=redis)
    event_stream.drain(redis, calls)  # the webhooks' and the console's events, from the stream into jobs
    SimpleWorker([calls], connection=redis).work(burst=True)
    with city.sessions() as session:
        assert session.scalar(select(Call.wrap_up_code).where(Call.call_sid == FIRST)) == "case_filed"
    call_history.bind(None)


def test_an_optional_code_is_recorded_and_wrap_up_ends_on_time_without_one(app, ann):
    city = app.extensions["cityline"]
    me = talk_and_hang_up(app, ann, FIRST, skill="noise")
    assert me["wrap_up"]["required"] is False
    later = city.router.ctx.now() + 31
    city.router.ctx.clock = lambda: later
    sweep_once(_services(app))
    assert city.router.agent("ann").state is AgentState.AVAILABLE
    assert ann("POST", "/me/wrap-up/code", {"code": "resolved"}, status=409)["error"].startswith("Wrap-up codes")


def _services(app):  # type: ignore[no-untyped-def]
    from ivr.jobs.routing_jobs import RoutingServices
    from tests.routing_web.conftest import ZONE

    city = app.extensions["cityline"]
    return RoutingServices(city.router, city.telephony, city.sessions, city.references, ZONE)


@pytest.mark.parametrize("body", ["1", '"x"', "[1]", '{"code": 1}', '{"code": ["resolved"]}', "{"])
def test_a_wrap_up_code_body_of_the_wrong_type_is_a_400_that_says_why(app, ann, body):
    talk_and_hang_up(app, ann, FIRST)
    client = app.test_client()
    agent = log_in(client, "ann", create=False)
    response = agent.post("/agents/api/me/wrap-up/code", data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]


def test_outside_wrap_up_more_time_and_codes_are_refused_with_words(app, ann):
    assert "wrap_up" in ann("POST", "/me/wrap-up/extend", status=409)["error"]
    assert "not in wrap-up" in ann("POST", "/me/wrap-up/code", {"code": "resolved"}, status=409)["error"]


def test_a_code_chosen_while_the_job_queue_is_unreachable_is_written_to_sql_at_once(app, ann, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    city = app.extensions["cityline"]
    talk_and_hang_up(app, ann, FIRST, skill="noise")

    def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RedisConnectionError("Redis blipped")

    monkeypatch.setattr(event_stream, "append", unreachable)  # the stream the events go to is unreachable
    ann("POST", "/me/wrap-up/code", {"code": "information_given"})
    with city.sessions() as session:
        assert session.scalar(select(Call.wrap_up_code).where(Call.call_sid == FIRST)) == "information_given"
    call_history.bind(None)
