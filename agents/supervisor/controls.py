"""The supervisor's controls, each audited: an agent's state, a waiting caller's queue or priority,
a broadcast to callers on hold (and at the greeting), and the emergency closure.

Every control acts, records who did what to what and why (ivr.floor.audit),
and republishes the wallboard so every supervisor's page shows the change.
A refused control is a 4xx with a sentence, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, current_app, g, jsonify, render_template
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

from agents.auth import SUPERVISOR, require_role
from agents.json_body import json_object, text_field
from ivr.floor import audit, notices
from ivr.floor.publish import publish_wallboard
from ivr.telephony import TelephonyError
from routing import supervision
from routing.agents import AgentState
from routing.calls import split_queue_name
from routing.exceptions import InvalidRequest, QueueFull, RoutingError, StateConflict, UnknownQueue

logger = logging.getLogger(__name__)
bp = Blueprint("supervisor_controls", __name__, url_prefix="/agents", template_folder="templates")

#: The states a supervisor may put an agent in (on_call and wrap_up follow calls, not clicks).
SUPERVISOR_STATES = (AgentState.AVAILABLE, AgentState.BREAK, AgentState.OFFLINE)


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def _refused(message: str, status: int = 409) -> ResponseReturnValue:
    return jsonify(error=message), status


def _done(action: str, target: str, detail: str, reason: str, **answer: Any) -> ResponseReturnValue:
    services = _services()
    audit.record(services.sessions, g.login, action, target, detail, reason)
    publish_wallboard(services.router, services.sessions, services.settings.office_hours.zone, force=True)
    return jsonify(ok=True, **answer)


def _reason(body: dict[str, Any]) -> str:
    return " ".join(text_field(body, "reason").split())[:300]


@bp.post("/api/floor/agents/<login>/state")
@require_role(SUPERVISOR)
def agent_state(login: str) -> ResponseReturnValue:
    """{"state": "break", "reason": "..."}: move an agent; the reason shows beside their state."""
    body = json_object()
    wanted = text_field(body, "state")
    if wanted not in {state.value for state in SUPERVISOR_STATES}:
        return _refused("state must be available, break or offline", 400)
    reason = _reason(body)
    router = _services().router
    try:
        router.set_agent_state(login, AgentState(wanted))
        router.ctx.connection.hset(router.ctx.keys.agent(login), "reason", f"supervisor {g.login}: {reason}"
                                   if reason else f"supervisor {g.login}")
    except LookupError:
        return _refused(f"there is no agent {login} signed in to routing", 404)
    except StateConflict as error:
        return _refused(f"{login} cannot be moved now: {error}")
    except (RoutingError, RedisError) as error:
        return _refused(f"routing is unavailable: {error}", 503)
    return _done("agent_state", login, wanted, reason)


@bp.post("/api/floor/calls/<sid>/priority")
@require_role(SUPERVISOR)
def priority(sid: str) -> ResponseReturnValue:
    """{"priority": 5, "reason": "..."}: 0-9, higher is answered first."""
    body = json_object()
    value = body.get("priority")
    reason = _reason(body)
    router = _services().router
    try:
        supervision.set_priority(router.ctx, sid, value, router.ctx.now())  # type: ignore[arg-type]
    except InvalidRequest as error:
        return _refused(str(error), 400)
    except LookupError:
        return _refused(f"call {sid} is no longer waiting", 404)
    except StateConflict as error:
        return _refused(f"call {sid} cannot be changed now: {error}")
    except (RoutingError, RedisError) as error:
        return _refused(f"routing is unavailable: {error}", 503)
    return _done("priority", sid, str(value), reason)


@bp.post("/api/floor/calls/<sid>/move")
@require_role(SUPERVISOR)
def move(sid: str) -> ResponseReturnValue:
    """{"queue": "general-en", "reason": "..."}: the caller keeps their priority and entry time."""
    body = json_object()
    skill, language = split_queue_name(text_field(body, "queue"))
    reason = _reason(body)
    router = _services().router
    try:
        offered = supervision.move(router.ctx, sid, skill, language, router.ctx.now())
    except UnknownQueue:
        return _refused("queue must be one of the floor's queues, like general-en", 400)
    except InvalidRequest as error:
        return _refused(str(error), 400)
    except QueueFull as error:
        return _refused(str(error))
    except LookupError:
        return _refused(f"call {sid} is no longer waiting", 404)
    except StateConflict as error:
        return _refused(f"call {sid} cannot be moved now: {error}")
    except (RoutingError, RedisError) as error:
        return _refused(f"routing is unavailable: {error}", 503)
    moved_on_the_line = offered is None and _hold_in_the_new_queue(sid, skill, language)
    return _done("move", sid, f"{skill}-{language}", reason, moved_on_the_line=moved_on_the_line)


def _hold_in_the_new_queue(sid: str, skill: str, language: str) -> bool:
    """The caller leaves the phone network's queue of the old line for the new one (its hold loop, broadcasts
    and announcements follow the queue).  An agent offered the caller at once connects them from wherever they
    wait, so the caller is left alone then; a failed redirect leaves them on the old hold music until answered."""
    url = "/voice/transferred?" + urlencode({"skill": skill, "lang": language})
    try:
        _services().telephony.redirect(sid, url)
    except TelephonyError as error:
        logger.warning("moved caller %s still waits in the network's old queue: %s", sid, error)
        return False
    return True


def _messages(body: dict[str, Any]) -> dict[str, str]:
    languages = _services().router.ctx.config.languages
    return notices.clean_messages({language: text_field(body, f"message_{language}") for language in languages},
                                  languages)


@bp.post("/api/floor/broadcast")
@require_role(SUPERVISOR)
def broadcast() -> ResponseReturnValue:
    """{"message_en": "...", "message_es": "...", "queue": "" (every queue), "greeting": true, "minutes": 60}."""
    body = json_object()
    services = _services()
    router = services.router
    queue = text_field(body, "queue")
    minutes = body.get("minutes", 60)
    if queue and queue not in {f"{s}-{lang}" for s in router.ctx.config.skills for lang in router.ctx.config.languages}:
        return _refused("queue must be empty (every queue) or one of the floor's queues", 400)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return _refused("minutes must be a whole number", 400)
    try:
        sent = notices.start_broadcast(router.ctx.connection, router.ctx.prefix, _messages(body), queue=queue,
                                       greeting=body.get("greeting") is True, by=g.login, seconds=minutes * 60,
                                       now=router.ctx.now())
    except notices.NoticeError as error:
        return _refused(str(error), 400)
    except RedisError as error:
        return _refused(f"routing is unavailable: {error}", 503)
    detail = " | ".join(f"{language}: {text}" for language, text in sent.messages.items())
    where = queue or "all queues"
    return _done("broadcast", where, f"{minutes} min{', at the greeting' if sent.greeting else ''}; {detail}",
                 _reason(body), id=sent.id)


@bp.delete("/api/floor/broadcast")
@require_role(SUPERVISOR)
def stop_broadcast() -> ResponseReturnValue:
    router = _services().router
    stopped = notices.stop_broadcast(router.ctx.connection, router.ctx.prefix)
    if stopped is None:
        return _refused("there is no broadcast to stop", 404)
    return _done("broadcast_stopped", stopped.queue or "all queues", stopped.id, "")


@bp.post("/api/floor/closure")
@require_role(SUPERVISOR)
def close() -> ResponseReturnValue:
    """{"reason": "...", "message_en": "...", "message_es": "...", "message_zh-CN": "..."} (one message per
    language of the routing file): every new call hears it, then is offered a message or a callback."""
    body = json_object()
    router = _services().router
    try:
        closure = notices.close(router.ctx.connection, router.ctx.prefix, text_field(body, "reason"), g.login,
                                _messages(body), router.ctx.now())
    except notices.NoticeError as error:
        return _refused(str(error), 400)
    return _done("closure", "all calls", "closed", closure.reason)


@bp.delete("/api/floor/closure")
@require_role(SUPERVISOR)
def reopen() -> ResponseReturnValue:
    body = json_object()
    router = _services().router
    if notices.reopen(router.ctx.connection, router.ctx.prefix) is None:
        return _refused("the line is not closed", 404)
    return _done("reopened", "all calls", "open", _reason(body))


@bp.get("/api/floor/audit")
@require_role(SUPERVISOR)
def audit_log() -> ResponseReturnValue:
    return jsonify(actions=audit.recent(_services().sessions))


@bp.get("/supervisor/audit")
@require_role(SUPERVISOR)
def audit_page() -> ResponseReturnValue:
    return render_template("supervisor_audit.html", actions=audit.recent(_services().sessions))
