"""Offering a caller on a mobile phone the answer they just heard by text message.

Only numbers the carrier says can receive a text are offered one (a lookup
that fails offers nothing), and the caller is told a text is coming, not that
it was sent: the job that sends it runs after the call moves on.
"""

from __future__ import annotations

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.phone import parse_caller
from ivr.telephony.line_types import LineTypes
from ivr.texts import AnswerTexts

PHRASES = {
    "en": {"sent": "I will text that to your phone in a moment.",
           "failed": "Sorry, I could not send a text message right now."},
    "es": {"sent": "En un momento le enviaremos esto a su teléfono por mensaje de texto.",
           "failed": "Disculpe, no pudimos enviar el mensaje de texto en este momento."},
}


def register(registry: HandlerRegistry, texts: AnswerTexts, line_types: LineTypes, home_region: str = "US") -> None:
    def can_text(request: HandlerRequest) -> HandlerResult:
        caller = parse_caller(request.caller, home_region)
        answered = bool(request.said) or (request.call_sid is not None and texts.has_answer(request.call_sid))
        able = caller.can_receive_sms and request.call_sid is not None and answered
        # the carrier is asked last, once per number (cached), and only when a text would be offered
        able = able and caller.e164 is not None and line_types.can_text(caller.e164)
        return HandlerResult("offer" if able else "skip")

    def send(request: HandlerRequest) -> HandlerResult:
        phrases = PHRASES[request.language]
        if request.caller is None or request.call_sid is None or not texts.send(request.call_sid, request.caller):
            return HandlerResult("failed", (phrases["failed"],), worth_keeping=False)
        return HandlerResult("sent", (phrases["sent"],), worth_keeping=False)

    registry.register("texts.offer", can_text, {"offer", "skip"})
    registry.register("texts.send", send, {"sent", "failed"})
