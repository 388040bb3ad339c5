"""Hold when nobody staffed can take the queue: say so, and offer a callback or a message instead.

With every agent for a line on break or logged out, "You are next in line" is true and useless: the
caller would hold for nobody.  The hold loop (ContactCenter.hold) asks `nobody_can_take`; when it
is so, the caller hears the flow's `hold_unstaffed` words and a choice: 1 keeps their place as a
callback (when we have their number), 2 leaves a message (the overflow path: the message becomes a
case), silence keeps them waiting, and the question is asked again at the next loop.  The words are
the flow's messages (flows/library/city311.yaml); a flow without them uses the catalogs' unstaffed.*
messages.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, request
from redis.exceptions import RedisError
from twilio.twiml.voice_response import Gather, VoiceResponse

from flows.instructions import Turn, Visit
from flows.model import Flow
from ivr.i18n import Section
from ivr.phone import CallerNumber
from ivr.voice.signatures import twilio_only
from ivr.voice.twiml import twiml_response
from ivr.voice.webhook_params import read_call, read_reply
from routing.calls import CallStatus, WaitingCall
from routing.coverage import anyone_staffed_for
from routing.exceptions import RoutingError
from routing.router import Router

logger = logging.getLogger(__name__)
bp = Blueprint("voice_unstaffed", __name__, url_prefix="/voice")
#: Seconds the choice waits for a key before the hold music goes on.
CHOICE_TIMEOUT = 4
#: Used only when the flow has no such message (catalog ids unstaffed.*).
FALLBACK = Section("unstaffed")


def words(flow: Flow, name: str, language: str) -> str:
    if name in flow.messages and language in flow.messages[name]:
        return flow.message(name, language)
    return FALLBACK[language][name]


def nobody_can_take(router: Router, call: WaitingCall | None) -> bool:
    """A waiting caller no staffed agent could answer (False when routing cannot tell: keep the usual loop)."""
    if call is None or call.status is not CallStatus.WAITING:
        return False
    try:
        return not anyone_staffed_for(router.ctx, call, router.ctx.now())
    except RedisError as error:
        logger.warning("staffing of %s unknown: %s", call.sid, error)
        return False


def unstaffed_hold(flow: Flow, caller: CallerNumber, call: WaitingCall, music_url: str,
                   response: VoiceResponse | None = None) -> VoiceResponse:
    """Nobody here: say so, offer the callback (with a number) and the message, then music (after `response`'s
    verbs, such as a supervisor's broadcast)."""
    language = call.language
    voice = flow.voices[language]
    response = response if response is not None else VoiceResponse()
    gather = Gather(num_digits=1, timeout=CHOICE_TIMEOUT,
                    action=f"/voice/unstaffed-choice?skill={call.skill}&lang={language}")
    choices = "hold_unstaffed_choices" if caller.e164 else "hold_unstaffed_message"
    gather.say(f"{words(flow, 'hold_unstaffed', language)} {words(flow, choices, language)}",
               voice=voice.voice, language=voice.language)
    response.append(gather)
    response.play(music_url)
    return response


@bp.post("/unstaffed-choice")
@twilio_only
def unstaffed_choice() -> Response:
    """A key pressed at the no-one-available choice: 1 a callback, 2 a message, anything else waits on."""
    services = current_app.extensions["cityline"]
    call = read_call(request.form)
    language = request.args.get("lang", services.flow.default_language)
    if language not in services.flow.languages:
        language = services.flow.default_language
    digits = read_reply(request.form).digits
    if digits == "1" and call.caller.e164:
        response = services.contact.take_callback(call.call_sid, call.caller, language)
        if len(response.verbs):
            turn = Turn((), (Visit("hold", "1", "callback requested: nobody available"),), language,
                        {"callback": "on hold, nobody available"})
            services.events.turn_taken(call, None, turn)
        return twiml_response(response)
    if digits == "2":
        return twiml_response(_to_message(services.router, call.call_sid))
    return twiml_response(VoiceResponse())  # the hold loop goes on


def _to_message(router: Router, sid: str) -> VoiceResponse:
    """Out of the queue to the message path (the queue's action then redirects to the overflow recording)."""
    response = VoiceResponse()
    try:
        router.overflow(sid)
    except (RoutingError, RedisError) as error:
        logger.warning("call %s asked to leave a message but routing refused: %s", sid, error)
        return response  # the hold loop goes on; the choice is offered again
    response.leave()
    return response
