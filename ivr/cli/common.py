"""What every `cityline` subcommand shares."""

from __future__ import annotations

import click

from ivr.settings import ConfigError, Settings


def settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as error:
        raise click.ClickException(f"configuration: {error}") from None


def redis():  # type: ignore[no-untyped-def]
    """A client for the configured Redis (the development default when REDIS_URL is unset)."""
    from redis import Redis

    from ivr.app import FALLBACK_REDIS_URL

    return Redis.from_url(settings().redis_url or FALLBACK_REDIS_URL)
