"""Rate limits shared by every web process: one Flask-Limiter whose counters live in Redis.

Blueprints import `limiter` and decorate views (`@limiter.limit("10/minute")`)
or, like the agents' login, hit a limit by hand when only failures count.
Counters are in Redis, so a limit holds across gunicorn workers and machines;
if Redis cannot be reached the limits are not enforced (the error is logged),
because routing is down too and people must still be able to log in.
Twilio's webhooks never reach the limiter: they are served by the edge app
(ivr.voice.edge), and a storm must be answered, not refused.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

KEY_PREFIX = "cityline:limits"

limiter = Limiter(key_func=get_remote_address, key_prefix=KEY_PREFIX, strategy="moving-window",
                  swallow_errors=True)


def init_app(app: Flask, storage_uri: str, options: dict | None = None) -> None:
    """Counters go to the deployment's Redis (never the process's memory): a redis:// or redis+sentinel:// URI."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", storage_uri)
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", options or {"socket_timeout": 2, "socket_connect_timeout": 2})
    # Flask-Limiter adds each app's storage options to the ones it already has; the limiter is shared by every
    # app a process builds (tests build many), so an earlier app's Sentinel options must not reach this one.
    limiter._storage_options = {}
    limiter.init_app(app)
