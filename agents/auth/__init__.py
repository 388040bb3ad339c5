"""Who may use the agents' side: personal accounts with roles, sessions, and the login pages.

Views guard themselves with `console_login` (anyone logged in) or
`require_role("supervisor")` / `require_role("admin")`; both set `g.login`
and `g.role`.  See docs/security.md.
"""

from __future__ import annotations

from flask import Flask

from agents.auth.decorators import console_login, require_role
from agents.auth.roles import ADMIN, AGENT, SUPERVISOR
from agents.auth.users import login_manager
from agents.auth.views import bp

__all__ = ["ADMIN", "AGENT", "SUPERVISOR", "console_login", "init_app", "require_role"]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
