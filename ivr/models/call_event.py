"""What happened on a call, one row per event, exactly once.

Webhooks hand events to background jobs; a job inserts the row keyed by
(call_sid, kind, sequence), so a Twilio retry or a re-run job can never write
the same event twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class CallEvent(Base):
    __tablename__ = "call_events"
    __table_args__ = (UniqueConstraint("call_sid", "kind", "sequence", name="uq_call_event_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(34), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # started, turn, failed, status
    sequence: Mapped[str] = mapped_column(String(64))  # orders and de-duplicates a call's events
    occurred_at: Mapped[datetime] = mapped_column()
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
