"""Hostile input at the edges (issue 11): text XML cannot carry, digits int() refuses, calendar ends,
query arguments aimed at url_for, JSON bodies of the wrong type.  None may give a 500 or break a document."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ivr.app import create_app
from tests.agents.login import log_in
from tests.conftest import AUTH_TOKEN, TwilioClient
from tests.voice_responses import heard, twiml
from tests.web.test_report import blank_form

API_KEY = "fuzz-open311-key-0123456789"
NOT_XML = "\ufffe\uffff\x01\x1b"


@pytest.fixture
def app(env):  # type: ignore[no-untyped-def]
    application = create_app({**env, "OPEN311_API_KEYS": API_KEY, "TWILIO_AUTH_TOKEN": AUTH_TOKEN})
    yield application
    application.extensions["cityline"].sql.dispose()


def _report(client, description: str):  # type: ignore[no-untyped-def]
    form = blank_form(client)
    return client.post("/report", data={**form, "service_code": "potholes", "address": "125 Elm Street",
                                        "description": description})


def test_a_web_report_with_characters_xml_cannot_carry_leaves_the_public_feed_readable(app):
    client = app.test_client()
    assert _report(client, f"Streetlight{NOT_XML} out").status_code == 303
    feed = client.get("/open311/v2/requests.xml")
    assert [e.text for e in ET.fromstring(feed.data).iter("description")] == ["Streetlight out"]


def test_a_report_with_characters_xml_cannot_carry_leaves_the_public_feed_readable(app):
    client = app.test_client()
    posted = client.post("/open311/v2/requests.json", data={
        "api_key": API_KEY, "service_code": "potholes", "lat": "41.87", "long": "-87.62",
        "description": f"Deep hole{NOT_XML} by the curb"})
    assert posted.status_code == 201, posted.data
    feed = client.get("/open311/v2/requests.xml")
    assert feed.status_code == 200
    descriptions = [e.text for e in ET.fromstring(feed.data).iter("description")]
    assert descriptions == ["Deep hole by the curb"]


def test_an_error_document_echoing_bad_characters_still_parses(app):
    response = app.test_client().get("/open311/v2/services/pot\uffffholes.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.data).tag == "errors"


def test_speech_read_back_never_carries_control_characters_into_twiml(app):
    twilio = TwilioClient(app.test_client())
    response = twilio.post("/voice/step?node=language&lang=en",
                           {"SpeechResult": "espa\x01\uffffñol", "Confidence": "0.2"})
    assert all("\x01" not in said and "\uffff" not in said for said in heard(twiml(response)))


@pytest.mark.parametrize("params", [
    {"RecordingDuration": "²"}, {"RecordingDuration": "৩"}, {"RecordingDuration": "1" * 5000},
])
def test_numbers_in_other_scripts_or_too_long_are_a_400(app, params):
    twilio = TwilioClient(app.test_client())
    assert twilio.post("/voice/step?node=main_menu&lang=en", params).status_code == 400


@pytest.mark.parametrize("query", ["try=%C2%B2", "try=" + "9" * 5000])
def test_a_call_state_counter_in_other_digits_is_a_400(app, query):
    twilio = TwilioClient(app.test_client())
    assert twilio.post(f"/voice/step?node=main_menu&lang=en&{query}").status_code == 400


@pytest.mark.parametrize("duration", ["²", "1" * 5000])
def test_a_status_callback_with_a_strange_duration_is_a_400(app, duration):
    twilio = TwilioClient(app.test_client())
    assert twilio.post("/voice/status", {"CallStatus": "completed", "CallDuration": duration}).status_code == 400


def test_a_sip_address_longer_than_the_column_is_cut_not_lost(app):
    from ivr.voice.webhook_params import MAX_CALLED_LENGTH, read_call
    sip = "sip:311@pbx.city.example.gov;transport=tls;user=phone;x-long-parameter=" + "a" * 200
    call = read_call({"CallSid": "CA" + "0" * 32, "To": sip})
    assert call.called == sip[:MAX_CALLED_LENGTH]


@pytest.mark.parametrize("query", [
    "page=²", "page_size=৩", "page=" + "1" * 5000,
    "start_date=9999-12-31T00:00:00-05:00", "end_date=0001-01-01T00:00:00%2B05:00",
    "start_date=2026-13-01T00:00:00Z", "start_date=2026-02-30T00:00:00Z",
])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_open311_filters_at_the_ends_of_the_calendar_or_in_other_digits_are_a_400(app, query, fmt):
    response = app.test_client().get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "xml":
        assert ET.fromstring(response.data).tag == "errors"
    else:
        assert response.get_json()[0]["code"] == 400


@pytest.mark.parametrize("query", ["endpoint=x", "_scheme=https", "_external=1", "_anchor=x", "_method=GET"])
def test_query_arguments_never_reach_url_for(app, query):
    client = app.test_client()
    assert client.get(f"/cases/lookup?{query}").status_code == 200
    assert client.get(f"/report?{query}").status_code == 200


def test_a_form_date_at_month_13_is_a_problem_not_a_crash():
    from zoneinfo import ZoneInfo

    from ivr.web.forms import _zoned
    assert _zoned("2026-13-01T10:00", ZoneInfo("America/New_York")) == "2026-13-01T10:00"


@pytest.mark.parametrize("body", ["1", '"x"', "[1]", "null", '{"state": ["available"]}', '{"state": 1}', "{"])
@pytest.mark.parametrize("path", ["/agents/api/me/state", "/agents/api/me/note"])
def test_an_agent_api_body_of_the_wrong_type_is_a_400_that_says_why(app, path, body):
    agent = log_in(app.test_client(), "alice", skills={"potholes": 8})
    response = agent.post(path, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"]


@pytest.mark.parametrize(("lang", "says"), [("en", "try again shortly"), ("es", "Intente de nuevo en breve")])
@pytest.mark.parametrize("path", ["/report", "/cases/lookup?ref=2600012349"])
def test_with_the_database_down_resident_pages_say_try_again_shortly(app, lang, says, path):
    app.extensions["cityline"].sql.dispose()
    app.extensions["cityline"].sessions.kw["bind"] = _broken_engine()
    response = app.test_client().get(path + ("&" if "?" in path else "?") + f"lang={lang}")
    assert response.status_code == 503
    assert says in response.get_data(as_text=True)


def _broken_engine():  # type: ignore[no-untyped-def]
    import sqlalchemy as sa
    return sa.create_engine("sqlite:////nonexistent-dir/none.sqlite3")
