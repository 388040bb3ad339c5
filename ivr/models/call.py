"""One row per phone call, rebuilt from its events so retries and reordering cannot corrupt it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

#: How a call ended, from the city's point of view.
DISPOSITIONS = (
    "self_served", "answered_by_agent", "abandoned_in_queue", "hung_up_in_menu", "callback",
    "voicemail", "after_hours", "overflow", "not_connected", "in_progress",
)


class Call(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(34), unique=True)
    caller: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164; None when withheld
    caller_withheld: Mapped[bool] = mapped_column(default=False)
    called: Mapped[str] = mapped_column(String(32), default="")
    direction: Mapped[str] = mapped_column(String(20), default="inbound")
    language: Mapped[str | None] = mapped_column(String(8))
    #: a language the menus do not speak, asked for with "for other languages, press 3" (an interpreter joins)
    language_requested: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column(index=True)
    answered_at: Mapped[datetime | None] = mapped_column()  # by an agent
    ended_at: Mapped[datetime | None] = mapped_column()
    path: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # nodes visited, input, result, at
    answers: Mapped[list[str]] = mapped_column(JSON, default=list)  # self-service handlers that answered
    queue: Mapped[str | None] = mapped_column(String(40))
    queue_entered_at: Mapped[datetime | None] = mapped_column()
    queue_position: Mapped[int | None] = mapped_column(Integer)
    queue_estimate_seconds: Mapped[int | None] = mapped_column(Integer)
    queue_result: Mapped[str | None] = mapped_column(String(20))  # bridged, hangup, leave, queue-full, ...
    queue_seconds: Mapped[int | None] = mapped_column(Integer)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))  # the agent who answered first
    #: Every agent who handled the call, in order (logins): who answered, then each who took a transfer.
    agents: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    #: Every transfer: {"mode": warm|cold, "from": login, "to_kind": agent|queue|number, "to", "at", ...}.
    transfers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    talk_seconds: Mapped[int | None] = mapped_column(Integer)
    recording_url: Mapped[str | None] = mapped_column(String(500))
    disposition: Mapped[str] = mapped_column(String(24), default="in_progress", index=True)
    status: Mapped[str | None] = mapped_column(String(20))  # Twilio's final CallStatus
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # times something broke on our side
    wrap_up_code: Mapped[str | None] = mapped_column(String(32))  # the agent's disposition (routing config codes)
    #: the retention job removed the caller's number and what they keyed or said (see ivr/retention)
    details_removed: Mapped[bool] = mapped_column(default=False, server_default=false())
