"""A number that has texted 3-1-1: the language it chose and whether it opted out (STOP) of texts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class SmsContact(Base):
    __tablename__ = "sms_contacts"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)  # E.164
    language: Mapped[str] = mapped_column(String(8), default="")  # "" until chosen or detected
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # STOP: never text it
    updated_at: Mapped[datetime] = mapped_column()
