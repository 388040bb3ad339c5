"""The Twilio adapter makes exactly the REST requests Twilio documents, through the twilio library.

Twilio cannot be reached from here, so the library's HTTP client is replaced by
one that records each request and answers as Twilio's API would; everything
above it (URL building, parameter names, authentication) is the real library.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from ivr.settings import Settings
from ivr.telephony import TelephonyError
from ivr.telephony.twilio_adapter import TwilioTelephony

ACCOUNT = "AC" + "1" * 32
CALLER = "CA" + "2" * 32
QUEUE = "QU" + "3" * 32


class TwilioApiDouble(HttpClient):
    """Answers like api.twilio.com for the few resources the adapter uses, and records every request."""

    def __init__(self, fail_with: int | None = None) -> None:
        super().__init__(logging.getLogger("twilio-double"), is_async=False)
        self.requests: list[tuple[str, str, dict]] = []
        self.fail_with = fail_with

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,  # type: ignore[no-untyped-def]
                allow_redirects=False) -> Response:
        self.requests.append((method, urlsplit(uri).path, dict(data or {})))
        if self.fail_with:
            return Response(self.fail_with, json.dumps({"code": 20404, "message": "not found", "status": 404}))
        path = urlsplit(uri).path
        if path.endswith("/Queues.json"):
            return Response(200, json.dumps({"queues": [{"sid": QUEUE, "friendly_name": "potholes-en"}],
                                             "next_page_uri": None, "page": 0, "page_size": 50}))
        sid_prefix = "SM" if "/Messages" in path else "CA"
        return Response(201 if method == "POST" else 200, json.dumps({"sid": sid_prefix + "9" * 32}))


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env({"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": "token", "TELEPHONY": "twilio",
                              "TWILIO_NUMBER": "+13125550311", "PUBLIC_BASE_URL": "https://311.example.gov"})


def adapter(settings: Settings, redis, api: TwilioApiDouble) -> TwilioTelephony:  # type: ignore[no-untyped-def]
    return TwilioTelephony(settings, redis, Client(ACCOUNT, "token", http_client=api))


def test_connecting_an_agent_dequeues_that_caller_to_an_absolute_url(settings, redis):
    api = TwilioApiDouble()
    adapter(settings, redis, api).connect_to_agent(CALLER, "potholes-en", "/voice/agent-connect?agent=alice&lang=en")
    assert api.requests[0][:2] == ("GET", f"/2010-04-01/Accounts/{ACCOUNT}/Queues.json")
    method, path, data = api.requests[-1]
    assert (method, path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/Queues/{QUEUE}/Members/{CALLER}.json")
    assert data == {"Url": "https://311.example.gov/voice/agent-connect?agent=alice&lang=en", "Method": "POST"}


def test_a_caller_no_longer_in_that_twilio_queue_is_redirected_to_the_agent_instead(settings, redis):
    """A supervisor moved the caller to another line: Twilio has no such member in the first queue (404)."""
    class MovedCaller(TwilioApiDouble):
        def request(self, method, uri, *args, **kwargs):  # type: ignore[no-untyped-def]
            if "/Members/" in uri:
                self.requests.append((method, urlsplit(uri).path, dict(kwargs.get("data") or {})))
                return Response(404, json.dumps({"code": 20404, "message": "not found", "status": 404}))
            return super().request(method, uri, *args, **kwargs)

    api = MovedCaller()
    adapter(settings, redis, api).connect_to_agent(CALLER, "potholes-en", "/voice/conference-join?agent=alice")
    method, path, data = api.requests[-1]
    assert (method, path) == ("POST", f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALLER}.json")
    assert data["Url"] == "https://311.example.gov/voice/conference-join?agent=alice"


def test_the_queue_sid_is_looked_up_once(settings, redis):
    api = TwilioApiDouble()
    telephony = adapter(settings, redis, api)
    for _ in range(3):
        telephony.connect_to_agent(CALLER, "potholes-en", "/voice/agent-connect")
    assert [path for _, path, _ in api.requests].count(f"/2010-04-01/Accounts/{ACCOUNT}/Queues.json") == 1


def test_placing_a_call_and_sending_a_text(settings, redis):
    api = TwilioApiDouble()
    telephony = adapter(settings, redis, api)
    assert telephony.place_call("+13125550199", "/voice/callback-answer?agent=alice").startswith("CA")
    assert telephony.send_sms("+13125550199", "City 3-1-1: hello").startswith("SM")
    call, text = api.requests
    assert call[1] == f"/2010-04-01/Accounts/{ACCOUNT}/Calls.json"
    assert call[2]["To"] == "+13125550199" and call[2]["From"] == "+13125550311"
    assert call[2]["Url"] == "https://311.example.gov/voice/callback-answer?agent=alice"
    assert text[1] == f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
    assert text[2] == {"To": "+13125550199", "From": "+13125550311", "Body": "City 3-1-1: hello"}


def test_a_refusal_from_twilio_is_a_named_error(settings, redis):
    with pytest.raises(TelephonyError, match="could not text"):
        adapter(settings, redis, TwilioApiDouble(fail_with=404)).send_sms("+13125550199", "hello")


def test_twilio_telephony_needs_a_public_url_and_a_number(redis):
    bare = Settings.from_env({"TELEPHONY": "twilio"})
    with pytest.raises(TelephonyError, match="PUBLIC_BASE_URL and TWILIO_NUMBER"):
        TwilioTelephony(bare, redis)


class CallStatusDouble(TwilioApiDouble):
    """Answers a call fetch with the given status."""

    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status

    def request(self, method, uri, *args, **kwargs) -> Response:  # type: ignore[no-untyped-def]
        self.requests.append((method, urlsplit(uri).path, {}))
        return Response(200, json.dumps({"sid": CALLER, "status": self.status}))


@pytest.mark.parametrize(("status", "live"), [("in-progress", True), ("queued", True), ("ringing", True),
                                              ("completed", False), ("canceled", False), ("no-answer", False)])
def test_whether_a_call_is_live_comes_from_twilios_status(settings, redis, status, live):
    api = CallStatusDouble(status)
    assert adapter(settings, redis, api).is_live(CALLER) is live
    assert api.requests == [("GET", f"/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALLER}.json", {})]


@pytest.mark.parametrize(("failure", "live"), [(404, False), (500, None)])
def test_an_unknown_call_is_not_live_and_a_failing_api_cannot_say(settings, redis, failure, live):
    assert adapter(settings, redis, TwilioApiDouble(fail_with=failure)).is_live(CALLER) is live
class LookupDouble(TwilioApiDouble):
    """Answers Lookup v2 with line type intelligence, as lookups.twilio.com does."""

    def __init__(self, kind: str | None, fail_with: int | None = None) -> None:
        super().__init__(fail_with)
        self.kind = kind

    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,  # type: ignore[no-untyped-def]
                allow_redirects=False) -> Response:
        if "/v2/PhoneNumbers/" not in uri:
            return super().request(method, uri, params, data, headers, auth, timeout, allow_redirects)
        self.requests.append((method, urlsplit(uri).path, dict(params or {})))
        if self.fail_with:
            return Response(self.fail_with, json.dumps({"code": 20404, "message": "not found", "status": 404}))
        body = {"phone_number": "+13125550100", "valid": True,
                "line_type_intelligence": {"type": self.kind, "carrier_name": "Example", "error_code": None}}
        return Response(200, json.dumps(body))


def test_a_line_type_is_asked_of_lookup_v2_with_line_type_intelligence(settings, redis):
    api = LookupDouble("landline")
    assert adapter(settings, redis, api).line_type("+13125550100") == "landline"
    assert api.requests == [("GET", "/v2/PhoneNumbers/+13125550100", {"Fields": "line_type_intelligence"})]


def test_a_failed_lookup_is_a_telephony_error(settings, redis):
    with pytest.raises(TelephonyError, match="could not look up"):
        adapter(settings, redis, LookupDouble(None, fail_with=404)).line_type("+13125550100")
