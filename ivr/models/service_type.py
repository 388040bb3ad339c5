"""What residents can ask for: the city's catalogue of services (Open311 "services")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class ServiceType(Base):
    __tablename__ = "service_types"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # "potholes"; also the routing skill
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str] = mapped_column(String(120), default="")
    group: Mapped[str] = mapped_column("service_group", String(80), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    sla_hours: Mapped[int] = mapped_column(Integer, default=72)  # expected time to resolve
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    phone_reportable: Mapped[bool] = mapped_column(Boolean, default=False)  # the IVR files it with no agent

    @property
    def sla(self) -> timedelta:
        return timedelta(hours=self.sla_hours)
