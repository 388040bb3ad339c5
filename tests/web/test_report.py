"""The report form: success, every validation error, CSRF, double posts, Redis down, Spanish."""

from __future__ import annotations

import pytest

from ivr import db
from ivr.app import create_app
from ivr.cases import reference
from ivr.models.service_attribute import CaseAttribute
from ivr.models.service_type import ServiceType
from tests.open311.support import add_question, filed_reports, stored_cases
from tests.web.pages import page_of

GOOD = {"service_code": "potholes", "address": "125 Elm Street", "zip_code": "62701",
        "description": "A deep pothole by the school.", "name": "Ana Diaz", "phone": "312 555 0199",
        "email": "ana@example.com"}


def blank_form(client, query: str = "") -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The hidden fields a freshly loaded form carries (CSRF token, form id, language)."""
    page = page_of(client.get(f"/report{query}"))
    return {name: page.value(name) for name in ("csrf_token", "form_id", "lang")}


def send(client, query: str = "", **changes):  # type: ignore[no-untyped-def]
    form = {**blank_form(client, query), **GOOD, **changes}
    return client.post("/report", data={k: v for k, v in form.items() if v is not None})


def test_a_report_opens_a_web_case_and_shows_its_reference(app, client):
    response = send(client)
    assert response.status_code == 303
    [case] = stored_cases(app)
    assert (case.channel, case.status, case.address, case.zip_code) == ("web", "open", "125 Elm Street", "62701")
    assert (case.contact_name, case.contact_phone, case.contact_email) == ("Ana Diaz", "+13125550199",
                                                                           "ana@example.com")
    assert reference.is_valid(case.reference)
    thanks = page_of(client.get(response.headers["Location"]))
    assert thanks.words("p", id="reference") == reference.display(case.reference)
    assert thanks.words("h1") == "Thank you, your report was received"


def test_the_form_offers_only_active_services(app, client):
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        session.query(ServiceType).filter_by(code="noise").update({ServiceType.active: False})
    options = page_of(client.get("/report")).all("option")
    assert [o.attrs["value"] for o in options] == ["", "general", "trash", "potholes", "streetlights"]


@pytest.mark.parametrize(("changes", "field", "says"), [
    ({"service_code": ""}, "service_code", "Choose the kind of problem."),
    ({"service_code": "unicorns"}, "service_code", "Choose a kind of problem from the list."),
    ({"address": "  "}, "address", "Enter the address of the problem."),
    ({"address": "x" * 201}, "address", "Street address or nearest intersection is too long: at most 200 characters."),
    ({"zip_code": "6270"}, "zip_code", "Enter a 5-digit ZIP code, for example 60601."),
    ({"phone": "555"}, "phone", "Enter a phone number we can call, for example (312) 555-0199."),
    ({"email": "ana at example"}, "email", "Enter an email address like name@example.com."),
    ({"description": "<b>Big</b> hole"}, "description",
     "Please describe the problem in plain words, without HTML or code."),
    ({"description": "x" * 4001}, "description", "Description is too long: at most 4000 characters."),
])
def test_each_problem_is_shown_next_to_its_field_and_in_the_summary(app, client, changes, field, says):
    response = send(client, **changes)
    assert response.status_code == 422
    page = page_of(response)
    assert page.words("p", id=f"{field}-error") == f"Error: {says}"
    control = [e for e in page.elements if e.attrs.get("id") == field and e.tag in ("input", "select", "textarea")]
    assert control[0].attrs["aria-invalid"] == "true"
    assert f"{field}-error" in control[0].attrs["aria-describedby"].split()
    summary = page.one("div", role="alert")
    assert says in " ".join(summary.text.split()) and page.one("a", href=f"#{field}").text == says
    assert stored_cases(app) == []


def test_what_was_typed_comes_back_with_the_errors(client):
    page = page_of(send(client, zip_code="bad", description="Deep hole"))
    assert page.value("address") == "125 Elm Street" and page.value("phone") == "312 555 0199"
    assert page.words("textarea", id="description") == "Deep hole"
    assert page.one("option", value="potholes").attrs.get("selected") == ""


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_a_post_without_the_pages_csrf_token_is_refused(app, client, token):
    response = send(client, csrf_token=token)
    assert response.status_code == 400
    assert "Your form expired or came from another page" in response.get_data(as_text=True)
    assert stored_cases(app) == []


def test_a_post_from_a_browser_that_never_loaded_the_form_is_refused(app, client):
    response = client.post("/report", data={**GOOD, "csrf_token": "guess"})
    assert response.status_code == 400 and stored_cases(app) == []


def test_posting_the_same_form_twice_files_one_case(app, client):
    form = {**blank_form(client), **GOOD}
    first, again = client.post("/report", data=form), client.post("/report", data=form)
    assert first.headers["Location"] == again.headers["Location"]
    assert len(stored_cases(app)) == 1


def test_a_new_form_is_a_new_report(app, client):
    send(client)
    send(client, phone="312 555 0142", email="ben@example.com")
    assert filed_reports(app) == 2 and len(stored_cases(app)) == 1  # the same pothole: linked, not twice


def test_a_report_of_an_open_case_nearby_shows_its_number_and_says_it_was_already_reported(app, client):
    first = send(client).headers["Location"]
    again = send(client, address="131 Elm St", phone="312 555 0142", email="ben@example.com", updates="yes")
    assert again.headers["Location"].startswith(first.split("&")[0]) and "joined=1" in again.headers["Location"]
    page = page_of(client.get(again.headers["Location"]))
    assert page.one("p", id="joined") is not None
    with app.extensions["cityline"].sessions() as session:
        from ivr.models.case_reporter import CaseReporter

        [joined] = session.query(CaseReporter).filter_by(joined=True).all()
        assert joined.channel == "web" and joined.phone == "+13125550142" and joined.wants_updates


def test_without_redis_the_resident_is_asked_to_try_later(env):
    app = create_app({**env, "REDIS_URL": "redis://127.0.0.1:1/0"})
    try:
        response = send(app.test_client())
        assert response.status_code == 503
        assert "We cannot take reports online at the moment" in response.get_data(as_text=True)
        assert stored_cases(app) == []
    finally:
        app.extensions["cityline"].sql.dispose()


class TestQuestions:
    @pytest.fixture(autouse=True)
    def questions(self, app):  # type: ignore[no-untyped-def]
        add_question(app, "potholes", "size", datatype="singlevaluelist", required=True, description="How big is it?",
                     values=[{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}])
        add_question(app, "potholes", "lanes", position=2, datatype="multivaluelist", description="Which lanes?",
                     values=[{"key": "left", "name": "Left"}, {"key": "right", "name": "Right"}])
        add_question(app, "potholes", "seen", position=3, datatype="datetime", description="When did you see it?")

    def test_a_chosen_service_shows_its_questions(self, client):
        page = page_of(client.get("/report?service=potholes"))
        assert page.words("label", **{"for": "attr-size"}) == "How big is it? (required)"
        assert page.one("select", id="attr-size").attrs["name"] == "attribute[size]"
        assert {"small", "large"} <= {o.attrs["value"] for o in page.all("option")}
        assert {e.attrs["value"] for e in page.all("input", type="checkbox") if e.attrs["name"] != "updates"} == {
            "left", "right"}
        assert page.one("input", id="attr-seen").attrs["type"] == "datetime-local"

    def test_a_required_question_left_unanswered_is_an_error(self, app, client):
        page = page_of(send(client))
        assert page.words("p", id="attr-size-error") == "Error: Please answer: How big is it?"
        assert stored_cases(app) == []

    def test_answers_are_stored_and_local_times_get_the_city_zone(self, app, client):
        response = send(client, **{"attribute[size]": "large", "attribute[lanes][]": ["left", "right"],
                                   "attribute[seen]": "2026-11-24T08:15"})
        assert response.status_code == 303
        with app.extensions["cityline"].sessions() as session:
            answers = {a.code: a.value for a in session.query(CaseAttribute)}
        assert answers == {"size": "large", "lanes": ["left", "right"], "seen": "2026-11-24T08:15:00-05:00"}


class TestSpanish:
    def test_the_form_speaks_spanish_when_asked(self, client):
        page = page_of(client.get("/report?lang=es"))
        assert page.one("html").attrs["lang"] == "es"
        assert page.words("h1") == "Reportar un problema"
        assert page.words("option", value="potholes") == "Bache o calle dañada"
        assert page.value("lang") == "es"

    def test_the_browser_language_is_the_default(self, client):
        page = page_of(client.get("/report", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}))
        assert page.one("html").attrs["lang"] == "es"

    def test_an_unknown_language_falls_back_to_english(self, client):
        assert page_of(client.get("/report?lang=fr")).one("html").attrs["lang"] == "en"

    def test_errors_and_the_confirmation_are_in_spanish(self, app, client):
        page = page_of(send(client, "?lang=es", zip_code="123"))
        expected = "Error: Escriba un código postal de 5 dígitos, por ejemplo 60601."
        assert page.words("p", id="zip_code-error") == expected
        response = send(client, "?lang=es")
        thanks = page_of(client.get(response.headers["Location"]))
        assert thanks.words("h1") == "Gracias, recibimos su reporte"

    def test_the_switch_links_to_the_same_page_in_the_other_language(self, client):
        page = page_of(client.get("/cases/lookup?ref=123"))
        [switch] = [a for a in page.all("a") if a.attrs.get("hreflang") == "es"]
        assert switch.attrs["href"] == "/cases/lookup?lang=es&ref=123" and switch.text == "Español"


def test_too_many_reports_from_one_address_get_the_form_back_with_a_notice(env):
    app = create_app({**env, "WEB_REPORT_LIMIT": "2/minute"})
    client = app.test_client()
    try:
        for number in (1, 2):
            assert send(client, description=f"Pothole number {number}.").status_code == 303
        refused = send(client, query="?lang=es", description="Pothole number 3.")
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
        page, text = page_of(refused), refused.get_data(as_text=True)
        assert "Se enviaron muchos reportes desde esta conexión" in text
        assert page.value("address") == "125 Elm Street" and "Pothole number 3." in text  # what was typed is kept
    finally:
        app.extensions["cityline"].sql.dispose()
