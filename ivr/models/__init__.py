"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from ivr.models import (
    agent,
    call,
    call_event,
    callback,
    case,
    case_reporter,
    collection,
    floor,
    knowledge,
    open311_submission,
    outbox,
    pending_note,
    queue_wait,
    service_attribute,
    service_type,
    sms_contact,
)

__all__ = ["agent", "call", "call_event", "callback", "case", "case_reporter", "collection", "floor", "knowledge",
           "open311_submission", "outbox", "pending_note", "queue_wait", "service_attribute", "service_type",
           "sms_contact"]
