"""What callers hear, in English and Spanish: the next pickups and the address choices."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection import choices
from ivr.self_service.collection.addresses import NO_NUMBER, NO_STREET, TOO_MANY, UNKNOWN, Lookup, Place
from ivr.self_service.collection.answers import Answer, address_intro, describe, describe_rule
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedules import Rule, Schedule, Season, ServiceChange

NEW_YORK = ZoneInfo("America/New_York")
HOLIDAYS = HolidayCalendar.of(["Thanksgiving Day", "Christmas Day", "New Year's Day"])
ZONE_D = (
    Schedule("D", "trash", Rule(3)),
    Schedule("D", "recycling", Rule(3, 2, date(2026, 1, 15))),
    Schedule("D", "yard_waste", Rule(3, season=Season((4, 1), (11, 30)))),
)


def spoken(schedules, now: datetime, language: str, changes=()) -> list[str]:  # type: ignore[no-untyped-def]
    found = [Answer(s, next_pickup(s, now, NEW_YORK, HOLIDAYS, changes)) for s in schedules]
    return describe(found, now.date(), language)


THANKSGIVING_WEEK = datetime(2026, 11, 24, 10, 0, tzinfo=NEW_YORK)


def test_thanksgiving_week_in_english():
    assert spoken(ZONE_D, THANKSGIVING_WEEK, "en") == [
        "Your next trash pickup is Friday, November 27, a day later than usual because of Thanksgiving Day.",
        "Recycling is every other Thursday; the next one is December 3.",
        "Yard waste is every Thursday from April through November; the next one is Friday, November 27, "
        "a day later than usual because of Thanksgiving Day.",
    ]


def test_thanksgiving_week_in_spanish():
    assert spoken(ZONE_D, THANKSGIVING_WEEK, "es") == [
        "Su próxima recolección de basura es el viernes, 27 de noviembre, un día más tarde de lo habitual "
        "por el Día de Acción de Gracias.",
        "El reciclaje se recoge cada dos semanas, los jueves; la próxima recolección es el 3 de diciembre.",
        "Los desechos de jardín se recogen todos los jueves de abril a noviembre; la próxima recolección es "
        "el viernes, 27 de noviembre, un día más tarde de lo habitual por el Día de Acción de Gracias.",
    ]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["Your next trash pickup is today.", "Please have your carts at the curb by 7 AM."]),
    ("es", ["Su próxima recolección de basura es hoy.",
            "Por favor, saque sus contenedores a la acera antes de las 7 de la mañana."]),
])
def test_a_pickup_this_morning_is_today_with_the_curb_time(language, expected):
    assert spoken(ZONE_D[:1], datetime(2026, 12, 3, 6, 15, tzinfo=NEW_YORK), language) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Your next trash pickup is tomorrow, Thursday, December 3."),
    ("es", "Su próxima recolección de basura es mañana, jueves, 3 de diciembre."),
])
def test_tomorrow(language, expected):
    assert spoken(ZONE_D[:1], datetime(2026, 12, 2, 18, 0, tzinfo=NEW_YORK), language) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["There is no trash pickup on Thursday, December 3.", "Your next trash pickup is Thursday, December 10."]),
    ("es", ["No habrá recolección de basura el jueves, 3 de diciembre.",
            "Su próxima recolección de basura es el jueves, 10 de diciembre."]),
])
def test_a_cancelled_pickup_is_announced_before_the_next_one(language, expected):
    cancelled = ServiceChange("D", "trash", date(2026, 12, 3), None)
    assert spoken(ZONE_D[:1], datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK), language, [cancelled]) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Your next trash pickup is Friday, December 4, moved from Thursday, December 3."),
    ("es", "Su próxima recolección de basura es el viernes, 4 de diciembre, reprogramada del jueves, 3 de diciembre."),
])
def test_a_storm_delay_says_where_the_pickup_moved_from(language, expected):
    storm = ServiceChange("D", "trash", date(2026, 12, 3), date(2026, 12, 4))
    assert spoken(ZONE_D[:1], datetime(2026, 11, 30, 9, 0, tzinfo=NEW_YORK), language, [storm]) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Your next trash pickup is Saturday, November 28, moved from Friday, November 27, "
           "where Thanksgiving Day had put it."),
    ("es", "Su próxima recolección de basura es el sábado, 28 de noviembre, reprogramada del viernes, 27 de "
           "noviembre, día al que la había pasado el Día de Acción de Gracias."),
])
def test_a_change_to_a_slid_pickup_names_the_day_it_was_due_and_the_holiday(language, expected):
    """Thursday's pickup slid to Friday for Thanksgiving; the change was posted for Friday."""
    storm = ServiceChange("D", "trash", date(2026, 11, 27), date(2026, 11, 28))
    assert spoken(ZONE_D[:1], THANKSGIVING_WEEK, language, [storm]) == [expected]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "Yard waste is every Thursday from April through November; the next one is April 1."),
    ("es", "Los desechos de jardín se recogen todos los jueves de abril a noviembre; la próxima recolección es "
           "el primero de abril."),
])
def test_out_of_season_the_next_season_opens_on_the_first(language, expected):
    assert spoken(ZONE_D[2:], datetime(2026, 12, 15, 9, 0, tzinfo=NEW_YORK), language) == [expected]


@pytest.mark.parametrize(("rule", "language", "expected"), [
    (Rule(4, season=Season((4, 15), (11, 15))), "en", "every Friday from April 15 through November 15"),
    (Rule(4, season=Season((4, 15), (11, 15))), "es", "todos los viernes del 15 de abril al 15 de noviembre"),
    (Rule(5, 2, date(2026, 1, 3)), "en", "every other Saturday"),
    (Rule(5, 2, date(2026, 1, 3)), "es", "cada dos semanas, los sábados"),
])
def test_rules_in_words(rule, language, expected):
    assert describe_rule(rule, language) == expected


def test_a_published_calendar_is_said_as_the_next_date_and_an_empty_one_honestly():
    published = Schedule("E", "recycling", None, (date(2026, 12, 4),))
    assert spoken([published], THANKSGIVING_WEEK, "en") == ["Your next recycling pickup is Friday, December 4."]
    assert spoken([published], datetime(2026, 12, 5, tzinfo=NEW_YORK), "es") == [
        "No hay una próxima recolección de reciclaje en el calendario para esta dirección."]


def test_the_address_is_read_back_first():
    assert address_intro("125", "Elm Street", "62701", "en") == "Here is the collection schedule for 125 Elm Street."
    assert address_intro("125", "", "62701", "es") == (
        "Este es el calendario de recolección para el número 125 en el código postal 6 2 7 0 1.")


def test_the_curb_time_follows_the_schedules_cutoff():
    early = Schedule("D", "trash", Rule(3), cutoff=time(6, 30))
    sentences = spoken([early], datetime(2026, 12, 3, 6, 0, tzinfo=NEW_YORK), "en")
    assert sentences[-1] == "Please have your carts at the curb by 6:30 AM."


class TestChoices:
    ELM = (Place(2, "62702", "Elm Avenue", "D"), Place(1, "62701", "Elm Street", "B"))

    def test_two_streets_in_english_and_spanish(self):
        assert choices.offer(self.ELM, "en") == (
            "Did you mean Elm Avenue or Elm Street?", "Press 1 for Elm Avenue, press 2 for Elm Street.")
        assert choices.offer(self.ELM, "es") == (
            "¿Se refiere a Elm Avenue o Elm Street?", "Para Elm Avenue, oprima 1. Para Elm Street, oprima 2.")

    def test_one_street_that_only_sounded_alike_is_confirmed(self):
        assert choices.offer(self.ELM[1:], "en") == ("Did you mean Elm Street?", "If so, press 1.")

    def test_streets_of_the_same_name_are_told_apart_by_zip_code(self):
        oak = (Place(3, "62701", "Oak Street", "A"), Place(4, "62703", "Oak Street", "E"))
        assert choices.offer(oak, "en")[1] == (
            "Press 1 for Oak Street in ZIP code 6 2 7 0 1, press 2 for Oak Street in ZIP code 6 2 7 0 3.")

    @pytest.mark.parametrize(("lookup", "zip_code", "expected"), [
        (Lookup(UNKNOWN, reason=NO_NUMBER, street="Elm Street"), "",
         "Sorry, I could not find number 9999 on Elm Street."),
        (Lookup(UNKNOWN, reason=NO_NUMBER), "62701", "Sorry, I could not find number 9999 in ZIP code 6 2 7 0 1."),
        (Lookup(UNKNOWN, reason=NO_STREET), "", "Sorry, I could not find that street in our collection records."),
        (Lookup(UNKNOWN, reason=TOO_MANY), "",
         "Several streets match, with different pickup days, so I need the full street name."),
    ])
    def test_why_nothing_was_found(self, lookup, zip_code, expected):
        assert choices.not_found(lookup, "9999", zip_code, "en") == expected
