"""Callers past their queue's maximum wait are taken off hold to a callback offer or a message that becomes a case."""

from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from twilio.base.exceptions import TwilioRestException

from ivr.cases import reference
from ivr.jobs.sweeper import overflow_overdue, sweep_once
from ivr.models.case import Case
from ivr.settings import Settings
from ivr.telephony import TelephonyError
from ivr.telephony.local_adapter import LocalTelephony
from ivr.telephony.twilio_adapter import TwilioTelephony
from routing.agents import AgentProfile, AgentState
from routing.calls import CallKind, CallStatus
from routing.queues import Overdue
from routing.router import Router
from tests.conftest import CALL_SID
from tests.routing_web.conftest import NUMBER, run_routing_jobs
from tests.voice_responses import heard, twiml

MAX_WAIT = 1200  # the shipped routing file's default
OVERFLOW = "/voice/overflow?skill=potholes&lang=en"


@pytest.fixture
def city(app):  # type: ignore[no-untyped-def]
    return app.extensions["cityline"]


@pytest.fixture
def later(city, app_services):  # type: ignore[no-untyped-def]
    """The app's routing services as a sweep sees them once the queue's maximum wait has passed."""
    router = Router(city.redis, city.router.ctx.config, hours=city.router.ctx.hours,
                    clock=lambda: time.time() + MAX_WAIT + 5)
    return replace(app_services, router=router)


def on_hold(city) -> None:  # type: ignore[no-untyped-def]
    assert city.contact.join(CALL_SID, "potholes", "en")


class TestTheSweep:
    def test_a_caller_past_the_max_wait_is_recorded_as_overflowed_and_redirected(self, city, later, redis):
        on_hold(city)
        assert sweep_once(later).overflowed == [CALL_SID]
        assert city.router.call(CALL_SID).status is CallStatus.OVERFLOWED
        [wait] = city.router.read_waits()
        assert (wait.sid, wait.outcome) == (CALL_SID, "overflowed")
        assert LocalTelephony(redis).take_dequeue(CALL_SID) == OVERFLOW

    def test_a_caller_within_the_max_wait_stays_on_hold(self, city, app_services):
        on_hold(city)
        assert sweep_once(app_services).overflowed == []
        assert city.router.call(CALL_SID).status is CallStatus.WAITING

    def test_a_second_sweep_does_not_redirect_again(self, city, later, redis):
        on_hold(city)
        sweep_once(later)
        LocalTelephony(redis).take_dequeue(CALL_SID)
        assert sweep_once(later).overflowed == []
        assert LocalTelephony(redis).take_dequeue(CALL_SID) is None

    def test_a_caller_being_offered_to_an_agent_is_left_alone(self, city, later):
        city.router.register_agent(AgentProfile("ann", "Ann", {"potholes": 5}, ("en",)))
        city.router.set_agent_state("ann", AgentState.AVAILABLE)
        on_hold(city)
        assert overflow_overdue(later, [Overdue(CALL_SID, "potholes-en", MAX_WAIT + 5)]) == []
        assert city.router.call(CALL_SID).status is CallStatus.OFFERED

    def test_with_twilio_the_live_call_is_pointed_at_the_overflow_url(self, city, later, redis):
        client = FakeTwilio()
        on_hold(city)
        sweep_once(replace(later, telephony=TwilioTelephony(twilio_settings(), redis, client=client)))
        assert client.calls.updated == [(CALL_SID, {"url": "https://311.example.gov" + OVERFLOW, "method": "POST"})]

    def test_a_caller_who_already_hung_up_is_still_taken_out_of_line(self, city, later, redis):
        client = FakeTwilio(fail=True)
        on_hold(city)
        result = sweep_once(replace(later, telephony=TwilioTelephony(twilio_settings(), redis, client=client)))
        assert result.overflowed == [CALL_SID]
        assert city.router.call(CALL_SID).status is CallStatus.OVERFLOWED


class TestWhatTheCallerHears:
    def test_on_this_machine_the_next_hold_loop_leaves_and_the_queue_action_goes_to_overflow(self, city, later,
                                                                                             twilio):
        on_hold(city)
        sweep_once(later)
        assert twiml(twilio.post("/voice/hold?skill=potholes&lang=en")).find("Leave") is not None
        root = twiml(twilio.post("/voice/step?node=queue_potholes&lang=en", {"QueueResult": "leave",
                                                                              "QueueTime": "1205"}))
        assert root.find("Redirect").text == OVERFLOW

    def test_an_apology_a_callback_offer_then_a_message(self, twilio):
        root = twiml(twilio.post(OVERFLOW))
        gather = root.find("Gather")
        assert gather.get("numDigits") == "1"
        assert gather.get("action") == "/voice/overflow-choice?skill=potholes&lang=en"
        assert heard(gather) == ["We are sorry for the long wait. To be called back at the number you are "
                                 "calling from, press 1. Or stay on the line to leave a message."]
        record = root.find("Record")
        assert record.get("action") == "/voice/overflow-message?skill=potholes&lang=en"
        assert (record.get("maxLength"), record.get("finishOnKey")) == ("120", "#")
        assert heard(root)[1].startswith("Please leave a message after the tone")
        assert root.find("Hangup") is not None

    def test_a_withheld_number_is_only_offered_the_message(self, twilio):
        root = twiml(twilio.post(OVERFLOW, {"From": "anonymous"}))
        assert root.find("Gather") is None
        assert heard(root)[:2] == ["We are sorry for the long wait.", "Please leave a message after the tone with "
                                   "your name, address and what you need, then press the pound key."]
        assert root.find("Record") is not None

    def test_pressing_1_books_a_callback_ahead_of_normal_callers(self, city, later, twilio):
        on_hold(city)
        sweep_once(later)
        root = twiml(twilio.post("/voice/overflow-choice?skill=potholes&lang=en", {"Digits": "1"}))
        assert heard(root) == ["Thank you. We will call you back as soon as an agent is free. Goodbye."]
        callback = city.router.call(CALL_SID)
        assert (callback.kind, callback.status, callback.number, callback.priority) == (
            CallKind.CALLBACK, CallStatus.WAITING, NUMBER, 5)

    def test_another_key_goes_to_the_message(self, twilio, city):
        root = twiml(twilio.post("/voice/overflow-choice?skill=potholes&lang=en", {"Digits": "2"}))
        assert root.find("Record") is not None
        assert city.router.call(CALL_SID) is None

    def test_the_message_becomes_a_case_whose_number_the_caller_hears(self, city, twilio, redis, app_services):
        recording = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"
        root = twiml(twilio.post("/voice/overflow-message?skill=potholes&lang=en",
                                 {"RecordingUrl": recording, "RecordingDuration": "14"}))
        run_routing_jobs(redis)
        with city.sessions() as session:
            case = session.scalar(select(Case).where(Case.source_key == f"call:{CALL_SID}:overflow-message"))
            assert (case.service_type.code, case.media_url, case.contact_phone) == ("potholes", recording, NUMBER)
        spoken = reference.spoken(case.reference, "en")
        assert heard(root) == [f"Thank you. Your message has been saved as case number {spoken}. Again, your case "
                               f"number is {spoken}. Goodbye."]


class TestTwilioAdapter:
    def test_a_placed_call_reports_its_answer_and_final_status(self, redis):
        client = FakeTwilio()
        telephony = TwilioTelephony(twilio_settings(), redis, client=client)
        sid = telephony.place_call(NUMBER, "/voice/callback-answer?callback=CB1", status_callback="/voice/s?a=0")
        [created] = client.calls.created
        assert sid == "CA" + "e" * 32
        assert created["url"] == "https://311.example.gov/voice/callback-answer?callback=CB1"
        assert created["status_callback"] == "https://311.example.gov/voice/s?a=0"
        assert (created["status_callback_event"], created["status_callback_method"]) == (["answered", "completed"],
                                                                                         "POST")

    def test_errors_are_telephony_errors(self, redis):
        telephony = TwilioTelephony(twilio_settings(), redis, client=FakeTwilio(fail=True))
        with pytest.raises(TelephonyError, match="could not call"):
            telephony.place_call(NUMBER, "/voice/x")
        with pytest.raises(TelephonyError, match="could not redirect"):
            telephony.redirect(CALL_SID, OVERFLOW)


def twilio_settings() -> Settings:
    return Settings.from_env({"TELEPHONY": "twilio", "PUBLIC_BASE_URL": "https://311.example.gov",
                              "TWILIO_NUMBER": "+15555550311"})


class FakeTwilio:
    """The slice of twilio.rest.Client the adapter uses, recording what it was asked; can fail like the API."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = _Calls(fail)


class _Calls:
    def __init__(self, fail: bool) -> None:
        self.fail = fail
        self.created: list[dict[str, object]] = []
        self.updated: list[tuple[str, dict[str, object]]] = []

    def create(self, **kwargs: object) -> SimpleNamespace:
        self._maybe_fail()
        self.created.append(kwargs)
        return SimpleNamespace(sid="CA" + "e" * 32)

    def __call__(self, sid: str) -> SimpleNamespace:
        def update(**kwargs: object) -> None:
            self._maybe_fail()
            self.updated.append((sid, kwargs))

        return SimpleNamespace(update=update)

    def _maybe_fail(self) -> None:
        if self.fail:
            raise TwilioRestException(404, "https://api.twilio.com/Calls", "The requested resource was not found")


def test_urls_carry_only_ids(twilio):
    gather = twiml(twilio.post(OVERFLOW)).find("Gather")
    assert NUMBER not in gather.get("action") and parse_qs(urlsplit(gather.get("action")).query) == {
        "skill": ["potholes"], "lang": ["en"]}

