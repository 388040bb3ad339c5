"""Kept so views written against the first console keep importing from here; the real code is agents.auth."""

from __future__ import annotations

from agents.auth import ADMIN, AGENT, SUPERVISOR, console_login, require_role

__all__ = ["ADMIN", "AGENT", "SUPERVISOR", "console_login", "require_role"]
