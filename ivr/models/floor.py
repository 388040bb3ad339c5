"""The supervisor's floor in SQL: handled calls (for talk + hold + wrap-up) and the audit of supervisors' controls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class CallHandling(Base):
    """One call an agent handled, from answer to the end of its wrap-up, copied from routing's handles stream.

    Handle time = wrap-up end − answer, which is talk + hold + wrap-up.  The stream id is unique, so
    a copy that runs twice never stores a call twice.
    """

    __tablename__ = "call_handlings"
    __table_args__ = (UniqueConstraint("stream_id", name="uq_call_handling_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stream_id: Mapped[str] = mapped_column(String(32))
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    queue: Mapped[str] = mapped_column(String(64))  # "potholes-es"
    agent_login: Mapped[str] = mapped_column(String(64))
    answered_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime] = mapped_column()  # when the wrap-up ended
    handle_seconds: Mapped[float] = mapped_column(Float)  # talk_hold_seconds + wrap_seconds
    talk_hold_seconds: Mapped[float] = mapped_column(Float)  # answer to hang-up (hold is inside the call)
    wrap_seconds: Mapped[float] = mapped_column(Float)  # hang-up to the end of wrap-up


class SupervisorAction(Base):
    """One use of a supervisor's control: who, when, what, on what, and why."""

    __tablename__ = "supervisor_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    login: Mapped[str] = mapped_column(String(64))  # the supervisor
    action: Mapped[str] = mapped_column(String(32))  # agent_state, priority, move, broadcast, closure, ...
    target: Mapped[str] = mapped_column(String(120), default="")  # an agent, a call, a queue, 'all'
    detail: Mapped[str] = mapped_column(String(500), default="")  # the new state, the message, ...
    reason: Mapped[str] = mapped_column(String(300), default="")
