"""The application factory: settings in, a wired Flask app out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import Flask, request
from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

import agents
from agents.push import events_http
from flows.engine import Engine as FlowEngine
from flows.loader import DEFAULT_FLOW_FILE, load_flow
from flows.model import Flow
from ivr import db, health, i18n, limits, open311, redis_connection, security, web
from ivr.cases.allocator import ReferenceAllocator
from ivr.jobs import call_history
from ivr.jobs.call_events import CallEvents, delivery_key
from ivr.routing_records import RoutingRecords
from ivr.self_service import build_registry, make_context
from ivr.settings import Settings
from ivr.sms import bp as sms_blueprint
from ivr.telephony import Telephony, make_telephony
from ivr.voice import conference_views, unstaffed, webhook_metrics, webhooks
from ivr.voice.contact_center import ContactCenter
from ivr.voice.edge import TwilioDispatch, create_edge
from ivr.voice.texts import AnswerTexts
from routing.router import Router

#: Used when REDIS_URL is unset and the app was not started by `cityline run` (kept here for old imports).
FALLBACK_REDIS_URL = redis_connection.FALLBACK_REDIS_URL


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
    references: ReferenceAllocator  # case numbers for every channel (phone, web, API), from one counter
    texts: AnswerTexts
    router: Router
    contact: ContactCenter
    telephony: Telephony


def build_services(settings: Settings) -> CityLine:
    sql = db.make_engine(settings.database_url)
    db.check_schema(sql)
    sessions = db.make_session_factory(sql)
    redis = redis_connection.connect(settings, socket_timeout=2, socket_connect_timeout=2)  # or Sentinel's primary
    context = make_context(settings, sessions, redis)
    handlers = build_registry(context)
    flow = load_flow(settings.flow_file or DEFAULT_FLOW_FILE, handlers)
    record_now = partial(_record_with, sessions, context.references)
    events = CallEvents(redis, record_now, lambda: delivery_key(request.headers))
    clock = partial(datetime.now, settings.office_hours.zone)
    router = context.router
    return CityLine(
        settings=settings, flow=flow, engine=FlowEngine(flow, handlers, clock), events=events, redis=redis,
        sql=sql, sessions=sessions, references=context.references, texts=context.texts, router=router,
        contact=ContactCenter(router, flow, settings.hold_music_url, RoutingRecords(sessions)),
        telephony=make_telephony(settings, redis),
    )


def _record_with(sessions: sessionmaker[Session], references: ReferenceAllocator, events: list[dict]) -> int:
    call_history.bind(sessions, references)  # case numbers from this app's Redis, which may be the one that is down
    return call_history.record_call_events(events)


#: What Twilio calls: the voice webhooks, the hold loop when nobody staffs the line, the conference legs, SMS.
TWILIO_BLUEPRINTS = (webhooks.bp, unstaffed.bp, conference_views.bp, sms_blueprint)


def create_app(config: Mapping[str, str] | Settings | None = None) -> Flask:
    """Build the app; `config` is an environment-like mapping (tests) or None for os.environ."""
    settings = config if isinstance(config, Settings) else Settings.from_env(config)
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=64 * 1024)
    app.config["OPEN311_API_KEYS"] = open311.api_keys_from(config)
    i18n.configure(settings.messages_dir, settings.city_name)  # the city's catalogs over the shipped ones
    app.extensions["cityline"] = build_services(settings)
    limits.init_app(app, *redis_connection.limiter_storage(settings, socket_timeout=2, socket_connect_timeout=2))
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(unstaffed.bp)
    app.register_blueprint(conference_views.bp)
    app.register_blueprint(health.bp)
    agents.init_app(app)
    events_http.init_app(app, partial(redis_connection.connect, settings), app.extensions["cityline"].router.ctx.prefix,
                       settings.push_max_streams)
    app.register_blueprint(open311.bp)
    app.register_blueprint(web.bp)
    app.register_blueprint(sms_blueprint)
    security.init_app(app, settings)  # after the blueprints: it exempts some of them from CSRF checks
    edge = create_edge(app, TWILIO_BLUEPRINTS)  # Twilio's webhooks skip the stack for browsers (ivr.voice.edge)
    security.add_headers(edge, settings)
    webhook_metrics.init_app(edge, app.extensions["cityline"].redis, app.extensions["cityline"].router.ctx.prefix)
    app.wsgi_app = TwilioDispatch(edge.wsgi_app, app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies:  # only then are X-Forwarded-Proto/Host/For believed (docs/configuration.md)
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
