"""Offering a caller on a mobile phone the answer they just heard by text message.

Only numbers the carrier says can receive a text are offered one (a lookup
that fails offers nothing), and the caller is told a text is coming, not that
it was sent: the job that sends it runs after the call moves on.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.i18n import Section
from ivr.phone import parse_caller
from ivr.telephony.line_types import LineTypes
from ivr.voice.texts import AnswerTexts

#: sent, failed (catalog ids texts.*).
PHRASES = Section("texts")


def register(registry: HandlerRegistry, texts: AnswerTexts, line_types: LineTypes,
             sessions: sessionmaker[Session] | None = None, home_region: str = "US") -> None:
    def can_text(request: HandlerRequest) -> HandlerResult:
        caller = parse_caller(request.caller, home_region)
        answered = bool(request.said) or (request.call_sid is not None and texts.has_answer(request.call_sid))
        able = caller.can_receive_sms and request.call_sid is not None and answered
        # the carrier is asked last, once per number (cached), and only when a text would be offered
        able = able and caller.e164 is not None and _not_opted_out(sessions, caller.e164)
        able = able and line_types.can_text(caller.e164)
        return HandlerResult("offer" if able else "skip")

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
