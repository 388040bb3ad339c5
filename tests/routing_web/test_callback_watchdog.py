"""The found defect: an accepted callback stranded its agent ("Calling back..." for ever, every state change
refused with 409).  The sweep's watchdog now gives up on a callback that neither answers nor reports a
status within `callbacks.dial_timeout`: the attempt counts as unanswered (tried again later, or a case
after the last), and the agent is free with a notice saying what happened."""

from __future__ import annotations

import pytest

from ivr.jobs.routing_jobs import RoutingServices
from ivr.jobs.sweeper import sweep_once
from ivr.telephony.local_adapter import LocalTelephony
from routing.agents import AgentState
from routing.calls import CallbackRequest, CallStatus
from tests.agents.login import log_in
from tests.routing_web.conftest import NUMBER, ZONE, queued_jobs, run_routing_jobs

CALLBACK = "CA" + "d" * 32


@pytest.fixture
def ann(app):  # type: ignore[no-untyped-def]
    client = log_in(app.test_client(), "ann", name="Ann Lee", skills={"noise": 6})

    def call(method: str, path: str, body: dict | None = None, status: int = 200):  # type: ignore[no-untyped-def]
        response = client.open(f"/agents/api{path}", method=method, json=body)
        assert response.status_code == status, response.get_json()
        return response.get_json()

    call("POST", "/me/state", {"state": "available"})
    return call


def dialing(app, ann, redis) -> None:  # type: ignore[no-untyped-def]
    """Ann accepts the callback and the worker places it; nobody answers and no status ever comes."""
    router = app.extensions["cityline"].router
    router.request_callback(CallbackRequest(CALLBACK, "noise", "en", NUMBER))
    ann("POST", f"/offers/{ann('GET', '/me')['offer']['id']}/accept")
    run_routing_jobs(redis)


def later(app, seconds: float) -> None:
    router = app.extensions["cityline"].router
    moment = router.ctx.now() + seconds
    router.ctx.clock = lambda: moment


def sweep(app) -> None:  # type: ignore[no-untyped-def]
    city = app.extensions["cityline"]
    sweep_once(RoutingServices(city.router, city.telephony, city.sessions, city.references, ZONE))


def test_a_callback_nobody_answers_frees_the_agent_with_a_notice_and_is_tried_again(app, ann, redis, app_services):
    dialing(app, ann, redis)
    assert ann("POST", "/me/state", {"state": "break"}, status=409)  # the stranded agent, before the timeout
    later(app, 30)
    sweep(app)
    assert app.extensions["cityline"].router.agent("ann").state is AgentState.ON_CALL  # still within 60 s

    later(app, 61)
    sweep(app)
    me = ann("GET", "/me")
    assert (me["state"], me["call"]) == ("available", "")
    assert me["notice"]["key"] == "notice_callback_scheduled"
    assert (me["notice"]["values"]["number"], me["notice"]["values"]["s"]) == (NUMBER, 60)
    callback = app.extensions["cityline"].router.call(CALLBACK)
    assert (callback.status, callback.attempts) == (CallStatus.SCHEDULED, 1)
    assert ann("POST", "/me/state", {"state": "break"})["state"] == "break"  # state changes work again
    assert ann("POST", "/me/notice/dismiss")["notice"] is None


def test_the_last_attempt_timing_out_is_recorded_as_failed_and_becomes_a_case(app, ann, redis, app_services):
    router = app.extensions["cityline"].router
    dialing(app, ann, redis)
    later(app, 61)
    sweep(app)  # attempt 1 of 2: scheduled, back in line after retry_after (60 s)
    ann("POST", "/me/state", {"state": "available"})
    later(app, 61 + 61)
    sweep(app)  # due again: offered to Ann
    ann("POST", f"/offers/{ann('GET', '/me')['offer']['id']}/accept")
    run_routing_jobs(redis)
    later(app, 61 + 61 + 61)
    sweep(app)
    assert router.call(CALLBACK).status is CallStatus.FAILED
    assert ann("GET", "/me")["notice"]["key"] == "notice_callback_failed"
    assert ("ivr.jobs.routing_jobs.open_unanswered_callback_case", (CALLBACK,)) in queued_jobs(redis)
    run_routing_jobs(redis)
    assert len(LocalTelephony(redis).sent("calls")) == 2


def test_a_late_answer_of_the_given_up_attempt_gets_an_apology_not_an_agent(app, ann, redis, app_services, twilio):
    dialing(app, ann, redis)
    [placed] = LocalTelephony(redis).sent("calls")
    later(app, 61)
    sweep(app)
    answered = twilio.post(placed["url"].replace("http://localhost", ""), {"CallSid": placed["sid"]})
    assert answered.status_code == 200
    assert "no longer available" in answered.get_data(as_text=True)
    assert "<Client>" not in answered.get_data(as_text=True)
