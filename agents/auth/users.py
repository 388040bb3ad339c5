"""The logged-in person as Flask-Login sees them, reloaded from SQL on every request.

The session holds "<agent id>:<session version>".  Changing the password or
disabling the account raises the version in SQL, so an old session no longer
matches and the person is logged out at their next request.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_login import LoginManager, UserMixin

from ivr.models.agent import Agent

login_manager = LoginManager()
login_manager.session_protection = "strong"  # a session copied to another browser or address is dropped


@dataclass(frozen=True)
class User(UserMixin):
    agent_id: int
    login: str
    name: str
    role: str
    session_version: int

    def get_id(self) -> str:
        return f"{self.agent_id}:{self.session_version}"

    @classmethod
    def of(cls, agent: Agent) -> User:
        return cls(agent.id, agent.login, agent.name, agent.role, agent.session_version or 0)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    agent_id, _, version = user_id.partition(":")
    if not agent_id.isdigit() or not version.isdigit():
        return None
    with current_app.extensions["cityline"].sessions() as session:
        agent = session.get(Agent, int(agent_id))
        if agent is None or not agent.active or agent.password_hash is None:
            return None
        if (agent.session_version or 0) != int(version):
            return None
        return User.of(agent)
