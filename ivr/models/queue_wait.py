"""One finished wait in an agent queue, copied from the router's Redis stream for history and reports.

Redis keeps only recent waits (a capped stream); SQL keeps them all.  Each row
carries the stream entry id it was copied from, unique, so a copy job that
runs twice (a retry, two workers sweeping) can never store a wait twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

OUTCOMES = ("answered", "abandoned", "overflowed", "failed")


class QueueWait(Base):
    __tablename__ = "queue_waits"
    __table_args__ = (
        UniqueConstraint("stream_id", name="uq_queue_wait_record"),
        Index("ix_queue_waits_queue_entered", "queue", "entered_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stream_id: Mapped[str] = mapped_column(String(32))  # the Redis stream entry id ("1767225600000-0")
    queue: Mapped[str] = mapped_column(String(64))  # "potholes-es"
    skill: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(12))  # call (on hold) or callback
    call_sid: Mapped[str] = mapped_column(String(64), index=True)  # the caller's CallSid (or callback id)
    priority: Mapped[int] = mapped_column(Integer)
    entered_at: Mapped[datetime] = mapped_column()
    announced_position: Mapped[int | None] = mapped_column(Integer)  # told at entry
    announced_wait_seconds: Mapped[float | None] = mapped_column(Float)  # told at entry (upper quantile)
    outcome: Mapped[str] = mapped_column(String(16))  # one of OUTCOMES
    ended_at: Mapped[datetime] = mapped_column()
    waited_seconds: Mapped[float] = mapped_column(Float)
    agent_login: Mapped[str] = mapped_column(String(64), default="")  # who answered ("" when nobody did)
