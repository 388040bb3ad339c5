"""A service request: what a resident needs, where, and how it moves to resolution."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ivr.db import Base
from ivr.models.agent import Agent
from ivr.models.call import Call
from ivr.models.service_type import ServiceType

STATUSES = ("open", "in_progress", "closed")
CHANNELS = ("phone", "web", "sms", "api")

case_calls = Table(
    "case_calls", Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("call_id", ForeignKey("calls.id", ondelete="CASCADE"), primary_key=True),
)
case_agents = Table(
    "case_agents", Base.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("agent_id", ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True),
)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # digits with a check digit
    service_type_id: Mapped[int] = mapped_column(ForeignKey("service_types.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    zip_code: Mapped[str] = mapped_column(String(10), default="", index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)
    channel: Mapped[str] = mapped_column(String(8), default="phone")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    media_url: Mapped[str | None] = mapped_column(String(500))  # a voice message or a photo
    resolution: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    expected_by: Mapped[datetime] = mapped_column()  # opened + the service's SLA
    source_key: Mapped[str | None] = mapped_column(String(80), unique=True)  # de-duplicates creation

    service_type: Mapped[ServiceType] = relationship(lazy="joined")
    calls: Mapped[list[Call]] = relationship(secondary=case_calls)
    agents: Mapped[list[Agent]] = relationship(secondary=case_agents)
    updates: Mapped[list[CaseUpdate]] = relationship(
        back_populates="case", order_by="CaseUpdate.at", cascade="all, delete-orphan")


class CaseUpdate(Base):
    """One step of a case's life: a status change or a note, by whom and when."""

    __tablename__ = "case_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(12))  # the status after this update
    note: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=True)  # shown to residents (else an agent note)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))

    case: Mapped[Case] = relationship(back_populates="updates")
