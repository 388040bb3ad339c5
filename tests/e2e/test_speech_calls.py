"""Whole calls through the real server where callers say what they need, and say their address in one go."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import AUTH_TOKEN
from tests.e2e.conftest import ROOT
from tests.e2e.test_collection_calls import assert_answer, call

pytestmark = pytest.mark.e2e



def queued_at(transcript) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.url for r in transcript.requests if r.params.get("QueueResult")]


def test_an_english_caller_says_pothole_and_reaches_the_pothole_queue(city_server):
    transcript = city_server.call("press 1\nsay there's a big pothole on my street\nwait\nhangup\n",
                                  max_hold_loops=1)
    assert transcript.errors == []
    assert "Please hold for the next available agent." in transcript.heard
    assert any("node=queue_potholes" in url for url in queued_at(transcript))


def test_a_spanish_caller_says_bache_and_reaches_the_spanish_pothole_queue(city_server):
    transcript = city_server.call("press 2\nsay hay un bache enorme en mi calle\nwait\nhangup\n", max_hold_loops=1)
    assert transcript.errors == []
    assert "Por favor espere en la línea al próximo agente disponible." in transcript.heard
    assert any("node=queue_potholes" in url and "lang=es" in url for url in queued_at(transcript))


def test_an_unsure_guess_is_confirmed_and_a_yes_goes_there(city_server):
    transcript = city_server.call("press 1\nsay problem with the street\nsay yes\nwait\nhangup\n", max_hold_loops=1)
    assert transcript.errors == []
    assert "It sounds like you want to report a pothole." in transcript.heard
    assert any("node=queue_potholes" in url for url in queued_at(transcript))


def test_a_wrong_guess_falls_back_to_the_menu_in_spanish(city_server):
    transcript = city_server.call("press 2\nsay algo en mi calle\nsay no\npress 4\nsay terminar\n")
    assert transcript.errors == []
    assert "Parece que usted quiere reportar otro tipo de problema." in transcript.heard
    assert "Disculpe. Usemos el menú." in transcript.heard
    menus = [line for line in transcript.heard if line.startswith("Menú principal.")]
    assert len(menus) == 2  # the menu came back after the "no"
    assert transcript.heard[-1] == "Gracias por llamar a la línea 3-1-1 de la ciudad. Adiós."


def test_a_whole_address_said_at_once_reaches_the_pickup_answer(city_server):
    transcript, answers = call(city_server, "press 1\nsay when is garbage day\nsay one twenty five Elm Street\n"
                                            "press 2\npress 2\n", "B", "125", "Elm Street", "en")
    assert_answer(transcript, answers)
    assert "Now say the name of your street, for example, Elm Street." not in transcript.heard


def test_a_whole_spanish_address_said_at_once_reaches_the_pickup_answer(city_server):
    transcript, answers = call(city_server, "press 2\nsay cuándo pasa la basura\nsay ciento veinticinco calle Elm\n"
                                            "say continuar\nsay terminar\n", "B", "125", "Elm Street", "es")
    assert_answer(transcript, answers)


def test_a_text_conversation_answers_trash_day_and_hours(city_server):
    def text(*words: str) -> str:
        result = subprocess.run([sys.executable, "-m", "ivr.cli", "text", "--url", city_server.url, *words],
                                env={**city_server.env, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}, cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "Your next trash pickup is" in text("125 Elm Street")
    assert "reply: 3-1-1: Our agents are available every day" in text("hours")
    assert "(no reply)" in text("STOP")
    assert "(no reply)" in text("hours")
    assert "again" in text("START")
