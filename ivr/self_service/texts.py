"""Offering a caller on a mobile phone the answer they just heard by text message."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.phone import parse_caller
from ivr.texts import AnswerTexts

PHRASES = {
    "en": {"sent": "I have sent that to your phone by text message.",
           "failed": "Sorry, I could not send a text message right now."},
    "es": {"sent": "Se lo enviamos a su teléfono por mensaje de texto.",
           "failed": "Disculpe, no pudimos enviar el mensaje de texto en este momento."},
}


def register(registry: HandlerRegistry, texts: AnswerTexts, sessions: sessionmaker[Session] | None = None,
             home_region: str = "US") -> None:
    def can_text(request: HandlerRequest) -> HandlerResult:
        caller = parse_caller(request.caller, home_region)
        answered = bool(request.said) or (request.call_sid is not None and texts.has_answer(request.call_sid))
        able = caller.can_receive_sms and request.call_sid is not None and answered
        return HandlerResult("offer" if able and _not_opted_out(sessions, caller.e164) else "skip")

    def send(request: HandlerRequest) -> HandlerResult:
        phrases = PHRASES[request.language]
        if request.caller is None or request.call_sid is None or not texts.send(request.call_sid, request.caller):
            return HandlerResult("failed", (phrases["failed"],), worth_keeping=False)
        return HandlerResult("sent", (phrases["sent"],), worth_keeping=False)

    registry.register("texts.offer", can_text, {"offer", "skip"})
    registry.register("texts.send", send, {"sent", "failed"})


def _not_opted_out(sessions: sessionmaker[Session] | None, phone: str | None) -> bool:
    """A number that texted STOP is not offered texts (and the job would not send one)."""
    from ivr.sms.contacts import may_text

    if sessions is None or phone is None:
        return True
    try:
        with sessions() as session:
            return may_text(session, phone)
    except SQLAlchemyError:
        return False
