"""Twilio's voice webhooks: a thin edge between HTTP and the flow engine.

Each view validates the signature, reads the parameters, asks the engine for
the next turn and renders it.  The call's position travels in the action URLs
(signed by Twilio on the way back), so any web process can take any request.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from twilio.twiml.voice_response import VoiceResponse

from flows.exceptions import UnknownNode
from flows.instructions import CallState, Turn
from ivr.exceptions import BadWebhook
from ivr.signatures import twilio_only
from ivr.twiml import Renderer, twiml_response
from ivr.webhook_params import CallFacts, read_call, read_reply, read_state, state_query

logger = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def step_url(state: CallState) -> str:
    return url_for("voice.step") + "?" + urlencode(state_query(state))


def hold_url(skill: str, language: str) -> str:
    return url_for("voice.hold", skill=skill, lang=language)


def _renderer() -> Renderer:
    return Renderer(_services().flow.voices, step_url, hold_url)


#: What Twilio tells us about a queue wait, a transfer or a recording, kept for the call log.
NETWORK_FACTS = ("QueueResult", "QueueTime", "DialCallStatus", "DialCallDuration", "RecordingUrl",
                 "RecordingDuration")


def _reply_with(turn: Turn, call: CallFacts, state: CallState | None = None) -> Response:
    network = {name: request.form[name] for name in NETWORK_FACTS if request.form.get(name)}
    _services().events.turn_taken(call, state, turn, network)
    return twiml_response(_renderer().render(turn.instructions))


@bp.errorhandler(BadWebhook)
def bad_webhook(error: BadWebhook) -> Response:
    logger.warning("malformed webhook %s: %s", request.path, error)
    return Response(f"Bad request: {error}\n", status=400, mimetype="text/plain")


@bp.post("/incoming")
@twilio_only
def incoming() -> Response:
    """The phone number's "a call comes in" webhook."""
    call = read_call(request.form)
    _services().events.call_started(call)
    return _reply_with(_services().engine.begin(caller=call.caller.e164), call)


@bp.post("/step")
@twilio_only
def step() -> Response:
    """The caller's reply (keys, speech, recording, queue or dial result) at the node in the URL."""
    call = read_call(request.form)
    state = read_state(request.args)
    reply = read_reply(request.form)
    engine = _services().engine
    try:
        turn = engine.respond(state, reply, caller=call.caller.e164)
    except UnknownNode:
        # The flow was edited while this call was in it: start the caller over, politely.
        logger.warning("call %s was at node %r, which the flow no longer has", call.call_sid, state.node)
        turn = engine.begin(caller=call.caller.e164, language=state.language)
    except Exception:
        logger.exception("call %s: the flow failed at node %r", call.call_sid, state.node)
        return _recover(call, state)
    return _reply_with(turn, call, state)


def _recover(call: CallFacts, state: CallState) -> Response:
    """Something broke on our side: apologise and send the caller to the flow's fallback, once."""
    flow = _services().flow
    language = state.language if state.language in flow.languages else flow.default_language
    voice = flow.voices[language]
    response = VoiceResponse()
    response.say(flow.message("application_error", language), voice=voice.voice, language=voice.language)
    fallback = flow.settings.on_failure
    if request.args.get("recovering") or state.node == fallback:
        response.hangup()
    else:
        response.redirect(step_url(CallState(fallback, language)) + "&recovering=1", method="POST")
    _services().events.call_failed(call, state)
    return twiml_response(response)


@bp.post("/hold")
@twilio_only
def hold() -> Response:
    """Twilio's waitUrl while a caller is in a queue: position, then music, looped by Twilio."""
    flow = _services().flow
    language = request.args.get("lang", flow.default_language)
    if language not in flow.languages:
        raise BadWebhook("lang is not one of the flow's languages")
    position = request.form.get("QueuePosition", "")
    response = VoiceResponse()
    voice = flow.voices[language]
    if position.isdigit():
        text = flow.message("hold_position", language).format(position=int(position))
        response.say(text, voice=voice.voice, language=voice.language)
    response.play(_services().settings.hold_music_url)
    return twiml_response(response)


@bp.post("/status")
@twilio_only
def status() -> Response:
    """The number's status callback: the call has ended (or changed state)."""
    call = read_call(request.form)
    duration = request.form.get("CallDuration") or request.form.get("Duration") or "0"
    if not duration.isdigit():
        raise BadWebhook("CallDuration must be a whole number of seconds")
    _services().events.call_status(call, int(duration), request.form.get("SequenceNumber"))
    return Response(status=204)
