"""An agent offered a callback sees whom to call back and why; accepting it has the worker place the call."""

from __future__ import annotations

import pytest

from ivr.telephony.local_adapter import LocalTelephony
from routing.agents import AgentState
from routing.calls import CallbackRequest, CallStatus
from tests.agents.login import log_in
from tests.routing_web.conftest import NUMBER, queued_jobs, run_routing_jobs

CALLBACK = "CA" + "c" * 32


@pytest.fixture
def console(app):  # type: ignore[no-untyped-def]
    client = log_in(app.test_client(), "ann", name="Ann Lee", skills={"noise": 6})

    def call(method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
        response = client.open(f"/agents/api{path}", method=method, json=body)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return call


@pytest.fixture
def offered(app, console):  # type: ignore[no-untyped-def]
    """Ann is available and the callback at the front of noise-en has just been offered to her."""
    console("POST", "/me/state", {"state": "available"})
    app.extensions["cityline"].router.request_callback(CallbackRequest(CALLBACK, "noise", "en", NUMBER))
    return console("GET", "/me")


def test_the_offer_says_whom_to_call_back_and_why(offered):
    assert (offered["offer"]["kind"], offered["offer"]["number"], offered["offer"]["skill"]) == (
        "callback", NUMBER, "noise")
    about = offered["offer_about"]
    assert (about["topic"], about["queue"], about["attempt"], about["max_attempts"]) == (
        "a noise complaint", "noise-en", 1, 2)


def test_accepting_enqueues_the_call_instead_of_dequeuing_a_caller(app, console, offered, redis):
    me = console("POST", f"/offers/{offered['offer']['id']}/accept")
    assert (me["state"], me["call"], me["call_about"]["status"]) == ("on_call", CALLBACK, "dialing")
    assert queued_jobs(redis) == [("ivr.jobs.routing_jobs.place_callback_job", (CALLBACK,))]
    assert LocalTelephony(redis).take_dequeue(CALLBACK) is None  # nobody is on hold to be dequeued


def test_the_worker_then_places_it(app, console, offered, redis, app_services):
    console("POST", f"/offers/{offered['offer']['id']}/accept")
    run_routing_jobs(redis)
    [placed] = LocalTelephony(redis).sent("calls")
    assert placed["to"] == NUMBER
    assert app.extensions["cityline"].router.call(CALLBACK).status is CallStatus.DIALING
    assert app.extensions["cityline"].router.agent("ann").state is AgentState.ON_CALL


def test_rejecting_keeps_the_callbacks_place(app, console, offered, redis):
    console("POST", f"/offers/{offered['offer']['id']}/reject")
    assert app.extensions["cityline"].router.call(CALLBACK).status is CallStatus.WAITING
    assert queued_jobs(redis) == []

