"""API keys for creating service requests: issued by the city, listed in OPEN311_API_KEYS.

Reading is open to anyone (the spec asks no key for it); creating needs a key
so a misbehaving client can be cut off by removing its key.  Keys are compared
in constant time and never stored with cases: submissions remember a short
hash of the key instead, enough to tell clients apart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from ivr.open311.errors import InvalidApiKey, MissingApiKey
from ivr.settings import ConfigError, Settings

VARIABLE = "OPEN311_API_KEYS"
MINIMUM_LENGTH = 16  # shorter keys can be guessed


def api_keys_from(config: Mapping[str, str] | Settings | None) -> tuple[str, ...]:
    """The keys in the environment create_app was given (os.environ when it was given Settings or nothing)."""
    environ = config if isinstance(config, Mapping) else os.environ
    return parse_keys(environ.get(VARIABLE, ""))


def parse_keys(raw: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in raw.split(",") if key.strip())
    short = [key for key in keys if len(key) < MINIMUM_LENGTH]
    if short:
        raise ConfigError(f"{VARIABLE} has {len(short)} key(s) shorter than {MINIMUM_LENGTH} characters; "
                          "use long random keys, comma separated")
    return keys


def client_of(given: str, keys: tuple[str, ...]) -> str:
    """A short, stable id for the client holding `given`, or the reason it may not post."""
    if not given:
        raise MissingApiKey("api_key is required to create a service request")
    matched = [hmac.compare_digest(given.encode(), key.encode()) for key in keys]
    if not any(matched):
        raise InvalidApiKey("Invalid api_key received -- can't proceed with create_request")
    return hashlib.sha256(given.encode()).hexdigest()[:16]
