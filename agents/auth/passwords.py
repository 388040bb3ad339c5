"""Passwords are stored only as argon2id hashes (argon2-cffi's recommended parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
_hasher = PasswordHasher()
#: Verified against when the login is unknown, so a wrong login costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class WeakPassword(ValueError):
    """The password is too short, too long or the same as the login; the message says which."""


def check_strength(password: str, login: str) -> None:
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    if password.strip().lower() == login.lower():
        raise WeakPassword("the password must not be the login")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """True when `password` matches the stored hash; a missing hash never matches."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password[:MAX_LENGTH]) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
