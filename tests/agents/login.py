"""Log a test client in as an agent, supervisor or admin, the way a browser does (login form, CSRF token).

    agent = log_in(app.test_client(), "alice", skills={"potholes": 8})
    agent.post("/agents/api/me/state", json={"state": "available"})   # sends X-CSRFToken

The account is created (or updated) in SQL with a known password first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from agents.auth.passwords import hash_password
from ivr import db
from ivr.models.agent import Agent

PASSWORD = "correct horse battery staple"
_HASHES: dict[str, str] = {}  # hashing is slow on purpose; one hash per password is enough for tests
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def create_account(app: Flask, login: str, role: str = "agent", *, name: str | None = None,
                   skills: Mapping[str, int] | None = None, languages: Sequence[str] = ("en",),
                   password: str = PASSWORD, active: bool = True) -> None:
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        agent = session.scalar(select(Agent).where(Agent.login == login)) or Agent(login=login, session_version=0)
        agent.name, agent.role, agent.active = name or login.title(), role, active
        agent.skills, agent.languages = dict(skills or {}), list(languages)
        agent.password_hash = _HASHES[password]
        session.add(agent)


class LoggedIn:
    """A test client that sends the session's CSRF token on every state-changing request."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.open(path, method="POST", **kwargs)

    def open(self, path: str, method: str = "GET", **kwargs: Any):  # type: ignore[no-untyped-def]
        headers = {"X-CSRFToken": self.token, **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)


def csrf_token_of(client: FlaskClient, path: str = "/agents/login") -> str:
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no csrf-token meta on {path}"
    return match.group(1)


def log_in(client: FlaskClient, login: str, role: str = "agent", *, skills: Mapping[str, int] | None = None,
           languages: Sequence[str] = ("en",), name: str | None = None, create: bool = True) -> LoggedIn:
    """Create the account (unless create=False) and log in through the form; fails the test if refused."""
    if create:
        create_account(client.application, login, role, name=name, skills=skills, languages=languages)
    token = csrf_token_of(client)
    response = client.post("/agents/login", data={"login": login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return LoggedIn(client, token)
