"""After hours, a caller can ask to be called back when the center opens, instead of leaving a message."""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from ivr.i18n import Section
from ivr.routing_records import RoutingRecords
from ivr.self_service.office_hours import next_opening_sentence
from routing.calls import CallbackRequest
from routing.exceptions import RoutingError
from routing.office_hours import OfficeHours
from routing.router import Router

logger = logging.getLogger(__name__)

#: requested, no_number, unavailable (catalog ids callbacks.*).
PHRASES = Section("callbacks")


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
