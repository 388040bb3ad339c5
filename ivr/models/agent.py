"""An agent's account and profile. Live state (available, on a call, ...) lives in Redis, not here.

Every person on the agents' side has a row: call-takers, supervisors and
admins alike.  The password is kept only as an argon2 hash; `session_version`
grows whenever the password changes or the account is disabled, which ends
every session signed with the old value.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

ROLES = ("agent", "supervisor", "admin")


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)  # also the Twilio client identity
    name: Mapped[str] = mapped_column(String(120))
    skills: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # skill -> proficiency 1-10
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(16), default="agent")  # one of ROLES
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)  # None: cannot log in yet
    session_version: Mapped[int] = mapped_column(Integer, default=0)
