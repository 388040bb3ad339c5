"""Dates, times and lists a caller hears come from CLDR (Babel) in every language, on the days that matter."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.spoken import spoken_date, spoken_day, spoken_list, spoken_month_day, spoken_time
from ivr.web.i18n import long_date

THANKSGIVING, NEW_YEARS_EVE, NEW_YEAR, FIRST_OF_DECEMBER = (date(2026, 11, 26), date(2026, 12, 31),
                                                             date(2027, 1, 1), date(2026, 12, 1))


@pytest.mark.parametrize(("day", "language", "said"), [
    (THANKSGIVING, "en", "Thursday, November 26"),
    (THANKSGIVING, "es", "el jueves, 26 de noviembre"),
    (THANKSGIVING, "zh-CN", "11月26日星期四"),
    (NEW_YEARS_EVE, "en", "Thursday, December 31"),
    (NEW_YEARS_EVE, "es", "el jueves, 31 de diciembre"),
    (NEW_YEARS_EVE, "zh-CN", "12月31日星期四"),
    (NEW_YEAR, "en", "Friday, January 1"),
    (NEW_YEAR, "es", "el viernes, primero de enero"),  # CLDR says "1 de enero"; Spanish speakers say "primero"
    (NEW_YEAR, "zh-CN", "1月1日星期五"),
])
def test_dates_that_matter(day, language, said):
    assert spoken_date(day, language) == said


@pytest.mark.parametrize(("language", "said"), [("en", "December 1"), ("es", "primero de diciembre"),
                                                 ("zh-CN", "12月1日")])
def test_the_first_of_a_month(language, said):
    assert spoken_month_day(FIRST_OF_DECEMBER, language) == said


@pytest.mark.parametrize(("moment", "en", "es", "zh"), [
    (time(8), "8 AM", "las 8 de la mañana", "上午8时"),
    (time(13, 30), "1:30 PM", "la 1:30 de la tarde", "下午1:30"),
    (time(21), "9 PM", "las 9 de la noche", "晚上9时"),
    (time(12), "noon", "las 12 del mediodía", "中午12时"),
    (time.max, "midnight", "la medianoche", "午夜12时"),
])
def test_times(moment, en, es, zh):
    assert (spoken_time(moment, "en"), spoken_time(moment, "es"), spoken_time(moment, "zh-CN")) == (en, es, zh)


@pytest.mark.parametrize(("language", "said"), [("en", "trash, recycling, and yard waste"),
                                                 ("es", "trash, recycling y yard waste"),
                                                 ("zh-CN", "trash、recycling和yard waste")])
def test_lists_take_the_languages_conjunction(language, said):
    assert spoken_list(["trash", "recycling", "yard waste"], language) == said


def test_tomorrow_over_new_year():
    said = [spoken_day(NEW_YEAR, NEW_YEARS_EVE, lang) for lang in ("en", "es", "zh-CN")]
    assert said == ["tomorrow", "mañana", "明天"]


def test_the_web_pages_long_date_is_the_citys_day():
    late = datetime(2027, 1, 1, 3, 0, tzinfo=ZoneInfo("UTC"))  # still New Year's Eve in Chicago
    chicago = ZoneInfo("America/Chicago")
    assert [long_date(late, chicago, lang) for lang in ("en", "es", "zh-CN")] == [
        "December 31, 2026", "31 de diciembre de 2026", "2026年12月31日"]


def test_an_unknown_language_speaks_english_dates():
    assert spoken_date(THANKSGIVING, "xx") == "Thursday, November 26"


def test_a_catalog_with_a_broken_clock_still_says_the_time(monkeypatch):
    from ivr.self_service import spoken

    monkeypatch.setattr(spoken, "_word", lambda language, key, **params: "[fr] h" if key == "clock"
                        else "{time}".format(**params) if key.startswith("hour.") else key)
    from babel.dates import format_skeleton

    # CLDR's French 'h' skeleton, not an error while a caller listens
    assert spoken.spoken_time(time(8), "fr") == format_skeleton("h", time(8), locale="fr")
