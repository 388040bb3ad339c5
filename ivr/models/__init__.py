"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from ivr.models import (
    agent,
    call,
    call_event,
    case,
    collection,
    knowledge,
    open311_submission,
    queue_wait,
    service_attribute,
    service_type,
)

__all__ = ["agent", "call", "call_event", "case", "collection", "knowledge", "open311_submission", "queue_wait",
           "service_attribute", "service_type"]
