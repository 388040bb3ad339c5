"""On the call: the agent's call controls as a JSON API (hold, mute, hang up, transfers, interpreter).

The moves themselves are ivr.conference.controls; this module reads the
request, names the agent (always the logged-in one: an agent acts only on
their own call, and a request naming another call is refused with 403), and
turns refusals into the console's JSON errors.  Telephony or routing being
unreachable is a 503 with words for the agent, never a 500.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, g, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from rq import Queue

from agents.auth import console_login
from agents.console.directory import InvalidDirectory, read_directory
from agents.json_body import json_object, text_field
from agents.push import streams
from ivr.conference.book import ConferenceBooks
from ivr.conference.controls import CallControls, Interpreter, Refused
from ivr.jobs import call_history
from ivr.telephony import TelephonyError
from routing.agents import AgentState
from routing.exceptions import RoutingError, UnknownAgent

logger = logging.getLogger(__name__)
bp = Blueprint("agents_call_controls", __name__, url_prefix="/agents", template_folder="templates",
               static_folder="static", static_url_path="/static/call-controls")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def controls_for(services) -> CallControls:  # type: ignore[no-untyped-def]
    """The call controls on this process's router, telephony and Redis."""
    redis, prefix = services.redis, services.router.ctx.keys.prefix
    settings = services.settings
    interpreter = (Interpreter(settings.interpreter_number, settings.interpreter_access_code)
                   if settings.interpreter_number else None)

    def record(call_sid: str, data: dict[str, Any]) -> None:
        event = {"call_sid": call_sid, "kind": "handoff", "sequence": uuid.uuid4().hex,
                 "at": datetime.now(UTC).isoformat(), "data": data}
        try:
            Queue(call_history.CALLS_QUEUE, connection=redis).enqueue(
                call_history.record_call_event, event, **call_history.CALL_JOB_OPTIONS)
        except RedisError as error:
            logger.warning("handoff of %s not queued (%s); recording it now", call_sid, error)
            call_history.bind(services.sessions, services.references)
            call_history.record_call_event(event)

    def notify(login: str) -> None:
        streams.publish(redis, prefix, streams.agent_topic(login), "call", {"changed": True})

    return CallControls(services.router, services.telephony, ConferenceBooks(redis), record, notify, interpreter)


@bp.errorhandler(Refused)
def refused(error: Refused) -> ResponseReturnValue:
    return jsonify(error=error.message), error.status


@bp.errorhandler(RoutingError)
def routing_refused(error: RoutingError) -> ResponseReturnValue:
    return jsonify(error=str(error)), 409


@bp.errorhandler(TelephonyError)
def telephony_down(error: TelephonyError) -> ResponseReturnValue:
    logger.error("call controls: telephony failed: %s", error)
    return jsonify(error="The phone network could not be reached; nothing changed on the call. Try again."), 503


@bp.errorhandler(RedisError)
def routing_down(error: RedisError) -> ResponseReturnValue:
    logger.error("call controls: Redis unreachable: %s", error)
    return jsonify(error="Routing is unreachable right now; the call goes on but cannot be changed. "
                         "Try again shortly."), 503


def _view() -> ResponseReturnValue:
    return jsonify(call=controls_for(_services()).view(g.login))


def _body_for_my_call() -> dict[str, Any]:
    """The request's body, after checking it names the call this agent is on (403 for anyone else's)."""
    body = json_object()
    named = text_field(body, "call")
    try:
        mine = _services().router.agent(g.login).call
    except UnknownAgent:  # never went available: no call at all
        mine = ""
    if named and named != mine:
        raise Refused("That call is not yours: an agent can only work their own call.", 403)
    if not named:
        raise Refused("Say which call: the request needs the call's id.", 400)
    return body


def _on(body: dict[str, Any]) -> bool:
    value = body.get("on", True)
    if not isinstance(value, bool):
        raise Refused("on must be true or false", 400)
    return value


@bp.get("/api/call")
@console_login
def call_view() -> ResponseReturnValue:
    return _view()


@bp.post("/api/call/hold")
@console_login
def hold() -> ResponseReturnValue:
    controls_for(_services()).hold(g.login, _on(_body_for_my_call()))
    return _view()


@bp.post("/api/call/mute")
@console_login
def mute() -> ResponseReturnValue:
    controls_for(_services()).mute(g.login, _on(_body_for_my_call()))
    return _view()


@bp.post("/api/call/hangup")
@console_login
def hang_up() -> ResponseReturnValue:
    _body_for_my_call()
    return jsonify(result=controls_for(_services()).hang_up(g.login), call=None)


@bp.post("/api/call/leave")
@console_login
def leave() -> ResponseReturnValue:
    _body_for_my_call()
    controls_for(_services()).leave(g.login)
    return jsonify(result="left", call=None)


@bp.post("/api/call/transfer")
@console_login
def transfer() -> ResponseReturnValue:
    """{"to": "agent" | "queue" | "number", "target": login, skill or directory id, "warm": bool}."""
    body = _body_for_my_call()
    kind, target = text_field(body, "to"), text_field(body, "target").strip()
    controls = controls_for(_services())
    if not target:
        raise Refused("Choose where to transfer the call.", 400)
    if kind == "agent":
        warm = body.get("warm", True)
        if not isinstance(warm, bool):
            raise Refused("warm must be true or false", 400)
        controls.transfer_to_agent(g.login, target, warm)
        return _view()
    if kind == "queue":
        return jsonify(result="transferred", queue=controls.transfer_to_queue(g.login, target), call=None)
    if kind == "number":
        department = next((d for d in _directory() if d.id == target), None)
        if department is None:
            raise Refused("That department is not in the city directory.", 400)
        number = controls.transfer_to_number(g.login, department.number, department.names.get("en", target))
        return jsonify(result="transferred", number=number, call=None)
    raise Refused("to must be agent, queue or number", 400)


@bp.post("/api/call/interpreter")
@console_login
def interpreter() -> ResponseReturnValue:
    _body_for_my_call()
    controls_for(_services()).add_interpreter(g.login)
    return _view()


@bp.post("/api/call/participants/<participant_id>/remove")
@console_login
def remove(participant_id: str) -> ResponseReturnValue:
    _body_for_my_call()
    controls_for(_services()).remove(g.login, participant_id[:64])
    return _view()


@bp.get("/api/call/targets")
@console_login
def targets() -> ResponseReturnValue:
    """Where this call can go: colleagues available now, the call's language's queues, city departments."""
    router = _services().router
    try:
        mine = router.agent(g.login).call
    except UnknownAgent:
        mine = ""
    call = router.call(mine) if mine else None
    language = call.language if call else "en"
    agents = [{"login": a.id, "name": a.profile.name} for a in router.agents()
              if a.id != g.login and a.state is AgentState.AVAILABLE and not a.reservation]
    queues = sorted(skill for (skill, lang) in _queue_names(router) if lang == language)
    try:
        departments = [{"id": d.id, "name": d.names.get("en", d.id), "names": d.names, "number": d.number}
                       for d in _directory()]
    except Refused:
        departments = []
    return jsonify(agents=agents, queues=queues, departments=departments, language=language)


def _queue_names(router) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    config = router.ctx.config
    return [(skill, language) for skill in config.queues for language in config.languages]


def _directory():  # type: ignore[no-untyped-def]
    try:
        return read_directory()
    except InvalidDirectory as error:
        current_app.logger.error("directory: %s", error)
        raise Refused("The city directory file is invalid; an administrator must fix it.", 503) from error
