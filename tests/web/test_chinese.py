"""The residents' pages speak Simplified Chinese from the catalogs, with CLDR's dates, like the phone line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.web.i18n import choose_language
from tests.open311.support import add_case
from tests.web.pages import page_of
from tests.web.test_lookup import facts

AVAILABLE = ("en", "es", "zh-CN")


def test_the_form_speaks_chinese_when_asked(client):
    page = page_of(client.get("/report?lang=zh-CN"))
    assert page.one("html").attrs["lang"] == "zh-CN"
    assert page.words("h1") == "报告问题"
    assert page.words("option", value="potholes") == "路面坑洞或道路损坏"


def test_the_lookup_gives_chinese_dates(app, client):
    ref = add_case(app, 4321, datetime(2026, 12, 31, 20, 0, tzinfo=UTC), "streetlights")
    page = page_of(client.get(f"/cases/lookup?ref={ref}&lang=zh-CN"))
    assert facts(page)["报告日期"] == "2026年12月31日"
    assert facts(page)["问题类型"] == "路灯不亮"


@pytest.mark.parametrize(("accepted", "chosen"), [
    (["zh-CN", "zh"], "zh-CN"),
    (["zh"], "zh-CN"),  # the only Chinese the city has
    (["es-MX", "es"], "es"),
    (["fr-FR"], "en"),
])
def test_the_browser_language_picks_the_closest_we_have(accepted, chosen):
    assert choose_language(None, accepted, AVAILABLE, "en") == chosen


def test_a_language_without_a_catalog_is_never_offered():
    assert choose_language("fr", [], ("en", "fr"), "en") == "en"
