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
    """A client for the configured Redis (Sentinel's primary, or the development default when REDIS_URL is unset)."""
    from ivr import redis_connection

    return redis_connection.connect(settings())
