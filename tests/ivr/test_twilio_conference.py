"""The Twilio adapter's conference moves: the Participants API requests Twilio documents, through the library."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from twilio.http.response import Response

from ivr.settings import Settings
from ivr.telephony import TelephonyError
from tests.ivr.test_twilio_adapter import ACCOUNT, CALLER, TwilioApiDouble, adapter

CONFERENCE = "CF" + "4" * 32
AGENT_LEG = "CA" + "5" * 32
ROOM = f"call-{CALLER}"
BASE = f"/2010-04-01/Accounts/{ACCOUNT}"


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env({"TWILIO_ACCOUNT_SID": ACCOUNT, "TWILIO_AUTH_TOKEN": "token", "TELEPHONY": "twilio",
                              "TWILIO_NUMBER": "+13125550311", "PUBLIC_BASE_URL": "https://311.example.gov"})


class ConferenceApi(TwilioApiDouble):
    def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,  # type: ignore[no-untyped-def]
                allow_redirects=False) -> Response:
        path = urlsplit(uri).path
        if path.endswith("/Conferences.json"):
            self.requests.append((method, path, dict(params or {})))
            found = [{"sid": CONFERENCE, "friendly_name": ROOM}] if (params or {}).get("FriendlyName") == ROOM else []
            return Response(200, json.dumps({"conferences": found, "next_page_uri": None, "page": 0,
                                             "page_size": 1}))
        if "/Participants" in path and not self.fail_with:
            self.requests.append((method, path, dict(data or {})))
            if method == "DELETE":
                return Response(204, "")
            return Response(201 if path.endswith("Participants.json") else 200,
                            json.dumps({"call_sid": AGENT_LEG, "conference_sid": CONFERENCE}))
        return super().request(method, uri, params, data, headers, auth, timeout, allow_redirects)


def test_an_agent_softphone_joins_the_named_conference(settings, redis):
    api = ConferenceApi()
    leg = adapter(settings, redis, api).add_participant(ROOM, "client:alice")
    method, path, data = api.requests[-1]
    assert (method, path, leg) == ("POST", f"{BASE}/Conferences/{ROOM}/Participants.json", AGENT_LEG)
    assert (data["To"], data["From"], data["EarlyMedia"], data["EndConferenceOnExit"]) == (
        "client:alice", "+13125550311", "true", "false")


def test_an_agent_leg_reports_its_end_so_a_dropped_softphone_is_noticed(settings, redis):
    api = ConferenceApi()
    adapter(settings, redis, api).add_participant(ROOM, "client:alice", on_end="/voice/agent-leg-ended?agent=alice")
    data = api.requests[-1][2]
    assert (data["StatusCallback"], data["StatusCallbackMethod"], data["StatusCallbackEvent"]) == (
        "https://311.example.gov/voice/agent-leg-ended?agent=alice", "POST", ["completed"])


def test_a_supervisor_can_later_join_muted_or_coaching(settings, redis):
    api = ConferenceApi()
    adapter(settings, redis, api).add_participant(ROOM, "client:sam", muted=True, coach=AGENT_LEG)
    data = api.requests[-1][2]
    assert (data["Muted"], data["Coaching"], data["CallSidToCoach"]) == ("true", "true", AGENT_LEG)


def test_the_interpreter_line_is_a_placed_call_that_sends_the_access_code_then_joins(settings, redis):
    api = ConferenceApi()
    adapter(settings, redis, api).add_participant(ROOM, "+18005550199", digits="1234#")
    method, path, data = api.requests[-1]
    assert (method, path) == ("POST", f"{BASE}/Calls.json")
    assert data["SendDigits"] == "1234#" and "<Conference" in data["Twiml"] and ROOM in data["Twiml"]


def test_hold_mute_and_remove_address_the_live_conference_by_its_sid(settings, redis):
    api = ConferenceApi()
    telephony = adapter(settings, redis, api)
    telephony.hold(ROOM, CALLER, "/voice/conference-hold?say=hold&lang=en")
    method, path, data = api.requests[-1]
    assert (method, path) == ("POST", f"{BASE}/Conferences/{CONFERENCE}/Participants/{CALLER}.json")
    assert data == {"Hold": "true", "HoldUrl": "https://311.example.gov/voice/conference-hold?say=hold&lang=en",
                    "HoldMethod": "POST"}
    telephony.unhold(ROOM, CALLER)
    assert api.requests[-1][2] == {"Hold": "false"}
    telephony.mute(ROOM, AGENT_LEG, True)
    assert api.requests[-1][2] == {"Muted": "true"}
    telephony.remove_participant(ROOM, AGENT_LEG)
    assert api.requests[-1][:2] == ("DELETE", f"{BASE}/Conferences/{CONFERENCE}/Participants/{AGENT_LEG}.json")
    looked_up = [r for r in api.requests if r[1].endswith("/Conferences.json")]
    assert len(looked_up) == 1  # the conference SID is cached


def test_ending_the_conference_completes_it(settings, redis):
    api = ConferenceApi()
    adapter(settings, redis, api).end_conference(ROOM)
    method, path, data = api.requests[-1]
    assert (method, path, data) == ("POST", f"{BASE}/Conferences/{CONFERENCE}.json", {"Status": "completed"})


def test_a_conference_twilio_does_not_know_or_an_api_failure_is_a_telephony_error(settings, redis):
    with pytest.raises(TelephonyError):
        adapter(settings, redis, ConferenceApi()).hold("call-CAnobody", CALLER, "/voice/conference-hold")
    with pytest.raises(TelephonyError):
        adapter(settings, redis, ConferenceApi(fail_with=500)).add_participant(ROOM, "client:alice")
