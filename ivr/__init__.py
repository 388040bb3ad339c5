"""CityLine 311: the Flask app, voice webhooks and call records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    from ivr.app import create_app as factory

    return factory(config)
