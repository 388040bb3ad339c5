"""The supervisor's view: live statistics per queue and agent, and the city reports, as a page and JSON.

Every figure comes from the router's state in Redis or the call records in SQL,
so any web process can serve any supervisor.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Blueprint, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from agents.auth import SUPERVISOR, require_role
from agents.push import events_http, streams
from flows.numbers import whole_number
from ivr.floor.wallboard import wallboard as build_wallboard
from ivr.reports import REPORTS, run_report
from routing.floor import live_floor

bp = Blueprint("supervisor", __name__, url_prefix="/agents", template_folder="templates",
               static_folder="static", static_url_path="/static/supervisor")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.get("/supervisor")
@require_role(SUPERVISOR)
def supervisor() -> ResponseReturnValue:
    # Times on the floor are the city's, wherever the supervisor's browser is.
    zone = current_app.extensions["cityline"].settings.office_hours.zone
    # The supervisor's softphone (listen, whisper, barge) is the agents' one, on the same client identity scheme.
    return render_template("supervisor.html", city_time_zone=getattr(zone, "key", "UTC"),
                           voice_sdk_url=current_app.extensions["cityline"].settings.voice_sdk_url,
                           message_languages=_language_names(_services().router.ctx.config.languages))


#: The languages the supervisor's page is offered in (supervisor-i18n.js).
PAGE_LANGUAGES = ("en", "es")


def _language_names(languages: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """Each caller language of the center with its name in each language of the page, from CLDR
    ("zh-CN" -> "Chinese (China)" / "chino (China)"); a code CLDR does not know is shown as it is."""
    named = []
    for code in languages:
        try:
            locale = Locale.parse(code, sep="-")
            names = {page: locale.get_display_name(page) or code for page in PAGE_LANGUAGES}
        except (ValueError, UnknownLocaleError):
            names = dict.fromkeys(PAGE_LANGUAGES, code)
        named.append((code, names))
    return named


@bp.get("/api/queues")
@require_role(SUPERVISOR)
def queues() -> ResponseReturnValue:
    """Live statistics per queue, for supervisors: a caller ringing at an agent still counts as waiting."""
    router = _services().router
    live = live_floor(router.ctx, router.ctx.now())
    rows: list[dict[str, Any]] = []
    for skill in router.ctx.config.skills:
        for language in router.ctx.config.languages:
            stats = asdict(router.queue_stats(skill, language))
            line = live.queues[f"{skill}-{language}"]
            stats.update(waiting=line.waiting, offered=line.offered, available=line.available)
            rows.append({"queue": f"{skill}-{language}", **stats})
    agents = [{"login": a.login, "name": a.name, "state": a.state, "reason": a.reason,
               "since": router.ctx.now() - a.seconds_in_state, "call": a.call, "calls_today": a.calls_today}
              for a in live.agents]
    return jsonify(queues=rows, agents=agents)


@bp.get("/api/floor/wallboard")
@require_role(SUPERVISOR)
def wallboard() -> ResponseReturnValue:
    """Every wallboard figure now, with definitions; the page loads this, then follows /api/floor/events."""
    services = _services()
    return jsonify(build_wallboard(services.router, services.sessions, services.settings.office_hours.zone))


@bp.get("/api/floor/events")
@require_role(SUPERVISOR)
def events() -> ResponseReturnValue:
    """The floor's push topic as server-sent events: a `wallboard` event whenever the figures are published."""
    return events_http.event_stream([streams.FLOOR_TOPIC])


@bp.get("/api/reports/<name>")
@require_role(SUPERVISOR)
def report(name: str) -> ResponseReturnValue:
    """A city report over the last `days` days (default 7), as the supervisor view shows it."""
    days = request.args.get("days", "7")
    if name not in REPORTS or not 1 <= (whole_number(days) or 0) <= 366:
        return jsonify(error=f"report must be one of {', '.join(REPORTS)} and days 1-366"), 400
    zone = _services().settings.office_hours.zone
    day_after = datetime.now(zone).date() + timedelta(days=1)
    first_day = day_after - timedelta(days=int(days))
    with _services().sessions() as session:
        rows = run_report(session, name, first_day, day_after, zone)
    return jsonify(report=name, since=first_day.isoformat(), until=day_after.isoformat(), rows=rows)
