"""Self-service answers the IVR gives on the spot, registered as flow handlers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from flows.handlers import HandlerRegistry
from ivr.self_service import office_hours
from ivr.settings import Settings


@dataclass(frozen=True)
class SelfServiceContext:
    """What handlers may use: the settings and read access to the city's data in SQL."""

    settings: Settings
    sessions: sessionmaker[Session]


def build_registry(context: SelfServiceContext) -> HandlerRegistry:
    """Every handler a flow may name; the loader checks flows against exactly this set."""
    registry = HandlerRegistry()
    office_hours.register(registry, context.settings.office_hours)
    return registry
