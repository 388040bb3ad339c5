"""Looking a case up by reference: found, not found, a mistyped check digit, in English and Spanish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ivr import db
from ivr.cases.reference import display, make_reference
from ivr.cases.service import change_status, find_by_reference
from tests.open311.support import add_case
from tests.web.pages import page_of

OPENED = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture
def ref(app) -> str:  # type: ignore[no-untyped-def]
    ref = add_case(app, 1234, OPENED, "streetlights")
    with db.unit_of_work(app.extensions["cityline"].sessions) as session:
        case = find_by_reference(session, ref)
        change_status(session, case, "in_progress", OPENED + timedelta(days=1), note="Crew scheduled.")
        change_status(session, case, "in_progress", OPENED + timedelta(days=2), note="Agent-only note.", public=False)
    return ref


def facts(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {" ".join(dt.text.split()): " ".join(dd.text.split())
            for dt, dd in zip(page.all("dt"), page.all("dd"), strict=True)}


@pytest.mark.parametrize("typed", ["digits", "printed", "spaced"])
def test_a_case_is_found_however_its_number_is_typed(client, ref, typed):
    text = {"digits": ref, "printed": display(ref), "spaced": f" {ref[:2]} {ref[2:9]} {ref[9:]} "}[typed]
    response = client.get("/cases/lookup", query_string={"ref": text})
    assert response.status_code == 200
    page = page_of(response)
    assert page.words("h2", id="case-title") == f"Case {display(ref)}"
    assert facts(page) == {"Kind of problem": "Streetlight out", "Status": "In progress",
                           "Reported on": "November 20, 2026", "Last updated": "November 22, 2026",
                           "Expected resolution": "November 25, 2026"}


def test_only_public_updates_are_shown_newest_first(client, ref):
    page = page_of(client.get(f"/cases/lookup?ref={ref}"))
    updates = [" ".join(li.text.split()) for li in page.all("li") if li.text.strip().startswith("November")]
    assert updates == ["November 21, 2026 – In progress: Crew scheduled.",
                       "November 20, 2026 – Open: Opened by phone."]
    assert "Agent-only note" not in page_of(client.get(f"/cases/lookup?ref={ref}")).words("main")


def test_a_closed_case_shows_when_it_closed(app, client):
    closed = add_case(app, 99, OPENED, "noise", "closed")
    assert facts(page_of(client.get(f"/cases/lookup?ref={closed}")))["Closed on"] == "November 20, 2026"


def test_an_overdue_case_says_so(app, client):
    late = add_case(app, 98, datetime.now(UTC) - timedelta(days=30), "noise")
    assert "past its expected date" in page_of(client.get(f"/cases/lookup?ref={late}")).words("main")


def test_an_unknown_number_is_not_found(client, ref):
    unknown = make_reference(2026, 4321)
    response = client.get(f"/cases/lookup?ref={unknown}")
    assert response.status_code == 404
    assert page_of(response).words("div", role="alert") == f"We could not find case {display(unknown)}. " \
                                                             "Please check the number."


def test_a_mistyped_check_digit_is_called_a_typo(client, ref):
    typo = ref[:-1] + str((int(ref[-1]) + 1) % 10)
    response = client.get(f"/cases/lookup?ref={typo}")
    assert response.status_code == 400
    page = page_of(response)
    assert page.words("div", role="alert").startswith("That number has a typo")
    assert page.one("input", id="ref").attrs["aria-invalid"] == "true"


@pytest.mark.parametrize("typed", ["123", "26-000123-", "abcdefghij", "26000012345"])
def test_something_that_is_not_a_case_number_says_what_one_looks_like(client, typed):
    response = client.get("/cases/lookup", query_string={"ref": typed})
    assert response.status_code == 400
    assert page_of(response).words("div", role="alert") == "A case number has 10 digits, for example 26-0001234-9."


def test_an_empty_lookup_is_just_the_form(client):
    response = client.get("/cases/lookup")
    assert response.status_code == 200
    page = page_of(response)
    assert page.one("label", **{"for": "ref"}).text == "Case number" and not page.all("div", role="alert")


def test_the_lookup_speaks_spanish(client, ref):
    page = page_of(client.get(f"/cases/lookup?ref={ref}&lang=es"))
    assert page.one("html").attrs["lang"] == "es"
    assert facts(page) == {"Tipo de problema": "Poste de luz apagado", "Estado": "En proceso",
                           "Reportado el": "20 de noviembre de 2026", "Última actualización": "22 de noviembre de 2026",
                           "Resolución prevista": "25 de noviembre de 2026"}
    typo = page_of(client.get(f"/cases/lookup?ref={ref[:-1]}{(int(ref[-1]) + 1) % 10}&lang=es"))
    assert typo.words("div", role="alert").startswith("Ese número tiene un error")


def test_thanks_for_a_bad_reference_goes_back_to_the_form(client):
    response = client.get("/report/thanks?ref=123&lang=es")
    assert response.status_code == 303 and response.headers["Location"] == "/report?lang=es"
