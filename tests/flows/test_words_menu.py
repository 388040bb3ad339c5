"""A menu with `on_words`: keys still work, the caller's words go to a handler that names where they lead."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flows.engine import Engine
from flows.exceptions import FlowError
from flows.handlers import HandlerRegistry, HandlerRequest, HandlerResult
from flows.instructions import CallState, Listen, Reply, Speak
from flows.loader import load_flow_text

FLOW = """
flow: words
languages: [en]
start: menu
voices: {en: {language: en-US}}
settings: {max_attempts: 2, on_failure: person}
messages:
  not_understood: {en: "Sorry, I didn't get that."}
  too_many_attempts: {en: "Let me find someone."}
  menu_footer: {en: Press 0 for a person.}
  hold_position: {en: "You are number {position}."}
  application_error: {en: Sorry.}
  confirm_value: {en: "I heard {value}. Press 1 or 2."}
  confirm_rejected: {en: Again.}
global_options:
  agent: {key: "0", goto: person, words: {en: [agent]}}
nodes:
  menu:
    type: menu
    on_words: understand
    prompt: {en: "Say what you need, or press 1 for trash."}
    options:
      - {key: "1", goto: trash, words: {en: [trash]}}
  understand:
    type: answer
    handler: words.classify
    outcomes: {trash: trash, pothole: pothole, lost: menu}
  trash:
    type: hangup
    prompt: {en: Trash is on Tuesday.}
  pothole:
    type: hangup
    prompt: {en: Potholes are fixed in a week.}
  person:
    type: enqueue
    skill: general
    prompt: {en: Please hold.}
    next: trash
    on_failure: trash
"""
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def classify(request: HandlerRequest) -> HandlerResult:
    words = request.values.get("words", "")
    outcome = "pothole" if "hole" in words else "trash" if "garbage" in words else "lost"
    return HandlerResult(outcome, values={"words": "", "heard": words.replace(" ", "-")})


@pytest.fixture
def engine() -> Engine:
    registry = HandlerRegistry()
    registry.register("words.classify", classify, {"trash", "pothole", "lost"})
    return Engine(load_flow_text(FLOW, "words.yaml", registry), registry, lambda: NOW)


def spoken(turn) -> list[str]:  # type: ignore[no-untyped-def]
    sounds = [i for i in turn.instructions if isinstance(i, Speak)]
    sounds += [p for i in turn.instructions if isinstance(i, Listen) for p in i.prompts]
    return [sound.text for sound in sounds]


def test_words_go_to_the_handler_which_names_the_next_node(engine):
    turn = engine.respond(CallState("menu", "en"), Reply(speech="There's a big HOLE in my road!", confidence=0.9))
    assert spoken(turn) == ["Potholes are fixed in a week."]
    assert turn.values["heard"] == "there-s-a-big-hole-in-my-road"
    assert "words" not in turn.values or turn.values["words"] == ""
    assert [visit.node for visit in turn.visits] == ["menu", "understand", "pothole"]


def test_keys_and_spoken_keys_still_choose_options(engine):
    assert spoken(engine.respond(CallState("menu", "en"), Reply(digits="1"))) == ["Trash is on Tuesday."]
    assert spoken(engine.respond(CallState("menu", "en"), Reply(speech="press one"))) == ["Trash is on Tuesday."]


def test_a_global_word_said_alone_is_still_the_global_option(engine):
    turn = engine.respond(CallState("menu", "en"), Reply(speech="Agent."))
    assert [visit.node for visit in turn.visits][-1] == "person"


def test_words_leading_back_to_the_menu_count_as_not_understood(engine):
    first = engine.respond(CallState("menu", "en"), Reply(speech="blah blah"))
    assert spoken(first)[0] == "Sorry, I didn't get that."
    listen = first.instructions[-1]
    assert isinstance(listen, Listen) and listen.state.attempts == 1
    second = engine.respond(listen.state, Reply(speech="blah blah"))
    assert spoken(second)[0] == "Let me find someone."
    assert second.visits[-1].node == "person"


def test_on_words_must_lead_to_an_answer_node():
    broken = FLOW.replace("on_words: understand", "on_words: trash")
    registry = HandlerRegistry()
    registry.register("words.classify", classify, {"trash", "pothole", "lost"})
    with pytest.raises(FlowError, match="on_words must lead to an answer node"):
        load_flow_text(broken, "words.yaml", registry)
