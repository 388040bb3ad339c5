"""A whole call through the desk, as issue 8's 'Done means' walks it, in a real browser.

Two agents sign in. A resident who reported a pothole before calls, walks the IVR and queues. The offer is
pushed with their IVR path and their past case; Ivy accepts, finds the open pothole case near the address
they give, adds them to it, warm-transfers to Jon and leaves; Jon hangs up and records a wrap-up code. The
Call row then holds both agents, the transfer and the code, and the case counts the caller.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from ivr import db
from ivr.cases.reference import display, make_reference
from ivr.cases.service import NewCase, find_by_reference, open_case
from ivr.models.case import Case
from tests.browser.test_call_controls import call_in, call_row
from tests.browser.test_console import wait_until

pytestmark = pytest.mark.browser
DESK_ROUTING = """
languages: [en, es]
defaults: {reservation_timeout: 20, wrap_up: 30, wrap_up_codes: [resolved, joined_case, transferred]}
wrap_up_codes:
  resolved: {en: Resolved on the call, es: Resuelto en la llamada}
  joined_case: {en: Added to an open case, es: Agregado a un caso abierto}
  transferred: {en: Transferred, es: Transferido}
queues:
  general: {}
  trash: {}
  potholes: {}
  streetlights: {}
  noise: {}
"""
CALLER = "+13125550177"  # the number call_in dials from
OPEN_POTHOLE = make_reference(2026, 901)
EARLIER_REPORT = make_reference(2026, 902)


def _seed_cases(desk) -> None:  # type: ignore[no-untyped-def]
    """An open pothole on Elm's 100 block (someone else's), and a closed report this caller made last month."""
    engine = db.make_engine(desk.server.env["DATABASE_URL"])
    now = datetime.now(UTC)
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        if find_by_reference(session, OPEN_POTHOLE) is None:
            open_case(session, NewCase(OPEN_POTHOLE, "potholes", "web", now - timedelta(days=2),
                                       description="Deep pothole in the right lane", address="121 Elm Street",
                                       zip_code="62701"))
            open_case(session, NewCase(EARLIER_REPORT, "streetlights", "phone", now - timedelta(days=30),
                                       description="Streetlight out", address="9 Oak Street", zip_code="62701",
                                       contact_phone=CALLER))
    engine.dispose()


def _reporters(desk) -> int:  # type: ignore[no-untyped-def]
    from ivr.models.case_reporter import CaseReporter

    engine = db.make_engine(desk.server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == OPEN_POTHOLE))
        count = len(session.scalars(select(CaseReporter).where(CaseReporter.case_id == case_id)).all())
    engine.dispose()
    return count


def test_a_call_is_offered_worked_on_its_case_warm_transferred_and_wrapped_up(desk, browser, screenshot):
    _seed_cases(desk)
    reporters_before = _reporters(desk)
    desk.add_agent("ivy", "potholes=8")
    desk.add_agent("jon", "trash=5")
    ivy, jon = desk.open_console(browser, "ivy"), desk.open_console(browser, "jon")
    for page in (ivy, jon):
        page.click("[data-state=available]")
        page.wait_for_selector("#state:has-text('Available')")

    result: dict = {}
    caller = call_in(desk.url, result)
    ivy.wait_for_selector("#offer:not([hidden])", timeout=20_000)  # pushed, no reload
    offer = ivy.inner_text("#offer")
    assert CALLER in offer and "report menu" in offer  # who is calling and the path they took
    assert display(EARLIER_REPORT) in offer  # their earlier case, found by their number
    ivy.keyboard.press("Alt+A")
    ivy.wait_for_selector("#call-controls:not([hidden])", timeout=15_000)

    ivy.fill("#ct-service-search", "pothole")
    ivy.dispatch_event("#ct-service-search", "change")
    ivy.wait_for_selector("#ct-service option[value=potholes]", state="attached")
    ivy.select_option("#ct-service", "potholes")
    ivy.fill("#ct-address", "125 Elm Street")
    ivy.click("#ct-nearby-button")
    join = ivy.wait_for_selector(f"#ct-nearby button:has-text('Add this caller to {display(OPEN_POTHOLE)}')")
    assert "Deep pothole in the right lane" in ivy.inner_text("#ct-nearby")
    join.click()
    ivy.wait_for_selector(f"#ct-my-case:has-text('{display(OPEN_POTHOLE)}')")
    assert wait_until(lambda: _reporters(desk) == reporters_before + 1)  # one more resident, no new case
    ivy.click("#ct-text-number")
    ivy.wait_for_selector(f"#ct-status:has-text('The case number is being texted to {CALLER}')")
    screenshot(ivy, "console-nearby-case-joined")

    ivy.keyboard.press("Alt+T")
    ivy.wait_for_selector("#cc-transfer-to option[value='agent:jon']", state="attached")
    ivy.select_option("#cc-transfer-to", "agent:jon")
    ivy.check("#cc-warm")
    ivy.click("#cc-transfer")
    jon.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    assert "Transfer from ivy" in jon.inner_text("#offer-heading")
    jon.keyboard.press("Alt+A")
    ivy.wait_for_selector("#cc-transfer-status:has-text('jon has joined')", timeout=15_000)
    ivy.click("#cc-leave")
    ivy.wait_for_selector("#state:has-text('Wrap-up')", timeout=15_000)
    time.sleep(1.0)  # jon and the caller talk

    jon.keyboard.press("Alt+H")
    jon.wait_for_selector("#wrap-up:not([hidden])", timeout=15_000)
    jon.select_option("#wrap-up-code", "joined_case")
    jon.click("#wrap-up-save")
    jon.wait_for_selector("#wrap-up-status:has-text('Recorded: Added to an open case')")
    caller.join(timeout=30)
    assert not caller.is_alive(), "the caller is still on the line"
    transcript = result["transcript"]
    assert transcript.errors == []

    row = wait_until(lambda: (r := call_row(desk, transcript.call_sid)) is not None and r.status == "completed"
                     and r.wrap_up_code and r, timeout=30)
    assert row.agents == ["ivy", "jon"]
    [transfer] = row.transfers
    assert (transfer["mode"], transfer["from"], transfer["to"]) == ("warm", "ivy", "jon")
    assert row.wrap_up_code == "joined_case"
    assert row.disposition == "answered_by_agent"
    for page in (ivy, jon):
        page.context.close()
