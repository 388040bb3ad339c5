"""Open311 GeoReport v2: the city's cases for existing 311 apps, dashboards and validators (docs/open311.md).

The validation and filing rules here are shared with the residents' web
pages (ivr.web), so every channel opens cases the same way.
"""

from __future__ import annotations

from ivr.open311.api_keys import api_keys_from
from ivr.open311.views import bp

__all__ = ["api_keys_from", "bp"]
