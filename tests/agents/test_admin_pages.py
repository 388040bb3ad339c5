"""Admins manage agents in the browser: create, edit, reset a password, disable, with errors tied to fields."""

from __future__ import annotations

import pytest

from agents.auth import accounts
from tests.agents.login import PASSWORD, create_account, log_in


@pytest.fixture
def admin(app):  # type: ignore[no-untyped-def]
    return log_in(app.test_client(), "ada", "admin", name="Ada Admin")


def account(app, login: str):  # type: ignore[no-untyped-def]
    with app.extensions["cityline"].sessions() as session:
        return accounts.find(session, login)


NEW = {"login": "carla", "name": "Carla Ruiz", "role": "supervisor", "skill-noise": "4", "skill-trash": "",
       "languages": ["en", "es"], "password": "carla's long password"}


def test_the_list_shows_every_account(app, admin):
    create_account(app, "alice", skills={"potholes": 8}, languages=("en", "es"))
    page = admin.get("/agents/admin/").get_data(as_text=True)
    assert "alice" in page and "potholes 8" in page and "en, es" in page


def test_an_admin_creates_an_agent(app, admin):
    assert admin.post("/agents/admin/new", data=NEW).status_code == 303
    carla = account(app, "carla")
    assert (carla.name, carla.role, carla.skills, carla.languages) == ("Carla Ruiz", "supervisor", {"noise": 4},
                                                                       ["en", "es"])


def test_the_admin_form_offers_mandarin_and_creates_a_mandarin_speaking_agent(app, admin):
    page = admin.get("/agents/admin/new").get_data(as_text=True)
    assert 'id="language-zh-CN" name="languages" value="zh-CN"' in page
    assert admin.post("/agents/admin/new", data={**NEW, "languages": ["zh-CN"]}).status_code == 303
    assert account(app, "carla").languages == ["zh-CN"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "a name needs 1 to 120 characters"),
    ("skill-noise", "eleven", "proficiency in noise must be a whole number 1 to 10"),
    ("skill-noise", "11", "the proficiency in noise must be 1 to 10"),
    ("languages", [], "an agent speaks at least one language"),
    ("login", "Bad Login", "a login is 1-64 lower-case letters"),
    ("password", "short", "at least 12 characters"),
])
def test_a_bad_field_is_shown_next_to_it_and_nothing_is_stored(app, admin, field, value, message):
    response = admin.post("/agents/admin/new", data={**NEW, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'aria-invalid="true"' in page and 'class="error-summary"' in page
    assert account(app, "carla") is None


def test_an_admin_edits_resets_and_disables(app, admin):
    alice = log_in(app.test_client(), "alice", skills={"potholes": 8})
    edited = admin.post("/agents/admin/alice", data={"name": "Alice Rivera", "role": "agent", "skill-potholes": "9",
                                                    "languages": ["es"]})
    assert edited.status_code == 303
    assert (account(app, "alice").name, account(app, "alice").skills) == ("Alice Rivera", {"potholes": 9})
    assert alice.get("/agents/api/me").status_code == 200  # a profile change keeps the session
    assert admin.post("/agents/admin/alice/password", data={"password": "alice's new password"}).status_code == 303
    assert alice.get("/agents/api/me").status_code == 401
    assert admin.post("/agents/admin/alice/active", data={"active": "0"}).status_code == 303
    assert not account(app, "alice").active


def test_an_admin_cannot_lock_themselves_out(app, admin):
    assert admin.post("/agents/admin/ada/active", data={"active": "0"}).status_code == 422
    demoted = admin.post("/agents/admin/ada", data={"name": "Ada", "role": "agent", "languages": ["en"]})
    assert demoted.status_code == 422 and account(app, "ada").role == "admin" and account(app, "ada").active


def test_the_admin_pages_speak_spanish(admin):
    page = admin.get("/agents/admin/new?lang=es").get_data(as_text=True)
    assert "Agregar un agente" in page and '<label for="name">Nombre' in page


def test_an_unknown_agent_is_404(admin):
    assert admin.get("/agents/admin/nobody").status_code == 404
    assert admin.post("/agents/admin/nobody/password", data={"password": PASSWORD}).status_code == 404
