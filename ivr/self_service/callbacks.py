"""After hours, a caller can ask to be called back when the center opens, instead of leaving a message."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.routing_records import RoutingRecords
from ivr.self_service.office_hours import next_opening_sentence
from routing.calls import CallbackRequest
from routing.exceptions import RoutingError
from routing.office_hours import OfficeHours
from routing.router import Router

logger = logging.getLogger(__name__)

PHRASES = {
    "en": {"requested": "We will call you back at the number you are calling from as soon as an agent is free.",
           "no_number": "Your phone number is not available to us, so we cannot call you back.",
           "unavailable": "Sorry, we cannot take callback requests right now."},
    "es": {"requested": "Le llamaremos al número desde el que llama en cuanto haya un agente disponible.",
           "no_number": "No tenemos su número de teléfono, así que no podemos devolverle la llamada.",
           "unavailable": "Disculpe, no podemos registrar devoluciones de llamada en este momento."},
}


def register(registry: HandlerRegistry, router: Router, hours: OfficeHours, records: RoutingRecords) -> None:
    def request_callback(request: HandlerRequest) -> HandlerResult:
        phrases = PHRASES[request.language]
        if request.caller is None or request.call_sid is None:
            return HandlerResult("no_number", (phrases["no_number"],), worth_keeping=False)
        skill = request.values.get("topic") or "general"
        try:
            router.request_callback(CallbackRequest(request.call_sid, skill, request.language, request.caller))
        except (RoutingError, RedisError) as error:
            logger.warning("callback for %s not taken: %s", request.call_sid, error)
            return HandlerResult("unavailable", (phrases["unavailable"],), worth_keeping=False)
        records.promise_callback(request.call_sid, request.caller, skill, request.language)  # survives Redis
        sentences = (phrases["requested"], next_opening_sentence(hours, request))
        return HandlerResult("requested", sentences, {"callback": "after hours"}, worth_keeping=False)

    registry.register("callbacks.request", request_callback, {"requested", "no_number", "unavailable"})
