"""The audit of supervisors' controls: one row per use, written in the same unit of work as nothing else.

A control acts first (Redis), then records what it did; a control refused
(the caller hung up meanwhile) is not recorded, because nothing happened.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.models.floor import SupervisorAction


def record(sessions: sessionmaker[Session], login: str, action: str, target: str, detail: str = "",
           reason: str = "") -> None:
    with db.unit_of_work(sessions) as session:
        session.add(SupervisorAction(at=datetime.now(UTC), login=login, action=action, target=target[:120],
                                     detail=detail[:500], reason=" ".join(reason.split())[:300]))


def recent(sessions: sessionmaker[Session], limit: int = 200) -> list[dict[str, Any]]:
    with sessions() as session:
        rows = session.scalars(select(SupervisorAction).order_by(SupervisorAction.at.desc(),
                                                                  SupervisorAction.id.desc()).limit(limit))
        return [{"at": row.at.isoformat(), "login": row.login, "action": row.action, "target": row.target,
                 "detail": row.detail, "reason": row.reason} for row in rows]
