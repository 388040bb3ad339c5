"""A callback the city promised a caller: written when promised, closed when kept or failed.

The router's queue entry for a callback lives in Redis, which may restart
empty; this row is the promise itself, so the sweep can put a callback Redis
forgot back in line (routing.recovery.restore_callbacks).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

#: promised: still owed; kept: the resident was connected to an agent; failed: every attempt went unanswered.
STATUSES = ("promised", "kept", "failed")


class CallbackPromise(Base):
    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    callback_id: Mapped[str] = mapped_column(String(64), unique=True)  # the routing id (the asking CallSid)
    number: Mapped[str] = mapped_column(String(20))  # E.164
    skill: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column()  # keeps the caller's place when restored
    status: Mapped[str] = mapped_column(String(12), default="promised", index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
