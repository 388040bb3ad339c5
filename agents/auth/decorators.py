"""Guards for the agents' views: logged in (`console_login`) and a role at least (`require_role`).

Both set `g.login` (the agent's login, also their softphone identity) and
`g.role`.  Pages send a person who is not logged in to the login page; the
JSON API answers 401, and a role that is not enough gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from agents.auth import text
from agents.auth.roles import AGENT, allows

View = Callable[..., Any]


def _wants_json() -> bool:
    return "/api/" in request.path or request.is_json or request.accept_mimetypes.best == "application/json"


def _not_logged_in() -> ResponseReturnValue:
    if _wants_json():
        return jsonify(error="log in first: your session has ended or you are not logged in"), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")), 303)


def _forbidden(needed: str) -> ResponseReturnValue:
    if _wants_json():
        return jsonify(error=f"this needs the {needed} role"), 403
    words = text.words()
    return render_template("auth/forbidden.html", t=words, lang=words["code"], needed=needed), 403


def require_role(needed: str) -> Callable[[View], View]:
    """Only people logged in with role `needed` or above (admin > supervisor > agent)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _not_logged_in()
            if not allows(current_user.role, needed):
                return _forbidden(needed)
            g.login, g.role = current_user.login, current_user.role
            return view(*args, **kwargs)

        return wrapper

    return decorate


console_login = require_role(AGENT)
console_login.__doc__ = "Anyone logged in (every role may use the console); sets g.login and g.role."
