"""Self-service answers the IVR gives on the spot, registered as flow handlers."""

from __future__ import annotations

from flows.handlers import HandlerRegistry
from ivr.self_service import office_hours
from routing.office_hours import OfficeHours


def build_registry(hours: OfficeHours) -> HandlerRegistry:
    """Every handler a flow may name; the loader checks flows against exactly this set."""
    registry = HandlerRegistry()
    office_hours.register(registry, hours)
    return registry
