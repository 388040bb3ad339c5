"""After the call: the agent's wrap-up (countdown, more time, wrap-up code) and notices the console shows.

The countdown and the codes come from routing (routing.wrapups); the code chosen is also sent to the
call's SQL row as a call event, through the same RQ job path as every other call event (written
synchronously when Redis is briefly away), so the disposition is kept even if Redis is not.

Notices (agents.notices) are dismissed here.
"""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify
from flask.typing import ResponseReturnValue
from redis.exceptions import RedisError

from agents import notices
from agents.auth import console_login
from agents.console.views import me
from agents.json_body import json_object, text_field
from routing import wrapups
from routing.exceptions import InvalidRequest, RoutingError
from routing.offers import end_wrap_up

logger = logging.getLogger(__name__)
bp = Blueprint("agents_wrapup", __name__, url_prefix="/agents")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


@bp.errorhandler(InvalidRequest)
def invalid(error: InvalidRequest) -> ResponseReturnValue:
    return jsonify(error=str(error)), 400


@bp.errorhandler(RoutingError)
def refused(error: RoutingError) -> ResponseReturnValue:
    return jsonify(error=str(error)), 409


@bp.errorhandler(RedisError)
def unreachable(error: RedisError) -> ResponseReturnValue:
    logger.error("wrap-up: Redis unreachable: %s", error)
    return jsonify(error="Routing is unreachable right now; your wrap-up is unchanged. Try again shortly."), 503


@bp.post("/api/me/wrap-up/extend")
@console_login
def extend() -> ResponseReturnValue:
    router = _services().router
    wrapups.extend(router.ctx, g.login, router.ctx.now())
    return _me()


@bp.post("/api/me/wrap-up/code")
@console_login
def choose_code() -> ResponseReturnValue:
    """Record the wrap-up code; once a required code is in and the time is up, the next call comes at once."""
    services = _services()
    ctx = services.router.ctx
    code = text_field(json_object(), "code").strip()
    wrap_up = wrapups.current(ctx, g.login)
    if wrap_up is None:
        return jsonify(error="Wrap-up codes go with a finished call: you are not in wrap-up."), 409
    if code not in wrap_up.codes:
        return jsonify(error=f"{code!r} is not a wrap-up code of this queue; choose one from the list."), 400
    services.events.wrap_up_chosen(wrap_up.call_sid, g.login, code)  # the call's SQL row, via the jobs
    chosen = wrapups.choose_code(ctx, g.login, code)
    if chosen.ends <= ctx.now():  # held only for the code: free now
        end_wrap_up(ctx, g.login, ctx.now())
    return _me()


def _me() -> ResponseReturnValue:
    return me()  # the console's full answer, so the page redraws from one shape


# -- notices (agents.notices) -----------------------------------------------------------------------

@bp.post("/api/me/notice/dismiss")
@console_login
def dismiss_notice() -> ResponseReturnValue:
    services = _services()
    notices.clear(services.redis, services.router.ctx.keys.prefix, g.login)
    return _me()
