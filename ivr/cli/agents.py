"""`cityline agents`: accounts and profiles (login, name, role, skills, languages, password, disabled).

The same checks as the admin pages (agents.auth.accounts): a skill or language
the routing configuration does not know, or an empty name, is refused.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from flows.numbers import is_ascii_digits
from ivr.cli.common import settings as _settings
from ivr.models.agent import ROLES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from agents.auth.accounts import Profile


@click.group()
def agents() -> None:
    """Agent accounts (logins, roles, skills, languages); live state is in the console."""


_SKILL = click.option("--skill", "skills", multiple=True, metavar="SKILL=LEVEL",
                      help="A skill with proficiency 1-10, e.g. --skill potholes=8 (repeatable).")
_LANGUAGE = click.option("--language", "languages", multiple=True, help="e.g. --language en --language es")


@contextmanager
def _accounts() -> Iterator[Session]:
    """A unit of work on the configured database; account errors become messages, not tracebacks."""
    from agents.auth.accounts import AccountError, HasHistory, NoSuchAccount
    from ivr import db

    engine = db.make_engine(_settings().database_url)
    try:
        with db.unit_of_work(db.make_session_factory(engine)) as session:
            yield session
    except AccountError as error:
        raise click.ClickException("; ".join(f"{p.field}: {p.message}" for p in error.problems)) from None
    except (HasHistory, NoSuchAccount) as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()


def _routing_config():  # type: ignore[no-untyped-def]
    from routing.config import load_config
    from routing.exceptions import RoutingError

    try:
        return load_config(_settings().routing_file)
    except RoutingError as error:
        raise click.ClickException(f"routing configuration: {error}") from None


def _profile(login: str, name: str, skills: tuple[str, ...], languages: tuple[str, ...], role: str) -> Profile:
    from agents.auth.accounts import Profile

    return Profile(login, name, dict(_skill_level(item) for item in skills), list(languages), role)


@agents.command("add")
@click.argument("login")
@click.option("--name", required=True, help="The agent's name, as supervisors see it.")
@_SKILL
@_LANGUAGE
@click.option("--role", type=click.Choice(ROLES), default=None, help="agent, supervisor or admin [kept, else agent].")
def agents_add(login: str, name: str, skills: tuple[str, ...], languages: tuple[str, ...], role: str | None) -> None:
    """Add or update an agent's profile; LOGIN is also their softphone (Twilio client) identity.

    The account cannot log in until it has a password (`cityline agents password LOGIN`)."""
    from agents.auth import accounts

    with _accounts() as session:
        existing = accounts.find(session, login)
        profile = _profile(login, name, skills, languages, role or (existing.role if existing else "agent"))
        agent = accounts.save(session, profile, _routing_config(), create=False)
        accounts.set_active(agent, True)
        click.echo(f"agent {login}: {agent.name}, role {agent.role}, skills {agent.skills}, "
                   f"languages {', '.join(agent.languages)}")


@agents.command("create")
@click.argument("login")
@click.option("--name", required=True, help="The person's name.")
@_SKILL
@_LANGUAGE
@click.option("--role", type=click.Choice(ROLES), default="agent", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def agents_create(login: str, name: str, skills: tuple[str, ...], languages: tuple[str, ...], role: str,
                  password_stdin: bool) -> None:
    """Create an account with a password (e.g. the first admin: --role admin); the login must be new."""
    from agents.auth import accounts

    config = _routing_config()
    password = _read_password(password_stdin)
    with _accounts() as session:
        agent = accounts.save(session, _profile(login, name, skills, languages or config.languages[:1], role),
                              config, create=True)
        accounts.set_password(agent, password)
        click.echo(f"created {agent.role} {login} ({agent.name}); log in at /agents/login")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@agents.command("password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input (for scripts).")
def agents_password(login: str, password_stdin: bool) -> None:
    """Set an account's password; its open sessions end."""
    from agents.auth import accounts

    password = _read_password(password_stdin)
    with _accounts() as session:
        accounts.set_password(accounts.get(session, login), password)
    click.echo(f"password of {login} changed; their sessions have ended")


@agents.command("list")
def agents_list() -> None:
    """Every account: login, role, status, name, skills and languages."""
    from sqlalchemy import select

    from ivr.models.agent import Agent

    with _accounts() as session:
        for agent in session.scalars(select(Agent).order_by(Agent.login)):
            status = "active" if agent.active else "disabled"
            if not agent.password_hash:
                status += ", no password"
            skills = ", ".join(f"{skill}={level}" for skill, level in agent.skills.items()) or "-"
            click.echo(f"{agent.login:<16} {agent.role:<10} {status:<22} {agent.name}  skills {skills}  "
                       f"languages {', '.join(agent.languages)}")


@agents.command("disable")
@click.argument("login")
def agents_disable(login: str) -> None:
    """Stop an account from logging in; its open sessions stop at their next request."""
    _set_active(login, False)


@agents.command("enable")
@click.argument("login")
def agents_enable(login: str) -> None:
    """Let a disabled account log in again."""
    _set_active(login, True)


def _set_active(login: str, active: bool) -> None:
    from agents.auth import accounts

    with _accounts() as session:
        accounts.set_active(accounts.get(session, login), active)
    click.echo(f"{login} is {'enabled' if active else 'disabled'}")


@agents.command("remove")
@click.argument("login")
def agents_remove(login: str) -> None:
    """Delete an account that never handled a call or case (otherwise: disable it)."""
    from agents.auth import accounts

    with _accounts() as session:
        accounts.remove(session, login)
    click.echo(f"{login} removed")


def _skill_level(item: str) -> tuple[str, int]:
    skill, _, level = item.partition("=")
    if not skill or not is_ascii_digits(level):
        raise click.BadParameter(f"{item!r} is not SKILL=LEVEL, e.g. potholes=8")
    return skill, int(level)
