"""The shipped flow's trash path with the sample city in SQL, at a fixed moment: Thanksgiving week 2026."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from flows.engine import Engine
from flows.instructions import CallState, Listen, Queue, Reply, Speak, Turn
from ivr.app import create_app
from ivr.voice.webhook_params import state_query
from tests.collection.conftest import cityline

NEW_YORK = ZoneInfo("America/New_York")
TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=NEW_YORK)  # Thanksgiving is on Thursday


@pytest.fixture
def engine(env, database_url, monkeypatch) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    assert cityline(database_url, "import", "sample").exit_code == 0
    app = create_app({**env, "DATABASE_URL": database_url})
    flow_engine = app.extensions["cityline"].engine
    monkeypatch.setattr(flow_engine, "clock", lambda: TUESDAY_MORNING)
    yield flow_engine
    app.extensions["cityline"].sql.dispose()
    app.extensions["cityline"].redis.close()


class Call:
    """Walks the engine turn by turn, as the webhooks would, keeping what the caller heard."""

    def __init__(self, engine: Engine, language: str = "en") -> None:
        self.engine = engine
        self.heard: list[str] = []
        self.turn = engine.respond(CallState("main_menu", language), Reply(digits="1"))
        self._hear(self.turn)

    def press(self, digits: str) -> Call:
        return self._reply(Reply(digits=digits))

    def say(self, words: str) -> Call:
        return self._reply(Reply(speech=words, confidence=0.9))

    def silence(self) -> Call:
        return self._reply(Reply())

    @property
    def state(self) -> CallState:
        listen = self.turn.instructions[-1]
        assert isinstance(listen, Listen), self.turn.instructions
        return listen.state

    @property
    def queued(self) -> str | None:
        last = self.turn.instructions[-1]
        return f"{last.skill}-{last.language}" if isinstance(last, Queue) else None

    def _reply(self, reply: Reply) -> Call:
        self.heard.clear()
        self.turn = self.engine.respond(self.state, reply)
        self._hear(self.turn)
        return self

    def _hear(self, turn: Turn) -> None:
        for instruction in turn.instructions:
            if isinstance(instruction, Speak):
                self.heard.append(instruction.text)
            elif isinstance(instruction, Listen):
                self.heard += [s.text for s in instruction.prompts if isinstance(s, Speak)]


def test_house_number_and_street_give_the_days(engine):
    call = Call(engine).press("125").say("Elm Street")
    assert call.heard[:4] == [
        "Here is the collection schedule for 125 Elm Street.",
        "Your next trash pickup is Tuesday, December 1.",  # this morning's pickup is past the 7 AM cutoff
        "Recycling is every other Tuesday; the next one is December 1.",
        "Yard waste is every Tuesday from April through November; the next one is April 6.",
    ]
    assert call.state.node == "anything_else"
    assert call.state.values["zone"] == "B"


def test_an_ambiguous_street_is_offered_as_a_choice(engine):
    call = Call(engine).press("125").say("elm")
    assert call.heard == ["Did you mean Elm Avenue or Elm Street?", "Press 1 for Elm Avenue, press 2 for Elm Street.",
                          "If your street is not one of these, press 8. To hear the choices again, press 9."]
    call.press("1")
    assert call.heard[:2] == [
        "Here is the collection schedule for 125 Elm Avenue.",
        "Your next trash pickup is Friday, November 27, a day later than usual because of Thanksgiving Day.",
    ]
    assert call.heard[2] == "Recycling is every other Thursday; the next one is December 3."


def test_the_choice_can_be_repeated_and_wrong_keys_are_bounded(engine):
    call = Call(engine).press("125").say("elm").press("9")
    assert call.heard[0] == "Did you mean Elm Avenue or Elm Street?"
    call.press("5")
    assert call.heard[:2] == ["Sorry, that is not one of the choices.", "Did you mean Elm Avenue or Elm Street?"]
    call.press("7").press("6")
    assert call.heard[0] == "Sorry, I still didn't get that."
    assert call.queued == "trash-en"


def test_none_of_these_leads_to_the_unknown_menu(engine):
    call = Call(engine).press("125").say("elm").press("8")
    assert call.state.node == "trash_unknown"


def test_an_unknown_street_is_said_honestly_and_an_agent_is_offered(engine):
    call = Call(engine).press("125").say("Banana Street")
    assert call.heard[0] == "Sorry, I could not find that street in our collection records."
    assert "To speak with someone about trash and recycling, press 3." in call.heard[1]
    assert not any("pickup is" in line for line in call.heard)
    assert call.press("3").queued == "trash-en"


def test_an_unknown_house_number_on_a_known_street(engine):
    call = Call(engine).press("9999").say("Elm Street")
    assert call.heard[0] == "Sorry, I could not find number 9999 on Elm Street."
    assert call.state.node == "trash_unknown"


def test_when_the_street_is_not_understood_the_zip_code_finds_the_zone(engine):
    call = Call(engine).press("4500").silence().silence().silence()
    assert call.heard[-1] == "Please enter your five-digit ZIP code on the keypad."
    call.press("62704")
    assert call.heard[:3] == [
        "Here is the collection schedule for number 4500 in ZIP code 6 2 7 0 4.",
        "Your next trash pickup is Saturday, November 28, a day later than usual because of Thanksgiving Day.",
        "Your next recycling pickup is Friday, December 4.",  # zone E's published calendar
    ]


def test_a_zip_code_with_streets_in_different_zones_offers_them(engine):
    call = Call(engine).press("2501").silence().silence().silence().press("62701")
    assert call.heard[0] == "Did you mean Lincoln Avenue, North Main Street, or Washington Boulevard?"
    call.press("1")
    assert call.heard[0] == "Here is the collection schedule for 2501 Lincoln Avenue."
    assert call.heard[1] == "Your next trash pickup is Monday, November 30."  # Lincoln's odd side is zone A


def test_a_lone_zero_instead_of_a_house_number_reaches_a_person(engine):
    assert Call(engine).press("0").queued == "trash-en"


def test_spanish_callers_hear_spanish(engine):
    call = Call(engine, "es").say("uno dos cinco").say("calle Elm")
    assert call.heard[:2] == ["Este es el calendario de recolección para 125 Elm Street.",
                              "Su próxima recolección de basura es el martes, primero de diciembre."]
    call = Call(engine, "es").press("125").say("Elm")
    assert call.heard[:2] == ["¿Se refiere a Elm Avenue o Elm Street?",
                              "Para Elm Avenue, oprima 1. Para Elm Street, oprima 2."]


def test_stale_or_forged_candidates_are_not_answered(engine):
    forged = CallState("trash_pick", "en", 0, {"house": "125", "cands": "999999.B~1.D"})
    turn = engine.respond(forged, Reply(digits="1"))
    listen = turn.instructions[-1]
    assert isinstance(listen, Listen) and listen.state.node == "trash_unknown"


def test_values_that_travel_in_urls_stay_short_safe_and_hold_no_phone_number(engine):
    turn = engine.respond(CallState("trash_street", "en", 0, {"house": "125"}), Reply(speech="mi dirección es Elm"),
                          caller="+13125550199")
    listen = turn.instructions[-1]
    assert isinstance(listen, Listen) and listen.state.node == "trash_pick"
    query = state_query(listen.state)
    assert query["v_cands"].count(".") == 2 and "v_street" not in query  # the caller's words are not carried on
    assert all(len(value) <= 200 and "3125550199" not in value for value in query.values())
    assert urlencode(query) == urlencode(query, safe="") and "%" not in urlencode(query)
