"""The Twilio adapter's supervisor moves: Muted, Coaching and CallSidToCoach on the Participants API."""

from __future__ import annotations

import pytest

from ivr.telephony import TelephonyError
from tests.ivr.test_twilio_adapter import adapter
from tests.ivr.test_twilio_conference import AGENT_LEG, BASE, CONFERENCE, ROOM, ConferenceApi, settings  # noqa: F401

SUPERVISOR_LEG = "CA" + "6" * 32


def test_whisper_coaches_the_agents_leg_and_barge_turns_coaching_off(settings, redis):  # noqa: F811
    api = ConferenceApi()
    telephony = adapter(settings, redis, api)
    telephony.update_participant(ROOM, SUPERVISOR_LEG, muted=False, coach=AGENT_LEG)
    method, path, data = api.requests[-1]
    assert (method, path) == ("POST", f"{BASE}/Conferences/{CONFERENCE}/Participants/{SUPERVISOR_LEG}.json")
    assert data == {"Muted": "false", "Coaching": "true", "CallSidToCoach": AGENT_LEG}
    telephony.update_participant(ROOM, SUPERVISOR_LEG, muted=False)
    assert api.requests[-1][2] == {"Muted": "false", "Coaching": "false"}
    telephony.update_participant(ROOM, SUPERVISOR_LEG, muted=True)
    assert api.requests[-1][2] == {"Muted": "true", "Coaching": "false"}


def test_listening_joins_the_supervisors_softphone_muted_and_not_coaching(settings, redis):  # noqa: F811
    api = ConferenceApi()
    adapter(settings, redis, api).add_participant(ROOM, "client:sam", muted=True)
    data = api.requests[-1][2]
    assert (data["To"], data["Muted"]) == ("client:sam", "true") and "Coaching" not in data


def test_twilio_refusing_the_update_is_a_telephony_error(settings, redis):  # noqa: F811
    api = ConferenceApi()
    telephony = adapter(settings, redis, api)
    telephony.update_participant(ROOM, SUPERVISOR_LEG, muted=True)  # caches the conference SID
    api.fail_with = 404
    with pytest.raises(TelephonyError, match="could not change"):
        telephony.update_participant(ROOM, SUPERVISOR_LEG, muted=False, coach=AGENT_LEG)
