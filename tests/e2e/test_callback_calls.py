"""Callbacks end to end: a caller on hold presses 1, an agent accepts the callback, the worker dials the resident.

Everything is real but the phone network: gunicorn serves the webhooks, the
`cityline worker --burst` and `cityline routing sweep` commands do the
background work on the real Redis, and LocalTelephony records the calls the
worker places; a second LocalCall plays the resident answering one.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.request
import uuid
from urllib.parse import urlencode, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from ivr import db
from ivr.cases import reference
from ivr.cli import main
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.queue_wait import QueueWait
from ivr.settings import Settings
from ivr.telephony.local_adapter import LocalTelephony
from routing.calls import CallRequest, CallStatus
from routing.config import DEFAULT_CONFIG_FILE, load_config
from routing.router import Router
from tests.conftest import AUTH_TOKEN
from tests.e2e.conftest import ROOT
from tests.e2e.console_client import console
from tests.e2e.test_agent_calls import wait_for_offer

pytestmark = pytest.mark.e2e

RESIDENT = "+13125550199"
#: Walks English → report a problem → potholes, then presses 1 at the callback offer heard on hold.
ASKS_FOR_A_CALLBACK = "press 1\npress 2\npress 1\npress 1\n"
#: Walks English → report a problem → something else (the general queue); after overflow, stays silent at the
#: callback offer and leaves a message.
LEAVES_A_MESSAGE = "press 1\npress 2\npress 4\nsilence\nrecord the streetlight on Elm Street is out\n"


@pytest.fixture(scope="module")
def server_env(server_env, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The shipped routing file with two callback attempts one second apart, and a 1-second max wait for general."""
    raw = yaml.safe_load(DEFAULT_CONFIG_FILE.read_text())
    raw["callbacks"] = {"max_attempts": 2, "retry_after": 1}
    raw["queues"]["general"] = {**raw["queues"]["general"], "max_wait": 1}
    path = tmp_path_factory.mktemp("routing") / "routing.yaml"
    path.write_text(yaml.safe_dump(raw))
    return {**server_env, "ROUTING_FILE": str(path)}


@pytest.fixture
def router(server, redis):  # type: ignore[no-untyped-def]
    """The contact center the server runs (same Redis database, same routing file); Redis is emptied first."""
    settings = Settings.from_env(server.env)
    return Router(redis, load_config(settings.routing_file), hours=settings.office_hours)


def staffed_but_busy(server, router, login: str) -> str:  # type: ignore[no-untyped-def]
    """`login` takes potholes calls and is on one now, so the next caller hears a long wait; returns that call."""
    added = CliRunner().invoke(main, ["agents", "add", login, "--name", login.title(), "--skill", "potholes=8",
                                      "--language", "en"], env=server.env)
    assert added.exit_code == 0, added.output
    assert console(server, login, "POST", "/api/me/state", {"state": "available"})["state"] == "available"
    first = "CA" + uuid.uuid4().hex
    router.accept(router.enqueue(CallRequest(first, "potholes", "en")).offer.id)
    return first


def ask_for_a_callback(server) -> str:  # type: ignore[no-untyped-def]
    """A resident walks the IVR to the potholes queue and presses 1 on hold; returns their CallSid."""
    transcript = server.call(ASKS_FOR_A_CALLBACK, from_number=RESIDENT, max_hold_loops=3)
    assert transcript.errors == []
    assert "To be called back instead, keeping your place in line, press 1." in transcript.heard
    assert transcript.heard[-1].startswith("Thank you. We will call you back at the number you are calling from")
    return transcript.call_sid


def accept_callback(server, login: str, callback_id: str) -> dict:  # type: ignore[no-untyped-def]
    offer = wait_for_offer(server, login)
    assert (offer["kind"], offer["call_sid"], offer["number"], offer["skill"]) == (
        "callback", callback_id, RESIDENT, "potholes")
    return console(server, login, "POST", f"/api/offers/{offer['id']}/accept")


def placed_calls(redis: Redis) -> list[dict[str, str]]:
    return LocalTelephony(redis).sent("calls")


def sweep(server) -> str:  # type: ignore[no-untyped-def]
    """One routing sweep with the real command, as each worker runs it every 2 s."""
    done = subprocess.run([sys.executable, "-m", "ivr.cli", "routing", "sweep"], env=server.env, cwd=ROOT,
                          check=True, timeout=60, capture_output=True, text=True)
    return done.stdout


def post_status(server, path: str, status: str) -> int:  # type: ignore[no-untyped-def]
    """Twilio's status callback for a placed call that was not answered, signed with the auth token."""
    params = {"CallSid": "CA" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32, "From": "+15555550311",
              "To": RESIDENT, "CallStatus": status, "Direction": "outbound-api", "CallDuration": "0",
              "ApiVersion": "2010-04-01"}
    url = server.url + path
    request = urllib.request.Request(url, data=urlencode(params).encode(), method="POST", headers={
        "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, params)})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def test_a_callback_is_placed_and_the_resident_reaches_the_agent(server, redis, router):
    first = staffed_but_busy(server, router, "alice")
    callback_id = ask_for_a_callback(server)
    assert router.call(callback_id).status is CallStatus.WAITING

    router.complete(first)  # alice's first call ends; back from wrap-up, she is offered the callback
    console(server, "alice", "POST", "/api/me/state", {"state": "available"})
    me = accept_callback(server, "alice", callback_id)
    assert (me["state"], me["call_about"]["status"]) == ("on_call", "dialing")

    server.run_worker()
    [placed] = placed_calls(redis)
    assert placed["to"] == RESIDENT
    resident = LocalCall(base_url=server.url, caller=ScriptedCaller(parse_script("say it is still there\nhangup")),
                         auth_token=AUTH_TOKEN, from_number="+15555550311", to_number=RESIDENT,
                         voice_path=placed["url"], status_path=placed["status_callback"]).run()

    assert resident.errors == []
    assert resident.heard[0] == ("This is City 3-1-1 returning your call about a pothole or damaged street; "
                                 "connecting you to an agent.")
    assert ("connected", "alice") in [(event.kind, event.detail) for event in resident.events]
    assert router.call(callback_id).status is CallStatus.COMPLETED
    after = console(server, "alice", "GET", "/api/me")
    assert (after["state"], after["calls_today"]) == ("wrap_up", 2)

    assert "waits copied to SQL 2" in sweep(server)
    assert "waits copied to SQL 0" in sweep(server)
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        waits = {row.call_sid: row for row in session.scalars(select(QueueWait))}
    engine.dispose()
    assert (waits[first].kind, waits[first].outcome, waits[first].agent_login) == ("call", "answered", "alice")
    assert (waits[callback_id].kind, waits[callback_id].outcome) == ("callback", "answered")
    assert waits[callback_id].announced_wait_seconds >= 120  # why the resident was offered the callback


def test_a_callback_nobody_answers_is_tried_again_then_becomes_a_case(server, redis, router):
    first = staffed_but_busy(server, router, "bruno")
    callback_id = ask_for_a_callback(server)
    router.complete(first)
    console(server, "bruno", "POST", "/api/me/state", {"state": "available"})

    accept_callback(server, "bruno", callback_id)
    server.run_worker()
    [attempt_1] = placed_calls(redis)
    assert post_status(server, attempt_1["status_callback"], "no-answer") == 204
    assert router.call(callback_id).status is CallStatus.SCHEDULED
    assert console(server, "bruno", "GET", "/api/me")["state"] == "available"

    threading.Event().wait(1.1)  # retry_after
    assert "offers made 1" in sweep(server)
    me = accept_callback(server, "bruno", callback_id)
    assert me["call_about"]["attempt"] == 2
    server.run_worker()
    attempt_2 = placed_calls(redis)[1]
    assert urlsplit(attempt_2["status_callback"]).query.endswith("attempt=1")
    assert post_status(server, attempt_2["status_callback"], "busy") == 204
    assert router.call(callback_id).status is CallStatus.FAILED

    server.run_worker()
    server.run_worker()  # a second run finds the case already open
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        [case] = session.scalars(select(Case).where(Case.contact_phone == RESIDENT, Case.source_key.is_not(None)))
        assert (case.service_type.code, case.channel) == ("potholes", "phone")
        assert case.description == "Callback requested on hold; 2 attempts unanswered"
        assert reference.is_valid(case.reference)
        assert [call.call_sid for call in case.calls] == [callback_id]
    engine.dispose()


class HoldsUntilOverflowed(ScriptedCaller):
    """Stays on hold (saying it is there) until the test has run the sweep, then follows the script."""

    def __init__(self, script: str, on_hold: threading.Event, overflowed: threading.Event) -> None:
        super().__init__(parse_script(script))
        self.on_hold, self.overflowed = on_hold, overflowed

    def hold_decision(self, position: int) -> Reply:
        if position > 0:
            self.on_hold.set()
            self.overflowed.wait(timeout=20)
            return Reply.wait()
        return super().hold_decision(position)


def test_a_caller_past_the_max_wait_leaves_a_message_that_becomes_a_case(server, redis, router):
    on_hold, overflowed, result = threading.Event(), threading.Event(), {}
    call = LocalCall(base_url=server.url, caller=HoldsUntilOverflowed(LEAVES_A_MESSAGE, on_hold, overflowed),
                     auth_token=AUTH_TOKEN, from_number=RESIDENT, max_hold_loops=3)
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()))
    thread.start()
    assert on_hold.wait(timeout=20)
    threading.Event().wait(1.1)  # the general queue's max wait in this module
    assert "overflowed 1" in sweep(server)
    overflowed.set()
    thread.join(timeout=30)
    transcript = result["transcript"]

    assert transcript.errors == []
    assert router.call(transcript.call_sid).status is CallStatus.OVERFLOWED
    assert ("We are sorry for the long wait. To be called back at the number you are calling from, press 1. "
            "Or stay on the line to leave a message.") in transcript.heard
    server.run_worker()
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        case = session.scalar(select(Case).where(Case.source_key == f"call:{transcript.call_sid}:overflow-message"))
        assert (case.service_type.code, case.contact_phone) == ("general", RESIDENT)
        assert case.media_url.startswith("http://local-caller.invalid/recordings/RE")
        ref = reference.spoken(case.reference, "en")
        row = session.scalar(select(Call).where(Call.call_sid == transcript.call_sid))
        assert (row.disposition, row.queue) == ("overflow", "general-en")
    engine.dispose()
    assert transcript.heard[-1] == (f"Thank you. Your message has been saved as case number {ref}. Again, your "
                                    f"case number is {ref}. Goodbye.")


def test_cityline_call_answer_plays_the_resident_picking_up_the_latest_placed_call(server, redis, router, tmp_path):
    first = staffed_but_busy(server, router, "carla")
    callback_id = ask_for_a_callback(server)
    router.complete(first)
    console(server, "carla", "POST", "/api/me/state", {"state": "available"})
    accept_callback(server, "carla", callback_id)  # "Call now" in the console
    server.run_worker()

    script = tmp_path / "resident.txt"
    script.write_text("say yes it is still there\nhangup\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["call", "--answer", "--url", server.url, "--script", str(script)],
                                env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN, "REDIS_URL": server.env["REDIS_URL"]})
    assert result.exit_code == 0, result.output
    [placed] = placed_calls(redis)
    assert f"[answering the call {placed['sid']} the app placed to {RESIDENT}]" in result.output
    assert "returning your call about a pothole or damaged street" in result.output
    assert "[connected to agent carla" in result.output
    assert router.call(callback_id).status is CallStatus.COMPLETED
    assert console(server, "carla", "GET", "/api/me")["state"] == "wrap_up"


def test_cityline_call_answer_says_when_nothing_was_placed(server, redis):
    result = CliRunner().invoke(main, ["call", "--answer", "--url", server.url],
                                env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN, "REDIS_URL": server.env["REDIS_URL"]})
    assert result.exit_code == 1
    assert "has not placed any call yet" in result.output
