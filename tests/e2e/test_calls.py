"""Whole calls, walked by the local caller through the real HTTP server, in both languages."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from redis import Redis
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.models.call import Call
from ivr.models.call_event import CallEvent
from ivr.models.case import Case
from ivr.telephony.local_adapter import LocalTelephony
from tests.e2e.conftest import start_server, stop_server
from tests.e2e.console_client import console

pytestmark = pytest.mark.e2e


def assert_clean(transcript) -> None:  # type: ignore[no-untyped-def]
    assert transcript.errors == [], transcript.errors
    assert all(r.status in (200, 204) for r in transcript.requests), [(r.url, r.status) for r in transcript.requests]


def test_an_english_caller_asks_for_office_hours_and_hangs_up_politely(server):
    transcript = server.call("press 1\npress 4\npress 2\n")
    assert_clean(transcript)
    assert transcript.heard[0] == "Thank you for calling City 3-1-1. If this is an emergency, hang up and dial 9-1-1."
    assert any(line.startswith("Main menu.") for line in transcript.heard)
    assert "Our agents are available every day, around the clock." in transcript.heard
    assert transcript.heard[-1] == "Thank you for calling City 3-1-1. Goodbye."
    assert transcript.status == "completed"
    [status] = transcript.requests_to("/voice/status")
    assert status.params["CallStatus"] == "completed"


def test_a_spanish_caller_hears_spanish_after_pressing_2_and_can_speak_choices(server):
    transcript = server.call("press 2\nsay horario\nsay terminar\n")
    assert_clean(transcript)
    after_choice = transcript.heard[transcript.heard.index("普通话服务，请按4。") + 1:]  # the last language offered
    assert after_choice[0].startswith("Menú principal.")
    assert any(line.startswith("Nuestros agentes están disponibles") for line in after_choice)
    assert after_choice[-1] == "Gracias por llamar a la línea 3-1-1 de la ciudad. Adiós."
    assert all("Thank you" not in line for line in after_choice)


def test_three_bad_answers_reach_an_agent_queue_with_position_announced(server):
    """With someone staffing the general line (nobody at all: tests/routing_web/test_unstaffed_hold.py)."""
    added = CliRunner().invoke(main, ["agents", "add", "gail", "--name", "Gail", "--skill", "general=3",
                                      "--language", "en"], env=server.env)
    assert added.exit_code == 0, added.output
    assert console(server, "gail", "POST", "/api/me/state", {"state": "available"})["state"] == "available"
    transcript = server.call("press 1\npress 7\nsilence\nsay banana bread\nwait\nhangup\n")
    assert_clean(transcript)
    assert transcript.heard.count("Sorry, I didn't get that.") == 2
    assert "Sorry, I still didn't get that." in transcript.heard
    assert "Please hold for the next available agent." in transcript.heard
    assert "You are next in line." in transcript.heard
    [queue_result] = [r for r in transcript.requests if r.params.get("QueueResult")]
    assert queue_result.params["QueueResult"] == "hangup"
    console(server, "gail", "POST", "/api/me/state", {"state": "offline"})  # no one left for later tests' calls


def test_an_anonymous_international_and_a_silent_caller_all_get_answers(server):
    for number in ("anonymous", "+442071838750"):
        transcript = server.call("silence\nsilence\npress 1\npress 0\nhangup\n", from_number=number)
        assert_clean(transcript)
        assert "Please hold for the next available agent." in transcript.heard


def test_a_caller_that_is_never_heard_is_still_helped(server):
    transcript = server.call("", max_hold_loops=1)
    assert_clean(transcript)
    assert transcript.heard[0].startswith("Thank you for calling")


def test_an_unsigned_call_is_refused(server):
    transcript = server.call("press 1\n", token=None)
    assert transcript.requests[0].status == 403
    assert transcript.errors and transcript.heard == []


def test_a_call_signed_with_the_wrong_token_is_refused(server):
    assert server.call("press 1\n", token="not-the-token").requests[0].status == 403


def test_every_call_is_logged_by_the_worker(server):
    transcript = server.call("press 1\npress 4\npress 2\n")
    server.run_worker()
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        rows = list(session.scalars(select(CallEvent).where(CallEvent.call_sid == transcript.call_sid)
                                    .order_by(CallEvent.id)))
    engine.dispose()
    kinds = [row.kind for row in rows]
    assert kinds[0] == "started" and kinds[-1] == "status" and kinds.count("turn") == 4
    path = [visit["node"] for row in rows if row.kind == "turn" for visit in row.data["visits"]]
    assert path[:4] == ["greeting", "language", "language", "main_menu"]
    assert "office_hours_info" in path and path[-1] == "goodbye"


@pytest.fixture(scope="module")
def after_hours_server(server_env, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Open only one minute a week, on a day three days from now: closed for the whole test."""
    today = datetime.now(ZoneInfo("America/New_York")).date()
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(today + timedelta(days=3)).weekday()]
    env = {**server_env, "OFFICE_HOURS": f"{day} 03:00-03:01",
           "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db2') / 'cityline.sqlite3'}"}
    live = start_server(env, tmp_path_factory.mktemp("log2") / "web.log")
    yield live
    stop_server(live)


def test_after_hours_a_message_becomes_a_case_the_caller_can_look_up(after_hours_server):
    transcript = after_hours_server.call(
        "press 1\npress 2\npress 2\npress 1\nrecord my streetlight is out on Elm\npress 1\n")
    assert_clean(transcript)
    assert "Our offices are closed right now." in transcript.heard
    assert any(line.startswith("Agents are available again on ") and line.endswith(" at 3 AM.")
               for line in transcript.heard)
    [filed] = [line for line in transcript.heard if line.startswith("Your message has been saved as case number")]
    reference = "".join(ch for ch in filed.split("Again")[0] if ch.isdigit())
    assert len(reference) == 10
    assert transcript.heard[-2:] == ["I will text that to your phone in a moment.",
                                     "Thank you. The 3-1-1 team will follow up on the next business day. Goodbye."]

    after_hours_server.run_worker()
    with Redis.from_url(after_hours_server.env["REDIS_URL"]) as redis:
        texts = LocalTelephony(redis).sent("sms")
    printed = f"{reference[:2]}-{reference[2:9]}-{reference[9]}"
    assert texts[-1]["body"] == f"City 3-1-1: Your message has been saved as case number {printed}."
    engine = db.make_engine(after_hours_server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        case = session.scalar(select(Case).where(Case.reference == reference))
        assert case is not None and case.service_type.code == "streetlights" and case.channel == "phone"
        assert case.media_url.startswith("http") and case.contact_phone == "+13125550199"
        call = session.scalar(select(Call).where(Call.call_sid == transcript.call_sid))
        assert call.disposition == "voicemail" and [c.call_sid for c in case.calls] == [call.call_sid]
    engine.dispose()

    lookup = after_hours_server.call(f"press 1\npress 3\npress {reference}\npress 2\n")
    assert_clean(lookup)
    assert any(line.startswith("Case number ") and "Streetlight out, is open." in line for line in lookup.heard)

    page = fetch(f"{after_hours_server.url}/cases/lookup?ref={printed}")
    assert "Streetlight out" in page and printed in page
    [request] = json.loads(fetch(f"{after_hours_server.url}/open311/v2/requests/{reference}.json"))
    assert (request["service_request_id"], request["service_code"], request["status"]) == (
        reference, "streetlights", "open")

    spanish = after_hours_server.call(f"press 2\npress 3\nsay {' '.join(reference)}\nsay terminar\n")
    assert_clean(spanish)
    assert any(line.startswith("El caso número ") and "está abierto" in line for line in spanish.heard)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_a_mistyped_case_number_is_caught_and_asked_again(server):
    transcript = server.call("press 1\npress 3\npress 2600000018\npress 2600000014\npress 2\n")
    assert_clean(transcript)
    assert any(line.startswith("That number did not check out") for line in transcript.heard)
    assert not any("Case numbers have ten digits" in line for line in transcript.heard)
    assert any(line.startswith("I could not find case number 2 6, 0 0 0 0 0 0 1, 4") for line in transcript.heard)


def test_after_hours_three_failures_lead_to_a_message_never_silence(after_hours_server):
    transcript = after_hours_server.call("""
        press 2
        # main menu: three wrong keys send the caller to the fallback, which is closed
        press 7
        press 7
        press 7
        # the message offer: three wrong keys lead to the recording itself
        press 8
        press 8
        press 8
        # three empty recordings end the call with a goodbye
        silence
        silence
        silence
    """)
    assert_clean(transcript)
    assert "Nuestras oficinas están cerradas en este momento." in transcript.heard
    assert transcript.heard[-1].startswith("Gracias por llamar")  # no recording: the call ends with a goodbye


def test_after_hours_a_caller_can_ask_to_be_called_back_when_the_center_opens(after_hours_server):
    from redis import Redis

    from routing.calls import CallKind
    from routing.config import load_config
    from routing.router import Router

    transcript = after_hours_server.call("press 1\npress 2\npress 3\npress 4\n")  # a noise report, after hours
    assert_clean(transcript)
    requested = transcript.heard.index(
        "We will call you back at the number you are calling from as soon as an agent is free.")
    assert transcript.heard[requested + 1].startswith("Agents are available again on ")
    assert transcript.heard[-1] == "Thank you for calling City 3-1-1. Goodbye."
    with Redis.from_url(after_hours_server.env["REDIS_URL"]) as redis:
        callback = Router(redis, load_config()).call(transcript.call_sid)
    assert callback is not None and callback.kind is CallKind.CALLBACK
    assert (callback.skill, callback.number) == ("noise", "+13125550199")


def test_a_caller_who_presses_3_for_another_language_is_recorded_as_asking_for_one(server):
    transcript = server.call("press 3\nwait\nhangup\n", max_hold_loops=1)
    assert_clean(transcript)
    assert "Please hold. An agent will answer with an interpreter on the line." in transcript.heard
    assert ("enqueue", "general-en") in [(e.kind, e.detail) for e in transcript.events]
    server.run_worker()
    engine = db.make_engine(server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        call = session.scalar(select(Call).where(Call.call_sid == transcript.call_sid))
        assert (call.language_requested, call.queue) == ("other", "general-en")
    engine.dispose()
