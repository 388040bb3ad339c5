"""The series the supervisor's charts draw, from SQL, each with the words that define it.

Per interval: offered, answered, abandoned, service level, ASA and AHT (the
rows of `ivr.floor.history`); the distribution of waits (answered and
abandoned, in fixed buckets); calls the IVR served on its own against calls
that needed an agent; and the most common request types by channel.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.floor.history import interval_figures
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.queue_wait import QueueWait
from ivr.models.service_type import ServiceType

#: Upper bounds (seconds) of the wait buckets; the last bucket is everything longer.
WAIT_BUCKETS = (10, 20, 30, 60, 120, 300)
#: Dispositions of calls that went to an agent queue (answered, given up, called back or overflowed there).
NEEDED_AGENT = frozenset({"answered_by_agent", "abandoned_in_queue", "callback", "overflow"})
TOP_REQUESTS = 10

CHART_DEFINITIONS: dict[str, str] = {
    "intervals": "per interval (UTC-aligned): offered, answered, abandoned, service level, ASA, AHT as in metrics",
    "wait_distribution": "finished waits (short abandons included) by how long the caller waited, answered or not",
    "self_service": "self_served: the IVR answered and the caller needed no one; needed_agent: the call went to an "
                    "agent queue (answered, abandoned there, called back or overflowed); other: hung up in the menu, "
                    "voicemail, after hours, not connected",
    "top_requests": "cases opened in the period per service type, by the channel they came in on",
}


def bucket_labels() -> list[str]:
    lows = (0, *WAIT_BUCKETS)
    return [f"{low}-{high} s" for low, high in zip(lows, WAIT_BUCKETS, strict=False)] + [f"{WAIT_BUCKETS[-1]}+ s"]


def _bucket(seconds: float) -> int:
    return next((index for index, bound in enumerate(WAIT_BUCKETS) if seconds < bound), len(WAIT_BUCKETS))


def chart_series(session: Session, since: datetime, until: datetime, minutes: int, threshold: float,
                 short_abandon: float) -> dict[str, Any]:
    rows = interval_figures(session, since, until, minutes, threshold, short_abandon)
    intervals = {"start": [start.isoformat() for start, _ in rows]}
    for name in ("offered", "answered", "abandoned", "service_level", "service_level_with_abandons",
                 "asa_seconds", "aht_seconds"):
        intervals[name] = [getattr(figures, name) for _, figures in rows]
    return {"intervals": intervals, "wait_distribution": _waits(session, since, until),
            "self_service": _self_service(session, since, until),
            "top_requests": _top_requests(session, since, until)}


def _waits(session: Session, since: datetime, until: datetime) -> dict[str, list[Any]]:
    answered, abandoned = [0] * (len(WAIT_BUCKETS) + 1), [0] * (len(WAIT_BUCKETS) + 1)
    query = select(QueueWait.outcome, QueueWait.waited_seconds).where(
        QueueWait.entered_at >= since, QueueWait.entered_at < until, QueueWait.kind == "call")
    for outcome, seconds in session.execute(query):
        if outcome == "answered":
            answered[_bucket(seconds)] += 1
        elif outcome == "abandoned":
            abandoned[_bucket(seconds)] += 1
    return {"buckets": bucket_labels(), "answered": answered, "abandoned": abandoned}


def _self_service(session: Session, since: datetime, until: datetime) -> dict[str, int]:
    query = select(Call.disposition, func.count(Call.id)).where(
        Call.started_at >= since, Call.started_at < until, Call.disposition != "in_progress").group_by(Call.disposition)
    counts: Counter[str] = Counter()
    for disposition, count in session.execute(query):
        kind = "self_served" if disposition == "self_served" else (
            "needed_agent" if disposition in NEEDED_AGENT else "other")
        counts[kind] += count
    return {kind: counts.get(kind, 0) for kind in ("self_served", "needed_agent", "other")}


def _top_requests(session: Session, since: datetime, until: datetime) -> list[dict[str, Any]]:
    query = (select(ServiceType.code, ServiceType.name, Case.channel, func.count(Case.id)).join(Case.service_type)
             .where(Case.opened_at >= since, Case.opened_at < until)
             .group_by(ServiceType.code, ServiceType.name, Case.channel))
    by_type: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for code, name, channel, count in session.execute(query):
        by_type[(code, name)][channel] = count
    ranked = sorted(by_type.items(), key=lambda item: (-sum(item[1].values()), item[0][0]))[:TOP_REQUESTS]
    return [{"service_code": code, "service_name": name, "cases": sum(channels.values()), "channels": channels}
            for (code, name), channels in ranked]
