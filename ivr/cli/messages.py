"""`cityline messages`: the catalogs of words callers hear."""

from __future__ import annotations

import click

from ivr.cli.common import settings as _settings


@click.group()
def messages() -> None:
    """Message catalogs (ivr/i18n, and MESSAGES_DIR for a city's own)."""


@messages.command("check")
def check_messages() -> None:
    """Report, per language, every message missing against English and every placeholder that differs."""
    from ivr.i18n.catalog import Catalogs
    from ivr.i18n.check import check

    settings = _settings()
    books = Catalogs.load(settings.messages_dir, settings.city_name)
    findings = check(books)
    for finding in findings:
        click.echo(str(finding))
    counts = {language: sum(1 for f in findings if f.language == language) for language in books.languages}
    click.echo("; ".join(f"{language}: {len(books.by_language[language])} messages, {counts[language]} problem(s)"
                         for language in books.languages))
    if findings:
        raise SystemExit(1)
