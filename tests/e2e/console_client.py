"""The agent console over real HTTP: log in through the form once per agent and server, keep the cookie."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.request
from urllib.parse import urlencode

from sqlalchemy import select

from agents.auth.passwords import hash_password
from ivr import db
from ivr.models.agent import Agent

PASSWORD = "e2e agent password 0123"
_TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
_sessions: dict[tuple[str, str], tuple[urllib.request.OpenerDirector, str]] = {}


def _give_password(database_url: str, login: str) -> None:
    """The agent keeps the profile `cityline agents add` gave them (or gets a bare one) and gains a password."""
    engine = db.make_engine(database_url)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        if agent is None:
            agent = Agent(login=login, name=login.title(), skills={}, languages=["en"], active=True, role="agent")
            session.add(agent)
        agent.password_hash, agent.session_version = hash_password(PASSWORD), (agent.session_version or 0) + 1
    engine.dispose()


def session_for(server, login: str) -> tuple[urllib.request.OpenerDirector, str]:  # type: ignore[no-untyped-def]
    key = (server.url, login)
    if key not in _sessions:
        _give_password(server.env["DATABASE_URL"], login)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(f"{server.url}/agents/login", timeout=10) as page:
            token = _TOKEN.search(page.read().decode()).group(1)  # type: ignore[union-attr]
        form = urlencode({"login": login, "password": PASSWORD, "csrf_token": token}).encode()
        with opener.open(f"{server.url}/agents/login", data=form, timeout=10):
            pass
        _sessions[key] = (opener, token)
    return _sessions[key]


def console(server, login: str, method: str, path: str, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def]
    opener, token = session_for(server, login)
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}/agents{path}", data=data, method=method, headers={
        "Content-Type": "application/json", "X-CSRFToken": token})
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read())
