"""`cityline retention`: what personal data is kept how long, and the purge of what is past it."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from ivr.cli.common import redis as _redis
from ivr.cli.common import settings as _settings


@click.group()
def retention() -> None:
    """Personal data kept only as long as RETENTION says (see docs/security.md)."""


@retention.command("show")
def show() -> None:
    """The policy in force: days per kind of data."""
    for line in _settings().retention.describe():
        click.echo(line)


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
def run(dry_run: bool) -> None:
    """Remove what the policy no longer keeps (the workers also do this once a day)."""
    from ivr import db
    from ivr.retention.purge import purge
    from ivr.telephony import make_telephony

    settings = _settings()
    engine = db.make_engine(settings.database_url)
    try:
        db.check_schema(engine)
        redis = _redis()
        report = purge(db.make_session_factory(engine), settings.retention, datetime.now(UTC),
                       make_telephony(settings, redis).delete_recording, dry_run=dry_run)
        redis.close()
    except db.SchemaOutOfDate as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    verb = "would remove" if dry_run else "removed"
    for line in report.lines():
        click.echo(f"{verb} {line}")
    if report.recordings_kept:
        raise SystemExit(1)
