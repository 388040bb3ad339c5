"""The supervisor's chart data, and Chart.js itself served from node_modules (a declared npm dependency).

The library is never copied into the repository: `npm ci` installs it and this
route serves the installed file; without it the page shows its tables only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, send_from_directory
from flask.typing import ResponseReturnValue

from agents.auth import SUPERVISOR, require_role
from agents.supervisor.exports import PERIODS, _period
from ivr.floor.charts import CHART_DEFINITIONS, chart_series
from ivr.floor.history import INTERVAL_MINUTES
from routing.metrics import DEFAULT_THRESHOLD_SECONDS, DEFINITIONS

bp = Blueprint("supervisor_charts", __name__, url_prefix="/agents")

CHART_JS = Path(__file__).resolve().parents[2] / "node_modules" / "chart.js" / "dist"


@bp.get("/vendor/chart.umd.min.js")
@require_role(SUPERVISOR)
def chart_js() -> ResponseReturnValue:
    if not (CHART_JS / "chart.umd.min.js").is_file():
        abort(404)
    return send_from_directory(CHART_JS, "chart.umd.min.js", mimetype="text/javascript", max_age=3600)


@bp.get("/api/floor/charts")
@require_role(SUPERVISOR)
def charts() -> ResponseReturnValue:
    """?period=today|yesterday|7d|28d&minutes=15|30|60: every chart's series, with definitions."""
    period, minutes = request.args.get("period", "today"), request.args.get("minutes", "30")
    if period not in PERIODS or not minutes.isdigit() or int(minutes) not in INTERVAL_MINUTES:
        return jsonify(error="period is today, yesterday, 7d or 28d; minutes 15, 30 or 60"), 400
    services = current_app.extensions["cityline"]
    since, until = _period(period, services.settings.office_hours.zone)
    until = min(until, datetime.now(UTC))  # today's chart ends with the current interval, not at midnight
    short_abandon = services.router.ctx.config.estimates.short_abandon
    with services.sessions() as session:
        series = chart_series(session, since, until, int(minutes), DEFAULT_THRESHOLD_SECONDS, short_abandon)
    return jsonify(period=period, minutes=int(minutes), since=since.isoformat(), until=until.isoformat(),
                   threshold_seconds=DEFAULT_THRESHOLD_SECONDS, short_abandon_seconds=short_abandon,
                   definitions={**DEFINITIONS, **CHART_DEFINITIONS}, **series)
