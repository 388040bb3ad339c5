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


def test_the_shipped_intents_have_examples_in_english_spanish_and_mandarin(catalogue):
    assert {"trash", "potholes", "streetlights", "noise", "case_status", "office_hours", "agent"} <= set(
        catalogue.intents)
    assert catalogue.languages == ("en", "es", "zh-CN")
    for intent in catalogue.intents.values():
        assert all(len(intent.examples[language]) >= 10 for language in catalogue.languages), intent.name
        assert set(intent.says) == {"en", "es", "zh-CN"}


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
        "我家门口有个坑": "potholes",
        "隔壁的狗叫了一晚上": "noise",
        "请问明天几点开门": "office_hours",
        "我上个月报的那个问题现在怎么样了": "case_status",
        "我住在Oak Avenue想问哪天收垃圾": "trash",
    }
    for phrase, intent in unseen.items():
        guess = classifier.guess(phrase)
        assert guess is not None and guess.intent == intent, phrase


@pytest.mark.parametrize("noise", ["", "   ", "mumble mumble", "uh", "qwzx vbnm", "嗯……那个……呃", "喂喂", "你好"])
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


def intents_file(tmp_path, confirm: str, a: str, b: str = "{says: {en: b, es: b}, examples: {en: [y], es: [z]}}"):  # type: ignore[no-untyped-def]
    path = tmp_path / "intents.yaml"
    path.write_text(f"confirm_below: 0.5\ngive_up_below: 0.2\nconfirm: {confirm}\nintents:\n  a: {a}\n  b: {b}\n",
                    encoding="utf-8")
    return path


EN_ES = "{en: 'It sounds like {intent}.', es: 'Parece {intent}.'}"


def test_an_intents_file_without_spanish_examples_is_refused(tmp_path):
    broken = intents_file(tmp_path, EN_ES, "{says: {en: a, es: a}, examples: {en: [x]}}")
    with pytest.raises(BadIntentsFile, match=r"intent a: needs examples in es \(the languages of confirm: en, es\)"):
        load_catalogue(broken)


def test_the_languages_are_those_the_confirming_question_is_written_in(tmp_path):
    english = intents_file(tmp_path, "{en: 'It sounds like {intent}.'}", "{says: {en: a}, examples: {en: [pothole]}}",
                           "{says: {en: b}, examples: {en: [trash day]}}")
    catalogue = load_catalogue(english)
    assert catalogue.languages == ("en",)
    assert train(catalogue.examples()).guess("pothole").intent == "a"  # no Chinese to learn: still trains


def test_an_intent_missing_the_mandarin_says_is_refused_by_name(tmp_path):
    broken = intents_file(tmp_path, "{en: 'It sounds like {intent}.', zh-CN: '听起来您是想{intent}。'}",
                          "{says: {en: a}, examples: {en: [x], zh-CN: [坑]}}",
                          "{says: {en: b, zh-CN: 乙}, examples: {en: [y], zh-CN: [吵]}}")
    with pytest.raises(BadIntentsFile, match=r"intent a: says: missing zh-CN"):
        load_catalogue(broken)


def test_examples_in_a_language_with_no_confirming_question_are_refused(tmp_path):
    broken = intents_file(tmp_path, EN_ES, "{says: {en: a, es: a}, examples: {en: [x], es: [y], fr: [z]}}")
    with pytest.raises(BadIntentsFile, match=r"intent a: examples: fr is not a language of confirm \(en, es\)"):
        load_catalogue(broken)


def test_unspaced_words_are_known_by_their_character_pairs(tmp_path):
    mandarin = intents_file(tmp_path, "{zh-CN: '听起来您是想{intent}。'}",
                            "{says: {zh-CN: 报告坑洞}, examples: {zh-CN: [路上有个大坑, 马路坏了]}}",
                            "{says: {zh-CN: 报告噪音}, examples: {zh-CN: [邻居太吵了, 音乐声音很大]}}")
    model = train(load_catalogue(mandarin).examples())
    assert model.guess("我们这边马路有个大坑").intent == "a"  # no spaces, and no example said so
    assert model.guess("楼上的人太吵").intent == "b"
    assert model.guess("今天天气很好") is None
