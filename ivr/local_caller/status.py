"""The final status callback Twilio posts when a call is over."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import format_datetime

UNANSWERED = frozenset({"busy", "no-answer", "failed", "canceled"})


def status_params(status: str, seconds: int, sequence: int = 0) -> dict[str, str]:
    """Call-progress parameters for the final event (Duration is in whole minutes)."""
    seconds = 0 if status in UNANSWERED else seconds
    return {
        "CallStatus": status,
        "CallDuration": str(seconds),
        "Duration": str(math.ceil(seconds / 60)),
        "Timestamp": format_datetime(datetime.now(UTC)),
        "CallbackSource": "call-progress-events",
        "SequenceNumber": str(sequence),
    }
