"""Holiday rules as cities publish them: one table per rule, checked on real dates through next_pickup."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.holiday_rules import HolidayRule, InvalidHolidayRule, slide
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import Rule, Schedule

ZONE = ZoneInfo("America/New_York")
NAMES = ["New Year's Day", "Memorial Day", "Independence Day", "Labor Day", "Thanksgiving Day", "Christmas Day"]
CITYLINE = HolidayRule()
TORONTO_STYLE = HolidayRule(non_collection_days_slide=False)
MINNEAPOLIS_STYLE = HolidayRule(observed_weekends=False)


def pickup_day(usual: date, rule: HolidayRule) -> date:
    """The pickup a weekly route due on `usual` gets, looked up the Monday before."""
    schedule = Schedule("D", "trash", Rule(usual.weekday()))
    monday = usual - timedelta(days=usual.weekday())
    found = next_pickup(schedule, datetime.combine(monday, datetime.min.time(), ZONE), ZONE,
                        HolidayCalendar.of(NAMES, rule))
    assert found is not None
    return found.pickup.day


@pytest.mark.parametrize(("usual", "cityline", "toronto"), [
    (date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 2)),  # New Year's Day, Monday: Monday routes slide
    (date(2024, 1, 2), date(2024, 1, 3), date(2024, 1, 2)),  # Tuesday routes collect no Monday: unmoved
    (date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 5)),
    (date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 27)),  # Thanksgiving's own day slides either way
    (date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 27)),
])
def test_toronto_style_a_holiday_on_a_day_without_collection_moves_nothing(usual, cityline, toronto):
    assert pickup_day(usual, CITYLINE) == cityline
    assert pickup_day(usual, TORONTO_STYLE) == toronto


@pytest.mark.parametrize(("usual", "cityline", "minneapolis"), [
    (date(2026, 7, 3), date(2026, 7, 4), date(2026, 7, 3)),  # July 4th is a Saturday, observed Friday the 3rd
    (date(2022, 12, 26), date(2022, 12, 27), date(2022, 12, 26)),  # Christmas on a Sunday, observed Monday
    (date(2022, 12, 30), date(2022, 12, 31), date(2022, 12, 30)),  # and the week after: New Year's on Sunday
    (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 26)),  # a weekday holiday counts for both
])
def test_minneapolis_style_a_weekend_holiday_changes_nothing(usual, cityline, minneapolis):
    assert pickup_day(usual, CITYLINE) == cityline
    assert pickup_day(usual, MINNEAPOLIS_STYLE) == minneapolis


@pytest.mark.parametrize(("displaced", "friday", "thursday"), [
    ("saturday", date(2026, 11, 28), date(2026, 11, 27)),
    ("next_week", date(2026, 12, 4), date(2026, 11, 27)),
    ("holiday", date(2026, 11, 27), date(2026, 11, 27)),
])
def test_a_friday_pushed_off_the_week_goes_where_the_city_says(displaced, friday, thursday):
    rule = HolidayRule(displaced_last_day=displaced)
    assert pickup_day(date(2026, 11, 27), rule) == friday
    assert pickup_day(date(2026, 11, 26), rule) == thursday  # Thanksgiving's own pickup still slides a day


def collects_on_fridays(day: date) -> bool:
    return day.weekday() == 4


@pytest.mark.parametrize(("holidays", "rule", "expected"), [
    ((), CITYLINE, (date(2026, 11, 27), None)),
    (((date(2026, 11, 26), "Thanksgiving Day"),), CITYLINE, (date(2026, 11, 28), "Thanksgiving Day")),
    (((date(2026, 11, 26), "Thanksgiving Day"),), TORONTO_STYLE, (date(2026, 11, 27), None)),
    (((date(2026, 11, 27), "Day after Thanksgiving"),), TORONTO_STYLE, (date(2026, 11, 28), "Day after Thanksgiving")),
    (((date(2026, 11, 26), "Thanksgiving Day"), (date(2026, 11, 27), "Day after Thanksgiving")), CITYLINE,
     (date(2026, 11, 28), "Day after Thanksgiving")),  # two holidays before Friday: Saturday, never Sunday
    (((date(2026, 11, 27), "Day after Thanksgiving"),), HolidayRule(displaced_last_day="holiday"),
     (date(2026, 11, 27), None)),
])
def test_slide_table(holidays, rule, expected):
    assert slide(date(2026, 11, 27), holidays, collects_on_fridays, rule) == expected


@pytest.mark.parametrize(("settings", "named"), [
    ({"displaced_last_day": "sunday"}, "displaced_last_day"),
    ({"last_collection_weekday": 6}, "last_collection_weekday"),
])
def test_a_bad_setting_is_refused_by_name(settings, named):
    with pytest.raises(InvalidHolidayRule, match=named):
        HolidayRule(**settings)
