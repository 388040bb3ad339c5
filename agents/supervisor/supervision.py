"""Listen, whisper and barge from the supervisor's floor: a JSON API over ivr.conference.supervision.

Each use that succeeds is audited (who, when, which agent and call, which
mode) in the supervisors' audit table, like the floor's other controls, and
the wallboard is republished so every supervisor's page shows who is on the
call.  The agent's console is told through their push topic.  Refusals are a
4xx (or 503 when the phone network is down) with a sentence, never a 500.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

from agents.auth import SUPERVISOR, require_role
from agents.json_body import json_object, text_field
from agents.push import streams
from ivr.conference.book import CallBook, ConferenceBooks
from ivr.conference.controls import Refused
from ivr.conference.supervision import Supervision
from ivr.floor import audit
from ivr.floor.publish import publish_wallboard

bp = Blueprint("supervisor_supervision", __name__, url_prefix="/agents")

#: What each mode means, as the audit log says it.
MODE_DETAIL = {"listen": "listening, nobody hears the supervisor",
               "whisper": "whispering, only the agent hears the supervisor",
               "barge": "barged in, everyone hears the supervisor"}


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def supervision_for(services) -> Supervision:  # type: ignore[no-untyped-def]
    redis, prefix = services.redis, services.router.ctx.keys.prefix

    def notify(login: str) -> None:
        streams.publish(redis, prefix, streams.agent_topic(login), "call", {"changed": True})

    return Supervision(services.router, services.telephony, ConferenceBooks(redis), redis, notify)


@bp.errorhandler(Refused)
def refused(error: Refused) -> ResponseReturnValue:
    return jsonify(error=error.message), error.status


@bp.errorhandler(RedisError)
def routing_down(error: RedisError) -> ResponseReturnValue:
    return jsonify(error=f"routing is unavailable: {error}"), 503


def _audited(action: str, agent: str, book: CallBook, detail: str) -> None:
    services = _services()
    audit.record(services.sessions, g.login, action, agent, f"call {book.call_sid}: {detail}")
    publish_wallboard(services.router, services.sessions, services.settings.office_hours.zone, force=True)


@bp.post("/api/floor/agents/<login>/supervise")
@require_role(SUPERVISOR)
def supervise(login: str) -> ResponseReturnValue:
    """{"mode": "listen" | "whisper" | "barge"}: join the agent's call in that mode, or switch to it."""
    mode = text_field(json_object(), "mode")
    supervision = supervision_for(_services())
    book = supervision.join(g.login, login, mode)
    _audited(mode, login, book, MODE_DETAIL[mode])
    return jsonify(ok=True, call=book.call_sid, agent=login, supervisor=g.login, mode=mode)


@bp.delete("/api/floor/agents/<login>/supervise")
@require_role(SUPERVISOR)
def stop(login: str) -> ResponseReturnValue:
    """Leave the agent's call (the supervisor's leg hangs up; the call goes on)."""
    book, note = supervision_for(_services()).leave(g.login, login)
    _audited("left_call", login, book, "the supervisor left the call" + (f" ({note})" if note else ""))
    return jsonify(ok=True, call=book.call_sid, agent=login, mode=None, note=note)
