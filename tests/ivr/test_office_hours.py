"""Opening hours in the city's zone, and how they are spoken."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from flows.handlers import HandlerRequest
from ivr.self_service.office_hours import describe_week, next_opening_sentence
from ivr.self_service.spoken import spoken_date, spoken_time
from routing.office_hours import OfficeHours, parse_closed_days, parse_weekly_hours

CHICAGO = ZoneInfo("America/Chicago")
HOURS = OfficeHours(CHICAGO, parse_weekly_hours("mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00"),
                    parse_closed_days("2026-11-26"))


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)


@pytest.mark.parametrize(("moment", "open_"), [
    (at(2026, 11, 24, 7, 59), False),
    (at(2026, 11, 24, 8, 0), True),
    (at(2026, 11, 24, 12, 30), False),  # lunch
    (at(2026, 11, 24, 16, 59), True),
    (at(2026, 11, 24, 17, 0), False),
    (at(2026, 11, 26, 10, 0), False),  # Thanksgiving, closed
    (at(2026, 11, 28, 10, 0), True),  # Saturday morning
    (at(2026, 11, 29, 10, 0), False),  # Sunday
    (datetime(2026, 11, 24, 15, 0, tzinfo=ZoneInfo("UTC")), True),  # 9 AM in Chicago
])
def test_is_open_on_both_sides_of_opening_and_closing(moment, open_):
    assert HOURS.is_open(moment) is open_


@pytest.mark.parametrize(("moment", "opening"), [
    (at(2026, 11, 24, 7, 0), at(2026, 11, 24, 8, 0)),
    (at(2026, 11, 24, 12, 15), at(2026, 11, 24, 13, 0)),
    (at(2026, 11, 25, 18, 0), at(2026, 11, 27, 8, 0)),  # skips the closed Thursday
    (at(2026, 11, 28, 12, 0), at(2026, 11, 30, 8, 0)),
    (at(2026, 12, 31, 18, 0), at(2027, 1, 1, 8, 0)),  # across the year end
])
def test_next_opening(moment, opening):
    assert HOURS.next_opening(moment) == opening


def test_next_opening_across_the_spring_dst_change_is_in_local_time():
    hours = OfficeHours(CHICAGO, parse_weekly_hours("sun 08:00-17:00"))
    opening = hours.next_opening(at(2027, 3, 13, 20, 0))
    assert opening is not None and opening.hour == 8 and opening.utcoffset().total_seconds() == -5 * 3600


def test_never_open_has_no_next_opening():
    assert OfficeHours(CHICAGO, {}).next_opening(at(2026, 11, 24, 9, 0)) is None


@pytest.mark.parametrize(("text", "message"), [
    ("monday 08:00-17:00", "not a day"),
    ("fri-mon 08:00-17:00", "runs backwards"),
    ("mon-fri 8-5", "not a period"),
    ("mon-fri 17:00-08:00", "closes before it opens"),
    ("mon-fri 25:00-26:00", "not a real time"),
    ("mon-fri", "names days but no hours"),
])
def test_malformed_hours_are_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_weekly_hours(text)


def test_malformed_closed_days_are_refused():
    with pytest.raises(ValueError, match="'12/25/2026' is not a date"):
        parse_closed_days("2026-12-24, 12/25/2026")


def test_a_24_hour_day_is_open_until_midnight():
    hours = OfficeHours(CHICAGO, parse_weekly_hours("mon-sun 00:00-24:00"))
    assert hours.is_open(at(2026, 11, 24, 23, 59, 59))


class TestSpoken:
    @pytest.mark.parametrize(("moment", "en", "es"), [
        (time(8, 0), "8 AM", "las 8 de la mañana"),
        (time(13, 30), "1:30 PM", "la 1:30 de la tarde"),
        (time(12, 0), "noon", "las 12 del mediodía"),
        (time(12, 15), "12:15 PM", "las 12:15 de la tarde"),
        (time(21, 0), "9 PM", "las 9 de la noche"),
    ])
    def test_times(self, moment, en, es):
        assert (spoken_time(moment, "en"), spoken_time(moment, "es")) == (en, es)

    def test_dates(self):
        assert spoken_date(date(2026, 11, 30), "en") == "Monday, November 30"
        assert spoken_date(date(2026, 11, 30), "es") == "el lunes, 30 de noviembre"

    def test_the_week_is_described_in_groups(self):
        assert describe_week(HOURS, "en") == (
            "Our agents are available Monday through Friday, from 8 AM to noon and from 1 PM to 5 PM; "
            "and Saturday, from 9 AM to noon.")
        assert describe_week(HOURS, "es").startswith(
            "Nuestros agentes están disponibles de lunes a viernes, de las 8 de la mañana a las 12 del mediodía")

    def test_a_center_that_never_closes(self):
        hours = OfficeHours(CHICAGO, parse_weekly_hours("mon-sun 00:00-24:00"))
        assert describe_week(hours, "en") == "Our agents are available every day, around the clock."
        assert describe_week(hours, "es") == "Nuestros agentes están disponibles todos los días, las 24 horas."

    @pytest.mark.parametrize(("moment", "language", "sentence"), [
        (at(2026, 11, 24, 7, 0), "en", "Agents are available again today at 8 AM."),
        (at(2026, 11, 24, 18, 0), "en", "Agents are available again tomorrow at 8 AM."),
        (at(2026, 11, 25, 18, 0), "es",
         "Los agentes estarán disponibles de nuevo el viernes, 27 de noviembre a las 8 de la mañana."),
    ])
    def test_when_agents_are_back(self, moment, language, sentence):
        assert next_opening_sentence(HOURS, HandlerRequest(language, {}, moment)) == sentence
