"""`cityline knowledge ...`: load the agents' knowledge base from a folder of Markdown articles."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from ivr.cli.imports import SAMPLE_CITY, _settings, _transaction

FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


@click.group()
def knowledge() -> None:
    """The knowledge base agents search during calls."""


@knowledge.command("import")
@click.argument("folder", type=FOLDER, default=SAMPLE_CITY / "knowledge")
def knowledge_import(folder: Path) -> None:
    """Load every article in FOLDER (Markdown with a YAML header); articles not in it are removed."""
    from agents.knowledge.files import InvalidArticles, read_folder
    from agents.knowledge.store import load

    try:
        articles = read_folder(folder)
    except InvalidArticles as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s); nothing was loaded") from None
    with _transaction(_settings()) as session:
        result = load(session, articles, datetime.now(UTC))
    click.echo(f"knowledge: {result.added} added, {result.changed} changed, {result.removed} removed, "
               f"{result.unchanged} unchanged")
