"""A city's holiday file (holidays.yaml): imported with `cityline import holidays`, then heard as callers hear it.

Each profile is a real city's way of moving pickups; the dates checked are the
holiday weeks where those ways differ.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection import sql
from ivr.self_service.collection.answers import Answer, describe
from ivr.self_service.collection.errors import InvalidFile
from ivr.self_service.collection.holiday_plan import parse_plan
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import Rule, Schedule
from tests.collection.conftest import cityline

ZONE = ZoneInfo("America/New_York")
ADDRESSES = """zip,street,from,to,side,zone
62701,Elm St,100,1299,both,A
62701,Oak St,100,1299,both,B
"""
SCHEDULES = """zone,stream,frequency,weekday,start,season_start,season_end,cutoff
A,trash,weekly,tue,,,,
B,trash,weekly,fri,,,,
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def city(database_url, sessions, tmp_path):  # type: ignore[no-untyped-def]
    """Zones A (Tuesday trash) and B (Friday trash); `city(yaml)` imports a holiday file and returns a lookup."""
    for kind, text in (("addresses", ADDRESSES), ("schedules", SCHEDULES)):
        assert cityline(database_url, "import", kind, str(write(tmp_path, f"{kind}.csv", text))).exit_code == 0

    def load(text: str):  # type: ignore[no-untyped-def]
        result = cityline(database_url, "import", "holidays", str(write(tmp_path, "holidays.yaml", text)))
        assert result.exit_code == 0, result.output

        def pickup(zone: str, usual: date) -> date:
            """The day the pickup due on `usual` is made, asked on the Monday of its week."""
            weekday = {"A": 1, "B": 4}[zone]
            assert usual.weekday() == weekday
            monday = usual - timedelta(days=usual.weekday())
            with sessions() as session:
                holidays = sql.load_holidays(session, zone)
            found = next_pickup(Schedule(zone, "trash", Rule(weekday)),
                                datetime.combine(monday, datetime.min.time(), ZONE), ZONE, holidays)
            assert found is not None
            return found.pickup.day
        return pickup
    return load


def test_toronto_style_new_years_on_monday_leaves_tuesday_routes_alone(city):
    pickup = city("holidays: [New Year's Day]\nrule: {non_collection_days_slide: false}\n")
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 2)
    assert pickup("B", date(2024, 1, 5)) == date(2024, 1, 5)


def test_the_default_rule_slides_the_whole_week_after_a_monday_holiday(city):
    pickup = city("holidays: [New Year's Day]\n")
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 3)
    assert pickup("B", date(2024, 1, 5)) == date(2024, 1, 6)


def test_minneapolis_style_a_saturday_fourth_of_july_moves_nothing(city):
    pickup = city("holidays: [Independence Day]\nrule: {observed_weekends: false}\n")
    assert pickup("B", date(2026, 7, 3)) == date(2026, 7, 3)
    observed = city("holidays: [Independence Day]\n")
    assert observed("B", date(2026, 7, 3)) == date(2026, 7, 4)


@pytest.mark.parametrize(("displaced", "friday"), [
    ("saturday", date(2026, 11, 28)), ("next_week", date(2026, 12, 4)), ("holiday", date(2026, 11, 27)),
])
def test_a_displaced_friday_goes_where_the_city_says(city, displaced, friday):
    pickup = city(f"holidays: [Thanksgiving Day]\nrule: {{displaced_last_day: {displaced}}}\n")
    assert pickup("B", date(2026, 11, 27)) == friday


def test_the_citys_own_days_count_the_day_after_thanksgiving_christmas_eve_and_good_friday(city):
    pickup = city("""holidays: [Thanksgiving Day, Christmas Day]
city_holidays:
  - {name: Day after Thanksgiving, after: Thanksgiving Day}
  - {name: Christmas Eve, date: 12-24}
  - {name: Good Friday, easter: -2}
rule: {displaced_last_day: saturday}
""")
    assert pickup("B", date(2026, 11, 27)) == date(2026, 11, 28)  # two holidays before Friday: still Saturday
    assert pickup("B", date(2026, 4, 3)) == date(2026, 4, 4)  # Good Friday 2026 is April 3
    assert pickup("A", date(2026, 12, 22)) == date(2026, 12, 22)  # Christmas week: Eve is Thursday, after Tuesday
    assert pickup("B", date(2026, 12, 25)) == date(2026, 12, 26)  # Eve and Christmas before Friday: Saturday


def test_a_state_holiday_from_the_subdivision(city):
    pickup = city("subdivision: IL\nholidays: [Casimir Pulaski Day]\n")
    assert pickup("A", date(2026, 3, 3)) == date(2026, 3, 4)  # first Monday of March 2026 is the 2nd


def test_a_canadian_city_boxing_day_and_victoria_day(city):
    pickup = city("country: CA\nsubdivision: ON\nholidays: [Christmas Day, Boxing Day, Victoria Day]\n")
    assert pickup("A", date(2024, 12, 24)) == date(2024, 12, 24)
    assert pickup("B", date(2024, 12, 27)) == date(2024, 12, 28)  # Christmas Wednesday, Boxing Day Thursday
    assert pickup("A", date(2026, 5, 19)) == date(2026, 5, 20)  # Victoria Day 2026 is Monday, May 18


def test_a_zone_with_its_own_rule(city):
    pickup = city("""holidays: [New Year's Day]
zones:
  A: {rule: {non_collection_days_slide: false}}
""")
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 2)
    assert pickup("B", date(2024, 1, 5)) == date(2024, 1, 6)


def test_a_csv_list_after_a_holiday_file_goes_back_to_names_and_the_default_rule(city, database_url, tmp_path):
    pickup = city("holidays: [New Year's Day]\nrule: {non_collection_days_slide: false}\n")
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 2)
    assert cityline(database_url, "import", "holidays",
                    str(write(tmp_path, "h.csv", "name\nNew Year's Day\n"))).exit_code == 0
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 3)


def test_the_citys_spoken_name_for_its_own_holiday_is_heard_in_spanish():
    plan, _ = parse_plan("""holidays: [Thanksgiving Day]
city_holidays:
  - {name: Day after Thanksgiving, after: Thanksgiving Day, es: el día después de Acción de Gracias}
rule: {displaced_last_day: next_week}
""")
    schedule = Schedule("B", "trash", Rule(4))
    found = next_pickup(schedule, datetime(2026, 11, 23, 9, tzinfo=ZONE), ZONE, plan.city)
    assert describe([Answer(schedule, found)], date(2026, 11, 23), "es", plan.city) == [
        "Su próxima recolección de basura es el viernes, 4 de diciembre, 7 días más tarde de lo habitual por "
        "el día después de Acción de Gracias."]


@pytest.mark.parametrize(("text", "expected"), [
    ("holidays: [Thanksgiving]\n",
     "line 1: holidays.0: 'Thanksgiving' is not a US holiday name; did you mean 'Thanksgiving Day'?"),
    ("country: XX\n", "line 1: country: 'XX' is not a country code"),
    ("country: US\nsubdivision: ZZ\n", "line 2: subdivision: 'ZZ' is not a subdivision of US"),
    ("city_holidays:\n  - {name: Eve, date: 13-40}\n",
     "line 2: city_holidays.0.date: '13-40' is not a month and day like 12-24"),
    ("city_holidays:\n  - {name: Eve}\n", "line 2: city_holidays.0: 'Eve' needs exactly one of"),
    ("city_holidays:\n  - {name: Eve, after: Xmas}\n", "line 2: city_holidays.0.after: 'Xmas' is not a US holiday"),
    ("rule:\n  displaced_last_day: sunday\n",
     "line 2: rule.displaced_last_day: 'sunday' is not one of saturday, next_week, holiday"),
    ("rule:\n  last_collection_day: sunday\n", "line 2: rule.last_collection_day: 'sunday' is not a weekday"),
    ("rule:\n  colour: red\n", "line 2: rule.colour: is not a rule setting"),
    ("zones:\n  B:\n    rule: {observed_weekends: maybe}\n",
     "line 3: zones.B.rule.observed_weekends: must be true or false"),
    ("zones:\n  B: {}\n", "line 2: zones.B: takes `rule:` and/or `holidays:`"),
    ("holiday: [Christmas Day]\n", "line 1: holiday: is not a setting"),
    ("holidays: [Christmas Day\n", "not valid YAML"),
    ("- Christmas Day\n", "line 1: the file must be a mapping"),
])
def test_every_mistake_is_named_by_line_and_field(text, expected):
    with pytest.raises(InvalidFile) as raised:
        parse_plan(text)
    assert any(expected in str(problem) for problem in raised.value.errors), [str(p) for p in raised.value.errors]


def test_a_bad_file_is_refused_whole_and_nothing_changes(city, database_url, tmp_path):
    pickup = city("holidays: [New Year's Day]\n")
    result = cityline(database_url, "import", "holidays",
                      str(write(tmp_path, "bad.yaml", "holidays: [New Year's Day]\nrule: {observed_weekends: 2}\n")))
    assert result.exit_code == 1
    assert "bad.yaml:2: rule.observed_weekends: must be true or false" in result.stderr
    assert pickup("A", date(2024, 1, 2)) == date(2024, 1, 3)  # the earlier file still rules
