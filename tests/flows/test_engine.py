"""The engine walks every node type; no Flask, Twilio or Redis involved."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.engine import Engine
from flows.exceptions import UnknownNode
from flows.instructions import (
    CallState,
    Connect,
    EndCall,
    Listen,
    PlayAudio,
    Queue,
    RecordMessage,
    Reply,
    Speak,
    Turn,
)


def spoken(turn: Turn) -> list[str]:
    """Everything the caller hears in a turn, including prompts inside a Listen."""
    texts = []
    for instruction in turn.instructions:
        if isinstance(instruction, Speak):
            texts.append(instruction.text)
        elif isinstance(instruction, Listen):
            texts += [p.text for p in instruction.prompts if isinstance(p, Speak)]
    return texts


def waiting_at(turn: Turn) -> CallState:
    last = turn.instructions[-1]
    assert isinstance(last, Listen | Queue | Connect | RecordMessage), last
    return last.state


def walk(engine: Engine, *replies: Reply) -> Turn:
    """Start a call at the menu and answer with `replies` in order."""
    turn = engine.respond(CallState("menu", "en"), replies[0])
    for reply in replies[1:]:
        turn = engine.respond(waiting_at(turn), reply)
    return turn


def keys(digits: str) -> Reply:
    return Reply(digits=digits)


def said(words: str, confidence: float = 0.9) -> Reply:
    return Reply(speech=words, confidence=confidence)


SILENCE = Reply()


class TestSilentNodes:
    def test_begin_says_the_bilingual_welcome_plays_audio_and_listens_at_the_menu(self, engine):
        turn = engine.begin()
        assert turn.instructions[0] == Speak("Welcome.", "en")
        assert turn.instructions[1] == Speak("Bienvenidos.", "es")
        assert turn.instructions[2] == PlayAudio("https://example.org/en.mp3")
        assert waiting_at(turn) == CallState("menu", "en", 0, {})
        assert [v.node for v in turn.visits] == ["welcome", "jingle", "menu"]

    def test_begin_in_spanish_plays_the_spanish_audio(self, engine):
        turn = engine.begin(language="es")
        assert PlayAudio("https://example.org/es.mp3") in turn.instructions

    def test_an_unknown_language_falls_back_to_the_default(self, engine):
        assert engine.begin(language="fr").language == "en"


class TestMenu:
    def test_listens_for_one_key_or_speech_with_option_words_as_hints(self, engine):
        listen = engine.begin().instructions[-1]
        assert isinstance(listen, Listen)
        assert (listen.dtmf, listen.speech, listen.num_digits, listen.timeout) == (True, True, 1, 5)
        assert {"zip", "lookup", "repeat", "agent"} <= set(listen.hints)
        assert spoken(Turn((listen,)))[-1] == "Press 9 to repeat or 0 for an agent."

    def test_a_key_leads_to_its_option(self, engine):
        assert waiting_at(walk(engine, keys("1"))).node == "ask_zip"

    @pytest.mark.parametrize("words", ["zip code please", "ZIP!", "postal", "press one", "one", "uno"])
    def test_speech_matches_option_words_or_a_spoken_key(self, engine, words):
        assert waiting_at(walk(engine, said(words))).node == "ask_zip"

    def test_option_words_in_another_language_are_understood(self, engine):
        turn = engine.respond(CallState("menu", "es"), said("lookup"))
        assert "Zona A" not in spoken(turn)  # lookup without a zip: the handler says it is missing
        assert isinstance(turn.instructions[-1], Queue)

    def test_choosing_spanish_switches_the_call_language(self, engine):
        turn = walk(engine, keys("3"))
        assert turn.language == "es"
        assert waiting_at(turn) == CallState("menu", "es", 0, {})
        assert spoken(turn)[0].startswith("Oprima 1")

    @pytest.mark.parametrize("reply", [keys("9"), said("repeat please"), said("nine")])
    def test_repeat_plays_the_menu_again_without_counting_a_failure(self, engine, reply):
        turn = engine.respond(CallState("menu", "en", attempts=1), reply)
        assert waiting_at(turn) == CallState("menu", "en", 1, {})
        assert "Sorry, I didn't get that." not in spoken(turn)

    @pytest.mark.parametrize("reply", [keys("0"), said("an operator please")])
    def test_zero_or_asking_for_a_person_reaches_an_agent(self, engine, reply):
        turn = engine.respond(CallState("menu", "en"), reply)
        assert turn.instructions[-1] == Queue("general", "en", CallState("agent", "en", 0, {}))

    @pytest.mark.parametrize("reply", [keys("7"), keys("#"), said("banana"), said("one two"), SILENCE])
    def test_bad_or_missing_input_apologises_and_asks_again(self, engine, reply):
        turn = engine.respond(CallState("menu", "en"), reply)
        assert spoken(turn)[0] == "Sorry, I didn't get that."
        assert waiting_at(turn) == CallState("menu", "en", 1, {})

    def test_the_third_failure_sends_the_caller_to_the_fallback(self, engine):
        turn = walk(engine, SILENCE, keys("7"), said("banana"))
        assert spoken(turn)[:2] == ["Let me get you some help.", "Please hold."]
        assert isinstance(turn.instructions[-1], Queue)
        assert turn.visits[-1].node == "agent"

    def test_a_successful_choice_resets_the_failure_count(self, engine):
        turn = walk(engine, SILENCE, SILENCE, keys("1"))
        assert waiting_at(turn).attempts == 0


class TestCollect:
    def test_asks_for_exactly_five_digits(self, engine):
        listen = walk(engine, keys("1")).instructions[-1]
        assert isinstance(listen, Listen)
        assert (listen.num_digits, listen.finish_on_key) == (5, "#")

    @pytest.mark.parametrize("reply", [keys("12345"), keys("12345#"), said("1 2 3 4 5"),
                                       said("one two three four five"), said("uno dos tres cuatro cinco")])
    def test_keys_or_spoken_digits_are_stored_and_passed_on(self, engine, reply):
        turn = walk(engine, keys("1"), reply)
        assert "Zone A." in spoken(turn)
        assert spoken(turn)[-1] == "Goodbye."
        assert turn.instructions[-1] == EndCall()
        assert turn.visits[0].result == "zip=12345"

    @pytest.mark.parametrize("reply", [keys("123"), keys("123456"), said("elm street"), SILENCE, keys("1*3#5")])
    def test_a_wrong_length_or_non_numbers_are_asked_again(self, engine, reply):
        turn = walk(engine, keys("1"), reply)
        assert spoken(turn)[0] == "Sorry, I didn't get that."
        assert waiting_at(turn) == CallState("ask_zip", "en", 1, {})

    def test_a_lone_star_reaches_an_agent(self, engine):
        assert isinstance(walk(engine, keys("1"), keys("*")).instructions[-1], Queue)

    def test_values_travel_in_the_state(self, engine):
        turn = engine.respond(CallState("ask_zip", "en"), keys("54321"))
        assert turn.instructions[-1] == Queue("general", "en", CallState("agent", "en", 0, {"zip": "54321"}))


class TestAnswer:
    def test_the_handler_outcome_picks_the_next_node_and_its_values_are_kept(self, engine):
        turn = engine.respond(CallState("ask_zip", "es"), keys("10001"))
        assert spoken(turn) == ["Zona A.", "Adiós."]
        assert [(v.node, v.result) for v in turn.visits] == [
            ("ask_zip", "zip=10001"), ("lookup", "found"), ("goodbye", None)]


class TestQueueTransferRecord:
    def test_enqueue_names_skill_and_language(self, engine):
        turn = engine.respond(CallState("menu", "es"), keys("0"))
        assert spoken(turn) == ["Por favor espere."]
        assert turn.instructions[-1] == Queue("general", "es", CallState("agent", "es", 0, {}))

    @pytest.mark.parametrize(("result", "expected"), [
        ("bridged", ["Goodbye."]),
        ("hangup", []),
        ("queue-full", ["Leave a message after the tone."]),
        ("error", ["Leave a message after the tone."]),
        ("", ["Leave a message after the tone."]),
    ])
    def test_how_a_queue_wait_ended_decides_what_follows(self, engine, result, expected):
        turn = engine.respond(CallState("agent", "en"), Reply(result=result))
        assert spoken(turn) == expected

    def test_transfer_dials_the_number(self, engine):
        turn = walk(engine, keys("4"))
        assert spoken(turn) == ["Transferring."]
        assert turn.instructions[-1] == Connect("+12025550123", 20, CallState("transfer", "en", 0, {}))

    @pytest.mark.parametrize(("result", "next_node"), [("completed", "goodbye"), ("no-answer", "record"),
                                                       ("busy", "record"), ("failed", "record")])
    def test_transfer_outcome(self, engine, result, next_node):
        turn = engine.respond(CallState("transfer", "en"), Reply(result=result))
        assert turn.visits[-1].node == next_node

    def test_record_prompts_then_records(self, engine):
        turn = walk(engine, keys("5"))
        assert spoken(turn) == ["Leave a message after the tone."]
        assert turn.instructions[-1] == RecordMessage(CallState("record", "en", 0, {}), 60)

    def test_a_recording_is_stored_and_the_call_moves_on(self, engine):
        turn = engine.respond(CallState("record", "en"),
                              Reply(recording_url="https://api.twilio.com/rec/RE1", recording_seconds=7))
        assert spoken(turn) == ["Goodbye."]
        assert turn.visits[0].input == "recording of 7s"

    def test_an_empty_recording_is_asked_for_again_then_gives_up(self, engine):
        state = CallState("record", "en")
        turn = engine.respond(state, SILENCE)
        assert spoken(turn)[0] == "Sorry, I didn't get that."
        turn = engine.respond(replace(state, attempts=2), SILENCE)
        assert spoken(turn) == ["Let me get you some help.", "Goodbye."]
        assert turn.instructions[-1] == EndCall()


class TestStaleState:
    def test_an_unknown_node_is_reported(self, engine):
        with pytest.raises(UnknownNode):
            engine.respond(CallState("gone", "en"), keys("1"))

    def test_a_silent_node_in_the_state_is_simply_entered(self, engine):
        turn = engine.respond(CallState("welcome", "en"), SILENCE)
        assert spoken(turn)[:2] == ["Welcome.", "Bienvenidos."]


class TestLowConfidenceSpeech:
    def test_is_read_back_before_it_is_used(self, engine):
        turn = engine.respond(CallState("ask_zip", "en"), said("one two three four five", confidence=0.4))
        listen = turn.instructions[-1]
        assert isinstance(listen, Listen) and spoken(turn) == ["I heard 1 2 3 4 5. Press 1 if right, 2 if not."]
        assert listen.state == CallState("ask_zip", "en", 0, {"pending_zip": "12345"})
        assert "zip" not in turn.values

    @pytest.mark.parametrize("yes", [keys("1"), said("yes that's right"), said("sí")])
    def test_a_yes_keeps_the_value(self, engine, yes):
        turn = engine.respond(CallState("ask_zip", "es", 0, {"pending_zip": "12345"}), yes)
        assert turn.values == {"zip": "12345", "zone": "A"} and spoken(turn) == ["Zona A.", "Adiós."]

    @pytest.mark.parametrize("no", [keys("2"), said("no"), SILENCE])
    def test_anything_else_asks_again(self, engine, no):
        turn = engine.respond(CallState("ask_zip", "en", 0, {"pending_zip": "12345"}), no)
        assert spoken(turn) == ["Let's try again.", "Enter your five digit ZIP code."]
        assert waiting_at(turn) == CallState("ask_zip", "en", 1, {})

    def test_confident_speech_and_keys_are_not_read_back(self, engine):
        for reply in (said("1 2 3 4 5", confidence=0.95), keys("12345")):
            assert "Zone A." in spoken(engine.respond(CallState("ask_zip", "en"), reply))

    def test_repeated_rejections_end_in_the_fallback(self, engine):
        turn = engine.respond(CallState("ask_zip", "en", 2, {"pending_zip": "99999"}), keys("2"))
        assert spoken(turn)[:2] == ["Let me get you some help.", "Please hold."]
