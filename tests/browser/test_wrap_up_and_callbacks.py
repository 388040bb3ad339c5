"""After the call and calling back, in a real browser: wrap-up with its countdown, More time and a required
wrap-up code; a callback offered with the caller's context, placed with Call now, freed by the watchdog
when nobody answers, and answered by the resident (`cityline call --answer`)."""

from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from ivr import db
from ivr.cli import main
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.models.call import Call
from tests.browser.test_console import wait_until
from tests.conftest import AUTH_TOKEN

pytestmark = pytest.mark.browser
#: Short wrap-ups (6 s, 5 s more per press, at most 30 s); pothole calls need a code; callbacks that ring
#: 6 s unanswered are given up, and tried again 2 s later.
DESK_ROUTING = """
languages: [en, es]
defaults: {reservation_timeout: 20, wrap_up: 6, wrap_up_extend: 5, wrap_up_max: 30,
           wrap_up_codes: [resolved, case_filed, caller_hung_up]}
wrap_up_codes:
  resolved: {en: Resolved on the call, es: Resuelto en la llamada}
  case_filed: {en: New case filed, es: Caso nuevo registrado}
  caller_hung_up: {en: Caller hung up, es: La persona colgó}
queues:
  general: {}
  trash: {}
  potholes: {wrap_up_required: true}
  streetlights: {}
  noise: {}
callbacks: {max_attempts: 3, retry_after: 2, dial_timeout: 6}
"""
POTHOLE_CALL = "press 1\npress 2\npress 1\nsay there is a pothole on Elm\nhangup\n"
#: English, report a problem, potholes; on hold with nobody available, 1 for a callback.
CALL_ME_BACK = "press 1\npress 2\npress 1\npress 1\n"


def countdown(page) -> int:  # type: ignore[no-untyped-def]
    words = page.inner_text("#wrap-up-left")
    return int(words.split(" ")[0]) if words[:1].isdigit() else 0


def test_wrap_up_counts_down_extends_and_needs_its_code_before_the_next_call(desk, browser, screenshot):
    desk.add_agent("wendy", "potholes=8")
    page = desk.open_console(browser, "wendy")
    page.click("[data-state=available]")
    page.wait_for_selector("#state:has-text('Available')")

    first = desk.start_call(POTHOLE_CALL)
    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    page.click("#accept")
    page.wait_for_selector("#wrap-up:not([hidden])", timeout=20_000)
    transcript = first.transcript()
    assert page.is_visible("#wrap-up-required")
    options = page.eval_on_selector_all("#wrap-up-code option", "els => els.map(e => e.textContent)")
    assert options == ["Choose a code…", "Resolved on the call", "New case filed", "Caller hung up"]
    before = countdown(page)
    assert 0 < before <= 6
    page.click("#wrap-up-extend")
    wait_until(lambda: countdown(page) > before + 2)  # five more seconds
    page.fill("#note", "half a thought, never saved")
    screenshot(page, "console-wrap-up-code")

    second = desk.start_call(POTHOLE_CALL, from_number="+13125550177")  # waits while wendy wraps up
    page.wait_for_selector("#wrap-up-left:has-text('Choose a wrap-up code')", timeout=30_000)
    assert page.is_hidden("#offer")  # the time is up, but no code: no next call yet
    page.click("[data-state=available]")
    page.wait_for_selector("#error:not([hidden])")
    assert "wrap-up code" in page.inner_text("#error-text")
    page.click("#error-dismiss")

    page.select_option("#wrap-up-code", "case_filed")
    page.click("#wrap-up-save")
    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)  # the code was all that was missing
    assert "+13125550177" in page.inner_text("#offer")
    page.click("#accept")
    page.wait_for_selector("#wrap-up:not([hidden])", timeout=20_000)
    assert page.input_value("#note") == ""  # the unsaved note of the first call did not come back
    second.transcript()

    engine = db.make_engine(desk.server.env["DATABASE_URL"])
    sessions = db.make_session_factory(engine)

    def coded() -> str | None:
        with sessions() as session:
            return session.scalar(select(Call.wrap_up_code).where(Call.call_sid == transcript.call_sid))

    assert wait_until(coded) == "case_filed"  # on the call's row, written by the worker
    engine.dispose()
    page.select_option("#wrap-up-code", "resolved")
    page.click("#wrap-up-save")
    page.wait_for_selector("#wrap-up-status:has-text('Recorded: Resolved on the call')")
    page.click("[data-state=offline]")  # done for the day (the code is in, so wrap-up may end)
    page.wait_for_selector("#state:has-text('Logged out')")
    page.context.close()


def test_a_callback_is_offered_with_its_context_placed_with_call_now_and_never_strands_the_agent(
        desk, browser, screenshot):
    desk.add_agent("hana", "potholes=6")
    page = desk.open_console(browser, "hana")
    page.click("[data-state=break]")  # nobody available: the caller is told so and asks to be called back
    page.wait_for_selector("#state:has-text('Not ready')")
    asked = LocalCall(base_url=desk.url, caller=ScriptedCaller(parse_script(CALL_ME_BACK)), auth_token=AUTH_TOKEN,
                      from_number="+13125550188", to_number="+13125550311").run()
    assert any(line.startswith("Nobody is available to take your call right now") for line in asked.heard)
    assert asked.heard[-1].startswith("Thank you. We will call you back")

    page.click("[data-state=available]")
    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    assert page.inner_text("#offer-heading") == "Callback to make"
    offer = page.inner_text("#offer")
    assert "+13125550188" in offer and "pressed “2”" in offer and "English" in offer
    assert page.inner_text("#accept").startswith("Call now")
    screenshot(page, "console-callback-offer")

    page.click("#accept")  # preview dial: the worker places the call through the local telephony adapter
    page.wait_for_selector("#now:has-text('Calling back +13125550188')")
    assert page.is_disabled("[data-state=break]")
    page.wait_for_selector("#notice:not([hidden])", timeout=20_000)  # nobody answered within 6 s
    assert "did not connect within 6 s" in page.inner_text("#notice-text")
    page.wait_for_selector("#state:has-text('Available')")
    screenshot(page, "console-callback-notice")

    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)  # tried again 2 s later
    assert "attempt 2 of 3" in page.inner_text("#offer-summary")
    page.click("#accept")
    page.wait_for_selector("#now:has-text('Calling back')")
    assert page.is_hidden("#notice")  # the old notice went with the new call

    answered: dict[str, object] = {}

    def resident() -> None:
        script = desk.server_root / "var" / "resident-answers.txt"
        script.parent.mkdir(exist_ok=True)
        script.write_text("say yes the pothole is still there\nhangup\n", encoding="utf-8")
        wait_until(lambda: _placed(desk) >= 2, timeout=20)
        answered["result"] = CliRunner().invoke(
            main, ["call", "--answer", "--url", desk.url, "--script", str(script)],
            env={"TWILIO_AUTH_TOKEN": AUTH_TOKEN, "REDIS_URL": desk.server.env["REDIS_URL"]})

    thread = threading.Thread(target=resident)
    thread.start()
    thread.join(timeout=60)
    result = answered["result"]
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "returning your call about a pothole" in result.output  # type: ignore[attr-defined]
    page.wait_for_selector("#wrap-up:not([hidden])", timeout=20_000)
    page.context.close()


def _placed(desk) -> int:  # type: ignore[no-untyped-def]
    from redis import Redis

    from ivr.telephony.local_adapter import LocalTelephony

    return len(LocalTelephony(Redis.from_url(desk.server.env["REDIS_URL"])).sent("calls"))


def test_the_wrap_up_panel_has_no_serious_accessibility_violations(desk, browser):
    desk.add_agent("xena", "noise=5")
    page = desk.open_console(browser, "xena", bypass_csp=True)  # only to inject axe-core
    page.click("[data-state=available]")
    page.wait_for_selector("#state:has-text('Available')")
    call = desk.start_call("press 1\npress 2\npress 3\nhangup\n", from_number="+13125550166")
    page.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    page.keyboard.press("Alt+A")
    page.wait_for_selector("#wrap-up:not([hidden])", timeout=20_000)
    call.transcript()
    page.click("[data-lang=es]")
    assert page.inner_text("#wrap-up-extend") == "Más tiempo"
    assert "Resuelto en la llamada" in page.inner_text("#wrap-up-code")
    page.add_script_tag(path=str(desk.server_root / "node_modules" / "axe-core" / "axe.min.js"))
    results = page.evaluate("axe.run(document)")
    serious = [(v["id"], v["impact"], v["help"]) for v in results["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.context.close()
