"""Twilio's voice webhooks: a thin edge between HTTP and the flow engine.

Each view validates the signature, reads the parameters, asks the engine for
the next turn and renders it.  The call's position travels in the action URLs
(signed by Twilio on the way back), so any web process can take any request.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from redis.exceptions import RedisError
from twilio.twiml.voice_response import VoiceResponse

from flows.exceptions import UnknownNode
from flows.instructions import CallState, Queue, Reply, Turn, Visit
from flows.numbers import whole_number
from ivr.cases.allocator import ReferenceUnavailable
from ivr.exceptions import BadWebhook
from ivr.floor import notices, voice_hooks
from ivr.jobs.routing_jobs import enqueue_callback_case, enqueue_message_case
from ivr.telephony.local_adapter import LocalTelephony
from ivr.voice.contact_center import SAVED_WITHOUT_NUMBER
from ivr.voice.rendered_turns import RenderedTurns
from ivr.voice.signatures import twilio_only
from ivr.voice.twiml import Renderer, twiml_response
from ivr.voice.webhook_params import CallFacts, read_call, read_network, read_reply, read_state, state_query
from ivr.voice.webhook_writes import WebhookWrites, remember_turn

logger = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")
#: A flow could send a refused caller to another queue that refuses too; stop after this many.
MAX_QUEUE_REFUSALS = 3
#: Final call statuses in the status callback.
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
#: A callback's id in our URLs: the CallSid of the call that asked for it, or a routing request id.
CALLBACK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def step_url(state: CallState) -> str:
    return url_for("voice.step") + "?" + urlencode(state_query(state))


def hold_url(skill: str, language: str) -> str:
    return url_for("voice.hold", skill=skill, lang=language)


def _renderer() -> Renderer:
    return Renderer(_services().flow.voices, step_url, hold_url)


def _reply_with(turn: Turn, call: CallFacts, state: CallState | None = None, *, started: bool = False) -> Response:
    """Answer with the turn; everything the webhook records goes to Redis in one round trip (one more when
    the caller joins a queue: the path for agents must be there before an agent can be offered the call)."""
    answered = _record_turn(turn, call, state, started=started)
    assert answered is not None  # None only when the switches are checked
    return _document(answered)


def _record_turn(turn: Turn, call: CallFacts, state: CallState | None, *, started: bool = False,
                 unless_switched: bool = False) -> Turn | None:
    """Send what the turn records (the caller joins the queues it names first) and return the turn as answered.

    With `unless_switched` (a new call's greeting, built before the supervisor's switches are read) nothing
    is written and None is returned while the line is closed or a broadcast is on: the caller must hear those."""
    services = _services()
    writes = WebhookWrites(services.redis, services.events, services.router.ctx.keys.prefix)
    if started:
        writes.record(services.events.started(call))
    if any(isinstance(i, Queue) for i in turn.instructions):
        _remember_context(turn, call)
        turn = _join_queues(turn, call)
    else:
        writes.remember_turn(call.call_sid, call.caller.e164, turn)
    if unless_switched:
        writes.unless_switched(*notices.switch_keys(services.router.ctx.prefix))
    writes.record(services.events.turn(call, state, turn, read_network(request.form)))
    writes.keep_answer(call.call_sid, [s for visit in turn.visits for s in visit.said])
    return turn if writes.send() is None else None


def _document(turn: Turn) -> Response:
    return Response(_rendered_turns().document(_renderer(), turn.instructions, request.script_root),
                    mimetype="text/xml")


def _rendered_turns() -> RenderedTurns:
    """This app's documents already built (ivr.voice.rendered_turns): the greeting and menus are built once."""
    return current_app.extensions.setdefault("cityline_rendered_turns", RenderedTurns())


def _log_turn(turn: Turn, call: CallFacts, state: CallState | None) -> None:
    network = read_network(request.form)
    _services().events.turn_taken(call, state, turn, network)


def _remember_context(turn: Turn, call: CallFacts) -> None:
    """Keep the caller's path where the console can show it to the agent offered the call (best effort)."""
    services = _services()
    remember_turn(services.redis, services.router.ctx.keys.prefix, call.call_sid, call.caller.e164, turn)


def _join_queues(turn: Turn, call: CallFacts) -> Turn:
    """Tell the router about a caller the flow sends to a queue; a refused caller takes the failure path."""
    services = _services()
    for _ in range(MAX_QUEUE_REFUSALS):
        queued = next((i for i in turn.instructions if isinstance(i, Queue)), None)
        if queued is None or services.contact.join(call.call_sid, queued.skill, queued.language):
            return turn
        refused = services.engine.respond(queued.state, Reply(result="queue-full"), caller=call.caller.e164,
                                          call_sid=call.call_sid)
        turn = Turn(turn.instructions[:-1] + refused.instructions, turn.visits + refused.visits,
                    refused.language, refused.values)
    return turn


@bp.errorhandler(BadWebhook)
def bad_webhook(error: BadWebhook) -> Response:
    logger.warning("malformed webhook %s: %s", request.path, error)
    return Response(f"Bad request: {error}\n", status=400, mimetype="text/plain")


@bp.post("/incoming")
@twilio_only
def incoming() -> Response:
    """The phone number's "a call comes in" webhook.

    The greeting is built and sent with the supervisor's switches checked in the same round trip; only when
    the line is closed or a broadcast is on does the call take a second one (ivr.voice.webhook_writes)."""
    call = read_call(request.form)
    services = _services()
    try:
        turn: Turn | None = services.engine.begin(caller=call.caller.e164, call_sid=call.call_sid)
    except Exception as error:  # noqa: BLE001 - a closed line is still announced; otherwise raised below
        turn, failure = None, error
    else:
        failure = None
        queues_at_once = any(isinstance(i, Queue) for i in turn.instructions)  # then the switches come first
        if not queues_at_once and _record_turn(turn, call, None, started=True, unless_switched=True) is not None:
            return _document(turn)
    closure, broadcast = voice_hooks.switches(services.redis, services.router.ctx.prefix)
    closed = voice_hooks.closed_line(services.contact, call.caller, services.flow.default_language, closure)
    if closed is not None:  # a supervisor's emergency closure: its message, then a callback or a message
        services.events.call_started(call)
        return twiml_response(closed)
    if turn is None:
        services.events.call_started(call)  # the call still gets its row, as it did before the flow ran
        raise failure  # type: ignore[misc]
    turn = voice_hooks.with_greeting_announcement(turn, broadcast, services.flow.default_language)
    return _reply_with(turn, call, started=True)


@bp.post("/step")
@twilio_only
def step() -> Response:
    """The caller's reply (keys, speech, recording, queue or dial result) at the node in the URL."""
    call = read_call(request.form)
    state = read_state(request.args)
    reply = read_reply(request.form)
    engine = _services().engine
    if request.form.get("QueueResult"):
        left = _services().contact.left_queue(call.call_sid, reply.result, state.language)
        if left is not None:
            visit = Visit(state.node, reply.describe(), "left the queue")
            _log_turn(Turn((), (visit,), state.language, state.values), call, state)
            return twiml_response(left)
    try:
        turn = engine.respond(state, reply, caller=call.caller.e164, call_sid=call.call_sid)
    except UnknownNode:
        # The flow was edited while this call was in it: start the caller over, politely.
        logger.warning("call %s was at node %r, which the flow no longer has", call.call_sid, state.node)
        turn = engine.begin(caller=call.caller.e164, language=state.language, call_sid=call.call_sid)
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
    """Twilio's waitUrl while a caller is in a queue: position and wait, maybe a callback offer, music.

    Never an error: whatever fails, the caller hears the music and the loop comes back here.
    """
    call = read_call(request.form)
    language, skill = _queue_args()
    try:
        return twiml_response(_hold_loop(call, skill, language))
    except Exception:
        logger.exception("hold loop of %s failed; music and try again", call.call_sid)
        response = VoiceResponse()
        response.play(_services().settings.hold_music_url)
        response.redirect(hold_url(skill, language), method="POST")
        return twiml_response(response)


def _hold_loop(call: CallFacts, skill: str, language: str) -> VoiceResponse:
    services = _services()
    if _dequeued_locally(services.telephony, call.call_sid):
        response = VoiceResponse()
        response.leave()  # on this machine an agent's accept reaches the caller at the next hold loop
        return response
    position = request.form.get("QueuePosition", "")
    return services.contact.hold(call.call_sid, call.caller, skill, language,
                                 whole_number(position, max_digits=6))


def _dequeued_locally(telephony: object, call_sid: str) -> bool:
    if not isinstance(telephony, LocalTelephony):
        return False
    try:
        return telephony.take_dequeue(call_sid) is not None
    except RedisError as error:
        logger.warning("local telephony unreachable on hold of %s: %s", call_sid, error)
        return False


def _language_arg() -> str:
    flow = _services().flow
    language = request.args.get("lang", flow.default_language)
    if language not in flow.languages:
        raise BadWebhook("lang is not one of the flow's languages")
    return language


def _queue_args() -> tuple[str, str]:
    language = _language_arg()
    skill = request.args.get("skill", "")
    if not skill.isidentifier():
        raise BadWebhook("skill is missing or malformed")
    return language, skill


@bp.post("/callback")
@twilio_only
def callback() -> Response:
    """A key pressed during the hold loop's callback offer."""
    call = read_call(request.form)
    language, _ = _queue_args()
    if read_reply(request.form).digits != "1":
        return twiml_response(VoiceResponse())  # anything else: the hold loop goes on
    response = _services().contact.take_callback(call.call_sid, call.caller, language)
    if len(response.verbs):  # taken: the call log says this call ended in a callback
        turn = Turn((), (Visit("hold", "1", "callback requested"),), language, {"callback": "on hold"})
        _services().events.turn_taken(call, None, turn)
    return twiml_response(response)


@bp.post("/agent-connect")
@twilio_only
def agent_connect() -> Response:
    """Where a caller dequeued for an agent goes (Twilio REST dequeue): ring the agent."""
    read_call(request.form)
    agent_id, language = _agent_args()
    return twiml_response(_services().contact.connect(agent_id, language))


@bp.post("/agent-done")
@twilio_only
def agent_done() -> Response:
    """The agent's leg of the call ended (the <Dial> action)."""
    call = read_call(request.form)
    _, language = _agent_args()
    agent_id, language = _agent_args()
    dial_status = request.form.get("DialCallStatus", "")
    duration = request.form.get("DialCallDuration", "0")
    _services().events.agent_leg_ended(call, agent_id, dial_status, whole_number(duration, 9) or 0)
    return twiml_response(_services().contact.agent_done(call.call_sid, dial_status, language))


@bp.post("/queue-exit")
@twilio_only
def queue_exit() -> Response:
    """The <Enqueue> action for a caller put back in line after a missed agent."""
    call = read_call(request.form)
    language, _ = _queue_args() if request.args.get("skill") else (_agent_args()[1], "")
    left = _services().contact.left_queue(call.call_sid, request.form.get("QueueResult", ""), language)
    if left is None:
        left = _services().contact.agent_done(call.call_sid, "completed", language)
    return twiml_response(left)


def _agent_args() -> tuple[str, str]:
    return request.args.get("agent", ""), _language_arg()


@bp.post("/status")
@twilio_only
def status() -> Response:
    """The number's status callback: the call has ended (or changed state)."""
    call = read_call(request.form)
    duration = request.form.get("CallDuration") or request.form.get("Duration") or "0"
    seconds = whole_number(duration, max_digits=9)
    if seconds is None:
        raise BadWebhook("CallDuration must be a whole number of seconds")
    _services().events.call_status(call, seconds, _sequence_number())
    if call.status in FINAL_STATUSES:
        _services().contact.call_ended(call.call_sid)
        _tell_local_network(call.call_sid)
    return Response(status=204)


def _tell_local_network(call_sid: str) -> None:
    """On this machine the status callback is how the local network learns a call is over (see is_live)."""
    telephony = _services().telephony
    if isinstance(telephony, LocalTelephony):
        try:
            telephony.call_over(call_sid)
        except RedisError as error:
            logger.warning("local telephony not told %s ended: %s", call_sid, error)


# -- callbacks: the call the worker placed for an agent who accepted one ----------------------------

@bp.post("/callback-answer")
@twilio_only
def callback_answer() -> Response:
    """The placed callback's answer URL: the resident picked up."""
    read_call(request.form)
    callback_id, (agent_id, language) = _callback_id(), _agent_args()
    return twiml_response(_services().contact.callback_answer(callback_id, agent_id, language))


@bp.post("/callback-done")
@twilio_only
def callback_done() -> Response:
    """The <Dial> action of a callback: the agent's leg ended."""
    call = read_call(request.form)
    callback_id, (agent_id, language) = _callback_id(), _agent_args()
    dial_status = request.form.get("DialCallStatus", "")
    duration = request.form.get("DialCallDuration", "0")
    if callback_id.startswith("CA"):  # the asking call's row gets the agent, talk time and case
        asking = replace(call, call_sid=callback_id)
        _services().events.agent_leg_ended(asking, agent_id, dial_status, int(duration) if duration.isdigit() else 0)
    return twiml_response(_services().contact.callback_done(callback_id, dial_status, language))


@bp.post("/callback-status")
@twilio_only
def callback_status() -> Response:
    """The placed callback's status callback: answered, or busy / no-answer / failed (tried again, or a case)."""
    call = read_call(request.form)
    callback_id, attempt = _callback_id(), whole_number(request.args.get("attempt", ""), max_digits=3)
    if attempt is None:
        raise BadWebhook("attempt must be a whole number")
    services = _services()
    outcome = services.contact.callback_status(callback_id, attempt, call.status)
    if outcome == "failed":
        enqueue_callback_case(services.redis, callback_id)
    return Response(status=204)


def _sequence_number() -> str | None:
    """Twilio numbers the status callbacks of a call; anything else in that parameter is refused."""
    raw = request.form.get("SequenceNumber")
    if raw and whole_number(raw, max_digits=9) is None:
        raise BadWebhook("SequenceNumber must be a whole number")
    return raw or None


def _callback_id() -> str:
    callback_id = request.args.get("callback", "")
    if not CALLBACK_ID.match(callback_id):
        raise BadWebhook("callback is missing or malformed")
    return callback_id


# -- overflow: callers past their queue's maximum wait ---------------------------------------------

@bp.post("/overflow")
@twilio_only
def overflow() -> Response:
    """Where the sweep sends a caller past the queue's maximum wait: a callback offer, or a message."""
    call = read_call(request.form)
    language, skill = _queue_args()
    turn = Turn((), (Visit("overflow", None, "over the queue's maximum wait"),), language)
    _services().events.turn_taken(call, None, turn, {"QueueResult": "overflow"})
    return twiml_response(_services().contact.overflow(call.caller, skill, language))


@bp.post("/overflow-choice")
@twilio_only
def overflow_choice() -> Response:
    call = read_call(request.form)
    language, skill = _queue_args()
    digits = read_reply(request.form).digits
    return twiml_response(_services().contact.overflow_choice(call.call_sid, call.caller, digits, skill, language))


@bp.post("/overflow-message")
@twilio_only
def overflow_message() -> Response:
    """The overflow message was recorded: it becomes a case (written by a job) whose number the caller hears."""
    call = read_call(request.form)
    language, skill = _queue_args()
    recording = read_reply(request.form).recording_url
    reference = _file_message(call, skill, language, recording) if recording else None
    return twiml_response(_services().contact.message_filed(reference, language))


def _file_message(call: CallFacts, skill: str, language: str, recording_url: str) -> str | None:
    """The message's case number; SAVED_WITHOUT_NUMBER when it is kept in SQL to be numbered later; None
    when nothing could keep it.  With Redis down the message goes to SQL now and the sweep files it."""
    services = _services()
    now = datetime.now(services.settings.office_hours.zone)
    message = {"call_sid": call.call_sid, "reference": "", "skill": skill, "language": language,
               "number": call.caller.e164 or "", "recording_url": recording_url, "at": now.isoformat()}
    try:
        message["reference"] = services.references.allocate_once(f"overflow-message:{call.call_sid}", now.year)
        enqueue_message_case(services.redis, message)
    except (ReferenceUnavailable, RedisError) as error:
        logger.warning("overflow message of %s not queued (%s); keeping it in SQL", call.call_sid, error)
        if not services.contact.records.keep("overflow_message", call.call_sid, message):
            return None
    return message["reference"] or SAVED_WITHOUT_NUMBER
