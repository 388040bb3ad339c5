"""The application factory: settings in, a wired Flask app out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import Flask, request
from redis import Redis
from rq import Queue
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from flows.engine import Engine as FlowEngine
from flows.loader import DEFAULT_FLOW_FILE, load_flow
from flows.model import Flow
from ivr import db, health, jobs, voice
from ivr.call_events import CallEvents, delivery_key
from ivr.self_service import build_registry, make_context
from ivr.settings import Settings

#: Used when REDIS_URL is unset and the app was not started by `cityline run`.
FALLBACK_REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass(frozen=True)
class CityLine:
    """Everything the views need, built once per process from the settings."""

    settings: Settings
    flow: Flow
    engine: FlowEngine
    events: CallEvents
    redis: Redis
    sql: Engine
    sessions: sessionmaker[Session]


def build_services(settings: Settings) -> CityLine:
    sql = db.make_engine(settings.database_url)
    db.check_schema(sql)
    sessions = db.make_session_factory(sql)
    redis = Redis.from_url(settings.redis_url or FALLBACK_REDIS_URL, socket_timeout=2,
                           socket_connect_timeout=2)
    handlers = build_registry(make_context(settings, sessions, redis))
    flow = load_flow(settings.flow_file or DEFAULT_FLOW_FILE, handlers)
    queue = Queue(jobs.CALLS_QUEUE, connection=redis)
    record_now = partial(_record_with, sessions)
    events = CallEvents(queue, record_now, lambda: delivery_key(request.headers))
    clock = partial(datetime.now, settings.office_hours.zone)
    return CityLine(settings, flow, FlowEngine(flow, handlers, clock), events, redis, sql, sessions)


def _record_with(sessions: sessionmaker[Session], event: dict) -> bool:
    jobs.bind(sessions)
    return jobs.record_call_event(event)


def create_app(config: Mapping[str, str] | Settings | None = None) -> Flask:
    """Build the app; `config` is an environment-like mapping (tests) or None for os.environ."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["cityline"] = build_services(settings)
    app.register_blueprint(voice.bp)
    app.register_blueprint(health.bp)
    return app
