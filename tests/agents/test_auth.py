"""Accounts, roles and sessions: who may reach which page and API, and what a session survives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from agents.auth import accounts
from ivr import db
from ivr.app import create_app
from ivr.models.agent import Agent
from routing.calls import CallRequest
from tests.agents.login import PASSWORD, create_account, csrf_token_of, log_in

SUPERVISOR_PAGES = ["/agents/supervisor", "/agents/api/queues", "/agents/api/reports/common-requests"]
ADMIN_PAGES = ["/agents/admin/", "/agents/admin/new", "/agents/admin/alice"]


def login_form(client, login: str, password: str, token: str | None = None):  # type: ignore[no-untyped-def]
    return client.post("/agents/login", data={"login": login, "password": password,
                                              "csrf_token": token or csrf_token_of(client)})


def offer_to(app, login: str) -> str:  # type: ignore[no-untyped-def]
    """A caller waits in potholes-en and is offered to `login` (who must be available); the reservation id."""
    router = app.extensions["cityline"].router
    router.enqueue(CallRequest("CA" + "e" * 32, "potholes", "en"))
    reservation = router.agent(login).reservation
    assert reservation
    return reservation


def test_pages_send_a_stranger_to_the_login_and_apis_answer_401(app):
    client = app.test_client()
    page = client.get("/agents/")
    assert page.status_code == 303 and page.headers["Location"].startswith("/agents/login?next=/agents/")
    for path in ["/agents/api/me", "/agents/api/token", "/agents/api/queues"]:
        assert client.get(path).status_code == 401


def test_an_agent_logs_in_reaches_the_console_and_logs_out(app):
    client = app.test_client()
    create_account(app, "alice")
    response = login_form(client, "alice", PASSWORD)
    assert (response.status_code, response.headers["Location"]) == (303, "/agents/")
    assert client.get("/agents/api/me").get_json()["login"] == "alice"
    token = csrf_token_of(client, "/agents/choose")
    assert client.post("/agents/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/agents/api/me").status_code == 401


def test_a_supervisor_is_offered_a_choice_and_only_safe_next_pages(app):
    client = app.test_client()
    create_account(app, "sam", "supervisor")
    assert login_form(client, "sam", PASSWORD).headers["Location"] == "/agents/choose"
    choice = client.get("/agents/choose").get_data(as_text=True)
    assert 'href="/agents/supervisor"' in choice and "/agents/admin" not in choice
    other = app.test_client()
    token = csrf_token_of(other)
    response = other.post("/agents/login", data={"login": "sam", "password": PASSWORD, "csrf_token": token,
                                                 "next": "//evil.example/agents"})
    assert response.headers["Location"] == "/agents/choose"


def test_a_wrong_password_an_unknown_login_and_a_disabled_account_are_refused_alike(app):
    create_account(app, "alice")
    create_account(app, "dora", active=False)
    for login, password in [("alice", "wrong password!"), ("nobody", PASSWORD), ("dora", PASSWORD)]:
        response = login_form(app.test_client(), login, password)
        assert response.status_code == 401
        assert "do not match an active account" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", SUPERVISOR_PAGES + ADMIN_PAGES)
def test_an_agent_reaches_no_supervisor_or_admin_page(app, path):
    agent = log_in(app.test_client(), "alice")
    assert agent.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_a_supervisor_reaches_no_admin_page(app, path):
    supervisor = log_in(app.test_client(), "sam", "supervisor")
    assert supervisor.get(path).status_code == 403


@pytest.mark.parametrize("path", SUPERVISOR_PAGES + ADMIN_PAGES)
def test_an_admin_reaches_supervisor_and_admin_pages(app, path):
    create_account(app, "alice")
    admin = log_in(app.test_client(), "ada", "admin")
    assert admin.get(path).status_code == 200


def test_an_agent_cannot_accept_or_reject_another_agents_offer(app):
    alice = log_in(app.test_client(), "alice", skills={"potholes": 8})
    bob = log_in(app.test_client(), "bob", skills={"potholes": 5})
    assert alice.post("/agents/api/me/state", json={"state": "available"}).status_code == 200
    reservation = offer_to(app, "alice")
    assert bob.post(f"/agents/api/offers/{reservation}/accept").status_code == 404
    assert bob.post(f"/agents/api/offers/{reservation}/reject").status_code == 404
    assert bob.get("/agents/api/me").get_json().get("offer") is None
    assert alice.get("/agents/api/me").get_json()["offer"]["id"] == reservation


def test_an_agent_changes_only_their_own_state(app):
    alice = log_in(app.test_client(), "alice", skills={"potholes": 8})
    log_in(app.test_client(), "bob", skills={"potholes": 5})
    body = alice.post("/agents/api/me/state", json={"state": "available", "login": "bob"}).get_json()
    assert body["login"] == "alice" and body["state"] == "available"
    assert {a.id for a in app.extensions["cityline"].router.agents()} == {"alice"}


def test_json_posts_without_the_csrf_token_are_refused(app):
    alice = log_in(app.test_client(), "alice", skills={"potholes": 8})
    refused = alice.client.post("/agents/api/me/state", json={"state": "available"})
    assert refused.status_code == 400 and "X-CSRFToken" in refused.get_json()["error"]
    forged = alice.client.post("/agents/api/me/state", json={"state": "available"},
                               headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    assert alice.get("/agents/api/me").get_json()["state"] == "offline"


def test_forms_without_the_csrf_token_are_refused(app):
    create_account(app, "alice")
    client = app.test_client()
    client.get("/agents/login")
    refused = client.post("/agents/login", data={"login": "alice", "password": PASSWORD})
    assert refused.status_code == 400 and "Form expired" in refused.get_data(as_text=True)
    admin = log_in(app.test_client(), "ada", "admin")
    assert admin.client.post("/agents/admin/alice/active", data={"active": "0"}).status_code == 400
    with app.extensions["cityline"].sessions() as session:
        assert accounts.get(session, "alice").active


def test_twilio_webhooks_and_open311_need_no_csrf_token(twilio, app):
    assert twilio.post("/voice/incoming").status_code == 200
    api = app.test_client().post("/open311/v2/requests.json", data={"service_code": "potholes"})
    assert api.is_json and "csrf" not in api.get_data(as_text=True).lower()  # refused for its API key, not CSRF


def test_disabling_an_account_ends_its_live_session_at_the_next_request(app):
    alice = log_in(app.test_client(), "alice")
    assert alice.get("/agents/api/me").status_code == 200
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        accounts.set_active(accounts.get(session, "alice"), False)
    assert alice.get("/agents/api/me").status_code == 401
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        accounts.set_active(accounts.get(session, "alice"), True)
    assert alice.get("/agents/api/me").status_code == 401  # enabling does not revive the old session


def test_a_password_change_ends_the_old_sessions(app):
    alice = log_in(app.test_client(), "alice")
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        accounts.set_password(accounts.get(session, "alice"), "a brand new password")
    assert alice.get("/agents/api/me").status_code == 401
    assert login_form(app.test_client(), "alice", "a brand new password").status_code == 303


def test_only_an_argon2_hash_is_stored(app):
    admin = log_in(app.test_client(), "ada", "admin")
    response = admin.post("/agents/admin/new", data={"login": "carla", "name": "Carla Ruiz", "role": "agent",
                                                     "skill-noise": "4", "languages": ["es"],
                                                     "password": "carla's long password"})
    assert response.status_code == 303
    with app.extensions["cityline"].sessions() as session:
        stored = session.scalar(select(Agent.password_hash).where(Agent.login == "carla"))
    assert stored.startswith("$argon2id$") and "carla's long password" not in stored
    assert login_form(app.test_client(), "carla", "carla's long password").status_code == 303


def test_every_page_says_no_framing_no_sniffing_and_no_inline_script(app):
    alice = log_in(app.test_client(), "alice")
    for path in ["/agents/", "/agents/login", "/report", "/healthz"]:
        headers = alice.get(path).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in alice.get("/agents/").get_data(as_text=True)


def test_the_session_cookie_is_httponly_lax_and_secure_in_production(env):
    development = create_app(env)
    create_account(development, "alice")
    cookie = login_form(development.test_client(), "alice", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    development.extensions["cityline"].sql.dispose()
    production = create_app({**env, "CITYLINE_ENV": "production", "SECRET_KEY": "p" + "0123456789abcdef" * 3,
                             "TELEPHONY": "local"})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    production.extensions["cityline"].sql.dispose()


def test_the_login_page_speaks_spanish(app):
    client = app.test_client()
    assert "Iniciar sesión" in client.get("/agents/login?lang=es").get_data(as_text=True)
    page = client.get("/agents/login", headers={"Accept-Language": "es-MX,es;q=0.9"}).get_data(as_text=True)
    assert '<html lang="es">' in page and 'for="password"' in page


@pytest.mark.parametrize("path", ["/agents/", "/agents/supervisor"])
def test_the_console_and_the_floor_have_a_log_out_button(app, path):
    page = log_in(app.test_client(), "sam", "supervisor").get(path).get_data(as_text=True)
    assert 'action="/agents/logout"' in page and 'name="csrf_token"' in page
