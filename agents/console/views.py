"""Agent console (take calls, change state, notes, softphone token), as a page and a small JSON API.

Every answer comes from the router's state in Redis, so any web process can
serve any agent; the console polls the API every couple of seconds.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, g, jsonify, render_template
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import select
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from agents.access import console_login
from agents.json_body import json_object, text_field
from ivr import jobs
from ivr.contact_center import topic
from ivr.models.agent import Agent as AgentRow
from ivr.routing_jobs import enqueue_place_callback
from ivr.telephony import TelephonyError
from routing.agents import AgentProfile, AgentState
from routing.calls import CallKind
from routing.exceptions import RoutingError, UnknownAgent

logger = logging.getLogger(__name__)
bp = Blueprint("agents", __name__, url_prefix="/agents", template_folder="templates",
               static_folder="static", static_url_path="/static/console")
TOKEN_SECONDS = 3600
MAX_NOTE = 2000


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.errorhandler(RoutingError)
def routing_refused(error: RoutingError) -> ResponseReturnValue:
    return jsonify(error=str(error)), 409


@bp.errorhandler(RedisError)
def routing_unreachable(error: RedisError) -> ResponseReturnValue:
    logger.error("agent console: Redis unreachable: %s", error)
    return jsonify(error="Routing is unreachable right now; calls are not being offered. Try again shortly."), 503


@bp.get("/")
@console_login
def console() -> ResponseReturnValue:
    return render_template("console.html", login=g.login, voice_sdk_url=_services().settings.voice_sdk_url)


@bp.get("/api/token")
@console_login
def softphone_token() -> ResponseReturnValue:
    """A Twilio access token that lets this agent's browser receive calls as the client identity `login`."""
    settings = _services().settings
    if settings.telephony != "twilio" or not (settings.twilio_api_key_sid and settings.twilio_api_key_secret):
        return jsonify(error="No softphone here: calls are connected locally (TELEPHONY=local) or "
                             "TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET are not set."), 404
    token = AccessToken(settings.twilio_account_sid, settings.twilio_api_key_sid, settings.twilio_api_key_secret,
                        identity=g.login, ttl=TOKEN_SECONDS)
    token.add_grant(VoiceGrant(incoming_allow=True))
    return jsonify(token=token.to_jwt(), identity=g.login, ttl=TOKEN_SECONDS)


@bp.get("/api/me")
@console_login
def me() -> ResponseReturnValue:
    router = _services().router
    try:
        agent = router.agent(g.login)
    except UnknownAgent:
        return jsonify(login=g.login, registered=False, state="offline")
    offer = router.reservation(agent.reservation) if agent.reservation else None
    return jsonify(login=agent.id, registered=True, name=agent.profile.name, state=agent.state.value,
                   since=agent.since, calls_today=agent.calls_today, call=agent.call,
                   offer=asdict(offer) if offer else None,
                   offer_about=_about(offer.call_sid) if offer else None,
                   call_about=_about(agent.call) if agent.call else None)


def _about(sid: str) -> dict[str, Any] | None:
    """Who and what a call or callback is, so the agent knows whom they are calling back and why."""
    router = _services().router
    call = router.call(sid)
    if call is None:
        return None
    return {"kind": call.kind.value, "number": call.number, "queue": call.queue, "skill": call.skill,
            "topic": topic(call.skill, "en"), "status": call.status.value, "attempt": call.attempts + 1,
            "max_attempts": router.ctx.config.callbacks.max_attempts}


@bp.post("/api/me/state")
@console_login
def change_state() -> ResponseReturnValue:
    state = text_field(json_object(), "state")
    if state not in {s.value for s in AgentState} - {"on_call", "wrap_up"}:
        return jsonify(error="state must be available, break or offline"), 400
    _register_from_profile(g.login)
    _services().router.set_agent_state(g.login, AgentState(state))
    return me()


def _register_from_profile(login: str) -> None:
    """Agents' skills and languages live in SQL; the router gets the current profile at each state change."""
    with _services().sessions() as session:
        row = session.scalar(select(AgentRow).where(AgentRow.login == login, AgentRow.active))
    if row is None:
        abort(403, description=f"{login} is not an active agent (add it with `cityline agents add`)")
    _services().router.register_agent(AgentProfile(row.login, row.name, dict(row.skills), tuple(row.languages)))


@bp.post("/api/me/note")
@console_login
def add_note() -> ResponseReturnValue:
    """A private note for the case of the call on the line (or just finished); a job files it on the case."""
    text = text_field(json_object(), "text").strip()
    if not text or len(text) > MAX_NOTE:
        return jsonify(error=f"a note needs 1 to {MAX_NOTE} characters"), 400
    agent = _services().router.agent(g.login)
    if not agent.call:
        return jsonify(error="notes go with a call: you have no call on the line or in wrap-up"), 409
    at = datetime.now(UTC).isoformat()
    Queue(jobs.CALLS_QUEUE, connection=_services().redis).enqueue(
        jobs.add_agent_note, agent.call, g.login, text, at, **jobs.NOTE_JOB_OPTIONS)
    return jsonify(saved=True, call=agent.call, at=at)


@bp.post("/api/offers/<reservation_id>/accept")
@console_login
def accept(reservation_id: str) -> ResponseReturnValue:
    services = _services()
    offer = services.router.reservation(reservation_id)
    if offer is None or offer.agent_id != g.login:
        return jsonify(error="no such offer for you"), 404
    services.router.accept(reservation_id)
    if offer.kind == CallKind.CALLBACK:
        job = enqueue_place_callback(services.redis, offer.call_sid)  # the worker dials the resident
        logger.info("agent %s accepted callback %s; job %s places the call", g.login, offer.call_sid, job.id)
        return me()
    url = "/voice/agent-connect?" + urlencode({"agent": g.login, "lang": offer.language})
    try:
        services.telephony.connect_to_agent(offer.call_sid, offer.queue, url)
    except TelephonyError as error:
        logger.error("accepted offer %s but could not connect the caller: %s", reservation_id, error)
        return jsonify(error=f"the caller could not be connected: {error}"), 502
    return me()


@bp.post("/api/offers/<reservation_id>/reject")
@console_login
def reject(reservation_id: str) -> ResponseReturnValue:
    offer = _services().router.reservation(reservation_id)
    if offer is None or offer.agent_id != g.login:
        return jsonify(error="no such offer for you"), 404
    _services().router.reject(reservation_id)
    return me()
