"""Service requests received through the Open311 API, kept so a retried POST never opens a second case.

A row ties the client (a fingerprint of its API key, never the key itself)
and its idempotency key to the case the first attempt opened, with a
fingerprint of what was sent so a reused key with different content is
refused instead of silently answered with the wrong case.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ivr.db import Base


class Open311Submission(Base):
    __tablename__ = "open311_submissions"
    __table_args__ = (
        UniqueConstraint("client", "idempotency_key", name="uq_open311_submission_once"),
        Index("ix_open311_submissions_recent", "client", "fingerprint", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(16))  # sha256 of the API key, shortened
    idempotency_key: Mapped[str] = mapped_column(String(128))  # the client's, or "auto:" + fingerprint + day
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the normalised submission
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column()
    account_id: Mapped[str] = mapped_column(String(100), default="")
    device_id: Mapped[str] = mapped_column(String(100), default="")
    address_id: Mapped[str] = mapped_column(String(100), default="")
