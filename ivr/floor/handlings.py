"""Copy handled calls (answer to wrap-up end) from routing's Redis stream to `call_handlings`, each once.

The state script appends a record when an agent leaves wrap-up; this copy runs in
the routing sweep beside the copy of waits, under its own lock and cursor, and
skips records already stored (unique stream id) so a rerun after a crash is harmless.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr import db
from ivr.models.floor import CallHandling
from routing.router import Router
from routing.scripts import text
from routing.snapshots import decode_hash

BATCH = 500


def copy_handlings(router: Router, sessions: sessionmaker[Session], batch: int = BATCH) -> int:
    """Rows added; 0 when another sweep holds the copy."""
    redis, keys = router.ctx.connection, router.ctx.keys
    lock = redis.lock(keys.prefix + "handles:copying", timeout=60, blocking=False)
    if not lock.acquire():
        return 0
    try:
        cursor = keys.prefix + "handles:copied"
        after, added = text(redis.get(cursor)) or "0-0", 0
        while entries := redis.xrange(keys.handles, f"({after}", "+", count=batch):
            added += _store(sessions, [(text(entry_id), decode_hash(fields)) for entry_id, fields in entries])
            after = text(entries[-1][0])
            redis.set(cursor, after)
            if len(entries) < batch:
                break
        return added
    finally:
        lock.release()


def _store(sessions: sessionmaker[Session], records: list[tuple[str, dict[str, str]]]) -> int:
    with db.unit_of_work(sessions) as session:
        ids = [entry_id for entry_id, _ in records]
        stored = set(session.scalars(select(CallHandling.stream_id).where(CallHandling.stream_id.in_(ids))))
        fresh = [_row(entry_id, fields) for entry_id, fields in records if entry_id not in stored]
        session.add_all(fresh)
    return len(fresh)


def _row(entry_id: str, fields: dict[str, str]) -> CallHandling:
    answered, ended = float(fields["answered"]), float(fields["ended"])
    call_ended = min(max(float(fields.get("call_ended") or ended), answered), ended)
    skill, _, language = fields.get("queue", "").partition(":")
    return CallHandling(
        stream_id=entry_id, call_sid=fields.get("sid", ""), queue=f"{skill}-{language}",
        agent_login=fields.get("agent", ""), answered_at=datetime.fromtimestamp(answered, UTC),
        ended_at=datetime.fromtimestamp(ended, UTC), handle_seconds=max(0.0, ended - answered),
        talk_hold_seconds=call_ended - answered, wrap_seconds=ended - call_ended,
    )
