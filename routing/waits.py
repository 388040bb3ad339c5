"""Completed waits and rolling queue statistics, as recorded in Redis by the routing scripts.

Every wait that ends (answered, abandoned, overflowed, failed callback)
appends one record to a capped stream; a later job copies them to SQL,
remembering the last stream id it copied (`read_waits(after=...)`).  The
per-queue lists of recent handle times and outcomes feed the wait estimate
and the supervisor's view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from statistics import fmean, median

from routing.context import RoutingContext
from routing.scripts import text
from routing.snapshots import decode_hash


@dataclass(frozen=True)
class WaitRecord:
    id: str  # the stream entry id: copy jobs resume after the last one they stored
    sid: str
    kind: str
    skill: str
    language: str
    priority: int
    entered: float
    position: int | None  # announced at entry
    estimate: float | None  # announced at entry, upper-quantile seconds
    outcome: str  # answered | abandoned | overflowed | failed
    ended: float
    waited: float
    agent: str


def wait_from_fields(entry_id: str, fields: Mapping[str, str]) -> WaitRecord:
    return WaitRecord(
        id=entry_id, sid=fields["sid"], kind=fields["kind"], skill=fields["skill"], language=fields["language"],
        priority=int(fields["priority"]), entered=float(fields["entered"]),
        position=int(fields["position"]) if fields.get("position") else None,
        estimate=float(fields["estimate"]) if fields.get("estimate") else None, outcome=fields["outcome"],
        ended=float(fields["ended"]), waited=float(fields["waited"]), agent=fields.get("agent", ""),
    )


def read_waits(ctx: RoutingContext, after: str = "0-0", count: int = 500) -> list[WaitRecord]:
    """Records after stream id `after`, oldest first (for the job that copies them to SQL)."""
    entries = ctx.connection.xrange(ctx.keys.waits, f"({after}", "+", count=count)
    return [wait_from_fields(text(entry_id), decode_hash(fields)) for entry_id, fields in entries]


@dataclass(frozen=True)
class QueueStats:
    waiting: int
    staffed: int
    available: int
    mean_handle_time: float | None
    abandon_rate: float | None
    median_answered_wait: float | None


def queue_stats(ctx: RoutingContext, skill: str, language: str) -> QueueStats:
    """A queue now and lately, for supervisors and reports."""
    pipe = ctx.connection.pipeline(transaction=False)
    pipe.zcard(ctx.keys.queue(skill, language))
    pipe.scard(ctx.keys.staffed(language, skill))
    pipe.zcard(ctx.keys.pool(language, skill))
    pipe.lrange(ctx.keys.handle_times(skill, language), 0, -1)
    pipe.lrange(ctx.keys.outcomes(skill, language), 0, -1)
    waiting, staffed, available, handles, outcomes = pipe.execute()
    handle_times = [float(item) for item in handles]
    marks = [text(item).split() for item in outcomes]
    answered = [float(wait) for mark, wait in marks if mark == "A"]
    return QueueStats(
        waiting=int(waiting), staffed=int(staffed), available=int(available),
        mean_handle_time=fmean(handle_times) if handle_times else None,
        abandon_rate=(len(marks) - len(answered)) / len(marks) if marks else None,
        median_answered_wait=median(answered) if answered else None,
    )
