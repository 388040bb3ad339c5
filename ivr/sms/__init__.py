"""Text 3-1-1: the inbound SMS webhook (/sms/incoming), signed like the voice webhooks, answered with TwiML.

The view reads the sender and the body, records STOP/START and the number's
language in SQL, asks `conversation.respond` for the reply and returns a
MessagingResponse (empty when nothing may be sent: STOP, or a number that
opted out).  Bad input is answered, never a 500.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Blueprint, Response, current_app, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.messaging_response import MessagingResponse

from ivr.phone import parse_caller
from ivr.sms import contacts
from ivr.sms.answers import HandlerAnswers
from ivr.sms.conversation import Message, Reply, respond
from ivr.voice.signatures import twilio_only

if TYPE_CHECKING:
    from ivr.app import CityLine
    from ivr.settings import Settings

logger = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms")
MAX_BODY = 1600  # Twilio's longest message
CITY_PHONE = "3-1-1"


@bp.post("/incoming")
@twilio_only
def incoming() -> Response:
    services = current_app.extensions["cityline"]
    sender = parse_caller(request.form.get("From", "")).e164
    body = request.form.get("Body", "")[:MAX_BODY]
    if sender is None:
        return _twiml(None)
    try:
        return _twiml(_converse(services, sender, body))
    except SQLAlchemyError:
        logger.exception("text from a resident not answered: the database is unavailable")
        return _twiml(None)


def _converse(services: CityLine, sender: str, body: str) -> str | None:
    settings = services.settings
    with services.sessions() as session:
        allowed, language = contacts.may_text(session, sender), contacts.language_of(session, sender)
    answers = HandlerAnswers(services.engine.handlers, services.sessions,
                             lambda: datetime.now(settings.office_hours.zone), sender)
    reply = respond(Message(body, language), answers, _web_url(settings), settings.twilio_number or CITY_PHONE)
    _record(services, sender, reply)
    if not allowed and reply.opt is not False:
        return None  # opted out: never text it, whatever it sent, until START
    return reply.text


def _record(services: CityLine, sender: str, reply: Reply) -> None:
    if reply.opt is None and not reply.language:
        return
    with services.sessions() as session:
        if reply.opt is not None:
            contacts.set_opted_out(session, sender, reply.opt)
        if reply.language:
            contacts.remember_language(session, sender, reply.language)
        session.commit()


def _web_url(settings: Settings) -> str:
    return f"{settings.public_base_url or request.host_url.rstrip('/')}/report"


def _twiml(text: str | None) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), mimetype="text/xml")
