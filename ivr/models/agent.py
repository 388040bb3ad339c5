"""An agent's profile. Live state (available, on a call, ...) lives in Redis, not here."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)  # also the Twilio client identity
    name: Mapped[str] = mapped_column(String(120))
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # skill -> proficiency 1-10
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
