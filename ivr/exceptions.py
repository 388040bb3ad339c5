"""Errors the web layer maps to HTTP answers."""

from __future__ import annotations


class BadWebhook(ValueError):
    """A webhook with missing or malformed parameters; answered with 400 and this reason."""
