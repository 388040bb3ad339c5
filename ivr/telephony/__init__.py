"""The telephony port: the moves CityLine asks of the phone network, and its two adapters.

`TwilioTelephony` makes them through Twilio's REST API; `LocalTelephony` makes
the same moves on this machine (through Redis, where the local caller and the
hold webhook see them), so demos and tests run the whole loop with no Twilio.
"""

from __future__ import annotations

from typing import Protocol

from redis import Redis

from ivr.settings import Settings


class TelephonyError(RuntimeError):
    """The phone network refused or failed a request; the message says which and why."""


class Telephony(Protocol):
    def connect_to_agent(self, call_sid: str, queue: str, url: str) -> None:
        """Take this caller out of the queue; the call continues with the TwiML at `url` (dials the agent)."""
        ...

    def place_call(self, to: str, url: str, status_callback: str | None = None) -> str:
        """Call `to`; when answered the call follows the TwiML at `url`. Returns the new CallSid.

        `status_callback` is told when the call is answered and when it ends (busy, no-answer, ...),
        which is how a callback learns that nobody picked up.
        """
        ...

    def redirect(self, call_sid: str, url: str) -> None:
        """Take a caller off hold; the call continues with the TwiML at `url` (overflow after the max wait)."""
        ...

    def send_sms(self, to: str, body: str) -> str:
        """Text `body` to `to`; returns the message SID."""
        ...

    def is_live(self, call_sid: str) -> bool | None:
        """Whether the call is still up: True, False (it ended), or None when the network cannot say.

        The routing sweep asks, after Redis was down, before offering a waiting caller or freeing an agent.
        """
        ...

    def line_type(self, e164: str) -> str | None:
        """The carrier's line type of this number ("mobile", "landline", "nonFixedVoip", ...), or None."""
        ...

    def delete_recording(self, url: str) -> None:
        """Delete the recording at `url` from the provider (the retention job); raises TelephonyError if it
        could not (a recording already gone counts as deleted)."""
        ...

    # -- a call's conference (caller, agents, interpreter, ...): the moves call controls make ------------

    def add_participant(self, conference: str, to: str, *, digits: str = "", muted: bool = False,
                        coach: str = "", on_end: str = "") -> str:
        """Call `to` ("client:<agent>" or an E.164 number) into the named conference; returns its call SID.

        `digits` are played once it answers (a language line's access code); `muted` and `coach`
        (the participant SID to coach) are how a supervisor will listen or whisper; `on_end` is a URL the
        network posts the leg's final status to (an agent's softphone that drops).
        """
        ...

    def hold(self, conference: str, participant: str, hold_url: str) -> None:
        """Take the participant out of the conversation; they hear the TwiML or audio at `hold_url`."""
        ...

    def unhold(self, conference: str, participant: str) -> None:
        ...

    def mute(self, conference: str, participant: str, muted: bool) -> None:
        """Whether the others hear this participant (they still hear everyone)."""
        ...

    def update_participant(self, conference: str, participant: str, *, muted: bool, coach: str = "") -> None:
        """Change how a supervisor is heard: `muted` (listening only), `coach` the participant SID only they
        hear it (whisper), or neither (barge: everyone hears them).  An empty `coach` turns coaching off."""
        ...

    def remove_participant(self, conference: str, participant: str) -> None:
        """Hang up this participant's leg; the conference goes on for the others."""
        ...

    def end_conference(self, conference: str) -> None:
        """Hang up everybody in the conference (the caller's <Dial> then goes on to its action)."""
        ...


def make_telephony(settings: Settings, redis: Redis) -> Telephony:
    if settings.telephony == "twilio":
        from ivr.telephony.twilio_adapter import TwilioTelephony

        return TwilioTelephony(settings, redis)
    from ivr.telephony.local_adapter import LocalTelephony

    return LocalTelephony(redis, settings.local_line_types)
