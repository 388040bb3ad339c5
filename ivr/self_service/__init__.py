"""Self-service answers the IVR gives on the spot, registered as flow handlers.

The handler modules are imported when the registry is built, not with this package: they use
ivr.addresses, which uses this package's collection.streets, and importing them here made
`import ivr.addresses` (from the texting job, say) a circular import.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry
from ivr.cases.allocator import ReferenceAllocator
from ivr.cases.service import highest_sequence
from ivr.routing_records import RoutingRecords
from ivr.settings import Settings
from ivr.telephony import make_telephony
from ivr.telephony.line_types import LineTypes
from ivr.voice.texts import AnswerTexts
from routing.config import load_config as load_routing_config
from routing.router import Router


@dataclass(frozen=True)
class SelfServiceContext:
    """What handlers may use: the settings and read access to the city's data in SQL."""

    settings: Settings
    sessions: sessionmaker[Session]
    references: ReferenceAllocator  # hands out case numbers a caller can be told at once
    texts: AnswerTexts  # answers a caller asked to get by text message
    router: Router  # callbacks requested from the menus
    line_types: LineTypes  # whether a caller's number can get a text (the carrier's answer, cached)


def make_context(settings: Settings, sessions: sessionmaker[Session], redis: Redis) -> SelfServiceContext:
    def highest_in_sql(year: int) -> int:
        with sessions() as session:
            return highest_sequence(session, year)

    router = Router(redis, load_routing_config(settings.routing_file), hours=settings.office_hours)
    line_types = LineTypes(redis, lambda: make_telephony(settings, redis))
    return SelfServiceContext(settings, sessions, ReferenceAllocator(redis, highest_in_sql), AnswerTexts(redis),
                              router, line_types)


def build_registry(context: SelfServiceContext) -> HandlerRegistry:
    """Every handler a flow may name; the loader checks flows against exactly this set."""
    from ivr.intents import handlers as intent_handlers
    from ivr.self_service import callbacks, cases, office_hours, reports, texts
    from ivr.self_service.collection import handlers as collection_handlers

    registry = HandlerRegistry()
    office_hours.register(registry, context.settings.office_hours)
    cases.register(registry, context.sessions, context.references)
    collection_handlers.register(registry, context)
    texts.register(registry, context.texts, context.line_types, context.sessions)
    callbacks.register(registry, context.router, context.settings.office_hours, RoutingRecords(context.sessions))
    reports.register(registry, context, context.texts.redis)  # drafts of phone reports share the texts' Redis
    settings = context.settings
    intent_handlers.register(registry, settings.intents_file, settings.intents_learned_file,
                             settings.intent_confirm_below)
    return registry
