"""Whole Mandarin calls through the real HTTP server with the sample city loaded: every self-service answer and
the queue, hearing Mandarin from the language menu on (flows/library/city311.yaml, the zh_CN catalog)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from ivr import db
from ivr.cases.reference import make_reference
from ivr.cases.service import NewCase, open_case
from ivr.cli import main
from ivr.local_caller import LocalCall
from tests.conftest import AUTH_TOKEN
from tests.e2e.console_client import console
from tests.e2e.test_agent_calls import PatientCaller, wait_for_offer

pytestmark = pytest.mark.e2e
MENU = "主菜单。"
GOODBYE = "感谢您致电城市3-1-1。再见。"


def assert_clean(transcript) -> None:  # type: ignore[no-untyped-def]
    assert transcript.errors == [], transcript.errors
    assert all(r.status in (200, 204) for r in transcript.requests), [(r.url, r.status) for r in transcript.requests]


def after_choosing_mandarin(transcript) -> list[str]:  # type: ignore[no-untyped-def]
    """What the caller heard after the language menu's last line (普通话服务，请按4。)."""
    return transcript.heard[transcript.heard.index("普通话服务，请按4。") + 1:]


def assert_mandarin(lines: list[str]) -> None:
    """Every sentence holds Chinese characters (street names and numbers may stay in Latin letters)."""
    assert lines
    spoken = [line for line in lines if not line.startswith("[audio:")]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in line) for line in spoken), spoken


def test_a_mandarin_caller_hears_the_office_hours_and_a_mandarin_goodbye(city_server):
    transcript = city_server.call("press 4\npress 4\npress 2\n")
    assert_clean(transcript)
    heard = after_choosing_mandarin(transcript)
    assert heard[0].startswith(MENU)
    assert any(line.startswith("我们的服务人员工作时间为") for line in heard)  # OFFICE_HOURS: every day, all day
    assert heard[-1] == GOODBYE
    assert_mandarin(heard)


@pytest.mark.parametrize("address", ["press 125#\nsay Elm Street", "say 125 Elm Street"])
def test_a_mandarin_caller_gets_the_trash_days_for_an_address_typed_or_said(city_server, address):
    transcript = city_server.call(f"press 4\npress 1\n{address}\npress 2\npress 2\n")
    assert_clean(transcript)
    heard = after_choosing_mandarin(transcript)
    intro = heard.index("以下是125 Elm Street的垃圾收集时间表。")
    assert heard[intro + 1].startswith("您下一次的垃圾收集时间是")
    assert any(line.startswith("回收物收集时间是") for line in heard[intro:])
    assert heard[-1] == GOODBYE
    assert_mandarin(heard)


def test_a_mandarin_caller_hears_the_status_of_their_case(city_server):
    reference = make_reference(datetime.now(UTC).year, 8_800_001)
    engine = db.make_engine(city_server.env["DATABASE_URL"])
    with db.unit_of_work(db.make_session_factory(engine)) as session:
        open_case(session, NewCase(reference=reference, service_code="streetlights", channel="phone",
                                   opened_at=datetime.now(UTC), description="路灯不亮"))
    engine.dispose()
    transcript = city_server.call(f"press 4\npress 3\npress {reference}\npress 2\npress 2\n")
    assert_clean(transcript)
    heard = after_choosing_mandarin(transcript)
    assert "请输入您的十位案件编号。要改为和客服人员通话，请按星号键。" in heard
    grouped = f"{' '.join(reference[:2])}, {' '.join(reference[2:9])}, {reference[9]}"
    assert any(line.startswith(f"案件编号{grouped}，") and "状态是处理中（未结）" in line for line in heard), heard
    assert any(line.startswith("市政府的目标是在5天内解决此类问题") for line in heard)  # the service's promise
    assert heard[-1] == GOODBYE
    assert_mandarin(heard)


def test_a_mandarin_caller_waits_in_the_mandarin_queue_hearing_mandarin(city_server):
    """Nobody speaks Mandarin yet: the hold loop says so, in Mandarin, and offers a callback or a message."""
    transcript = city_server.call("press 4\npress 5\nwait\nhangup\n", max_hold_loops=2)
    assert_clean(transcript)
    assert ("enqueue", "general-zh-CN") in [(e.kind, e.detail) for e in transcript.events]
    heard = after_choosing_mandarin(transcript)
    assert "请稍候，下一位有空的客服人员将为您服务。" in heard
    assert any(line.startswith("现在没有人可以接听您的电话") for line in heard)
    assert_mandarin(heard)


@pytest.fixture(scope="module")
def answered_call(city_server):  # type: ignore[no-untyped-def]
    """A Mandarin caller on hold until Li, who speaks Mandarin, accepts the offer through the console's API."""
    added = CliRunner().invoke(main, ["agents", "add", "li", "--name", "Li Wei", "--skill", "general=5",
                                      "--language", "zh-CN", "--language", "en"], env=city_server.env)
    assert added.exit_code == 0, added.output
    assert console(city_server, "li", "POST", "/api/me/state", {"state": "available"})["state"] == "available"
    answered = threading.Event()
    call = LocalCall(base_url=city_server.url, caller=PatientCaller("press 4\npress 5\nhangup\n", answered),
                     auth_token=AUTH_TOKEN, from_number="+13125550199", max_hold_loops=3)
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(transcript=call.run()))
    thread.start()
    try:
        offer = wait_for_offer(city_server, "li")
        accepted = console(city_server, "li", "POST", f"/api/offers/{offer['id']}/accept")
    finally:
        answered.set()
        thread.join(timeout=30)
    return added.output, offer, accepted, result["transcript"]


def test_a_mandarin_speaking_agent_is_offered_the_mandarin_caller_and_takes_the_call(answered_call):
    added, offer, accepted, _ = answered_call
    assert "languages zh-CN, en" in added
    assert (offer["skill"], offer["language"], offer["kind"]) == ("general", "zh-CN", "call")
    assert accepted["state"] == "on_call"
    assert (accepted["call_about"]["queue"], accepted["call_about"]["language"]) == ("general-zh-CN", "zh-CN")


def test_the_mandarin_caller_is_connected_to_the_agent_hearing_mandarin(answered_call):
    """'Connecting you to an agent' is the catalogs' contact_center.connecting, in Mandarin."""
    transcript = answered_call[3]
    assert_clean(transcript)
    assert ("connected", "li") in [(e.kind, e.detail) for e in transcript.events]
    assert_mandarin(after_choosing_mandarin(transcript))
