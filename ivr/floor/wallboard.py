"""The supervisor's wallboard: every live figure per queue and for the whole floor, with its thresholds and alerts.

Live counts (waiting, longest wait, agents) come from routing's Redis state
(`routing.floor`); today's figures (offered, answered, abandoned, service level,
ASA, 90th percentile, AHT) from the finished waits and handled calls in SQL,
which the routing sweep copies every couple of seconds.  "Today" is the city's
day.  Each queue is judged against its own service-level threshold and target
from the routing file; the floor's service level counts each call against its
own queue's threshold.  Alerts are data (a code and numbers), so the page words
them in the supervisor's language.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ivr.conference.supervision import with_supervisors
from ivr.floor import notices
from ivr.models.floor import CallHandling
from ivr.models.queue_wait import QueueWait
from routing.calls import split_queue_name
from routing.floor import LiveFloor, LiveQueue, live_floor
from routing.metrics import DEFINITIONS, Figures, Handling, Wait, figures
from routing.router import Router

#: The service-level variant the wallboard shows large; the other is shown beside it.
SHOWN_SERVICE_LEVEL = "service_level"

LIVE_DEFINITIONS: dict[str, str] = {
    "waiting": "callers on hold now, counting callers ringing at an agent (offered)",
    "offered_now": "callers ringing at an agent now (still waiting)",
    "longest_wait_seconds": "the longest current wait of a caller on hold",
    "callbacks_pending": "callbacks in line or scheduled for another attempt",
    "occupancy_now": "agents on a call or in wrap-up / agents signed in and not on a break, now",
    "staffed": "agents with the queue's skill and language, signed in and not on a break",
    "available": "of those, free and not ringing",
}


def day_start(now: float, zone: tzinfo) -> datetime:
    """The start of the city's day holding `now`, in UTC."""
    local = datetime.fromtimestamp(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return local.astimezone(UTC)


def wallboard(router: Router, sessions: sessionmaker[Session], zone: tzinfo,
              now: float | None = None) -> dict[str, Any]:
    now = router.ctx.now(now)
    config = router.ctx.config
    live = live_floor(router.ctx, now)
    since = day_start(now, zone)
    with sessions() as session:
        waits, handlings = _today(session, since)
    short_abandon = config.estimates.short_abandon
    queues, all_waits, all_handlings = [], [], []
    within = late = 0
    for name, line in live.queues.items():
        skill = split_queue_name(name)[0]
        level = config.queues[skill].service_level
        queue_waits, queue_handlings = waits.get(name, []), handlings.get(name, [])
        today = figures(queue_waits, level.threshold, short_abandon, queue_handlings)
        counted = _service_counts(queue_waits, level.threshold, short_abandon)
        within, late = within + counted[0], late + counted[1]
        all_waits += queue_waits
        all_handlings += queue_handlings
        queues.append(_queue_row(line, today, level.threshold, level.target, level.longest_wait_alert))
    floor_today = figures(all_waits, short_abandon=short_abandon, handlings=all_handlings)
    answered = floor_today.answered
    floor = {
        **floor_today.as_dict(),
        "service_level": within / answered if answered else None,
        "service_level_with_abandons": within / (answered + late) if answered + late else None,
        **_live_totals(live),
    }
    alerts = [alert for row in queues for alert in row.pop("alerts")]
    return {
        "generated_at": datetime.fromtimestamp(now, UTC).isoformat(), "since": since.isoformat(),
        "shown_service_level": SHOWN_SERVICE_LEVEL, "short_abandon_seconds": short_abandon,
        "floor": floor, "queues": queues,
        "agents": with_supervisors(router.ctx.connection, [asdict(agent) for agent in live.agents]),
        "callers": [asdict(caller) for caller in live.callers], "alerts": alerts,
        "notices": _notices(router),
        "definitions": {**DEFINITIONS, **LIVE_DEFINITIONS},
    }


def _notices(router: Router) -> dict[str, Any]:
    redis, prefix = router.ctx.connection, router.ctx.prefix
    broadcast, closure = notices.current_broadcast(redis, prefix), notices.current_closure(redis, prefix)
    return {"broadcast": asdict(broadcast) if broadcast else None, "closure": asdict(closure) if closure else None}


def _today(session: Session, since: datetime) -> tuple[dict[str, list[Wait]], dict[str, list[Handling]]]:
    waits: dict[str, list[Wait]] = defaultdict(list)
    for row in session.scalars(select(QueueWait).where(QueueWait.entered_at >= since, QueueWait.kind == "call")):
        waits[row.queue].append(Wait(row.outcome, row.waited_seconds))
    handlings: dict[str, list[Handling]] = defaultdict(list)
    for handled in session.scalars(select(CallHandling).where(CallHandling.answered_at >= since)):
        handlings[handled.queue].append(Handling(talk_seconds=handled.talk_hold_seconds,
                                                 wrap_seconds=handled.wrap_seconds))
    return waits, handlings


def _service_counts(waits: list[Wait], threshold: float, short_abandon: float) -> tuple[int, int]:
    """(answered within the threshold, abandoned after it), as routing.metrics.figures counts them."""
    within = sum(1 for w in waits if w.outcome == "answered" and w.waited_seconds <= threshold)
    late = sum(1 for w in waits if w.outcome == "abandoned" and w.waited_seconds >= short_abandon
               and w.waited_seconds > threshold)
    return within, late


def _queue_row(line: LiveQueue, today: Figures, threshold: int, target: float, wait_alert: int) -> dict[str, Any]:
    shown = getattr(today, SHOWN_SERVICE_LEVEL)
    longest = line.longest_wait_seconds
    status = {
        "service_level": "none" if shown is None else ("alert" if shown < target else "ok"),
        "longest_wait_seconds": "none" if longest is None else (
            "alert" if longest > wait_alert else "warn" if longest > threshold else "ok"),
        "waiting": "alert" if line.waiting and not line.staffed else "ok",
    }
    alerts = []
    if status["service_level"] == "alert":
        alerts.append({"code": "service_level_below_target", "queue": line.queue, "value": shown, "limit": target})
    if status["longest_wait_seconds"] == "alert":
        alerts.append({"code": "longest_wait_over", "queue": line.queue, "value": longest, "limit": wait_alert})
    if status["waiting"] == "alert":
        alerts.append({"code": "waiting_without_agents", "queue": line.queue, "value": line.waiting, "limit": 0})
    return {
        "queue": line.queue, "threshold_seconds": threshold, "target": target, "longest_wait_alert_seconds": wait_alert,
        "waiting": line.waiting, "offered_now": line.offered, "longest_wait_seconds": longest,
        "callbacks_pending": line.callbacks_pending, "staffed": line.staffed, "available": line.available,
        **today.as_dict(), "status": status, "alerts": alerts,
    }


def _live_totals(live: LiveFloor) -> dict[str, Any]:
    lines = list(live.queues.values())
    longest = [line.longest_wait_seconds for line in lines if line.longest_wait_seconds is not None]
    working = [agent for agent in live.agents if agent.state not in ("offline", "break")]
    busy = [agent for agent in working if agent.state in ("on_call", "wrap_up")]
    return {
        "waiting": sum(line.waiting for line in lines), "offered_now": sum(line.offered for line in lines),
        "longest_wait_seconds": max(longest) if longest else None,
        "callbacks_pending": sum(line.callbacks_pending for line in lines),
        "occupancy_now": len(busy) / len(working) if working else None,
        "agents_by_state": _count_states(live),
    }


def _count_states(live: LiveFloor) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for agent in live.agents:
        counts[agent.state] += 1
    return dict(counts)
