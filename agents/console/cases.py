"""Working the case from the console: service types and their questions, nearby duplicates, filing,
adding the caller to an existing case, and moving a case through its lifecycle.

The agent's case becomes the call's case (source key ``call:<sid>:agent``, or
the call linked to an existing case), so the worker opens its automatic case
only for calls whose agent filed none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from agents.auth import console_login
from agents.console.case_desk import (
    CallNotRecorded,
    case_of_call,
    find_services,
    link_call,
    nearby_open_cases,
    recorded_call,
)
from ivr import db
from ivr.cases import duplicates, reference
from ivr.cases.allocator import ReferenceUnavailable
from ivr.cases.service import CaseError, change_status, find_by_reference
from ivr.jobs.case_update_jobs import queue_update_texts
from ivr.models.agent import Agent
from ivr.models.case import Case
from ivr.open311 import catalogue
from ivr.open311.filing import checked, open_submitted_case
from ivr.open311.validation import InvalidSubmission, Submission
from routing.exceptions import RoutingError, UnknownAgent

bp = Blueprint("agents_cases", __name__, url_prefix="/agents/api")
TEXT_FIELDS = ("service_code", "address", "zip_code", "description")


class NoCall(RuntimeError):
    """The agent has no call on the line or in wrap-up."""


class RoutingDown(RuntimeError):
    """Routing's Redis did not answer, so which call the agent is on is unknown."""


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.errorhandler(SQLAlchemyError)
def database_unreachable(error: SQLAlchemyError) -> ResponseReturnValue:
    current_app.logger.error("console cases: database error: %s", error)
    return jsonify(error="Cases are unavailable right now (the database did not answer); try again shortly."), 503


@bp.errorhandler(NoCall)
def no_call(error: NoCall) -> ResponseReturnValue:
    return jsonify(error="Cases are worked with a call: you have no call on the line or in wrap-up."), 409


@bp.errorhandler(RoutingDown)
def routing_down(error: RoutingDown) -> ResponseReturnValue:
    return jsonify(error="Routing is unreachable, so your call is unknown right now; try again shortly."), 503


@bp.errorhandler(CallNotRecorded)
def not_recorded(error: CallNotRecorded) -> ResponseReturnValue:
    return jsonify(error="The call's record is still being written; try again in a few seconds."), 409


@bp.errorhandler(CaseError)
def case_refused(error: CaseError) -> ResponseReturnValue:
    return jsonify(error=str(error)), 409


def _my_call() -> str:
    try:
        agent = _services().router.agent(g.login)
    except UnknownAgent:
        raise NoCall() from None
    except (RoutingError, RedisError) as error:
        raise RoutingDown(str(error)) from error
    if not agent.call:
        raise NoCall()
    return str(agent.call)


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _bad_body() -> ResponseReturnValue:
    return jsonify(error="send a JSON object"), 400


def shown(case: Case) -> dict[str, Any]:
    return {"reference": case.reference, "display": reference.display(case.reference),
            "spoken_en": reference.spoken(case.reference, "en"), "spoken_es": reference.spoken(case.reference, "es"),
            "service_code": case.service_type.code, "service": case.service_type.name, "status": case.status,
            "address": case.address, "description": case.description, "opened_at": case.opened_at.isoformat(),
            "resolution": case.resolution, "callers": len(case.calls)}


@bp.get("/service-types")
@console_login
def service_types() -> ResponseReturnValue:
    with _services().sessions() as session:
        found = find_services(session, request.args.get("q", "")[:100])
    return jsonify(services=[{"code": s.code, "name": s.name, "group": s.group} for s in found])


@bp.get("/service-types/<code>")
@console_login
def service_questions(code: str) -> ResponseReturnValue:
    """The service's questions (Open311 attributes) in the order they are asked."""
    with _services().sessions() as session:
        service = catalogue.active_service(session, code)
        if service is None:
            return jsonify(error=f"no active service type {code!r}"), 404
        questions = [{"code": a.code, "question": a.description, "datatype": a.datatype, "required": a.required,
                      "values": a.values, "order": a.position}
                     for a in catalogue.attributes_of(session, service) if a.variable]
    return jsonify(code=service.code, name=service.name, questions=questions)


@bp.get("/cases/nearby")
@console_login
def nearby() -> ResponseReturnValue:
    code, address = request.args.get("service", ""), request.args.get("address", "")
    if not code or not address:
        return jsonify(error="give service and address"), 400
    with _services().sessions() as session:
        cases = [shown(case) for case in nearby_open_cases(
            session, code, address, within_metres=_services().settings.duplicate_within_metres)]
    return jsonify(cases=cases)


@bp.get("/cases/mine")
@console_login
def my_case() -> ResponseReturnValue:
    call_sid = _my_call()
    with _services().sessions() as session:
        case = case_of_call(session, call_sid)
        return jsonify(call=call_sid, case=shown(case) if case else None)


@bp.post("/cases")
@console_login
def file_case() -> ResponseReturnValue:
    """File the case for the agent's call, its answers validated like a web or Open311 request."""
    body = _body()
    if body is None:
        return _bad_body()
    call_sid = _my_call()
    try:
        valid = checked(_services().sessions, _submission(body))
    except InvalidSubmission as error:
        return jsonify(error="some answers need fixing", problems=[
            {"field": p.field, "reason": p.reason} for p in error.problems]), 400
    now = datetime.now(UTC)
    try:
        ref = _services().references.allocate(now.year)
    except (ReferenceUnavailable, RedisError):
        return jsonify(error="No case number can be given right now (routing store unreachable)."), 503
    with db.unit_of_work(_services().sessions) as session:
        call = recorded_call(session, call_sid)
        case = open_submitted_case(session, ref, valid, "phone", now, f"call:{call_sid}:agent")
        _attach(session, case, call)
        return jsonify(case=shown(case)), 201


def _submission(body: dict[str, Any]) -> Submission:
    texts = {name: str(body.get(name) or "") for name in TEXT_FIELDS}
    answers = body.get("attributes") if isinstance(body.get("attributes"), dict) else {}
    attributes = {str(k): [str(x) for x in v] if isinstance(v, list) else [str(v)] for k, v in answers.items()}
    return Submission(phone="", attributes=attributes, **texts)


def _attach(session, case: Case, call) -> None:  # type: ignore[no-untyped-def]
    link_call(case, call)
    if call.caller and not case.contact_phone:
        case.contact_phone = call.caller
    agent = session.scalar(select(Agent).where(Agent.login == g.login))
    if agent is not None and agent not in case.agents:
        case.agents.append(agent)


@bp.post("/cases/<ref>/join")
@console_login
def join_case(ref: str) -> ResponseReturnValue:
    """A duplicate: this caller is added to the existing case instead of opening a new one."""
    call_sid = _my_call()
    with db.unit_of_work(_services().sessions) as session:
        case = find_by_reference(session, reference.normalise(ref))
        if case is None:
            return jsonify(error="no such case"), 404
        call = recorded_call(session, call_sid)
        if call in case.calls:
            return jsonify(case=shown(case), already=True)
        _attach(session, case, call)
        now = datetime.now(UTC)
        duplicates.join(session, case, duplicates.Reporter("phone", now, call.caller, source_key=f"call:{call_sid}"))
        agent = session.scalar(select(Agent).where(Agent.login == g.login))
        change_status(session, case, case.status, now, "Another caller reported this.", agent)
        return jsonify(case=shown(case), already=False)


@bp.post("/cases/<ref>/text")
@console_login
def text_case_number(ref: str) -> ResponseReturnValue:
    """Text the caller on the line their case number (only the call's own case, only to their own number)."""
    from ivr.cases.reference_text import case_number_text
    from ivr.sms.contacts import may_text
    from ivr.telephony.line_types import LineTypes
    from ivr.voice.texts import queue_text_once

    call_sid = _my_call()
    services = _services()
    with services.sessions() as session:
        case = find_by_reference(session, reference.normalise(ref))
        call = recorded_call(session, call_sid)
        if case is None or call not in case.calls:
            return jsonify(error="Only the case of this call can be texted to the caller; file or join it first."), 409
        number, language = call.caller, call.language or "en"
        if not number:
            return jsonify(error="The caller's number is withheld: read the case number to them instead."), 409
        if not may_text(session, number):
            return jsonify(error="This number asked for no texts (STOP): read the case number to them."), 409
        body = case_number_text(case.reference, case.service_type.name, language)
    line_types = LineTypes(services.redis, lambda: services.telephony)
    if not line_types.can_text(number):
        return jsonify(error="This number cannot receive texts (a landline): read the case number to them."), 409
    if not queue_text_once(services.redis, f"case-number:{case.reference}:{call_sid}", number, body):
        return jsonify(error="Texts cannot be queued right now (Redis did not answer); read the number out."), 503
    return jsonify(queued=True, to=number, text=body), 202


@bp.post("/cases/<ref>/status")
@console_login
def move_case(ref: str) -> ResponseReturnValue:
    body = _body()
    if body is None:
        return _bad_body()
    status, note = str(body.get("status", "")), str(body.get("note", ""))[:2000]
    if status not in ("open", "in_progress", "closed"):
        return jsonify(error="status must be open, in_progress or closed"), 400
    resolution = str(body.get("resolution", "")).strip()[:2000]
    if status == "closed" and not resolution:
        return jsonify(error="closing a case needs a resolution"), 400
    with db.unit_of_work(_services().sessions) as session:
        case = find_by_reference(session, reference.normalise(ref))
        if case is None:
            return jsonify(error="no such case"), 404
        if resolution:
            case.resolution = resolution
        agent = session.scalar(select(Agent).where(Agent.login == g.login))
        update = change_status(session, case, status, datetime.now(UTC), note or resolution, agent)
        answer = jsonify(case=shown(case))
    queue_update_texts(_services().redis, update.id)  # residents who asked hear back (once per change)
    return answer
