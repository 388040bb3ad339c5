"""Logging in and out of the agents' side: /agents/login, /agents/logout and, for supervisors, a choice of pages."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from agents.auth import accounts, text, throttle
from agents.auth.decorators import console_login
from agents.auth.roles import ADMIN, SUPERVISOR, allows
from agents.auth.users import User
from agents.push.presence import SESSION_LOGIN
from ivr import db

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, url_prefix="/agents", template_folder="templates")


def _page(template: str, status: int = 200, **context: object) -> ResponseReturnValue:
    words = text.words()
    others = [code for code in text.LANGUAGES if code != words["code"]]
    html = render_template(template, t=words, lang=words["code"], others=others, **context)
    return html, status, {"Cache-Control": "no-store", "Content-Language": words["code"]}


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site's agents' side: never another host (no open redirect)."""
    if not target or not target.startswith("/agents") or target.startswith("//") or "\\" in target:
        return None
    return target


def _landing(user: User) -> str:
    return url_for("auth.choose") if allows(user.role, SUPERVISOR) else url_for("agents.console")


@bp.get("/login")
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_landing(current_user), 303)
    return _page("auth/login.html", typed="", next=_safe_next(request.args.get("next")) or "")


@bp.post("/login")
def login_submit() -> ResponseReturnValue:
    typed, password = request.form.get("login", "")[:64], request.form.get("password", "")
    target = _safe_next(request.form.get("next"))
    minutes = throttle.blocked_minutes(typed)
    if minutes is not None:
        return _login_refused(typed, target, text.words()["throttled"].format(minutes=minutes), 429)
    try:
        user = _authenticate(typed, password)
    except SQLAlchemyError as error:
        logger.error("login: database unreachable: %s", error)
        return _login_refused(typed, target, text.words()["unavailable"], 503)
    if user is None:
        throttle.failed(typed)
        return _login_refused(typed, target, text.words()["bad_login"], 401)
    login_user(user)
    session[SESSION_LOGIN] = user.login  # signed with the session; lets an outage keep the agent present
    logger.info("agent %s logged in (%s)", user.login, user.role)
    return redirect(target or _landing(user), 303)


def _authenticate(typed: str, password: str) -> User | None:
    with db.unit_of_work(current_app.extensions["cityline"].sessions) as session:
        agent = accounts.authenticate(session, typed, password)
        return User.of(agent) if agent else None


def _login_refused(typed: str, target: str | None, message: str, status: int) -> ResponseReturnValue:
    return _page("auth/login.html", status, typed=typed, next=target or "", message=message)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    session.pop(SESSION_LOGIN, None)
    return redirect(url_for("auth.login", lang=text.language(), out=1), 303)


@bp.get("/choose")
@console_login
def choose() -> ResponseReturnValue:
    role_name = text.words()[f"role_{current_user.role}"]
    return _page("auth/choose.html", name=current_user.name, role_name=role_name,
                 supervisor=allows(current_user.role, SUPERVISOR), admin=allows(current_user.role, ADMIN))
