"""Webhooks of a call's conference: joining it, what a held caller hears, where a transferred caller goes.

Twilio (or the local caller) asks these as the call controls (ivr/conference)
move the call: a caller dequeued for an agent joins the conference, a held one
hears an announcement and music, one transferred to a queue waits there, one
transferred to a number is dialed through.  `/voice/local-conference` is the
local network's answer to "what is happening to me in my conference", asked
by `cityline call` on every pass (TELEPHONY=local only).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from twilio.twiml.voice_response import Dial, VoiceResponse

from flows.numbers import whole_number
from ivr.conference import conference_name
from ivr.conference.book import CallBook, ConferenceBooks
from ivr.conference.phrases import PHRASES
from ivr.exceptions import BadWebhook
from ivr.telephony.local_adapter import LocalTelephony
from ivr.voice.signatures import twilio_only
from ivr.voice.twiml import twiml_response
from ivr.voice.webhook_params import read_call

logger = logging.getLogger(__name__)
bp = Blueprint("conference", __name__, url_prefix="/voice")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
SKILL = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: What a caller put back in line may be told first: transferred by their agent, or their agent's line dropped.
ARRIVING = ("transferring", "agent_lost")
#: Twilio's call statuses of a leg that is over.
LEG_OVER = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.errorhandler(BadWebhook)
def bad_webhook(error: BadWebhook) -> Response:
    logger.warning("malformed conference webhook %s: %s", request.path, error)
    return Response(f"Bad request: {error}\n", status=400, mimetype="text/plain")


def _language() -> str:
    flow = _services().flow
    language = request.args.get("lang", flow.default_language)
    if language not in flow.languages:
        raise BadWebhook("lang is not one of the flow's languages")
    return language


def _agent() -> str:
    agent = request.args.get("agent", "")
    if not agent or len(agent) > 64:
        raise BadWebhook("agent is missing")
    return agent


def _say(response: VoiceResponse, text: str, language: str) -> None:
    voice = _services().flow.voices[language]
    response.say(text, voice=voice.voice, language=voice.language)


@bp.post("/conference-join")
@twilio_only
def conference_join() -> Response:
    """Where a caller dequeued for an agent goes: into the call's own conference.

    A caller who arrives after the agent already ended the call (a slow network between the dequeue and this
    request) is not put into an empty conference of the same name, where they would wait alone: the call is
    over, and they hear goodbye."""
    call = read_call(request.form)
    try:
        book = ConferenceBooks(_services().redis).get(call.call_sid)
    except RedisError as error:
        logger.warning("conference book of %s unreadable: %s", call.call_sid, error)
        book = None
    if book is not None and book.ended:
        return twiml_response(_services().contact.conference_done(call.call_sid, _language()))
    return twiml_response(_services().contact.conference(call.call_sid, _agent(), _language()))


@bp.post("/conference-done")
@twilio_only
def conference_done() -> Response:
    """The caller's <Dial><Conference> action: the conference is over (hang-up, or everybody left)."""
    call = read_call(request.form)
    agent, language = _agent(), _language()
    seconds = whole_number(request.form.get("DialCallDuration", "0"), 9) or 0
    _services().events.agent_leg_ended(call, agent, "completed", seconds)
    try:
        ConferenceBooks(_services().redis).change(call.call_sid, _close)
        telephony = _services().telephony
        if isinstance(telephony, LocalTelephony):  # Twilio ends it itself when the caller leaves
            telephony.end_conference(conference_name(call.call_sid))
    except RedisError as error:
        logger.warning("conference of %s not closed in Redis: %s", call.call_sid, error)
    return twiml_response(_services().contact.conference_done(call.call_sid, language))


def _close(book: CallBook) -> None:
    book.ended, book.participants, book.transfer = True, [], None


@bp.post("/conference-hold")
@twilio_only
def conference_hold() -> Response:
    """A held caller's hold URL: why they wait (once), then the hold music."""
    language = _language()
    response = VoiceResponse()
    say = request.args.get("say", "")
    if say in PHRASES[language]:
        _say(response, PHRASES[language][say], language)
    response.play(_services().settings.hold_music_url, loop=0)
    return twiml_response(response)


@bp.post("/transferred")
@twilio_only
def transferred() -> Response:
    """A caller an agent moved to another queue: told so, then in line there (ahead of new callers)."""
    language, skill = _language(), request.args.get("skill", "")
    if not SKILL.match(skill):
        raise BadWebhook("skill is not a queue name")
    say = request.args.get("say", "transferring")
    response = VoiceResponse()
    _say(response, PHRASES[language][say if say in ARRIVING else "transferring"], language)
    response.enqueue(f"{skill}-{language}", wait_url="/voice/hold?" + urlencode({"skill": skill, "lang": language}),
                     action="/voice/queue-exit?" + urlencode({"lang": language}))
    return twiml_response(response)


@bp.post("/agent-leg-ended")
@twilio_only
def agent_leg_ended() -> Response:
    """An agent's leg reports its progress; when it is over without the console having ended it (the
    softphone dropped), the caller is not left alone in the conference (ivr.conference.controls.leg_ended)."""
    from agents.console.call_controls import controls_for  # agents builds the controls on ivr, not the reverse

    call, agent = request.args.get("call", ""), request.args.get("agent", "")
    if not call.startswith("CA") or not agent:
        raise BadWebhook("call and agent are required")
    if request.form.get("CallStatus", "") in LEG_OVER:
        try:
            outcome = controls_for(_services()).leg_ended(call, agent, request.form.get("CallSid", ""))
        except RedisError as error:  # the sweep frees an agent whose call is gone once routing is back
            logger.error("agent %s's leg on %s ended while routing is unreachable: %s", agent, call, error)
        else:
            logger.info("agent %s's leg on %s ended: %s", agent, call, outcome)
    return Response(status=204)


@bp.post("/transferred-out")
@twilio_only
def transferred_out() -> Response:
    """A caller an agent sent to a city department's number: told so, then dialed through."""
    language, number = _language(), request.args.get("number", "")
    if not E164.match(number):
        raise BadWebhook("number is not an E.164 number")
    response = VoiceResponse()
    _say(response, PHRASES[language]["transferring"], language)
    dial = Dial(action="/voice/transferred-out-done?" + urlencode({"lang": language}), timeout=30,
                caller_id=_services().settings.twilio_number or None)
    dial.number(number)
    response.append(dial)
    return twiml_response(response)


@bp.post("/transferred-out-done")
@twilio_only
def transferred_out_done() -> Response:
    """After the outside call: nothing more to say when it was answered; an apology when it was not."""
    language = _language()
    response = VoiceResponse()
    if request.form.get("DialCallStatus") != "completed":
        _say(response, PHRASES[language]["transfer_failed"], language)
    response.hangup()
    return twiml_response(response)


@bp.post("/local-conference")
@twilio_only
def local_conference() -> ResponseReturnValue:
    """The local caller's place in its conference: talking (with whom), held (and the hold URL), moved, ended.

    The local network keeps its conferences in Redis; while Redis is away it cannot say, and answers 503 (the
    local caller stays where it was and asks again), as Twilio, which needs no Redis of ours, never would."""
    telephony = _services().telephony
    if not isinstance(telephony, LocalTelephony):
        return jsonify(error="only with TELEPHONY=local"), 404
    call = read_call(request.form)
    name = request.form.get("ConferenceName", "")
    if name != conference_name(call.call_sid):
        raise BadWebhook("ConferenceName is not this call's conference")
    try:
        return _local_place(telephony, name, call.call_sid)
    except RedisError as error:
        logger.warning("local conference %s unreadable (%s); the caller asks again", name, error)
        return jsonify(state="unknown", error="the local network cannot read its conferences"), 503, {
            "Retry-After": "1"}


def _local_place(telephony: LocalTelephony, name: str, call_sid: str) -> ResponseReturnValue:
    moved = telephony.take_redirect(call_sid)  # a REST redirect: the call leaves for that TwiML
    if moved:
        return jsonify(state="moved", url=moved)
    room = telephony.conference(name)
    if room["ended"]:
        return jsonify(state="ended")
    me = room["participants"].get(call_sid)
    if me is None:
        telephony.join(name, call_sid)
        room = telephony.conference(name)
        me = room["participants"][call_sid]
    if me["held"]:
        return jsonify(state="held", hold_url=me["hold_url"])
    others = [p["to"].removeprefix("client:") for sid, p in room["participants"].items()
              if sid != call_sid and not p["held"]]
    return jsonify(state="talking", talking_with=others, muted=me["muted"])
