"""Changes that could not reach Redis, kept in SQL until the sweep applies them.

When Redis is unreachable a webhook cannot tell the router that a call ended,
and a worker writing through the in-request fallback cannot number a case.
Each such change becomes one row here (unique per kind and subject, so a retried
webhook keeps it once); the sweep replays the rows when Redis answers again
and stamps them applied.  Every replay is idempotent.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

#: call_over: the call ended (abandon or complete it in the router); open_cases: number and open the
#: call's cases; overflow_message: an overflow message to file as a case.
KINDS = ("call_over", "open_cases", "overflow_message")


class OutboxEntry(Base):
    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("kind", "subject", name="uq_outbox_change"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # one of KINDS
    subject: Mapped[str] = mapped_column(String(64))  # the CallSid it is about
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column()
    applied_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
