"""The voice edge of routing: queueing callers, holding them, and connecting them to agents.

The flow engine decides *that* a caller goes to a queue; this module tells the
router, and turns what the router knows (position, estimated wait, an agent who
accepted, a callback) into TwiML.  Routing failures never leave a caller in
silence: a refused or unreachable queue sends them down the flow's failure path.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from redis.exceptions import RedisError
from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

from flows.model import Flow
from ivr.phone import CallerNumber
from routing.calls import CallKind, CallRequest, CallStatus, WaitingCall
from routing.exceptions import RoutingError
from routing.router import Router

logger = logging.getLogger(__name__)

#: Offer a callback instead of hold when the announced wait is at least this long (seconds).
CALLBACK_OFFER_AFTER = 120
AGENT_RING_SECONDS = 20

PHRASES = {
    "en": {
        "callback_offer": "To be called back instead, keeping your place in line, press 1.",
        "callback_taken": "Thank you. We will call you back at the number you are calling from when an agent "
                          "is free. You keep your place in line. Goodbye.",
        "connecting": "Thank you for waiting. Connecting you to an agent now.",
        "agent_missed": "Sorry, that agent could not take your call. You are back at the front of the line.",
        "goodbye": "Thank you for calling City 3-1-1. Goodbye.",
    },
    "es": {
        "callback_offer": "Para que le devolvamos la llamada sin perder su lugar en la fila, oprima 1.",
        "callback_taken": "Gracias. Le llamaremos al número desde el que llama cuando haya un agente disponible. "
                          "Conserva su lugar en la fila. Adiós.",
        "connecting": "Gracias por esperar. Le comunicamos con un agente ahora.",
        "agent_missed": "Disculpe, ese agente no pudo atender su llamada. Vuelve a estar al frente de la fila.",
        "goodbye": "Gracias por llamar a la línea 3-1-1 de la ciudad. Adiós.",
    },
}


class ContactCenter:
    def __init__(self, router: Router, flow: Flow, hold_music_url: str) -> None:
        self.router = router
        self.flow = flow
        self.hold_music_url = hold_music_url

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
        """One loop of hold: position and wait, a callback offer when the wait is long, music."""
        response = VoiceResponse()
        announcement = self._announcement(call_sid, language, twilio_position)
        if announcement:
            self._say(response, announcement, language)
        if caller.e164 and self._wait_is_long(call_sid):
            gather = Gather(num_digits=1, timeout=2, action=_url("/voice/callback", lang=language, skill=skill))
            self._say(gather, PHRASES[language]["callback_offer"], language)
            gather.play(self.hold_music_url)
            response.append(gather)
        else:
            response.play(self.hold_music_url)
        return response

    def _announcement(self, call_sid: str, language: str, twilio_position: int | None) -> str:
        """The router's position and wait; without it, the position Twilio reports (or nothing)."""
        try:
            return self.router.announcement(call_sid, language)
        except (RoutingError, RedisError) as error:
            logger.warning("no hold announcement from routing for %s: %s", call_sid, error)
        if twilio_position is None:
            return ""
        return self.flow.message("hold_position", language).format(position=twilio_position)

    def _wait_is_long(self, call_sid: str) -> bool:
        try:
            ticket = self.router.ticket(call_sid)
        except (RoutingError, RedisError):
            return False
        return ticket.estimate is not None and ticket.estimate.seconds >= CALLBACK_OFFER_AFTER

    def take_callback(self, call_sid: str, caller: CallerNumber, language: str) -> VoiceResponse:
        """The caller pressed 1 on hold: keep their place as a callback and let them go."""
        response = VoiceResponse()
        try:
            assert caller.e164 is not None, "the offer is only made to callers with a number"
            self.router.convert_to_callback(call_sid, caller.e164)
        except (RoutingError, RedisError, AssertionError) as error:
            logger.warning("callback for %s refused: %s", call_sid, error)
            return response  # nothing said: the hold loop simply goes on
        self._say(response, PHRASES[language]["callback_taken"], language)
        response.leave()
        return response

    # -- leaving the queue -----------------------------------------------------------------------

    def left_queue(self, call_sid: str, result: str, language: str) -> VoiceResponse | None:
        """TwiML for a caller who left the queue for an agent or a callback; None lets the flow decide."""
        call = self._call(call_sid)
        if result == "hangup":
            self._abandon(call)
            return None
        if call is not None and call.kind is CallKind.CALLBACK:
            response = VoiceResponse()
            response.hangup()
            return response
        if call is not None and call.agent and call.status in (CallStatus.ANSWERED, CallStatus.OFFERED):
            return self.connect(call.agent, language)
        return None

    def connect(self, agent_id: str, language: str) -> VoiceResponse:
        """Ring the agent's softphone (Twilio Client identity = agent id) and bridge the caller."""
        response = VoiceResponse()
        self._say(response, PHRASES[language]["connecting"], language)
        dial = Dial(action=_url("/voice/agent-done", agent=agent_id, lang=language), timeout=AGENT_RING_SECONDS)
        dial.client(agent_id)
        response.append(dial)
        return response

    def agent_done(self, call_sid: str, dial_status: str, language: str) -> VoiceResponse:
        """The agent's leg ended: the call is complete, or the agent never answered and the caller waits again."""
        call = self._call(call_sid)
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
        """The status callback: whatever the router still holds for this call is over."""
        call = self._call(call_sid)
        if call is None or call.kind is CallKind.CALLBACK:
            return
        if call.status in (CallStatus.WAITING, CallStatus.OFFERED):
            self._abandon(call)
        elif call.status is CallStatus.ANSWERED:
            self._complete(call_sid)

    # -- helpers --------------------------------------------------------------------------------

    def _call(self, call_sid: str) -> WaitingCall | None:
        try:
            return self.router.call(call_sid)
        except (RoutingError, RedisError) as error:
            logger.warning("routing state of %s unavailable: %s", call_sid, error)
            return None

    def _abandon(self, call: WaitingCall | None) -> None:
        if call is None or call.kind is CallKind.CALLBACK or call.status not in (CallStatus.WAITING,
                                                                                 CallStatus.OFFERED):
            return
        try:
            self.router.abandon(call.sid)
        except (RoutingError, RedisError) as error:
            logger.warning("could not record %s as abandoned: %s", call.sid, error)

    def _complete(self, call_sid: str) -> None:
        try:
            self.router.complete(call_sid)
        except (RoutingError, RedisError) as error:
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


def _url(path: str, **params: str) -> str:
    return f"{path}?{urlencode(params)}"
