"""A caller's words in a language the intents file has no examples in: never a failure, the menu asks."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.handlers import HandlerRegistry, HandlerRequest
from ivr.intents import handlers
from ivr.intents.classifier import train, training_pairs

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def test_an_unsure_guess_in_a_language_with_no_question_goes_back_to_the_menu(monkeypatch):
    intents = handlers.register(HandlerRegistry(), None, None, confirm_below=0.999)  # every guess is unsure
    model = train(training_pairs(intents.catalogue))
    monkeypatch.setattr(intents, "classifier", lambda: model)
    said = {"words": "il y a un pothole"}
    assert intents.classify(HandlerRequest("en", said, NOW)).outcome == handlers.UNSURE
    french = intents.classify(HandlerRequest("fr", said, NOW))
    assert french.outcome == handlers.UNKNOWN and french.say == ()


def test_an_unsure_guess_in_mandarin_is_asked_in_mandarin(monkeypatch):
    intents = handlers.register(HandlerRegistry(), None, None, confirm_below=0.999)
    model = train(training_pairs(intents.catalogue))
    monkeypatch.setattr(intents, "classifier", lambda: model)
    result = intents.classify(HandlerRequest("zh-CN", {"words": "街上的路灯一直不亮"}, NOW))
    assert result.outcome == handlers.UNSURE and result.say == ("听起来您是想报告不亮的路灯。",)
