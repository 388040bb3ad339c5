"""Listen, whisper and leave in a real browser: an agent is on a call with a local caller, the supervisor joins
it from the floor, the agent's console shows who is on the line and how, and the audit log lists every use."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import SUPERVISOR_LOGIN
from tests.browser.test_call_controls import call_in
from tests.e2e import console_client

pytestmark = pytest.mark.browser


def open_floor(desk: Any, browser: Any) -> Any:
    """The floor as the supervisor sam opens it (CSP bypassed only so the test can inject axe-core)."""
    console_client.session_for(desk.server, SUPERVISOR_LOGIN)
    page = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True).new_page()
    page.goto(f"{desk.url}/agents/login")
    page.fill("[name=login]", SUPERVISOR_LOGIN)
    page.fill("[name=password]", console_client.PASSWORD)
    page.click("[type=submit]")
    page.goto(f"{desk.url}/agents/supervisor?lang=en")
    page.wait_for_selector("#live:has-text('Live updates on')")
    return page


def test_the_supervisor_listens_then_whispers_then_leaves_and_the_agent_sees_it(desk, browser, screenshot):
    desk.add_agent("kim", "potholes=8")
    kim = desk.open_console(browser, "kim")
    kim.click("[data-state=available]")
    kim.wait_for_selector("#state:has-text('Available')")
    result: dict = {}
    caller = call_in(desk.url, result)
    kim.wait_for_selector("#offer:not([hidden])", timeout=20_000)
    kim.keyboard.press("Alt+A")
    kim.wait_for_selector("#cc-participants li:has-text('Caller')", timeout=15_000)
    assert not kim.is_visible("#cc-supervisor")

    floor = open_floor(desk, browser)
    row = "#agents tr[data-agent=kim]"
    floor.wait_for_selector(f"{row} td:has-text('potholes-en')", timeout=15_000)
    floor.click(f"{row} button[data-mode=listen]")
    floor.wait_for_selector(f"{row} button[data-mode=listen][aria-pressed=true]", timeout=10_000)
    floor.wait_for_selector(f"{row} .supervised:has-text('sam listening')")
    kim.wait_for_selector("#cc-supervisor:has-text('Supervisor sam is listening')", timeout=10_000)
    kim.wait_for_selector("#cc-participants li:has-text('sam (supervisor, listening)')")

    floor.click(f"{row} button[data-mode=whisper]")
    floor.wait_for_selector(f"{row} button[data-mode=whisper][aria-pressed=true]", timeout=10_000)
    kim.wait_for_selector("#cc-supervisor:has-text('only you hear them')", timeout=10_000)
    screenshot(floor, "floor-whisper")
    screenshot(kim, "console-coached")
    assert floor.inner_text("#error") == ""
    floor.add_script_tag(path=str(desk.server_root / "node_modules" / "axe-core" / "axe.min.js"))
    violations = floor.evaluate("axe.run(document.querySelector('#agents').closest('section'))")["violations"]
    assert [(v["id"], v["help"]) for v in violations if v["impact"] in ("serious", "critical")] == []

    floor.click(f"{row} button[data-mode=leave]")
    floor.wait_for_selector(f"{row} button[data-mode=leave][disabled]", timeout=10_000)
    kim.wait_for_selector("#cc-supervisor", state="hidden", timeout=10_000)
    assert "sam" not in kim.inner_text("#cc-participants")
    assert kim.is_visible("#cc-participants li:has-text('Caller')")  # the call goes on

    floor.click("[data-lang=es]")
    floor.wait_for_selector(f"{row} button[data-mode=listen]:has-text('Escuchar')")
    floor.wait_for_selector(f"{row} button[data-mode=barge]:has-text('Intervenir')")

    floor.goto(f"{desk.url}/agents/supervisor/audit")
    rows = [floor.inner_text(f"#audit tbody tr:nth-child({n})") for n in (1, 2, 3)]
    assert ["left call" in rows[0], "whisper" in rows[1], "listen" in rows[2]] == [True, True, True]
    assert all("sam" in r and "kim" in r for r in rows)

    kim.keyboard.press("Alt+H")
    kim.wait_for_selector("#state:has-text('Wrap-up')", timeout=15_000)
    caller.join(timeout=30)
    assert not caller.is_alive() and result["transcript"].errors == []
    for page in (kim, floor):
        page.context.close()
