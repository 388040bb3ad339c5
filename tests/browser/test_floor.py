"""The supervisor's floor in a real browser: the wallboard follows a caller into and out of a queue without a
reload, the supervisor's broadcast is heard by that caller on hold, and the charts are drawn from the day's waits.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ivr import db
from ivr.local_caller import CallTranscript, LocalCall, ScriptedCaller, parse_script
from ivr.local_caller.replies import GatherPrompt, Reply
from ivr.models.call import Call
from ivr.models.case import Case
from ivr.models.floor import CallHandling
from ivr.models.queue_wait import QueueWait
from ivr.models.service_type import ServiceType
from tests.browser.conftest import SCREENSHOTS, SUPERVISOR_LOGIN
from tests.conftest import AUTH_TOKEN
from tests.e2e import console_client

BROADCAST = "We know about the water main break on Elm Street; you do not need to report it."


#: Read from the drawn charts (functions, not strings: the page's CSP forbids eval).
WAITS_CHART_ABANDONS = """() => document.body.dataset.chartsDrawn === 'yes' &&
    Chart.getChart('chart-waits').data.datasets[1].data.reduce((a, b) => a + b, 0)"""
VOLUME_CHART_ABANDONS = "() => Chart.getChart('chart-volume').data.datasets[2].data.reduce((a, b) => a + b, 0)"
VOLUME_CHART_OFFERED = "() => Chart.getChart('chart-volume').data.datasets[0].data.reduce((a, b) => a + b, 0)"


def _a_busy_morning(desk: Any, hours: int) -> None:
    """Finished waits, handled calls, calls and cases over the last `hours` of the city's day (a fixed pattern)."""
    engine = db.make_engine(desk.server.env["DATABASE_URL"])
    zone = ZoneInfo(desk.server.env["CITY_TIMEZONE"])
    now = datetime.now(UTC)
    start = max(now - timedelta(hours=hours), datetime.now(zone).replace(hour=0, minute=0, second=0,
                                                                       microsecond=0).astimezone(UTC))
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        types = [session.scalar(select(ServiceType).where(ServiceType.code == code)) or ServiceType(code=code,
                 name=name) for code, name in (("potholes", "Potholes"), ("trash", "Missed trash"),
                                               ("streetlights", "Streetlight out"), ("noise", "Noise"))]
        for n in range(int((now - start).total_seconds() // 150)):
            entered = start + timedelta(seconds=150 * n)
            waited = float((n * 37) % 140 + 2)
            outcome = "abandoned" if n % 6 == 5 else "answered"
            sid = f"CAseed{n:05d}"
            session.add(QueueWait(stream_id=f"seed-{n}", queue="potholes-en", skill="potholes", language="en",
                                  kind="call", call_sid=sid, priority=0, entered_at=entered, outcome=outcome,
                                  ended_at=entered + timedelta(seconds=waited), waited_seconds=waited))
            if outcome == "answered":
                answered = entered + timedelta(seconds=waited)
                talk = 120 + (n * 53) % 240
                session.add(CallHandling(stream_id=f"seed-{n}", call_sid=sid, queue="potholes-en", agent_login="dora",
                                         answered_at=answered, ended_at=answered + timedelta(seconds=talk + 30),
                                         handle_seconds=talk + 30, talk_hold_seconds=talk, wrap_seconds=30))
            session.add(Call(call_sid=sid, started_at=entered - timedelta(seconds=40),
                             disposition="answered_by_agent" if outcome == "answered" else "abandoned_in_queue"))
            session.add(Call(call_sid=f"CAself{n:05d}", started_at=entered, disposition="self_served"))
            kind = types[n % 7 % 4]
            session.add(Case(reference=f"8{n:05d}", service_type=kind, channel=("phone", "web", "sms", "phone")[n % 4],
                             opened_at=entered, updated_at=entered, expected_by=entered + timedelta(days=3)))
    engine.dispose()


def wait_until(check, timeout: float = 20, every: float = 0.25):  # type: ignore[no-untyped-def]
    ends = time.monotonic() + timeout
    while not (found := check()) and time.monotonic() < ends:
        time.sleep(every)
    return found


class HoldingCaller(ScriptedCaller):
    """Walks the menu to an agent queue, then holds (half a second a loop) until told to hang up."""

    def __init__(self, script: str, hang_up: threading.Event) -> None:
        super().__init__(parse_script(script))
        self.hang_up = hang_up
        self.holding = False

    def hold_decision(self, position: int) -> Reply:
        self.holding = True
        if self.hang_up.is_set():
            return Reply.hangup("told to")
        time.sleep(0.5)
        return Reply.wait()

    def answer_gather(self, prompt: GatherPrompt) -> Reply:
        return Reply.silence() if self.holding else super().answer_gather(prompt)  # no callback offer taken


def _call(url: str, hang_up: threading.Event) -> tuple[threading.Thread, dict[str, CallTranscript]]:
    result: dict[str, CallTranscript] = {}
    call = LocalCall(base_url=url, caller=HoldingCaller("press 1\npress 2\npress 2\n", hang_up),
                     auth_token=AUTH_TOKEN, from_number="+13125550177", to_number="+13125550311",
                     max_hold_loops=400)
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()), daemon=True)
    thread.start()
    return thread, result


def _open_floor(desk: Any, browser: Any) -> Any:
    console_client.session_for(desk.server, SUPERVISOR_LOGIN)  # gives the supervisor the known password
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(f"{desk.url}/agents/login")
    page.fill("[name=login]", SUPERVISOR_LOGIN)
    page.fill("[name=password]", console_client.PASSWORD)
    page.click("[type=submit]")
    page.goto(f"{desk.url}/agents/supervisor?lang=en")
    page.wait_for_selector("#live:has-text('Live updates on')")
    page.wait_for_selector("#tile-waiting .value:has-text('0')")
    page.evaluate("window.notReloaded = true")
    return page


def test_the_wallboard_follows_a_caller_and_the_broadcast_reaches_them(desk, browser, screenshot) -> None:  # type: ignore[no-untyped-def]
    desk.add_agent("dora", "trash=5")  # signed in on a queue the caller does not reach
    console = desk.open_console(browser, "dora")
    console.click("[data-state=available]")
    console.wait_for_selector("#state:has-text('Available')")
    page = _open_floor(desk, browser)
    # The browser runs in UTC; the floor's day starts at midnight on the city's clock, and says so.
    page.wait_for_selector("#since:text-is('since 12:00 AM')")
    # Nothing filed yet today: the chart says so in words instead of drawing an empty frame.
    page.wait_for_selector("figure:has(#chart-requests) .chart-empty:text-is('No calls in this period yet.')")
    assert page.is_hidden("#chart-requests")
    dora = "#agents tr[data-agent=dora]"
    page.wait_for_selector(f"{dora} td[data-state=available]")
    page.select_option(f"{dora} select", "break")
    page.fill(f"{dora} input", "team meeting")
    time.sleep(4.5)  # pushed wallboards arrive meanwhile: what the supervisor chose and typed stays
    assert page.input_value(f"{dora} input") == "team meeting" and page.input_value(f"{dora} select") == "break"
    page.click(f"{dora} button")
    page.wait_for_selector(f"{dora} td[data-state=break]:has-text('supervisor sam: team meeting')")
    console.wait_for_selector("#state:has-text('Not ready')")  # the agent's own console follows
    hang_up = threading.Event()
    thread, result = _call(desk.url, hang_up)
    try:
        page.wait_for_selector("#tile-waiting .value:text-is('1')", timeout=30_000)  # pushed, not polled
        queue = page.get_attribute("#queues tr:has(td[data-figure=waiting]:text-is('1'))", "data-queue")
        assert queue is not None
        page.wait_for_selector("#alerts li:has-text('waiting and no agent staffed')")
        assert page.is_visible(f"#alerts li:has-text('{queue}')")
        assert "alert" in page.get_attribute(f"tr[data-queue='{queue}'] td[data-figure=waiting]", "class")

        page.fill("#broadcast-form [name=message_en]", BROADCAST)
        page.fill("#broadcast-form [name=reason]", "water main break")
        page.click("#broadcast-form [type=submit]")
        page.wait_for_selector("#notices .broadcast:has-text('Elm Street')")
        page.wait_for_selector(f"#callers tr td:has-text('{queue}')")
        time.sleep(12)  # a few more hold loops: the caller hears the broadcast, and waits past a short abandon
        screenshot(page, "floor-wallboard")
    finally:
        hang_up.set()
        thread.join(timeout=60)
    assert not thread.is_alive(), "the caller is still on the line"
    heard = result["transcript"].heard
    assert heard.count(BROADCAST) == 1, heard  # once, at the next hold loop, not at every loop

    page.wait_for_selector("#tile-waiting .value:text-is('0')", timeout=30_000)
    page.wait_for_selector("#tile-abandoned .value:text-is('1 (0)')", timeout=30_000)  # after the copy to SQL
    assert page.evaluate("window.notReloaded") is True

    page.select_option("#period-form [name=minutes]", "15")  # reloads the history for the new interval
    assert wait_until(lambda: page.evaluate(WAITS_CHART_ABANDONS) == 1)  # the 12 s abandon, in its bucket
    assert page.evaluate(VOLUME_CHART_ABANDONS) == 1
    _a_busy_morning(desk, hours=4)  # for the picture: a few hours of calls and cases before this one
    page.select_option("#period-form [name=minutes]", "30")
    assert wait_until(lambda: page.evaluate(VOLUME_CHART_OFFERED) > 1)
    assert page.is_visible("#chart-requests") and page.is_hidden("figure:has(#chart-requests) .chart-empty")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("section:has(#history-title)").screenshot(path=str(SCREENSHOTS / "floor-charts.png"))

    page.click("[data-lang=es]")
    page.wait_for_selector("h1:has-text('Piso del supervisor')")
    assert page.is_visible("#notices .broadcast:has-text('Mensaje de sam')")

    audit = desk.api(SUPERVISOR_LOGIN, "GET", "/api/floor/audit")["actions"]
    assert [(a["login"], a["action"], a["reason"]) for a in audit] == [
        ("sam", "broadcast", "water main break"), ("sam", "agent_state", "team meeting")]
    desk.api(SUPERVISOR_LOGIN, "DELETE", "/api/floor/broadcast")
    page.context.close()
    console.context.close()
