"""Agent console (take calls, change state, notes, softphone token), as a page and a small JSON API.

Every answer comes from the router's state in Redis, so any web process can
serve any agent.  The page does not poll: it reads /api/me when its event
stream (/api/events, the agent's own push topic) connects, and again whenever
an event says something changed.  Every answer under /api is JSON, errors too.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from rq import Queue
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant
from werkzeug.exceptions import HTTPException

from agents import notices
from agents.auth import console_login
from agents.console.about import REASONS, about, wrap_up_ends
from agents.console.call_controls import controls_for
from agents.console.wrap_up_view import refuse_leaving, wrap_up_view
from agents.database_down import database_unreachable
from agents.json_body import json_object, text_field
from agents.push import events_http, presence, streams
from ivr import agent_notes, db
from ivr.conference.controls import Refused
from ivr.jobs import call_history
from ivr.jobs.routing_jobs import enqueue_place_callback
from ivr.models.agent import Agent as AgentRow
from ivr.telephony import TelephonyError
from routing.agents import AgentProfile, AgentState
from routing.calls import CallKind, CallRequest
from routing.exceptions import RoutingError, UnknownAgent
from routing.reservations import Reservation

logger = logging.getLogger(__name__)
bp = Blueprint("agents", __name__, url_prefix="/agents", template_folder="templates",
               static_folder="static", static_url_path="/static/console")
TOKEN_SECONDS = 3600
MAX_NOTE = 2000
#: Priority of a caller put back in line because their agent could not be connected: ahead of everyone.
RETURNED_PRIORITY = 9


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def _error(message: str, status: int) -> ResponseReturnValue:
    return jsonify(error=message), status


@bp.errorhandler(RoutingError)
def routing_refused(error: RoutingError) -> ResponseReturnValue:
    return _error(str(error), 409)


@bp.errorhandler(RedisError)
def routing_unreachable(error: RedisError) -> ResponseReturnValue:
    logger.error("agent console: Redis unreachable: %s", error)
    return _error("Routing is unreachable right now; calls are not being offered. Try again shortly.", 503)


bp.register_error_handler(SQLAlchemyError, database_unreachable)  # before the catch-all below


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> ResponseReturnValue:
    """Under /api a refusal is JSON with the server's words, so the page can show them."""
    if not request.path.startswith("/agents/api/"):
        return error
    return _error(error.description or error.name, error.code or 500)


@bp.errorhandler(Exception)
def unexpected(error: Exception) -> ResponseReturnValue:
    if not request.path.startswith("/agents/api/"):
        raise error
    logger.exception("agent console: %s %s failed", request.method, request.path)
    return _error("Something went wrong on the server; your state is unchanged. Try again.", 500)


@bp.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
def no_such_api(rest: str) -> ResponseReturnValue:
    return _error(f"there is no /agents/api/{rest}", 404)


def _prefix() -> str:
    return _services().router.ctx.keys.prefix


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
        return _error("No softphone here: calls are connected locally (TELEPHONY=local) or "
                      "TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET are not set.", 404)
    token = AccessToken(settings.twilio_account_sid, settings.twilio_api_key_sid, settings.twilio_api_key_secret,
                        identity=g.login, ttl=TOKEN_SECONDS)
    token.add_grant(VoiceGrant(incoming_allow=True))
    return jsonify(token=token.to_jwt(), identity=g.login, ttl=TOKEN_SECONDS)


@bp.get("/api/events")
@console_login
def events() -> ResponseReturnValue:
    """This agent's push topic as server-sent events; while it is open the agent counts as present."""
    redis, prefix, login = events_http.server().redis, _prefix(), g.login
    return events_http.event_stream([streams.agent_topic(login)], on_beat=lambda: presence.renew(redis, prefix, login))


@bp.get("/api/me")
@console_login
def me() -> ResponseReturnValue:
    services = _services()
    router = services.router
    presence.renew(services.redis, _prefix(), g.login)  # a console asking shows it is open
    try:
        agent = router.agent(g.login)
    except UnknownAgent:
        return jsonify(login=g.login, registered=False, state="offline", now=router.ctx.now())
    offer = router.reservation(agent.reservation) if agent.reservation else None
    return jsonify(login=agent.id, registered=True, name=agent.profile.name, state=agent.state.value,
                   reason=REASONS.get(agent.reason, agent.reason), since=agent.since,
                   calls_today=agent.calls_today, call=agent.call, now=router.ctx.now(),
                   wrap_up_ends=wrap_up_ends(services, agent.id) if agent.state is AgentState.WRAP_UP else None,
                   offer=asdict(offer) if offer else None,
                   offer_about=about(services, offer.call_sid) if offer else None,
                   call_about=about(services, agent.call) if agent.call else None,
                   wrap_up=wrap_up_view(services, agent.id) if agent.state is AgentState.WRAP_UP else None,
                   notice=notices.read(services.redis, _prefix(), agent.id))


@bp.post("/api/me/state")
@console_login
def change_state() -> ResponseReturnValue:
    state = text_field(json_object(), "state")
    if state not in {s.value for s in AgentState} - {"on_call", "wrap_up"}:
        return _error("state must be available, break or offline", 400)
    _register_from_profile(g.login)
    held = refuse_leaving(_services(), g.login)
    if held:
        return _error(held, 409)
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
        return _error(f"a note needs 1 to {MAX_NOTE} characters", 400)
    agent = _services().router.agent(g.login)
    if not agent.call:
        return _error("notes go with a call: you have no call on the line or in wrap-up", 409)
    at = datetime.now(UTC).isoformat()
    try:  # kept in SQL before "Saved." is said: filed on the case whenever it exists (ivr.agent_notes)
        with db.unit_of_work(_services().sessions) as session:
            agent_notes.keep(session, agent.call, g.login, text, datetime.fromisoformat(at))
    except SQLAlchemyError:
        logger.exception("note of %s on %s not kept", g.login, agent.call)
        return _error("The note was NOT saved: the database is not answering. Keep the text and try again.", 503)
    try:
        Queue(call_history.CALLS_QUEUE, connection=_services().redis).enqueue(
            call_history.file_agent_notes, agent.call, **call_history.NOTE_JOB_OPTIONS)
    except RedisError as error:  # the note is in SQL already: the sweep files it
        logger.warning("note of %s on %s kept; filing job not queued: %s", g.login, agent.call, error)
    return jsonify(saved=True, call=agent.call, at=at)


def _own_offer(reservation_id: str) -> Reservation:
    offer = _services().router.reservation(reservation_id)
    if offer is None or offer.agent_id != g.login:
        abort(404, description="That offer is not yours or has ended.")
    return offer


@bp.post("/api/offers/<reservation_id>/accept")
@console_login
def accept(reservation_id: str) -> ResponseReturnValue:
    services = _services()
    offer = _own_offer(reservation_id)
    if offer.kind == "transfer":  # a colleague hands over a call they are on: join its conference
        try:
            controls_for(services).take_transfer(offer, g.login)
        except Refused as error:
            return _error(error.message, error.status)
        return me()
    services.router.accept(reservation_id)
    notices.clear(services.redis, _prefix(), g.login)  # an old notice is not about this call
    if offer.kind == CallKind.CALLBACK:
        job = enqueue_place_callback(services.redis, offer.call_sid)  # the worker dials the resident
        logger.info("agent %s accepted callback %s; job %s places the call", g.login, offer.call_sid, job.id)
        return me()
    try:
        controls_for(services).bridge(offer.call_sid, offer.queue, g.login, offer.language)
    except TelephonyError as error:
        logger.error("accepted offer %s but could not connect the caller: %s", reservation_id, error)
        _give_back(offer)
        return _error("The caller could not be connected (telephony is unreachable). They are back at the "
                      "front of the queue and you are Not ready; press Available when ready.", 503)
    return me()


def _give_back(offer: Reservation) -> None:
    """Undo an accept whose caller could not be connected: the caller first in line, the agent not ready."""
    router = _services().router
    router.complete(offer.call_sid)
    router.enqueue(CallRequest(offer.call_sid, offer.skill, offer.language, priority=RETURNED_PRIORITY))
    router.set_agent_state(g.login, AgentState.BREAK)


@bp.post("/api/offers/<reservation_id>/reject")
@console_login
def reject(reservation_id: str) -> ResponseReturnValue:
    _own_offer(reservation_id)
    _services().router.reject(reservation_id)
    return me()
