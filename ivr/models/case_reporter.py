"""Residents tied to a case: the one who filed it and everyone who reported it again.

A report of a problem that is already open is linked to the existing case
instead of opening a duplicate, so the case counts one more resident and each
of them can be told when it moves (a text, if they asked for one).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class CaseReporter(Base):
    __tablename__ = "case_reporters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # phone, web, sms, api
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    at: Mapped[datetime] = mapped_column()
    joined: Mapped[bool] = mapped_column(default=False)  # True: reported a case someone had already filed
    wants_updates: Mapped[bool] = mapped_column(default=False)  # a text when the case's status changes
    source_key: Mapped[str | None] = mapped_column(String(80), unique=True)  # the same report never joins twice


class CaseUpdateText(Base):
    """One text about one case update to one resident: the row makes sending it happen once."""

    __tablename__ = "case_update_texts"

    case_update_id: Mapped[int] = mapped_column(ForeignKey("case_updates.id", ondelete="CASCADE"), primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("case_reporters.id", ondelete="CASCADE"), primary_key=True)
    at: Mapped[datetime] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))  # "sent", "opted_out", "no_phone"
    message_sid: Mapped[str | None] = mapped_column(String(64))
