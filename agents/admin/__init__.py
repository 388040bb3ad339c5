"""Agent management for admins: list, create and edit accounts (profile, role, password, disabled) in the browser."""

from __future__ import annotations

from flask import Flask

from agents.admin.views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
