"""Interval history for the supervisor as JSON or CSV, each carrying the figures' definitions."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, tzinfo

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from agents.auth import SUPERVISOR, require_role
from ivr.floor.history import INTERVAL_MINUTES, interval_figures
from routing.calls import split_queue_name
from routing.metrics import DEFAULT_THRESHOLD_SECONDS, DEFINITIONS

bp = Blueprint("supervisor_exports", __name__, url_prefix="/agents")

PERIODS = {"today": (0, 1), "yesterday": (1, 0), "7d": (6, 1), "28d": (27, 1)}  # days back, days after today


def _period(name: str, zone: tzinfo = UTC) -> tuple[datetime, datetime]:
    """The period's first and last moment (UTC), in whole days of the city (`zone`): a supervisor's 'today'."""
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    back, after = PERIODS[name]
    return ((today - timedelta(days=back)).astimezone(UTC), (today + timedelta(days=after)).astimezone(UTC))


@bp.get("/api/floor/intervals")
@require_role(SUPERVISOR)
def intervals() -> ResponseReturnValue:
    """Per-interval figures: ?period=today|yesterday|7d|28d&minutes=15|30|60&queue=potholes-en&format=json|csv."""
    period, minutes = request.args.get("period", "today"), request.args.get("minutes", "30")
    output = request.args.get("format", "json")
    if period not in PERIODS or not minutes.isdigit() or int(minutes) not in INTERVAL_MINUTES or \
            output not in ("json", "csv"):
        return jsonify(error="period is today, yesterday, 7d or 28d; minutes 15, 30 or 60; format json or csv"), 400
    since, until = _period(period, current_app.extensions["cityline"].settings.office_hours.zone)
    queue = request.args.get("queue") or None
    config = current_app.extensions["cityline"].router.ctx.config
    threshold, short_abandon = float(DEFAULT_THRESHOLD_SECONDS), config.estimates.short_abandon
    if queue is not None:
        skill, language = split_queue_name(queue)
        if skill not in config.queues or language not in config.languages:
            return jsonify(error="queue must be one of the floor's queues, like potholes-en"), 400
        threshold = float(config.queues[skill].service_level.threshold)
    with current_app.extensions["cityline"].sessions() as session:
        rows = [{"start": start.isoformat(), **figures.as_dict()} for start, figures in interval_figures(
            session, since, until, int(minutes), threshold, short_abandon, queue)]
    meta = {"period": period, "minutes": int(minutes), "queue": queue or "all", "threshold_seconds": threshold,
            "short_abandon_seconds": short_abandon}
    if output == "json":
        return jsonify(**meta, definitions=DEFINITIONS, rows=rows)
    return Response(_csv(meta, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=intervals-{period}.csv"})


def _csv(meta: dict[str, object], rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    for name, value in meta.items():
        buffer.write(f"# {name}: {value}\n")
    for name, meaning in DEFINITIONS.items():
        buffer.write(f"# {name}: {meaning}\n")
    writer = csv.DictWriter(buffer, fieldnames=["start", *DEFINITIONS])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
