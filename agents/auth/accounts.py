"""Agent accounts in SQL: create, change, disable, remove and authenticate, with the checks every door shares.

Both the command line (`cityline agents ...`) and the admin pages go through
these functions, so an unknown skill, an unsupported language or an empty name
is refused the same way everywhere.  Known skills and languages come from the
routing configuration.  No Flask here: callers pass a session and get named
errors back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from agents.auth import passwords
from agents.auth.roles import AGENT
from ivr.models.agent import ROLES, Agent
from ivr.models.call import Call
from ivr.models.case import CaseUpdate, case_agents
from ivr.models.queue_wait import QueueWait
from routing.config import RoutingConfig

LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_NAME = 120


@dataclass(frozen=True)
class Problem:
    field: str  # the form field / command-line option it belongs to
    message: str


class AccountError(ValueError):
    """An account change was refused; `problems` says why, field by field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)


class NoSuchAccount(LookupError):
    pass


class HasHistory(ValueError):
    """The account handled calls or cases; it can be disabled but not removed."""


@dataclass(frozen=True)
class Profile:
    login: str
    name: str
    skills: Mapping[str, int] = field(default_factory=dict)
    languages: Sequence[str] = ()
    role: str = AGENT


def problems_of(profile: Profile, config: RoutingConfig) -> list[Problem]:
    """Everything wrong with a profile, checked against the routing configuration."""
    found = []
    if not LOGIN_PATTERN.match(profile.login):
        found.append(Problem("login", "a login is 1-64 lower-case letters, digits, '.', '_' or '-'"))
    if not profile.name.strip() or len(profile.name) > MAX_NAME:
        found.append(Problem("name", f"a name needs 1 to {MAX_NAME} characters"))
    found += _skill_problems(profile.skills, config)
    found += _language_problems(profile.languages, config)
    if profile.role not in ROLES:
        found.append(Problem("role", f"the role must be one of {', '.join(ROLES)}"))
    return found


def _skill_problems(skills: Mapping[str, int], config: RoutingConfig) -> list[Problem]:
    found = []
    for skill, level in skills.items():
        if skill not in config.skills:
            found.append(Problem("skills", f"unknown skill {skill!r}: known skills are {', '.join(config.skills)}"))
        elif isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 10:
            found.append(Problem("skills", f"the proficiency in {skill} must be 1 to 10"))
    return found


def _language_problems(languages: Sequence[str], config: RoutingConfig) -> list[Problem]:
    if not languages:
        return [Problem("languages", "an agent speaks at least one language")]
    unknown = [code for code in languages if code not in config.languages]
    if unknown:
        return [Problem("languages", f"unsupported language {', '.join(map(repr, unknown))}: "
                                     f"supported are {', '.join(config.languages)}")]
    return []


def find(session: Session, login: str) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.login == login))


def get(session: Session, login: str) -> Agent:
    agent = find(session, login)
    if agent is None:
        raise NoSuchAccount(f"no agent {login}")
    return agent


def save(session: Session, profile: Profile, config: RoutingConfig, *, create: bool) -> Agent:
    """Create (create=True, the login must be new) or change an account's profile."""
    problems = problems_of(profile, config)
    existing = find(session, profile.login)
    if create and existing is not None:
        problems.append(Problem("login", f"the login {profile.login} is taken"))
    if problems:
        raise AccountError(problems)
    agent = existing or Agent(login=profile.login, active=True, session_version=0)
    agent.name, agent.role = profile.name.strip(), profile.role
    agent.skills, agent.languages = dict(profile.skills), list(dict.fromkeys(profile.languages))
    session.add(agent)
    session.flush()
    return agent


def set_password(agent: Agent, password: str) -> None:
    """Store the new hash and end the sessions that were opened with the old password."""
    try:
        passwords.check_strength(password, agent.login)
    except passwords.WeakPassword as error:
        raise AccountError([Problem("password", str(error))]) from None
    agent.password_hash = passwords.hash_password(password)
    agent.session_version = (agent.session_version or 0) + 1


def set_active(agent: Agent, active: bool) -> None:
    """Disabling ends the account's sessions at their next request; enabling lets it log in again."""
    if agent.active and not active:
        agent.session_version = (agent.session_version or 0) + 1
    agent.active = active


def has_history(session: Session, agent: Agent) -> bool:
    """Calls answered, case updates made, cases worked or queue waits ended by this agent."""
    checks = (exists().where(Call.agent_id == agent.id), exists().where(CaseUpdate.agent_id == agent.id),
              exists().where(case_agents.c.agent_id == agent.id), exists().where(QueueWait.agent_login == agent.login))
    return any(session.scalar(select(check)) for check in checks)


def remove(session: Session, login: str) -> None:
    agent = get(session, login)
    if has_history(session, agent):
        raise HasHistory(f"{login} has handled calls or cases; disable the account instead "
                         f"(`cityline agents disable {login}`) so the history keeps its name")
    session.delete(agent)


def authenticate(session: Session, login: str, password: str) -> Agent | None:
    """The active account with this login and password, or None (the same for every kind of failure)."""
    agent = find(session, login.strip().lower()) if len(login) <= 64 else None
    if not passwords.verify(agent.password_hash if agent else None, password) or agent is None:
        return None
    if not agent.active:
        return None
    if passwords.needs_rehash(agent.password_hash or ""):
        agent.password_hash = passwords.hash_password(password)
    return agent
