"""Extra questions a service asks (Open311 "attributes") and the answers a case was opened with.

Most services need only a place and a description; some need more ("how big
is the pothole?").  Each question is a row so a city can add one without a
code change, and the answers stay next to the case they describe.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base

#: The Open311 GeoReport v2 datatypes, in the spec's words.
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class ServiceAttribute(Base):
    __tablename__ = "service_attributes"
    __table_args__ = (UniqueConstraint("service_type_id", "code", name="uq_service_attribute_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_type_id: Mapped[int] = mapped_column(ForeignKey("service_types.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=1)  # Open311 "order": 1 is asked first
    datatype: Mapped[str] = mapped_column(String(16), default="string")
    variable: Mapped[bool] = mapped_column(Boolean, default=True)  # False: information shown, never asked
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")  # the question, as residents read it
    datatype_description: Mapped[str] = mapped_column(Text, default="")
    values: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"key": ..., "name": ...}]


class CaseAttribute(Base):
    """One answer: a string, or a list of keys for a multivaluelist."""

    __tablename__ = "case_attributes"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
