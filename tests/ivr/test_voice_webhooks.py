"""The voice webhooks answer Twilio with valid TwiML for every input, good or bad."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from rq import Queue

from flows.handlers import FunctionHandler, HandlerRequest, HandlerResult
from ivr.jobs import call_history, event_stream
from tests.conftest import CALL_SID
from tests.voice_responses import heard, twiml


def gather_state(root: ET.Element) -> dict[str, list[str]]:
    gather = root.find("Gather")
    assert gather is not None, ET.tostring(root)
    return parse_qs(urlsplit(gather.get("action", "")).query)


def step(twilio, node: str, lang: str = "en", **params: str) -> ET.Element:  # type: ignore[no-untyped-def]
    return twiml(twilio.post(f"/voice/step?node={node}&lang={lang}", params))


class TestIncomingCall:
    def test_greets_in_english_and_spanish_with_the_emergency_notice_and_asks_for_a_language(self, twilio):
        root = twiml(twilio.post("/voice/incoming", {"CallStatus": "ringing"}))
        says = root.findall("Say")
        assert "dial 9-1-1" in says[0].text and says[0].get("language") == "en-US"
        assert "marque 9-1-1" in says[1].text and says[1].get("language") == "es-US"
        gather = root.find("Gather")
        assert gather.get("input") == "dtmf speech"
        assert gather.get("numDigits") == "1"
        assert heard(gather) == ["For English, press 1. For other languages, press 3.", "Para español, oprima 2.",
                                 "普通话服务，请按4。"]
        assert gather_state(root) == {"node": ["language"], "lang": ["en"]}

    def test_a_silent_caller_is_not_left_in_dead_air(self, twilio):
        """After the Gather times out Twilio falls through to the Redirect, back to the same prompt."""
        root = twiml(twilio.post("/voice/incoming"))
        redirect = root.find("Redirect")
        assert redirect is not None and redirect.text == "/voice/step?node=language&lang=en"

    def test_the_caller_number_never_travels_in_urls(self, twilio):
        response = twilio.post("/voice/incoming", {"From": "+13125550199"})
        assert b"3125550199" not in response.data


class TestMenus:
    def test_pressing_2_continues_in_spanish(self, twilio):
        root = step(twilio, "language", Digits="2")
        assert heard(root)[0].startswith("Menú principal.")
        assert root.find("Gather").get("language") == "es-US"
        assert gather_state(root)["lang"] == ["es"]

    def test_saying_spanish_continues_in_spanish(self, twilio):
        assert gather_state(step(twilio, "language", SpeechResult="Español", Confidence="0.8"))["lang"] == ["es"]

    @pytest.mark.parametrize(("params", "expected_node"), [
        ({"Digits": "2"}, "report_menu"),
        ({"SpeechResult": "I want to report a problem", "Confidence": "0.7"}, "report_menu"),
        ({"Digits": "4"}, "anything_else"),
        ({"Digits": "9"}, "main_menu"),
    ])
    def test_main_menu_choices(self, twilio, params, expected_node):
        assert gather_state(step(twilio, "main_menu", **params))["node"] == [expected_node]

    @pytest.mark.parametrize("node", ["language", "main_menu", "report_menu", "anything_else",
                                      "leave_message_offer"])
    @pytest.mark.parametrize("params", [{"Digits": "8"}, {"Digits": "#"}, {}, {"SpeechResult": "mumble mumble"}])
    def test_bad_input_at_every_menu_reprompts_with_an_apology(self, twilio, node, params):
        root = step(twilio, node, **params)
        assert heard(root)[0] == "Sorry, I didn't get that."
        assert gather_state(root) == {"node": [node], "lang": ["en"], "try": ["1"]}

    def test_three_failures_reach_an_agent_during_office_hours(self, twilio):
        root = twiml(twilio.post("/voice/step?node=main_menu&lang=en&try=2", {"Digits": "8"}))  # the third
        assert heard(root)[:2] == ["Sorry, I still didn't get that.", "Please hold for the next available agent."]
        enqueue = root.find("Enqueue")
        assert enqueue.text == "general-en"
        assert enqueue.get("waitUrl") == "/voice/hold?skill=general&lang=en"
        assert parse_qs(urlsplit(enqueue.get("action")).query)["node"] == ["queue_general"]

    def test_zero_reaches_the_agent_queue_for_the_callers_language(self, twilio):
        assert step(twilio, "report_menu", "es", Digits="0").find("Enqueue").text == "general-es"

    @pytest.mark.parametrize(("digits", "queue"), [("1", "potholes-en"), ("2", "streetlights-en"),
                                                   ("3", "noise-en"), ("4", "general-en")])
    def test_each_problem_goes_to_its_skill_queue(self, twilio, digits, queue):
        assert step(twilio, "report_menu", Digits=digits).find("Enqueue").text == queue

    def test_trash_and_recycling_asks_for_the_house_number(self, twilio):
        root = step(twilio, "main_menu", Digits="1")
        assert heard(root)[0].startswith("Let's find your pickup days.")
        assert gather_state(root)["node"] == ["trash_info"]


class TestAfterHours:
    @pytest.fixture
    def closed_env(self, env):
        return {**env, "OFFICE_HOURS": "mon-fri 08:00-17:00", "CLOSED_DAYS": ""}

    def test_failures_lead_to_a_message_not_a_queue(self, closed_env, monkeypatch):
        from ivr.app import create_app
        from tests.conftest import TwilioClient

        app = create_app(closed_env)
        engine = app.extensions["cityline"].engine
        monkeypatch.setattr(engine, "clock", lambda: _saturday_night())
        twilio = TwilioClient(app.test_client())
        root = twiml(twilio.post("/voice/step?node=main_menu&lang=en&try=2", {"Digits": "8"}))
        assert heard(root)[1:3] == ["Our offices are closed right now.",
                                    "Agents are available again on Monday, November 30 at 8 AM."]
        assert gather_state(root)["node"] == ["leave_message_offer"]
        root = twiml(twilio.post("/voice/step?node=leave_message_offer&lang=en", {"Digits": "1"}))
        record = root.find("Record")
        assert record is not None and record.get("maxLength") == "120"
        assert root.find("Redirect") is not None  # an empty recording is asked for again
        app.extensions["cityline"].sql.dispose()


def _saturday_night():  # type: ignore[no-untyped-def]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, 28, 22, 30, tzinfo=ZoneInfo("America/New_York"))


class TestRecording:
    RECORDING = {"RecordingUrl": "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
                 "RecordingDuration": "12", "RecordingSid": "RE" + "1" * 32}

    def test_a_recording_gets_a_case_number_and_a_mobile_caller_is_offered_it_by_text(self, twilio):
        root = step(twilio, "record_message", **self.RECORDING)
        assert heard(root)[0].startswith("Your message has been saved as case number 2")
        assert gather_state(root)["node"] == ["text_reference"]

    def test_a_caller_without_a_number_hears_thanks_and_goodbye(self, twilio):
        root = step(twilio, "record_message", **self.RECORDING, From="anonymous")
        assert heard(root)[-1] == "Thank you. The 3-1-1 team will follow up on the next business day. Goodbye."
        assert root.find("Hangup") is not None


class TestMalformedWebhooks:
    @pytest.mark.parametrize(("path", "params", "reason"), [
        ("/voice/incoming", {"CallSid": "not-a-sid"}, "CallSid"),
        ("/voice/incoming", {"CallStatus": "dancing"}, "CallStatus"),
        ("/voice/step?lang=en", {}, "node is missing"),
        ("/voice/step?node=main_menu", {}, "lang is missing"),
        ("/voice/step?node=main_menu&lang=en&try=x", {}, "try must be a whole number"),
        ("/voice/step?node=main_menu&lang=en", {"Digits": "1<x>"}, "Digits may only hold"),
        ("/voice/step?node=main_menu&lang=en", {"Confidence": "high"}, "Confidence"),
        ("/voice/step?node=main_menu&lang=en", {"Confidence": "1.5"}, "Confidence"),
        ("/voice/step?node=record_message&lang=en", {"RecordingUrl": "file:///etc/passwd"}, "RecordingUrl"),
        ("/voice/step?node=record_message&lang=en", {"RecordingDuration": "-3"}, "RecordingDuration"),
        ("/voice/step?node=main_menu&lang=en", {"SpeechResult": "x" * 501}, "SpeechResult"),
        ("/voice/hold?skill=general&lang=xx", {}, "lang"),
        ("/voice/status", {"CallStatus": "completed", "CallDuration": "ten"}, "CallDuration"),
    ])
    def test_get_400_with_a_reason(self, twilio, path, params, reason):
        response = twilio.post(path, params)
        assert response.status_code == 400
        assert reason in response.get_data(as_text=True)

    def test_an_unknown_node_starts_the_caller_over_in_their_language(self, twilio):
        root = step(twilio, "a_node_removed_last_night", "es", Digits="1")
        assert gather_state(root)["node"] == ["language"]
        assert gather_state(root)["lang"] == ["es"]


class TestSomethingBreaksOnOurSide:
    def test_the_caller_hears_an_apology_and_goes_to_the_fallback(self, app, twilio, monkeypatch):
        def broken(request: HandlerRequest) -> HandlerResult:
            raise RuntimeError("office hours backend down")

        registry = app.extensions["cityline"].engine.handlers
        monkeypatch.setitem(registry._handlers, "office_hours.announce",
                            FunctionHandler(broken, frozenset({"done"})))
        root = step(twilio, "main_menu", Digits="4")
        assert heard(root) == ["Sorry, something went wrong on our side."]
        redirect = root.find("Redirect").text
        assert redirect == "/voice/step?node=route_general&lang=en&recovering=1"

    def test_a_second_failure_while_recovering_ends_the_call_politely(self, app, twilio, monkeypatch):
        def broken(request: HandlerRequest) -> HandlerResult:
            raise RuntimeError("still down")

        registry = app.extensions["cityline"].engine.handlers
        monkeypatch.setitem(registry._handlers, "office_hours.is_open",
                            FunctionHandler(broken, frozenset({"open", "closed"})))
        root = twiml(twilio.post("/voice/step?node=route_general&lang=en&recovering=1", {}))
        assert heard(root) == ["Sorry, something went wrong on our side."]
        assert root.find("Hangup") is not None


@pytest.fixture
def staffed(app):  # type: ignore[no-untyped-def]
    """An available agent for every queue, so a holding caller hears their place (nobody: test_unstaffed_hold)."""
    from routing.agents import AgentProfile, AgentState

    router = app.extensions["cityline"].router
    router.register_agent(AgentProfile("zoe", "Zoe", {s: 5 for s in router.ctx.config.queues}, ("en", "es")))
    router.set_agent_state("zoe", AgentState.AVAILABLE)
    return router


class TestHold:
    def test_announces_the_routers_position_and_wait_then_plays_music(self, twilio, staffed):
        step(twilio, "report_menu", "es", Digits="1")  # joins potholes-es
        root = twiml(twilio.post("/voice/hold?skill=potholes&lang=es", {"QueuePosition": "3", "QueueTime": "40"}))
        assert heard(root)[0] == "Usted es el siguiente en la fila."
        assert root.find("Play").text.endswith(".mp3")

    def test_pressing_1_for_a_callback_keeps_the_place_even_when_twilio_retries(self, twilio):
        step(twilio, "report_menu", Digits="1")  # joins potholes-en
        for _ in range(2):  # the second is Twilio retrying the same webhook
            root = twiml(twilio.post("/voice/callback?skill=potholes&lang=en", {"Digits": "1"}))
            assert heard(root)[0].startswith("Thank you. We will call you back at the number you are calling from")
            assert root.find("Leave") is not None

    def test_a_withheld_number_cannot_book_a_callback(self, twilio):
        step(twilio, "report_menu", Digits="1")
        root = twiml(twilio.post("/voice/callback?skill=potholes&lang=en", {"Digits": "1", "From": "anonymous"}))
        assert heard(root) == [] and root.find("Leave") is None

    def test_a_caller_routing_does_not_know_rejoins_their_queue(self, app, twilio, staffed):
        root = twiml(twilio.post("/voice/hold?skill=general&lang=es", {"QueuePosition": "3", "QueueTime": "40"}))
        assert heard(root)[0] == "Usted es el siguiente en la fila."
        assert app.extensions["cityline"].router.call(CALL_SID).queue == "general-es"

    def test_with_redis_unreachable_twilios_position_is_announced_over_music(self, env):
        from ivr.app import create_app
        from tests.conftest import TwilioClient

        app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
        response = TwilioClient(app.test_client()).post("/voice/hold?skill=general&lang=es", {"QueuePosition": "3"})
        assert response.status_code == 200
        root = twiml(response)
        assert heard(root)[0].startswith("Usted es el número 3 en la fila.")
        assert root.find("Play") is not None
        app.extensions["cityline"].sql.dispose()


class TestEventsForTheCallLog:
    def test_each_webhook_enqueues_its_event_without_touching_sql(self, app, twilio, redis):
        twilio.post("/voice/incoming")
        step(twilio, "language", Digits="1")
        twilio.post("/voice/status", {"CallStatus": "completed", "CallDuration": "42", "SequenceNumber": "2"})
        webhooks = [json.loads(fields[b"events"]) for _, fields in redis.xrange(event_stream.STREAM)]
        assert Queue(call_history.CALLS_QUEUE, connection=redis).count == 0  # jobs are the workers' to make
        assert [[e["kind"] for e in events] for events in webhooks] == [["started", "turn"], ["turn"], ["status"]]
        events = [event for events in webhooks for event in events]
        assert [e["kind"] for e in events] == ["started", "turn", "turn", "status"]
        assert {e["call_sid"] for e in events} == {CALL_SID}
        assert events[0]["data"]["caller"] == "+13125550199"
        assert events[2]["data"]["visits"][0] == {"node": "language", "input": "keys 1", "result": "option 1"}
        assert events[3]["data"] == {"status": "completed", "duration": 42}
        assert _stored_event_count(app) == 0

    def test_with_redis_down_the_event_is_written_straight_to_sql(self, env):
        from ivr.app import create_app
        from tests.conftest import TwilioClient

        app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
        response = TwilioClient(app.test_client()).post("/voice/incoming")
        assert response.status_code == 200 and b"<Gather" in response.data
        assert _stored_event_count(app) == 2  # started + the first turn
        app.extensions["cityline"].sql.dispose()


def _stored_event_count(app) -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from ivr.models.call_event import CallEvent

    with app.extensions["cityline"].sessions() as session:
        return session.scalar(select(func.count(CallEvent.id)))
