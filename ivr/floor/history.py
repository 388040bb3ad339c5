"""Read finished waits (queue_waits) and handled calls (calls) from SQL into the plain figures' inputs.

Times are aware UTC datetimes.  Intervals are aligned to `minutes` past the hour in
UTC.  Handle time comes from call_handlings: answer to the end of wrap-up, that is
talk + hold + wrap-up (a call on hold is still a call, so hold sits inside the
answer-to-hang-up part).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models.floor import CallHandling
from ivr.models.queue_wait import QueueWait
from routing.forecast import IntervalVolume
from routing.metrics import Figures, Handling, Wait, figures

INTERVAL_MINUTES = (15, 30, 60)


def interval_start(moment: datetime, minutes: int) -> datetime:
    """The start of the `minutes`-long interval holding `moment`."""
    floored = moment.minute - moment.minute % minutes
    return moment.replace(minute=floored, second=0, microsecond=0)


def waits_by_interval(session: Session, since: datetime, until: datetime, minutes: int,
                      queue: str | None = None) -> dict[datetime, list[Wait]]:
    """Finished waits grouped by the interval in which the caller entered the queue."""
    query = select(QueueWait).where(QueueWait.entered_at >= since, QueueWait.entered_at < until)
    if queue is not None:
        query = query.where(QueueWait.queue == queue)
    grouped: dict[datetime, list[Wait]] = defaultdict(list)
    for row in session.scalars(query):
        grouped[interval_start(row.entered_at, minutes)].append(Wait(row.outcome, row.waited_seconds))
    return dict(grouped)


def handlings_by_interval(session: Session, since: datetime, until: datetime, minutes: int,
                          queue: str | None = None) -> dict[datetime, list[Handling]]:
    """Calls an agent handled (wrap-up over), grouped by the interval in which they were answered."""
    query = select(CallHandling).where(CallHandling.answered_at >= since, CallHandling.answered_at < until)
    if queue is not None:
        query = query.where(CallHandling.queue == queue)
    grouped: dict[datetime, list[Handling]] = defaultdict(list)
    for row in session.scalars(query):
        grouped[interval_start(row.answered_at, minutes)].append(
            Handling(talk_seconds=row.talk_hold_seconds, wrap_seconds=row.wrap_seconds))
    return dict(grouped)


def interval_figures(session: Session, since: datetime, until: datetime, minutes: int, threshold: float,
                     short_abandon: float, queue: str | None = None) -> list[tuple[datetime, Figures]]:
    """Every interval from `since` to `until` with its figures (intervals without calls included)."""
    waits = waits_by_interval(session, since, until, minutes, queue)
    handlings = handlings_by_interval(session, since, until, minutes, queue)
    rows, start = [], interval_start(since, minutes)
    while start < until:
        rows.append((start, figures(waits.get(start, []), threshold, short_abandon, handlings.get(start, []))))
        start += timedelta(minutes=minutes)
    return rows


def volumes(session: Session, since: datetime, until: datetime, minutes: int,
            short_abandon: float) -> list[IntervalVolume]:
    """Offered calls (short abandons left out) and handle time per interval, the forecast's history."""
    waits = waits_by_interval(session, since, until, minutes)
    handlings = handlings_by_interval(session, since, until, minutes)
    rows = []
    for start in sorted(set(waits) | set(handlings)):
        handled = handlings.get(start, [])
        handle = sum(h.total for h in handled) / len(handled) if handled else 0.0
        offered = figures(waits.get(start, []), short_abandon=short_abandon).offered
        rows.append(IntervalVolume(start, float(offered), handle))
    return rows
