"""On the call in a real browser: a caller is bridged, held, warm-transferred to a second agent, then hung up."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from ivr import db
from ivr.local_caller import LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import Reply
from ivr.models.call import Call
from tests.browser.test_console import wait_until
from tests.conftest import AUTH_TOKEN

pytestmark = pytest.mark.browser
TO_POTHOLES = "press 1\npress 2\npress 1\n"


class StaysOnTheLine(ScriptedCaller):
    """Walks the menu, then waits (in the queue, on hold, talking) until the call ends from the center's side."""

    def hold_decision(self, position: int) -> Reply:
        time.sleep(0.4)
        return Reply.wait()


def call_in(url: str, result: dict) -> threading.Thread:  # type: ignore[type-arg]
    """Dial in on a thread; result["shown"] fills, as the call goes, with what the caller hears and does."""
    shown: list[str] = result.setdefault("shown", [])
    call = LocalCall(base_url=url, caller=StaysOnTheLine(parse_script(TO_POTHOLES)), auth_token=AUTH_TOKEN,
                     from_number="+13125550177", to_number="+13125550311", max_hold_loops=400,
                     max_requests=5000, out=shown.append)
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()), daemon=True)
    thread.start()
    return thread


def call_row(desk, call_sid: str) -> Call | None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(desk.server.env["DATABASE_URL"])
    with db.make_session_factory(engine)() as session:
        row = session.scalar(select(Call).where(Call.call_sid == call_sid))
        if row is not None:
            session.expunge(row)
    engine.dispose()
    return row


def test_a_warm_transfer_from_one_agent_to_another_then_a_hang_up(desk, browser, screenshot):
    desk.add_agent("ivy", "potholes=8")
    desk.add_agent("jon", "trash=5")
    ivy, jon = desk.open_console(browser, "ivy", bypass_csp=True), desk.open_console(browser, "jon")
    for page in (ivy, jon):
        page.click("[data-state=available]")
        page.wait_for_selector("#state:has-text('Available')")

    result: dict = {}
    caller = call_in(desk.url, result)
    ivy.wait_for_selector("#offer:not([hidden])", timeout=20_000)
    ivy.keyboard.press("Alt+A")
    ivy.wait_for_selector("#call-controls:not([hidden])", timeout=15_000)
    ivy.wait_for_selector("#cc-participants li:has-text('Caller')")
    first = ivy.inner_text("#cc-timer")
    time.sleep(2.2)
    assert ivy.inner_text("#cc-timer") != first  # the call timer runs
    ivy.click("#cc-mute")
    ivy.wait_for_selector("#cc-mute[aria-pressed=true]")
    ivy.click("#cc-mute")
    ivy.wait_for_selector("#cc-mute[aria-pressed=false]")
    ivy.click("#cc-hold")
    ivy.wait_for_selector("#cc-participants li:has-text('on hold')")
    screenshot(ivy, "console-on-call")
    ivy.add_script_tag(path=str(desk.server_root / "node_modules" / "axe-core" / "axe.min.js"))  # CSP bypassed
    violations = ivy.evaluate("axe.run(document)")["violations"]
    assert [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")] == []
    ivy.click("#cc-hold")  # back with the caller
    ivy.wait_for_selector("#cc-hold[aria-pressed=false]")

    ivy.keyboard.press("Alt+T")  # to the transfer list
    ivy.wait_for_selector("#cc-transfer-to option[value='agent:jon']", state="attached")
    assert ivy.evaluate("document.activeElement.id") == "cc-transfer-to"
    ivy.select_option("#cc-transfer-to", "agent:jon")
    assert ivy.is_checked("#cc-warm")
    ivy.click("#cc-transfer")
    ivy.wait_for_selector("#cc-transfer-status:has-text('Waiting for jon')")
    # the caller hears why they hold (on a loaded machine jon could otherwise answer between two of its polls)
    wait_until(lambda: any("being transferred" in line for line in result["shown"]), timeout=15)

    jon.wait_for_selector("#offer:not([hidden])", timeout=15_000)
    assert "Transfer from ivy" in jon.inner_text("#offer-heading")
    assert "+13125550177" in jon.inner_text("#offer")  # the same context as the first offer
    jon.keyboard.press("Alt+A")
    jon.wait_for_selector("#call-controls:not([hidden])", timeout=15_000)
    ivy.wait_for_selector("#cc-transfer-status:has-text('jon has joined')", timeout=15_000)
    assert ivy.is_visible("#cc-leave") and not ivy.is_visible("#cc-transfer-form")
    screenshot(ivy, "console-warm-transfer")
    ivy.click("#cc-leave")
    ivy.wait_for_selector("#state:has-text('Wrap-up')", timeout=15_000)
    jon.wait_for_selector("#cc-participants li:has-text('Caller')")
    jon.wait_for_function("() => !document.querySelector('#cc-participants').innerText.includes('ivy')",
                          timeout=15_000)  # the leave reaches jon's page by push
    time.sleep(1.5)  # jon and the caller talk (the caller checks how its conference stands every half second)

    jon.keyboard.press("Alt+H")
    jon.wait_for_selector("#state:has-text('Wrap-up')", timeout=15_000)
    caller.join(timeout=30)
    assert not caller.is_alive(), "the caller is still on the line"
    transcript = result["transcript"]
    assert transcript.errors == []
    assert "Please hold while you are being transferred." in transcript.heard
    connected = [e.detail for e in transcript.events if e.kind == "connected"]
    assert connected[:1] == ["ivy"] and "jon" in connected

    row = wait_until(lambda: (r := call_row(desk, transcript.call_sid)) is not None and r.status == "completed"
                     and r, timeout=30)
    assert row.agents == ["ivy", "jon"]
    [transfer] = row.transfers
    assert (transfer["mode"], transfer["from"], transfer["to_kind"], transfer["to"]) == ("warm", "ivy", "agent",
                                                                                          "jon")
    assert row.disposition == "answered_by_agent"
    for page in (ivy, jon):
        page.context.close()
