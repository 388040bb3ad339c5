"""The main menu's classifier: trained on the intents file's examples, checked on examples it never saw."""

from __future__ import annotations

import random

import pytest

from ivr.intents.catalogue import BadIntentsFile, load_catalogue
from ivr.intents.classifier import cached_classifier, held_out_accuracy, train, training_pairs
from ivr.intents.learned import phrases_said, read_learned, write_learned


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


@pytest.fixture(scope="module")
def classifier(catalogue):  # type: ignore[no-untyped-def]
    return train(training_pairs(catalogue))


def test_the_shipped_intents_have_examples_in_english_and_spanish(catalogue):
    assert {"trash", "potholes", "streetlights", "noise", "case_status", "office_hours", "agent"} <= set(
        catalogue.intents)
    for intent in catalogue.intents.values():
        assert len(intent.examples["en"]) >= 10 and len(intent.examples["es"]) >= 10


def test_a_held_out_fifth_of_the_examples_is_mostly_recognised(catalogue):
    accuracy, tested = held_out_accuracy(catalogue.examples(), 0.2)
    assert tested >= 50
    assert accuracy >= 0.8


def test_phrases_never_seen_are_named_in_both_languages(classifier):
    unseen = {
        "there's a nasty pot hole outside my driveway": "potholes",
        "hay un bache enorme enfrente de mi casa": "potholes",
        "what day do they come for the recycling": "trash",
        "cuándo pasa el camión de reciclaje": "trash",
        "the lamp post on my corner went dark": "streetlights",
        "mis vecinos ponen la música a todo volumen": "noise",
        "a qué hora abren el lunes": "office_hours",
        "i wanna check on my case": "case_status",
    }
    for phrase, intent in unseen.items():
        guess = classifier.guess(phrase)
        assert guess is not None and guess.intent == intent, phrase


@pytest.mark.parametrize("noise", ["", "   ", "mumble mumble", "uh", "qwzx vbnm"])
def test_words_the_examples_never_use_are_not_guessed(classifier, noise):
    assert classifier.guess(noise) is None


def test_an_example_said_back_is_named_with_confidence(classifier, catalogue):
    phrases = random.Random(13).sample(catalogue.examples(), 20)
    for phrase, intent in phrases:
        guess = classifier.guess(phrase)
        assert guess.intent == intent and guess.probability >= catalogue.confirm_below, phrase


def test_the_model_is_trained_once_per_process_per_file(tmp_path):
    learned = tmp_path / "learned.tsv"
    assert cached_classifier(None, learned) is cached_classifier(None, learned)


def test_learned_phrases_teach_the_classifier(tmp_path, catalogue):
    learned = tmp_path / "learned.tsv"
    write_learned(learned, [("the hydrant wobbles", "potholes")] * 3)
    assert read_learned(learned) == [("the hydrant wobbles", "potholes")] * 3
    model = train(training_pairs(catalogue, read_learned(learned)))
    assert model.guess("the hydrant wobbles").intent == "potholes"


def test_the_words_said_at_a_words_menu_are_read_from_a_calls_path():
    path = [{"node": "language", "input": "keys 1", "result": "option 1"},
            {"node": "main_menu", "input": "said 'a pothole on Elm'", "result": "words"},
            {"node": "understand_request", "input": None, "result": "potholes"},
            {"node": "trash_info", "input": "said '125 Elm'", "result": "address=125 Elm"}]
    assert phrases_said(path) == ["a pothole on Elm"]


def test_an_intents_file_without_spanish_examples_is_refused(tmp_path):
    broken = tmp_path / "intents.yaml"
    broken.write_text("confirm_below: 0.5\ngive_up_below: 0.2\nconfirm: {en: 'It sounds like {intent}.', "
                      "es: 'Parece {intent}.'}\nintents:\n  a: {says: {en: a, es: a}, examples: {en: [x]}}\n"
                      "  b: {says: {en: b, es: b}, examples: {en: [y], es: [z]}}\n")
    with pytest.raises(BadIntentsFile, match="intent a: needs examples in en, es"):
        load_catalogue(broken)
