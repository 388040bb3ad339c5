"""An agent works calls in the console in a real browser: offers pushed with who is calling, keys, wrap-up."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser
POTHOLE_CALL = "press 1\npress 2\npress 1\nsay there is a pothole on Elm\nhangup\n"


def wait_until(check, timeout: float = 30, every: float = 0.25):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(every)
    pytest.fail(f"not true within {timeout} s: {check}")


def test_an_offer_is_pushed_with_who_is_calling_and_taken_with_the_keyboard(desk, browser, screenshot):
    desk.add_agent("alice", "potholes=8")
    page = desk.open_console(browser, "alice")
    page.click("[data-state=available]")
    page.wait_for_selector("#state:has-text('Available')")
    page.evaluate("window.loadedOnce = 'still the same page'")

    call = desk.start_call(POTHOLE_CALL)
    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    offer = page.inner_text("#offer")
    assert "+13125550199" in offer and "potholes-en" in offer
    assert "language" in offer.lower() and "pressed “2”" in offer  # the IVR path with each key pressed
    assert page.evaluate("window.loadedOnce") == "still the same page"  # pushed: no reload
    assert page.is_disabled("[data-state=break]")  # no state change while an offer rings
    screenshot(page, "console-offer")

    page.keyboard.press("Alt+A")
    page.wait_for_selector("#state:has-text('Wrap-up')", timeout=20_000)
    transcript = call.transcript()
    assert "Thank you for waiting. Connecting you to an agent now." in transcript.heard
    assert ("connected", "alice") in [(e.kind, e.detail) for e in transcript.events]
    page.wait_for_selector("#countdown:has-text('s of wrap-up left')")
    assert not page.is_hidden("#note-form")
    page.fill("#note", "unsaved words for this call only")
    screenshot(page, "console-wrap-up")
    assert page.evaluate("window.loadedOnce") == "still the same page"
    page.context.close()


def test_a_missed_offer_goes_to_the_next_agent_and_the_first_is_not_ready(desk, browser, screenshot):
    desk.add_agent("bob", "streetlights=5")
    desk.add_agent("carol", "streetlights=5")
    pages = {login: desk.open_console(browser, login) for login in ("bob", "carol")}
    for page in pages.values():
        page.click("[data-state=available]")
        page.wait_for_selector("#state:has-text('Available')")

    call = desk.start_call("press 1\npress 2\npress 2\nhangup\n", from_number="+13125550142")
    first = wait_until(lambda: next((login for login, page in pages.items() if page.is_visible("#offer")), None))
    second = "carol" if first == "bob" else "bob"
    pages[second].wait_for_selector("#offer:not([hidden])", timeout=20_000)  # after the first's 8 s ran out
    missed = pages[first]
    missed.wait_for_selector("#state:has-text('Not ready')")
    assert "missed offer" in missed.inner_text("#reason")
    screenshot(missed, "console-missed-offer")
    missed.click("[data-state=available]")  # one click back
    missed.wait_for_selector("#state:has-text('Available')")
    assert desk.agent_state(first) == "available"

    pages[second].keyboard.press("Alt+A")
    call.transcript()
    for page in pages.values():
        page.context.close()


def test_an_agent_who_closes_the_console_leaves_the_pool(desk, browser):
    desk.add_agent("dave")
    page = desk.open_console(browser, "dave")
    page.click("[data-state=available]")
    page.wait_for_selector("#state:has-text('Available')")
    time.sleep(1)
    assert desk.agent_state("dave") == "available"
    page.context.close()
    wait_until(lambda: desk.agent_state("dave") == "offline", timeout=40, every=1)


def test_errors_are_the_servers_words_and_stay_until_dismissed(desk, browser):
    page = desk.open_console(browser, "nobody")
    desk.deactivate("nobody")  # an account disabled meanwhile: going available is refused
    page.click("[data-state=available]")
    page.wait_for_selector("#error:not([hidden])")
    message = page.inner_text("#error-text")
    assert message and "Unexpected token" not in message
    time.sleep(6)  # pushed heartbeats and refreshes do not clear it
    assert page.is_visible("#error")
    page.click("#error-dismiss")
    assert page.is_hidden("#error")
    page.context.close()


def test_the_console_has_no_serious_accessibility_violations(desk, browser):
    desk.add_agent("erin")
    page = desk.open_console(browser, "erin", bypass_csp=True)
    page.click("[data-state=available]")
    page.wait_for_selector("#state:has-text('Available')")
    page.add_script_tag(path=str(desk.server_root / "node_modules" / "axe-core" / "axe.min.js"))
    results = page.evaluate("axe.run(document)")
    serious = [(v["id"], v["impact"], v["help"]) for v in results["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.context.close()


def test_the_console_reflows_at_200_percent_zoom(desk, browser, screenshot):
    desk.add_agent("fay")
    page = desk.open_console(browser, "fay", width=640, scale=2)  # 1280 px at 200 % is 640 CSS px
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    screenshot(page, "console-zoom-200")
    page.context.close()


def test_the_console_speaks_spanish(desk, browser):
    page = desk.open_console(browser, "gus")
    page.click("[data-lang=es]")
    assert page.inner_text("[data-state=break]") == "Pausa"
    assert page.evaluate("document.documentElement.lang") == "es"
    page.context.close()
