"""What the city learns from its calls and cases: plain rows for CSV, JSON and the supervisor view.

Dates are bucketed in the city's time zone, so "calls on Monday" means Monday
where the residents live, not in UTC.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.service_type import ServiceType

Row = dict[str, Any]


def common_requests(session: Session, since: datetime, until: datetime, zone: ZoneInfo) -> list[Row]:
    """Cases per service type, most asked for first."""
    query = (select(ServiceType.code, ServiceType.name, func.count(Case.id))
             .join(Case.service_type).where(Case.opened_at >= since, Case.opened_at < until)
             .group_by(ServiceType.code, ServiceType.name).order_by(func.count(Case.id).desc(), ServiceType.code))
    return [{"service_code": code, "service_name": name, "cases": count}
            for code, name, count in session.execute(query)]


def requests_by_place(session: Session, since: datetime, until: datetime, zone: ZoneInfo) -> list[Row]:
    """Cases per ZIP code and service type, busiest first."""
    query = (select(Case.zip_code, ServiceType.code, func.count(Case.id)).join(Case.service_type)
             .where(Case.opened_at >= since, Case.opened_at < until)
             .group_by(Case.zip_code, ServiceType.code))
    rows = [{"zip": zip_code or "unknown", "service_code": code, "cases": count}
            for zip_code, code, count in session.execute(query)]
    return sorted(rows, key=lambda row: (-row["cases"], row["zip"], row["service_code"]))


def time_to_close(session: Session, since: datetime, until: datetime, zone: ZoneInfo) -> list[Row]:
    """Per service type: cases closed, median and 90th-percentile hours to close, share within the SLA."""
    query = (select(ServiceType.code, ServiceType.sla_hours, Case.opened_at, Case.closed_at)
             .join(Case.service_type)
             .where(Case.closed_at.is_not(None), Case.closed_at >= since, Case.closed_at < until))
    hours: dict[tuple[str, int], list[float]] = defaultdict(list)
    for code, sla, opened, closed in session.execute(query):
        hours[(code, sla)].append((closed - opened).total_seconds() / 3600)
    return [_closing_row(code, sla, values) for (code, sla), values in sorted(hours.items())]


def _closing_row(code: str, sla: int, hours: list[float]) -> Row:
    ordered = sorted(hours)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    within = sum(1 for value in ordered if value <= sla)
    return {"service_code": code, "sla_hours": sla, "closed": len(ordered),
            "median_hours": round(statistics.median(ordered), 1), "p90_hours": round(p90, 1),
            "within_sla_percent": round(100 * within / len(ordered), 1)}


def calls_by_disposition(session: Session, since: datetime, until: datetime, zone: ZoneInfo) -> list[Row]:
    """Calls per day (in the city's zone) and disposition."""
    query = select(Call.started_at, Call.disposition).where(Call.started_at >= since, Call.started_at < until)
    counts: Counter[tuple[date, str]] = Counter(
        (started.astimezone(zone).date(), disposition) for started, disposition in session.execute(query))
    return [{"day": day.isoformat(), "disposition": disposition, "calls": count}
            for (day, disposition), count in sorted(counts.items())]


REPORTS: dict[str, Callable[[Session, datetime, datetime, ZoneInfo], list[Row]]] = {
    "common-requests": common_requests,
    "requests-by-place": requests_by_place,
    "time-to-close": time_to_close,
    "calls-by-disposition": calls_by_disposition,
}


def run_report(session: Session, name: str, first_day: date, day_after: date, zone: ZoneInfo) -> list[Row]:
    """A report over whole days in the city's zone, from midnight of `first_day` to midnight of `day_after`."""
    if day_after <= first_day:
        raise ValueError("the period must end after it starts")
    since, until = (datetime.combine(day, datetime.min.time(), tzinfo=zone) for day in (first_day, day_after))
    return REPORTS[name](session, since, until, zone)
