"""Failed logins are counted per account and per address in Redis (through ivr.limits), so they hold across processes.

Only failures count: an agent who logs in and out all day is never slowed
down, while guessing one account's password or many accounts' from one
address stops after a few tries.  The limits are Flask config
(LOGIN_LIMIT_PER_ACCOUNT, LOGIN_LIMIT_PER_ADDRESS) in the `limits` notation.
"""

from __future__ import annotations

import logging

from flask import current_app, request
from limits import RateLimitItem, parse
from redis.exceptions import RedisError

from ivr.limits import KEY_PREFIX, limiter

logger = logging.getLogger(__name__)
PER_ACCOUNT = "5 per 15 minutes"
PER_ADDRESS = "30 per 15 minutes"


def _checks(login: str) -> list[tuple[RateLimitItem, str, str]]:
    config = current_app.config
    return [(parse(config.get("LOGIN_LIMIT_PER_ACCOUNT", PER_ACCOUNT)), "login-account", login.strip().lower()),
            (parse(config.get("LOGIN_LIMIT_PER_ADDRESS", PER_ADDRESS)), "login-address", request.remote_addr or "")]


def blocked_minutes(login: str) -> int | None:
    """None when this login may be tried from this address now, else the window's length in minutes."""
    try:
        for item, scope, who in _checks(login):
            if not limiter.limiter.test(item, KEY_PREFIX, scope, who):
                return max(1, item.get_expiry() // 60)
    except RedisError as error:
        logger.error("login throttle: Redis unreachable, not enforced: %s", error)
    return None


def failed(login: str) -> None:
    try:
        for item, scope, who in _checks(login):
            limiter.limiter.hit(item, KEY_PREFIX, scope, who)
    except RedisError as error:
        logger.error("login throttle: Redis unreachable, failure not counted: %s", error)
