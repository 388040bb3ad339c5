"""The call-tools panel renders inside the console with a label for every control, and its assets are served."""

from __future__ import annotations

from html.parser import HTMLParser

from flask import render_template

from tests.agents.login import log_in


class Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labelled: set[str] = set()
        self.unnamed_buttons = 0
        self._in_button = False
        self._button_text = ""

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = dict(attrs)
        if tag in ("input", "select", "textarea"):
            self.fields.append(values.get("id") or "?")
        if tag == "label" and values.get("for"):
            self.labelled.add(values["for"])
        if tag == "button":
            self._in_button, self._button_text = True, ""

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in_button:
            self._button_text += data

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "button":
            self.unnamed_buttons += not self._button_text.strip()
            self._in_button = False


def test_every_control_of_the_panel_has_a_label(app):
    with app.test_request_context("/agents/"):
        html = render_template("_call_tools.html")
    controls = Controls()
    controls.feed(html)
    assert len(controls.fields) >= 8
    assert [field for field in controls.fields if field not in controls.labelled] == []
    assert controls.unnamed_buttons == 0


def test_the_panels_script_and_styles_are_served(app):
    client = app.test_client()
    with client.get("/agents/static/call-tools/call-tools.js") as script:
        assert script.status_code == 200 and b"cityline:call" in script.data and b"X-CSRFToken" in script.data
    with client.get("/agents/static/call-tools/call-tools.css") as styles:
        assert styles.status_code == 200


def test_the_directory_finds_departments_by_keyword_in_both_languages(app):
    found = log_in(app.test_client(), "alice").get("/agents/api/directory?q=stray").get_json()["departments"]
    assert [(d["id"], d["names"]["es"]) for d in found] == [("animal-services", "Servicios de Animales")]
    assert app.test_client().get("/agents/api/directory").status_code == 401
