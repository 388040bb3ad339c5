"""The text line: signed inbound texts answered with TwiML, STOP honoured, bad input never a 500."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from twilio.request_validator import RequestValidator

from ivr import db
from ivr.cases.reference import display, make_reference
from ivr.cases.service import NewCase, open_case
from ivr.sms import contacts
from tests.collection.conftest import cityline
from tests.conftest import AUTH_TOKEN, TwilioClient
from tests.voice_responses import heard, twiml

TEXTER = "+13125550199"


@pytest.fixture
def texts(app, env):  # type: ignore[no-untyped-def]
    assert cityline(env["DATABASE_URL"], "import", "sample").exit_code == 0
    client = app.test_client()
    validator = RequestValidator(AUTH_TOKEN)

    def send(body: str, sender: str = TEXTER, signed: bool = True):  # type: ignore[no-untyped-def]
        params = {"MessageSid": "SM" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": sender,
                  "To": "+15555550311", "Body": body, "NumMedia": "0"}
        headers = {"X-Twilio-Signature": validator.compute_signature("http://localhost/sms/incoming", params)}
        return client.post("/sms/incoming", data=params, headers=headers if signed else {})

    return send


def replies(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return ["".join(message.itertext()) for message in root.iter("Message")]


def test_an_unsigned_text_is_refused(texts):
    assert texts("hours", signed=False).status_code == 403


def test_an_address_gets_its_pickup_days(texts):
    [reply] = replies(texts("When is trash day at 125 Elm Street?"))
    assert "125 Elm Street" in reply and "trash" in reply.lower()


def test_a_spanish_address_gets_its_pickup_days_in_spanish(texts):
    [reply] = replies(texts("basura ciento veinticinco calle Elm"))
    assert "basura" in reply.lower() and "Elm" in reply


def test_a_street_name_said_two_ways_is_offered_as_a_choice(texts):
    [reply] = replies(texts("125 Elm"))
    assert "Elm Street" in reply and "Elm Avenue" in reply


def test_a_case_number_gets_its_status(texts, app):
    reference = make_reference(2026, 41)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        open_case(session, NewCase(reference, "potholes", "phone", datetime(2026, 11, 24, 15, 0, tzinfo=UTC)))
    [reply] = replies(texts(f"status of case {display(reference)}"))
    assert "pothole" in reply.lower() and "open" in reply.lower()


def test_an_unknown_case_number_is_said_to_be_unknown(texts):
    [reply] = replies(texts(make_reference(2026, 999)))
    assert "find" in reply.lower() or "no " in reply.lower()


def test_hours_are_answered_in_the_language_of_the_text(texts):
    [english] = replies(texts("what are your hours"))
    [spanish] = replies(texts("cuál es su horario", sender="+13125550100"))
    assert "around the clock" in english
    assert "24 horas" in spanish


def test_anything_else_gets_the_web_form_and_the_phone_number(texts):
    [reply] = replies(texts("my cat is stuck in a tree"))
    assert "http://localhost/report" in reply and "3-1-1" in reply


def test_help_says_what_the_line_does(texts):
    [reply] = replies(texts("HELP"))
    assert "STOP" in reply and "case number" in reply


def test_a_chosen_language_is_kept_for_the_number(texts):
    replies(texts("español"))
    [reply] = replies(texts("hours"))
    assert "horas" in reply


def test_stop_opts_out_gets_no_reply_and_nothing_more_until_start(texts, app):
    assert replies(texts("STOP")) == []
    with app.extensions["cityline"].sessions() as session:
        assert not contacts.may_text(session, TEXTER)
    assert replies(texts("what are your hours")) == []
    [welcome_back] = replies(texts("start"))
    assert "again" in welcome_back
    assert replies(texts("what are your hours")) != []


@pytest.mark.parametrize("body", ["", " ", "\x00\x01", "💩" * 500, "9" * 5000, "125 " * 400, "<Message>hi</Message>",
                                  "STOP STOP", "1234567890", "0", "calle", "%s%n{0}"])
def test_garbage_is_answered_never_a_500(texts, body):
    assert texts(body).status_code == 200


@pytest.mark.parametrize("sender", ["", "anonymous", "not a number", "+1"])
def test_a_text_without_a_real_sender_gets_an_empty_reply(texts, sender):
    assert replies(texts("hours", sender=sender)) == []


def test_opt_outs_are_kept_in_sql(sessions):
    with db.unit_of_work(sessions) as session:
        contacts.set_opted_out(session, "+13125550111", True)
        contacts.remember_language(session, "+13125550111", "es")
    with sessions() as session:
        assert not contacts.may_text(session, "+13125550111")
        assert contacts.language_of(session, "+13125550111") == "es"
        assert contacts.may_text(session, "+13125550112")
    with db.unit_of_work(sessions) as session:
        contacts.set_opted_out(session, "+13125550111", False)
    with sessions() as session:
        assert contacts.may_text(session, "+13125550111")


def test_a_caller_who_texted_stop_is_not_offered_an_answer_by_text(texts, app):
    reference = make_reference(2026, 42)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        open_case(session, NewCase(reference, "potholes", "phone", datetime(2026, 11, 24, 15, 0, tzinfo=UTC)))
    voice = TwilioClient(app.test_client())
    offer = "To get this by text message, press 1. To continue, press 2."
    assert offer in heard(twiml(voice.post("/voice/step?node=case_status_info&lang=en", {"Digits": reference})))
    replies(texts("STOP"))
    assert offer not in heard(twiml(voice.post("/voice/step?node=case_status_info&lang=en", {"Digits": reference})))
