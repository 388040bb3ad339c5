"""Trash-day calls through the real server with the sample city loaded, in English and Spanish.

The server answers for today, so the expected days are worked out here from the
sample city's files with the domain code, just before and just after each call
(a call that straddles the 7 AM cutoff may hear either).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection.answers import Answer, address_intro, describe
from ivr.self_service.collection.holiday_calendar import HolidayCalendar
from ivr.self_service.collection.holiday_file import parse_holidays
from ivr.self_service.collection.ical_file import parse_calendar
from ivr.self_service.collection.pickups import next_pickup
from ivr.self_service.collection.schedule_file import parse_schedules
from ivr.self_service.collection.schedules import STREAMS, Schedule
from tests.e2e.conftest import ROOT, LiveServer

pytestmark = pytest.mark.e2e
SAMPLE = ROOT / "data" / "sample_city"
NEW_YORK = ZoneInfo("America/New_York")



def sample_schedules(zone: str) -> list[Schedule]:
    rows = parse_schedules((SAMPLE / "schedules.csv").read_text(encoding="utf-8").splitlines(keepends=True))
    schedules = [row.schedule for row in rows if row.schedule.zone == zone]
    for path in SAMPLE.glob(f"calendar-{zone}-*.ics"):
        stream = path.stem.split("-", 2)[2]
        schedules.append(Schedule(zone, stream, None, parse_calendar(path.read_bytes(), NEW_YORK)))
    return sorted(schedules, key=lambda schedule: STREAMS.index(schedule.stream))


def expected(zone: str, house: str, street: str, language: str, now: datetime) -> list[str]:
    holidays = HolidayCalendar.of(parse_holidays((SAMPLE / "holidays.csv").read_text().splitlines(keepends=True)))
    answers = [Answer(s, next_pickup(s, now, NEW_YORK, holidays)) for s in sample_schedules(zone)]
    return [address_intro(house, street, "", language), *describe(answers, now.astimezone(NEW_YORK).date(), language)]


def call(server: LiveServer, script: str, zone: str, house: str, street: str, language: str):  # type: ignore[no-untyped-def]
    before = expected(zone, house, street, language, datetime.now(NEW_YORK))
    transcript = server.call(script, max_hold_loops=1)
    after = expected(zone, house, street, language, datetime.now(NEW_YORK))
    assert transcript.errors == [], transcript.errors
    assert all(r.status in (200, 204) for r in transcript.requests)
    return transcript, (before, after)


def heard_answer(transcript, intro: str) -> list[str]:  # type: ignore[no-untyped-def]
    start = transcript.heard.index(intro)
    return transcript.heard[start:start + 1 + len(STREAMS) + 1]


def assert_answer(transcript, answers: tuple[list[str], list[str]]) -> None:  # type: ignore[no-untyped-def]
    heard = heard_answer(transcript, answers[0][0])
    assert any(heard[:len(answer)] == answer for answer in answers), (heard, answers)


def test_an_english_caller_gets_the_days_for_house_number_and_street(city_server):
    # after the answer: 2 declines the text message, 2 again ends the call
    transcript, answers = call(city_server, "press 1\npress 1\npress 125#\nsay Elm Street\npress 2\npress 2\n",
                               "B", "125", "Elm Street", "en")
    assert "Now say the name of your street, for example, Elm Street." in transcript.heard
    assert_answer(transcript, answers)
    assert answers[0][1].startswith("Your next trash pickup is ")
    assert transcript.heard[-1] == "Thank you for calling City 3-1-1. Goodbye."


def test_an_english_caller_chooses_between_elm_avenue_and_elm_street(city_server):
    transcript, answers = call(city_server, "press 1\npress 1\npress 125#\nsay elm\npress 1\npress 2\n",
                               "D", "125", "Elm Avenue", "en")
    assert "Did you mean Elm Avenue or Elm Street?" in transcript.heard
    assert "Press 1 for Elm Avenue, press 2 for Elm Street." in transcript.heard
    assert_answer(transcript, answers)


def test_an_english_caller_at_an_unknown_address_is_offered_a_person_never_a_day(city_server):
    transcript, _ = call(city_server, "press 1\npress 1\npress 125#\nsay banana street\npress 3\nwait\nhangup\n",
                         "B", "125", "", "en")
    assert "Sorry, I could not find that street in our collection records." in transcript.heard
    assert "Please hold for the next available agent." in transcript.heard
    assert not any("pickup is" in line for line in transcript.heard)
    [queue] = [r for r in transcript.requests if r.params.get("QueueResult")]
    assert "node=queue_trash" in queue.url


def test_a_spanish_caller_speaks_the_number_and_the_street(city_server):
    # Accented words must not break the next signed webhook: the caller's words are not carried in URLs.
    script = "press 2\nsay basura\nsay uno dos cinco\nsay mi dirección es calle Elm\nsay continuar\nsay terminar\n"
    transcript, answers = call(city_server, script, "B", "125", "Elm Street", "es")
    assert_answer(transcript, answers)
    assert answers[0][1].startswith("Su próxima recolección de basura es ")
    assert transcript.heard[-1] == "Gracias por llamar a la línea 3-1-1 de la ciudad. Adiós."
    assert all("Your next" not in line for line in transcript.heard)


def test_a_spanish_caller_chooses_between_two_elms(city_server):
    transcript, answers = call(city_server, "press 2\npress 1\npress 125#\nsay Elm\npress 2\npress 2\n",
                               "B", "125", "Elm Street", "es")
    assert "¿Se refiere a Elm Avenue o Elm Street?" in transcript.heard
    assert "Para Elm Avenue, oprima 1. Para Elm Street, oprima 2." in transcript.heard
    assert_answer(transcript, answers)


def test_a_spanish_caller_at_an_unknown_number_reaches_the_trash_queue(city_server):
    transcript, _ = call(city_server, "press 2\npress 1\npress 99999#\nsay calle Elm\npress 3\nwait\nhangup\n",
                         "B", "99999", "", "es")
    assert "Disculpe, no encontré el número 99999 en Elm Street." in transcript.heard
    assert "Por favor espere en la línea al próximo agente disponible." in transcript.heard
    assert not any("recolección de basura es" in line for line in transcript.heard)


def test_a_mobile_caller_gets_the_answer_by_text_message(city_server):
    from redis import Redis

    from ivr.telephony.local_adapter import LocalTelephony

    transcript = city_server.call("press 1\npress 1\npress 1200#\nsay Elm Street\npress 1\npress 2\n")
    assert transcript.errors == []
    assert "To get this by text message, press 1. To continue, press 2." in transcript.heard
    assert "I will text that to your phone in a moment." in transcript.heard
    city_server.run_worker()
    with Redis.from_url(city_server.env["REDIS_URL"]) as redis:
        texts = [sms for sms in LocalTelephony(redis).sent("sms") if sms["to"] == "+13125550199"]
    assert texts and texts[-1]["body"].startswith("City 3-1-1: Here is the collection schedule for 1200 Elm Street.")
    assert "Your next trash pickup is " in texts[-1]["body"]


def test_a_landline_caller_is_not_offered_a_text(city_server):
    transcript = city_server.call("press 1\npress 1\npress 1200#\nsay Elm Street\npress 2\n",
                                  from_number="+442071838750")
    assert transcript.errors == []
    assert "To get this by text message, press 1. To continue, press 2." not in transcript.heard
    assert transcript.heard[-1] == "Thank you for calling City 3-1-1. Goodbye."
