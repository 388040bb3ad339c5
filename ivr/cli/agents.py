"""`cityline agents`: agent profiles (skills and languages)."""

from __future__ import annotations

import click

from ivr.cli.common import settings as _settings


@click.group()
def agents() -> None:
    """Agent profiles (skills and languages); live state is in the console."""


@agents.command("add")
@click.argument("login")
@click.option("--name", required=True, help="The agent's name, as supervisors see it.")
@click.option("--skill", "skills", multiple=True, required=True, metavar="SKILL=LEVEL",
              help="A skill with proficiency 1-10, e.g. --skill potholes=8 (repeatable).")
@click.option("--language", "languages", multiple=True, required=True, help="e.g. --language en --language es")
def agents_add(login: str, name: str, skills: tuple[str, ...], languages: tuple[str, ...]) -> None:
    """Add or update an agent; LOGIN is also their softphone (Twilio client) identity."""
    from sqlalchemy import select

    from ivr import db
    from ivr.models.agent import Agent
    from routing.agents import AgentProfile
    from routing.exceptions import InvalidRequest

    levels = dict(_skill_level(item) for item in skills)
    try:
        AgentProfile(login, name, levels, languages)  # the router's own checks, before anything is stored
    except InvalidRequest as error:
        raise click.BadParameter(str(error)) from None
    engine = db.make_engine(_settings().database_url)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        agent = session.scalar(select(Agent).where(Agent.login == login)) or Agent(login=login)
        agent.name, agent.skills, agent.languages, agent.active = name, levels, list(languages), True
        session.add(agent)
    engine.dispose()
    click.echo(f"agent {login}: {name}, skills {levels}, languages {', '.join(languages)}")


def _skill_level(item: str) -> tuple[str, int]:
    skill, _, level = item.partition("=")
    if not skill or not level.isdigit():
        raise click.BadParameter(f"{item!r} is not SKILL=LEVEL, e.g. potholes=8")
    return skill, int(level)
