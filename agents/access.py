"""Who may use the console: HTTP Basic with the deployment's console password.

The user name is the agent's login (their Twilio client identity); a supervisor
logs in as "supervisor".  One shared password is a first line of defence for a
console on the city's network, not a substitute for single sign-on.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, request

SUPERVISOR = "supervisor"


def _challenge() -> Response:
    return Response("Log in with your agent login and the console password.\n", status=401,
                    headers={"WWW-Authenticate": 'Basic realm="CityLine agents", charset="UTF-8"'},
                    mimetype="text/plain")


def console_login(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        auth = request.authorization
        password = current_app.extensions["cityline"].settings.agent_console_password
        if auth is None or not auth.username or not hmac.compare_digest(
            (auth.password or "").encode(), password.encode()
        ):
            return _challenge()
        g.login = auth.username
        return view(*args, **kwargs)

    return wrapper
