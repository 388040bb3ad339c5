"""The database is unreachable while people work in the console: 503 and "try again shortly", never a 500.

Every agents' request loads the person logged in from SQL (flask-login's user
loader), so an outage reaches every console, supervisor and admin route, not
only those that read cases.  Routes outside /agents keep their own answers.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, request, session
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from agents.push import presence

logger = logging.getLogger(__name__)
MESSAGE = "The database did not answer; nothing was changed. Try again shortly."
RETRY_AFTER = "15"


def database_unreachable(error: SQLAlchemyError) -> ResponseReturnValue:
    if not request.path.startswith("/agents"):
        raise error
    logger.error("agents: database unreachable on %s %s: %s", request.method, request.path, error)
    services = current_app.extensions["cityline"]
    presence.renew_during_outage(services.redis, services.router.ctx.keys.prefix, session)
    headers = {"Retry-After": RETRY_AFTER}
    if "/api/" in request.path or request.is_json:
        return jsonify(error=MESSAGE), 503, headers
    return MESSAGE, 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    app.register_error_handler(SQLAlchemyError, database_unreachable)
