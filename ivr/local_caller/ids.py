"""Twilio-shaped identifiers: a two-letter prefix and 32 lowercase hex digits."""

from __future__ import annotations

import secrets


def new_sid(prefix: str) -> str:
    """A fresh random SID such as "CA5f0e…"; random so two calls never collide."""
    return prefix + secrets.token_hex(16)
