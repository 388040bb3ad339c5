"""What makes the pages usable with a keyboard, a screen reader and a phone, checked on the HTML itself."""

from __future__ import annotations

import pytest

from tests.web.pages import page_of

PAGES = ["/report", "/report?lang=es", "/cases/lookup", "/cases/lookup?ref=123"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_language_a_viewport_a_title_and_one_heading(client, path):
    page = page_of(client.get(path))
    assert page.one("html").attrs["lang"] in ("en", "es")
    assert page.one("meta", name="viewport").attrs["content"] == "width=device-width, initial-scale=1"
    assert page.one("title").text.strip()
    assert len(page.all("h1")) == 1
    assert page.one("a", href="#main") and page.one("main").attrs["id"] == "main"


@pytest.mark.parametrize("path", PAGES)
def test_every_control_has_a_label(client, path):
    page = page_of(client.get(path))
    labelled = {label.attrs["for"] for label in page.all("label")}
    controls = [e for e in page.elements
                if e.tag in ("input", "select", "textarea") and e.attrs.get("type") != "hidden"]
    assert controls and all(control.attrs["id"] in labelled for control in controls)


def test_the_report_form_groups_its_fields_and_works_without_javascript(client):
    page = page_of(client.get("/report"))
    assert [" ".join(legend.text.split()) for legend in page.all("legend")] == [
        "What is the problem?", "Where is it?", "How can we reach you?"]
    form = page.one("form")
    assert (form.attrs["method"], form.attrs["action"]) == ("post", "/report")
    assert not page.all("script")
    assert page.one("button", type="submit").text.strip() == "Send report"


def test_the_stylesheet_is_served(client):
    response = client.get("/web/static/cityline.css")
    assert response.status_code == 200 and b":focus-visible" in response.data
    response.close()


def test_pages_with_personal_details_are_not_cached(client):
    assert client.get("/report").headers["Cache-Control"] == "no-store"
