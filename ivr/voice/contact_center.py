"""The voice edge of routing: queueing callers, holding them, and connecting them to agents.

The flow engine decides *that* a caller goes to a queue; this module tells the
router, and turns what the router knows (position, estimated wait, an agent who
accepted, a callback) into TwiML.  Routing failures never leave a caller in
silence: a refused or unreachable queue sends them down the flow's failure path.

It also speaks for the two ways a wait ends without a caller on hold reaching
an agent: a callback (the call the worker places when an agent accepts it, and
that call's status reports) and overflow (a caller past the queue's maximum
wait is offered a callback or a recorded message).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlencode

from redis.exceptions import RedisError
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from flows.model import Flow
from ivr.cases.reference import spoken as spoken_reference
from ivr.conference import conference_name
from ivr.floor import voice_hooks
from ivr.i18n import Section
from ivr.phone import CallerNumber
from ivr.routing_records import RoutingRecords
from ivr.voice import unstaffed
from routing.announcements import position_and_wait
from routing.calls import CallbackRequest, CallKind, CallRequest, CallStatus, Ticket, WaitingCall
from routing.exceptions import RoutingError
from routing.router import Router

logger = logging.getLogger(__name__)

AGENT_RING_SECONDS = 20
#: A caller still on hold this long after an agent took the call never got the dequeue: send them over.
DEQUEUE_GRACE_SECONDS = 15
#: A caller who already waited the queue's maximum and asks for a callback goes ahead of normal-priority entries.
OVERFLOW_CALLBACK_PRIORITY = 5
#: The longest overflow message (seconds), like the flow's own voice messages.
OVERFLOW_MESSAGE_SECONDS = 120
#: Final statuses of a placed callback that mean the resident never picked up.
UNANSWERED_STATUSES = frozenset({"busy", "no-answer", "failed", "canceled"})

#: What the hold loop, callbacks and the overflow path say (catalog ids contact_center.*).
PHRASES = Section("contact_center")

#: What a callback is about, as said to the resident, per skill; other skills are said by name.
TOPICS = Section("contact_center.topic")


def topic(skill: str, language: str) -> str:
    return TOPICS.get(language, {}).get(skill, skill.replace("_", " "))


def callback_answer_url(call: WaitingCall) -> str:
    """Where the placed callback goes when the resident picks up (the agent's id rides along, signed)."""
    return _url("/voice/callback-answer", agent=call.agent, lang=call.language, callback=call.sid)


def callback_status_url(callback_id: str, attempt: int) -> str:
    """The placed call's status callback; the attempt number lets a late report of an old attempt be ignored."""
    return _url("/voice/callback-status", callback=callback_id, attempt=str(attempt))


def overflow_url(skill: str, language: str) -> str:
    return _url("/voice/overflow", skill=skill, lang=language)


#: What a caller's overflow message became: a case number, saved to be numbered later, or nothing.
SAVED_WITHOUT_NUMBER = ""


class Unreachable(Exception):
    """Routing (Redis) could not be asked."""


class ContactCenter:
    def __init__(self, router: Router, flow: Flow, hold_music_url: str, records: RoutingRecords) -> None:
        self.router = router
        self.flow = flow
        self.hold_music_url = hold_music_url
        self.records = records  # SQL: what must survive Redis (changes to replay, callbacks promised)

    # -- joining and waiting -------------------------------------------------------------------

    def join(self, call_sid: str, skill: str, language: str) -> bool:
        """Put the caller in line; False when the queue refuses them or routing is unreachable."""
        try:
            ticket = self.router.enqueue(CallRequest(call_sid, skill, language))
        except (RoutingError, RedisError) as error:
            logger.warning("call %s not queued for %s-%s: %s", call_sid, skill, language, error)
            return False
        logger.info("call %s queued in %s at position %d", call_sid, ticket.queue, ticket.position)
        return True

    def hold(self, call_sid: str, caller: CallerNumber, skill: str, language: str,
             twilio_position: int | None = None) -> VoiceResponse:
        """One loop of hold: position and wait, a callback offer when the wait is long, music.

        A caller routing does not know (Redis restarted empty) rejoins their queue at the place they had;
        one still on hold well after an agent took the call leaves hold for that agent (the dequeue was lost).
        """
        try:
            call, switched = self._entry_and_switches(call_sid)  # one round trip
        except Unreachable:
            call, switched = None, None
        else:
            call = call or self._rejoin(call_sid, skill, language)
        response = VoiceResponse()
        if call is not None and self._dequeue_was_lost(call):
            response.leave()
            return response
        if unstaffed.nobody_can_take(self.router, call):  # every agent away: say so, offer a callback or message
            self._broadcasts(response, call_sid, skill, language, switched)
            return unstaffed.unstaffed_hold(self.flow, caller, call, self.hold_music_url, response)
        ticket = self._ticket(call)  # once: the announcement and the callback offer both come from it
        announcement = self._announcement(ticket, language, twilio_position)
        if announcement:
            self._say(response, announcement, language)
        self._broadcasts(response, call_sid, skill, language, switched)
        if caller.e164 and ticket is not None and ticket.estimate is not None \
                and ticket.estimate.seconds >= self.router.ctx.config.callbacks.offer_after:
            gather = Gather(num_digits=1, timeout=2, action=_url("/voice/callback", lang=language, skill=skill))
            self._say(gather, PHRASES[language]["callback_offer"], language)
            gather.play(self.hold_music_url)
            response.append(gather)
        else:
            response.play(self.hold_music_url)
        return response

    def _broadcasts(self, response: VoiceResponse, call_sid: str, skill: str, language: str,
                    switched: voice_hooks.Switches | None) -> None:
        """A supervisor's broadcast to this queue, said once at the caller's next hold loop."""
        for notice, spoken in voice_hooks.on_hold(self.router.ctx.connection, self.router.ctx.prefix, call_sid,
                                                  f"{skill}-{language}", language, switched):
            self._say(response, notice, spoken)

    def _entry_and_switches(self, call_sid: str) -> tuple[WaitingCall | None, voice_hooks.Switches | None]:
        """The caller's routing entry (None: routing has none) and the supervisor's switches (None: read them
        again later), in one round trip; Unreachable when Redis cannot be asked."""
        try:
            call, values = self.router.call_and_values(call_sid, voice_hooks.switch_keys(self.router.ctx.prefix))
        except (RoutingError, RedisError) as error:
            logger.warning("routing state of %s unavailable: %s", call_sid, error)
            raise Unreachable(str(error)) from error
        return call, voice_hooks.decode(values)

    def _dequeue_was_lost(self, call: WaitingCall) -> bool:
        """Still on hold well after an agent took the call: the move to the agent never reached the caller."""
        if call.kind is not CallKind.CALL or call.status is not CallStatus.ANSWERED or not call.agent:
            return False
        try:
            answered = self.router.answered_at(call.sid)
        except RedisError:
            return False
        return answered is not None and self.router.ctx.now() - answered > DEQUEUE_GRACE_SECONDS

    def _rejoin(self, call_sid: str, skill: str, language: str) -> WaitingCall | None:
        """A caller on hold that routing does not know (Redis restarted empty) joins again at the place it had."""
        entered = self.records.entered_queue(call_sid)
        try:
            self.router.enqueue(CallRequest(call_sid, skill, language), entered=entered)
        except (RoutingError, RedisError) as error:
            logger.warning("call %s on hold, unknown to routing, could not rejoin %s-%s: %s", call_sid, skill,
                           language, error)
            return None
        logger.warning("call %s on hold was unknown to routing (Redis restarted?); rejoined %s-%s", call_sid,
                       skill, language)
        return self._call(call_sid)

    def _ticket(self, call: WaitingCall | None) -> Ticket | None:
        """The router's position and estimate for a caller on hold (None: routing does not know or is away)."""
        if call is None:
            return None
        try:
            return self.router.ticket_of(call)
        except (RoutingError, RedisError) as error:
            logger.warning("no hold announcement from routing for %s: %s", call.sid, error)
            return None

    def _announcement(self, ticket: Ticket | None, language: str, twilio_position: int | None) -> str:
        """The router's position and wait; without it, the position Twilio reports (or nothing)."""
        if ticket is not None:
            return position_and_wait(max(ticket.position, 1), ticket.estimate, language)
        if twilio_position is None:
            return ""
        return self.flow.message("hold_position", language).format(position=twilio_position)

    def take_callback(self, call_sid: str, caller: CallerNumber, language: str) -> VoiceResponse:
        """The caller pressed 1 on hold: keep their place as a callback and let them go."""
        response = VoiceResponse()
        if caller.e164 is None:  # the offer is only made to callers with a number; a forged key press gets nothing
            return response
        try:
            self.router.convert_to_callback(call_sid, caller.e164)
            call = self.router.call(call_sid)
        except (RoutingError, RedisError) as error:
            logger.warning("callback for %s refused: %s", call_sid, error)
            return response  # nothing said: the hold loop simply goes on
        if call is not None:
            self.records.promise_callback(call_sid, caller.e164, call.skill, call.language, call.priority,
                                          _moment(call.entered))
        self._say(response, PHRASES[language]["callback_taken"], language)
        response.leave()
        return response

    # -- leaving the queue -----------------------------------------------------------------------

    def left_queue(self, call_sid: str, result: str, language: str) -> VoiceResponse | None:
        """TwiML for a caller who left the queue for an agent or a callback; None lets the flow decide."""
        try:
            call = self._lookup(call_sid)
        except Unreachable:
            call = None
            if result == "hangup":
                self.records.keep("call_over", call_sid)
        if result == "hangup":
            self._abandon(call)
            return None
        if call is not None and call.kind is CallKind.CALLBACK:
            response = VoiceResponse()
            response.hangup()
            return response
        if call is not None and call.agent and call.status in (CallStatus.ANSWERED, CallStatus.OFFERED):
            return self.conference(call_sid, call.agent, language)
        if call is not None and call.status is CallStatus.OVERFLOWED:
            response = VoiceResponse()
            response.redirect(overflow_url(call.skill, language), method="POST")
            return response
        return None

    def connect(self, agent_id: str, language: str) -> VoiceResponse:
        """Ring the agent's softphone (Twilio Client identity = agent id) and bridge the caller."""
        response = VoiceResponse()
        self._say(response, PHRASES[language]["connecting"], language)
        dial = Dial(action=_url("/voice/agent-done", agent=agent_id, lang=language), timeout=AGENT_RING_SECONDS)
        dial.client(agent_id)
        response.append(dial)
        return response

    def conference(self, call_sid: str, agent_id: str, language: str) -> VoiceResponse:
        """Bridge the caller into the call's own conference, where the agent's softphone is added.

        A conference (not a plain <Dial><Client>) is what lets agents hold, mute, transfer and bring in an
        interpreter (ivr/conference).  The caller's leaving ends it for everyone; its end posts the <Dial>
        action, which completes the call.
        """
        response = VoiceResponse()
        self._say(response, PHRASES[language]["connecting"], language)
        dial = Dial(action=_url("/voice/conference-done", agent=agent_id, lang=language))
        dial.conference(conference_name(call_sid), start_conference_on_enter=True, end_conference_on_exit=True,
                        beep="false", wait_url=self.hold_music_url, wait_method="GET")
        response.append(dial)
        return response

    def conference_done(self, call_sid: str, language: str) -> VoiceResponse:
        """The caller's conference ended (the agent hung up, or everyone left): the call is complete."""
        self._complete(call_sid)
        response = VoiceResponse()
        self._say(response, PHRASES[language]["goodbye"], language)
        response.hangup()
        return response

    def agent_done(self, call_sid: str, dial_status: str, language: str) -> VoiceResponse:
        """The agent's leg ended: the call is complete, or the agent never answered and the caller waits again.

        With routing unreachable the caller is thanked and let go, and the end is kept in SQL for the sweep.
        """
        try:
            call = self._lookup(call_sid)
        except Unreachable:
            call = None
            self.records.keep("call_over", call_sid)
        response = VoiceResponse()
        if dial_status == "completed" or call is None:
            self._complete(call_sid)
            self._say(response, PHRASES[language]["goodbye"], language)
            response.hangup()
            return response
        self._complete(call_sid)
        self._say(response, PHRASES[language]["agent_missed"], language)
        if self._requeue(call):
            response.enqueue(f"{call.skill}-{call.language}",
                             wait_url=_url("/voice/hold", skill=call.skill, lang=call.language),
                             action=_url("/voice/queue-exit", lang=language))
        else:
            response.hangup()
        return response

    def call_ended(self, call_sid: str) -> None:
        """The status callback: whatever the router still holds for this call is over (kept for later if
        routing is unreachable)."""
        try:
            call = self._lookup(call_sid)
        except Unreachable:
            self.records.keep("call_over", call_sid)
            return
        if call is None or call.kind is CallKind.CALLBACK:
            return
        if call.status in (CallStatus.WAITING, CallStatus.OFFERED):
            self._abandon(call)
        elif call.status is CallStatus.ANSWERED:
            self._complete(call_sid)

    # -- callbacks: the call the worker placed ---------------------------------------------------

    def callback_answer(self, callback_id: str, agent_id: str, language: str) -> VoiceResponse:
        """The resident picked up: their wait ends here; say who is calling and why, then ring the agent."""
        response = VoiceResponse()
        call = self._call(callback_id)
        if call is None or call.agent != agent_id or not self._mark_connected(call):
            self._say(response, PHRASES[language]["callback_gone"], language)
            response.hangup()
            return response
        self._say(response, PHRASES[language]["callback_intro"].format(topic=topic(call.skill, language)), language)
        dial = Dial(action=_url("/voice/callback-done", callback=callback_id, agent=agent_id, lang=language),
                    timeout=AGENT_RING_SECONDS)
        dial.client(agent_id)
        response.append(dial)
        return response

    def callback_done(self, callback_id: str, dial_status: str, language: str) -> VoiceResponse:
        """The agent's leg of a callback ended: the routing call is complete either way."""
        self._complete(callback_id)
        response = VoiceResponse()
        key = "goodbye" if dial_status == "completed" else "callback_agent_missed"
        self._say(response, PHRASES[language][key], language)
        response.hangup()
        return response

    def callback_status(self, callback_id: str, attempt: int, status: str) -> str:
        """A status report of a placed callback: 'connected', 'scheduled' (tried again later), 'failed' or 'ignored'.

        Reports of an earlier attempt, repeats and reports for callbacks routing no longer holds are ignored.
        """
        call = self._call(callback_id)
        if call is None or call.kind is not CallKind.CALLBACK or call.attempts != attempt:
            return "ignored"
        if status in UNANSWERED_STATUSES:
            return self._unanswered(call)
        if status not in ("in-progress", "completed"):
            return "ignored"
        connected = self._mark_connected(call)
        if status == "completed":
            self._complete(callback_id)  # the resident hung up before (or without) the agent's leg ending it
        return "connected" if connected else "ignored"

    def _mark_connected(self, call: WaitingCall) -> bool:
        """The resident answered (the answer webhook or the status report, whichever comes first)."""
        if call.status is CallStatus.ANSWERED:
            return True
        if call.status is not CallStatus.DIALING:
            return False
        try:
            self.router.callback_connected(call.sid)
        except (RoutingError, RedisError) as error:
            logger.info("callback %s not marked connected: %s", call.sid, error)
            latest = self._call(call.sid)
            return latest is not None and latest.status is CallStatus.ANSWERED
        self.records.close_callback(call.sid, "kept")
        return True

    def _unanswered(self, call: WaitingCall) -> str:
        if call.status is not CallStatus.DIALING:
            return "ignored"
        try:
            result, _ = self.router.callback_unanswered(call.sid)
        except (RoutingError, RedisError) as error:
            logger.warning("callback %s unanswered but not recorded: %s", call.sid, error)
            return "ignored"
        logger.info("callback %s unanswered (attempt %d): %s", call.sid, call.attempts + 1, result)
        if result == "failed":
            self.records.close_callback(call.sid, "failed")
        return result

    # -- overflow: past the queue's maximum wait ------------------------------------------------

    def overflow(self, caller: CallerNumber, skill: str, language: str) -> VoiceResponse:
        """Out of the queue after its maximum wait: an apology, a callback (when we have a number) or a message."""
        response = VoiceResponse()
        phrases = PHRASES[language]
        if caller.e164:
            gather = Gather(num_digits=1, timeout=3, action=_url("/voice/overflow-choice", skill=skill, lang=language))
            self._say(gather, f"{phrases['overflow_sorry']} {phrases['overflow_callback']}", language)
            response.append(gather)
        else:
            self._say(response, phrases["overflow_sorry"], language)
        return self._record_message(response, skill, language)

    def overflow_choice(self, call_sid: str, caller: CallerNumber, digits: str, skill: str,
                        language: str) -> VoiceResponse:
        """1 asks for a callback (a new entry, ahead of normal callers); anything else leaves a message."""
        response = VoiceResponse()
        if digits == "1" and caller.e164 and self._request_callback(call_sid, caller.e164, skill, language):
            self._say(response, PHRASES[language]["overflow_callback_taken"], language)
            response.hangup()
            return response
        return self._record_message(response, skill, language)

    def _request_callback(self, call_sid: str, number: str, skill: str, language: str) -> bool:
        try:
            self.router.request_callback(CallbackRequest(call_sid, skill, language, number,
                                                         priority=OVERFLOW_CALLBACK_PRIORITY))
        except (RoutingError, RedisError) as error:
            logger.warning("overflow callback for %s refused: %s", call_sid, error)
            return False
        self.records.promise_callback(call_sid, number, skill, language, OVERFLOW_CALLBACK_PRIORITY)
        return True

    def _record_message(self, response: VoiceResponse, skill: str, language: str) -> VoiceResponse:
        self._say(response, PHRASES[language]["overflow_record"], language)
        response.record(action=_url("/voice/overflow-message", skill=skill, lang=language), method="POST",
                        max_length=OVERFLOW_MESSAGE_SECONDS, finish_on_key="#", play_beep=True, timeout=5)
        self._say(response, PHRASES[language]["no_message"], language)
        response.hangup()
        return response

    def message_filed(self, reference: str | None, language: str) -> VoiceResponse:
        """After an overflow message: its case number (spoken twice), that it is saved without a number yet
        (SAVED_WITHOUT_NUMBER), or an honest apology (None: nothing could be kept)."""
        response = VoiceResponse()
        if reference is None:
            self._say(response, PHRASES[language]["message_not_saved"], language)
        elif reference == SAVED_WITHOUT_NUMBER:
            self._say(response, PHRASES[language]["message_saved_no_number"], language)
        else:
            ref = spoken_reference(reference, language)
            self._say(response, PHRASES[language]["message_filed"].format(ref=ref), language)
        response.hangup()
        return response

    # -- helpers --------------------------------------------------------------------------------

    def _call(self, call_sid: str) -> WaitingCall | None:
        try:
            return self._lookup(call_sid)
        except Unreachable:
            return None

    def _lookup(self, call_sid: str) -> WaitingCall | None:
        """The router's entry for the call (None: it has none); Unreachable when Redis cannot be asked."""
        try:
            return self.router.call(call_sid)
        except (RoutingError, RedisError) as error:
            logger.warning("routing state of %s unavailable: %s", call_sid, error)
            raise Unreachable(str(error)) from error

    def _abandon(self, call: WaitingCall | None) -> None:
        if call is None or call.kind is CallKind.CALLBACK or call.status not in (CallStatus.WAITING,
                                                                                 CallStatus.OFFERED):
            return
        try:
            self.router.abandon(call.sid)
        except RedisError as error:
            logger.warning("could not record %s as abandoned now (kept for the sweep): %s", call.sid, error)
            self.records.keep("call_over", call.sid)
        except RoutingError as error:
            logger.warning("could not record %s as abandoned: %s", call.sid, error)

    def _complete(self, call_sid: str) -> None:
        try:
            self.router.complete(call_sid)
        except RedisError as error:
            logger.warning("could not complete %s now (kept for the sweep): %s", call_sid, error)
            self.records.keep("call_over", call_sid)
        except RoutingError as error:
            logger.info("completing %s: %s", call_sid, error)

    def _requeue(self, call: WaitingCall | None) -> bool:
        if call is None:
            return False
        try:
            self.router.enqueue(CallRequest(call.sid, call.skill, call.language, priority=9))
        except (RoutingError, RedisError) as error:
            logger.warning("could not put %s back in line: %s", call.sid, error)
            return False
        return True

    def _say(self, parent: VoiceResponse | Gather, text: str, language: str) -> None:
        voice = self.flow.voices[language]
        parent.say(text, voice=voice.voice, language=voice.language)


def _moment(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}"
