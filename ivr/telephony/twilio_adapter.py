"""The telephony port through Twilio's REST API (the twilio library's Client)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from redis import Redis
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client
from twilio.twiml.voice_response import Dial, VoiceResponse

from ivr.settings import Settings
from ivr.telephony import TelephonyError

QUEUE_SID_CACHE = "cityline:twilio:queue-sid:"
CONFERENCE_SID_CACHE = "cityline:twilio:conference-sid:"
#: Call progress events a placed call reports: answered (CallStatus in-progress) and the final status.
STATUS_EVENTS = ("answered", "completed")
#: Twilio's call statuses of a call that is still up.
LIVE_STATUSES = frozenset({"queued", "ringing", "in-progress"})
RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")


class TwilioTelephony:
    def __init__(self, settings: Settings, redis: Redis, client: Client | None = None) -> None:
        if not settings.public_base_url or not settings.twilio_number:
            raise TelephonyError("TELEPHONY=twilio needs PUBLIC_BASE_URL and TWILIO_NUMBER")
        self.base_url = settings.public_base_url
        self.number = settings.twilio_number
        self.redis = redis
        self.client = client or Client(settings.twilio_account_sid, settings.twilio_auth_token)

    def _absolute(self, url: str) -> str:
        return urljoin(self.base_url + "/", url)

    def connect_to_agent(self, call_sid: str, queue: str, url: str) -> None:
        """Dequeue this caller from the Twilio queue named `queue` to the TwiML at `url`.

        A caller the router moved to another queue may still wait in the Twilio queue of the first one (the
        move's redirect failed, or an agent was offered them at once): when `queue` has no such member, the
        call itself is redirected, which takes it out of whatever queue it is in."""
        try:
            members = self.client.queues(self._queue_sid(queue)).members(call_sid)
            members.update(url=self._absolute(url), method="POST")
            return
        except TwilioRestException as error:
            if error.status != 404:
                raise TelephonyError(f"could not dequeue {call_sid} from {queue}: {error}") from error
        except TelephonyError:
            pass  # no Twilio queue of that name (yet): the caller waits in another one
        except TwilioException as error:
            raise TelephonyError(f"could not dequeue {call_sid} from {queue}: {error}") from error
        self.redirect(call_sid, url)

    def _queue_sid(self, name: str) -> str:
        cached = self.redis.get(QUEUE_SID_CACHE + name)
        if cached:
            return cached.decode()
        for queue in self.client.queues.stream():
            if queue.friendly_name == name:
                self.redis.set(QUEUE_SID_CACHE + name, queue.sid, ex=86_400)
                return str(queue.sid)
        raise TelephonyError(f"Twilio has no queue named {name!r}")

    def place_call(self, to: str, url: str, status_callback: str | None = None) -> str:
        """Start the call; with a status callback, Twilio posts 'answered' and the final status to it."""
        progress: dict[str, object] = {}
        if status_callback:
            progress = {"status_callback": self._absolute(status_callback), "status_callback_method": "POST",
                        "status_callback_event": list(STATUS_EVENTS)}
        try:
            call = self.client.calls.create(to=to, from_=self.number, url=self._absolute(url), method="POST",
                                            **progress)
        except TwilioException as error:
            raise TelephonyError(f"could not call {to}: {error}") from error
        return str(call.sid)

    def redirect(self, call_sid: str, url: str) -> None:
        """Point a live call at new TwiML (it leaves its <Enqueue> at once)."""
        try:
            self.client.calls(call_sid).update(url=self._absolute(url), method="POST")
        except TwilioException as error:
            raise TelephonyError(f"could not redirect {call_sid}: {error}") from error

    def line_type(self, e164: str) -> str | None:
        """Twilio Lookup v2 line type intelligence: "mobile", "landline", "nonFixedVoip", ... or None."""
        try:
            number = self.client.lookups.v2.phone_numbers(e164).fetch(fields="line_type_intelligence")
        except TwilioException as error:
            raise TelephonyError(f"could not look up {e164}: {error}") from error
        intelligence = number.line_type_intelligence or {}
        return intelligence.get("type") or None

    def send_sms(self, to: str, body: str) -> str:
        try:
            message = self.client.messages.create(to=to, from_=self.number, body=body)
        except TwilioException as error:
            raise TelephonyError(f"could not text {to}: {error}") from error
        return str(message.sid)

    def delete_recording(self, url: str) -> None:
        """Recording URLs end in the recording's SID (.../Recordings/RE...); a 404 means it is already gone."""
        match = RECORDING_SID.search(url)
        if match is None:
            raise TelephonyError(f"{url} is not a Twilio recording URL")
        try:
            self.client.recordings(match[0]).delete()
        except TwilioRestException as error:
            if error.status != 404:
                raise TelephonyError(f"could not delete recording {match[0]}: {error}") from error
        except TwilioException as error:
            raise TelephonyError(f"could not delete recording {match[0]}: {error}") from error

    def is_live(self, call_sid: str) -> bool | None:
        """Ask Twilio for the call's status; an unknown call (404) is not live, an API failure cannot say."""
        try:
            call = self.client.calls(call_sid).fetch()
        except TwilioRestException as error:
            return False if error.status == 404 else None
        except TwilioException:
            return None
        return str(call.status) in LIVE_STATUSES

    # -- a call's conference: Twilio's Conference Participants API ------------------------------------

    def add_participant(self, conference: str, to: str, *, digits: str = "", muted: bool = False,
                        coach: str = "", on_end: str = "") -> str:
        """A softphone or number joins by the Participants API; with `digits` (an access code) the leg is a
        placed call that dials them once answered and then joins (Participants cannot send digits)."""
        self.redis.delete(CONFERENCE_SID_CACHE + conference)  # it may be a new conference of an old name
        try:
            if digits:
                join = VoiceResponse()
                dial = Dial()
                dial.conference(conference, start_conference_on_enter=True, end_conference_on_exit=False)
                join.append(dial)
                call = self.client.calls.create(to=to, from_=self.number, send_digits=digits, twiml=str(join))
                return str(call.sid)
            options: dict[str, object] = {"muted": muted, "early_media": True, "end_conference_on_exit": False}
            if coach:
                options.update(coaching=True, call_sid_to_coach=coach)
            if on_end:
                options.update(status_callback=self._absolute(on_end), status_callback_method="POST",
                               status_callback_event=["completed"])
            participant = self.client.conferences(conference).participants.create(
                from_=self.number, to=to, **options)
        except TwilioException as error:
            raise TelephonyError(f"could not add {to} to {conference}: {error}") from error
        return str(participant.call_sid)

    def hold(self, conference: str, participant: str, hold_url: str) -> None:
        self._participant_update(conference, participant, hold=True, hold_url=self._absolute(hold_url),
                                 hold_method="POST")

    def unhold(self, conference: str, participant: str) -> None:
        self._participant_update(conference, participant, hold=False)

    def mute(self, conference: str, participant: str, muted: bool) -> None:
        self._participant_update(conference, participant, muted=muted)

    def update_participant(self, conference: str, participant: str, *, muted: bool, coach: str = "") -> None:
        """Twilio's Participant update: Coaching with CallSidToCoach to whisper, Coaching=false to barge."""
        changes: dict[str, object] = {"muted": muted, "coaching": bool(coach)}
        if coach:
            changes["call_sid_to_coach"] = coach
        self._participant_update(conference, participant, **changes)

    def remove_participant(self, conference: str, participant: str) -> None:
        try:
            self.client.conferences(self._conference_sid(conference)).participants(participant).delete()
        except TwilioException as error:
            raise TelephonyError(f"could not remove {participant} from {conference}: {error}") from error

    def end_conference(self, conference: str) -> None:
        try:
            self.client.conferences(self._conference_sid(conference)).update(status="completed")
        except TwilioException as error:
            raise TelephonyError(f"could not end conference {conference}: {error}") from error
        self.redis.delete(CONFERENCE_SID_CACHE + conference)

    def _participant_update(self, conference: str, participant: str, **changes: object) -> None:
        try:
            self.client.conferences(self._conference_sid(conference)).participants(participant).update(**changes)
        except TwilioException as error:
            raise TelephonyError(f"could not change {participant} in {conference}: {error}") from error

    def _conference_sid(self, name: str) -> str:
        """Twilio addresses a live conference by its CF... SID; we name ours, so look it up (and cache it)."""
        cached = self.redis.get(CONFERENCE_SID_CACHE + name)
        if cached:
            return cached.decode()
        found = self.client.conferences.list(friendly_name=name, status="in-progress", limit=1)
        if not found:
            raise TelephonyError(f"Twilio has no conference in progress named {name!r}")
        self.redis.set(CONFERENCE_SID_CACHE + name, found[0].sid, ex=4 * 3600)
        return str(found[0].sid)
