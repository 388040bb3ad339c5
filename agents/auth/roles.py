"""The three roles on the agents' side, each including the ones before it."""

from __future__ import annotations

from ivr.models.agent import ROLES

AGENT, SUPERVISOR, ADMIN = ROLES


def allows(role: str, needed: str) -> bool:
    """An admin may do what a supervisor may, and a supervisor what an agent may."""
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)
