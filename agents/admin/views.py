"""Admins manage accounts at /agents/admin: list, create, edit profile and role, reset a password, disable/enable.

Every change goes through agents.auth.accounts, the same checks as
`cityline agents`; problems are shown next to their fields.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from agents.admin import forms, text
from agents.auth import accounts
from agents.auth.accounts import AccountError, Problem
from agents.auth.decorators import require_role
from agents.auth.roles import ADMIN
from ivr import db
from ivr.models.agent import ROLES, Agent

bp = Blueprint("admin", __name__, url_prefix="/agents/admin", template_folder="templates")


def _services():  # type: ignore[no-untyped-def]
    return current_app.extensions["cityline"]


def _config():  # type: ignore[no-untyped-def]
    return _services().router.ctx.config


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    words = text.words()
    html = render_template(template, t=words, lang=words["code"], config=_config(), roles=ROLES,
                           skill_field=forms.skill_field, **context)
    return html, status, {"Cache-Control": "no-store", "Content-Language": words["code"]}


def _done(login: str, notice: str) -> ResponseReturnValue:
    return redirect(url_for("admin.agent_edit", login=login, lang=text.words()["code"], done=notice), 303)


@bp.get("/")
@require_role(ADMIN)
def agent_list() -> ResponseReturnValue:
    with _services().sessions() as session:
        rows = [_shown(agent) for agent in session.scalars(select(Agent).order_by(Agent.login))]
    return _page("admin/list.html", agents=rows)


def _shown(agent: Agent) -> dict[str, Any]:
    return {"login": agent.login, "name": agent.name, "role": agent.role, "skills": dict(agent.skills),
            "languages": list(agent.languages), "active": agent.active, "has_password": bool(agent.password_hash)}


@bp.get("/new")
@require_role(ADMIN)
def agent_new() -> ResponseReturnValue:
    return _form("admin/new.html", {"login": "", "name": "", "role": "agent", "skills": {}, "languages": []}, [])


@bp.post("/new")
@require_role(ADMIN)
def agent_create() -> ResponseReturnValue:
    login = request.form.get("login", "").strip().lower()
    profile, problems = forms.profile_of(login, request.form, _config(), text.words()["not_number"])
    password = request.form.get("password", "")
    try:
        with db.unit_of_work(_services().sessions) as session:
            _raise_if(problems + accounts.problems_of(profile, _config()))
            agent = accounts.save(session, profile, _config(), create=True)
            accounts.set_password(agent, password)
    except AccountError as error:
        return _form("admin/new.html", _typed(profile), error.problems, status=422)
    return _done(login, "saved")


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise AccountError(problems)


def _typed(profile: accounts.Profile) -> dict[str, Any]:
    return {"login": profile.login, "name": profile.name, "role": profile.role, "skills": dict(profile.skills),
            "languages": list(profile.languages), "raw": request.form}


def _form(template: str, values: dict[str, Any], problems: tuple[Problem, ...] | list[Problem],
          status: int = 200, **context: Any) -> ResponseReturnValue:
    errors: dict[str, str] = {}
    for problem in problems:
        errors.setdefault(problem.field, problem.message)
    return _page(template, status, values=values, errors=errors, problems=problems, **context)


@bp.get("/<login>")
@require_role(ADMIN)
def agent_edit(login: str) -> ResponseReturnValue:
    with _services().sessions() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        if agent is None:
            return _page("admin/missing.html", 404, login=login)
        values = _shown(agent)
    return _form("admin/edit.html", values, [], notice=request.args.get("done"))


@bp.post("/<login>")
@require_role(ADMIN)
def agent_update(login: str) -> ResponseReturnValue:
    profile, problems = forms.profile_of(login, request.form, _config(), text.words()["not_number"])
    try:
        with db.unit_of_work(_services().sessions) as session:
            agent = accounts.find(session, login)
            if agent is None:
                return _page("admin/missing.html", 404, login=login)
            if login == g.login and profile.role != ADMIN:
                problems.append(Problem("role", text.words()["own_account"]))
            _raise_if(problems)
            agent = accounts.save(session, profile, _config(), create=False)
            current = _shown(agent)
    except AccountError as error:
        return _form("admin/edit.html", _typed(profile) | _status_of(login), error.problems, status=422)
    return _done(current["login"], "saved")


def _status_of(login: str) -> dict[str, Any]:
    with _services().sessions() as session:
        agent = accounts.find(session, login)
        return {"active": agent.active, "has_password": bool(agent.password_hash)} if agent else {}


@bp.post("/<login>/password")
@require_role(ADMIN)
def agent_password(login: str) -> ResponseReturnValue:
    try:
        with db.unit_of_work(_services().sessions) as session:
            agent = accounts.find(session, login)
            if agent is None:
                return _page("admin/missing.html", 404, login=login)
            accounts.set_password(agent, request.form.get("password", ""))
    except AccountError as error:
        with _services().sessions() as session:
            values = _shown(accounts.get(session, login))
        return _form("admin/edit.html", values, error.problems, status=422)
    return _done(login, "password_saved")


@bp.post("/<login>/active")
@require_role(ADMIN)
def agent_active(login: str) -> ResponseReturnValue:
    active = request.form.get("active") == "1"
    if login == g.login and not active:
        with _services().sessions() as session:
            values = _shown(accounts.get(session, login))
        return _form("admin/edit.html", values, [Problem("active", text.words()["own_account"])], status=422)
    with db.unit_of_work(_services().sessions) as session:
        agent = accounts.find(session, login)
        if agent is None:
            return _page("admin/missing.html", 404, login=login)
        accounts.set_active(agent, active)
    return _done(login, "enabled_done" if active else "disabled_done")
