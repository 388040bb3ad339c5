"""An agent's note saved before its call's case exists: kept here until the case opens, never dropped.

A note written early in a long call cannot be filed yet (the case is opened when the call ends, or
when the agent files one).  Rather than retry for a while and give up, the note job keeps it in this
table; whoever opens the call's case, and the sweep, file the pending notes and stamp them filed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class PendingNote(Base):
    __tablename__ = "pending_notes"
    __table_args__ = (UniqueConstraint("call_sid", "agent_login", "written_at", name="uq_pending_note"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64))
    agent_login: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column()
    filed_at: Mapped[datetime | None] = mapped_column(index=True)
