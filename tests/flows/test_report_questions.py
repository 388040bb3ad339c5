"""A service's Open311 attributes asked by phone: how each is spoken, and what a reply means."""

from __future__ import annotations

import pytest

from ivr.models.service_attribute import ServiceAttribute
from ivr.self_service.report_questions import NotAnAnswer, Unaskable, answer_of, in_language, question_of, spoken

SIZES = [{"key": "small", "name": "Small"}, {"key": "medium", "name": "Medium"}, {"key": "large", "name": "Large"}]


def attribute(**fields) -> ServiceAttribute:  # type: ignore[no-untyped-def]
    return ServiceAttribute(**{"code": "q", "datatype": "string", "required": True, "description": "What?",
                               "values": [], **fields})


def test_a_list_is_offered_as_numbered_keys_and_answered_by_key_or_by_name():
    question = question_of(attribute(datatype="singlevaluelist", description="How big?", values=SIZES))
    assert spoken(question, "en") == ("How big?", "For Small, press 1.", "For Medium, press 2.", "For Large, press 3.")
    assert answer_of(question, "2#", "en") == ["medium"]
    assert answer_of(question, "it's pretty large", "en") == ["large"]
    with pytest.raises(NotAnAnswer):
        answer_of(question, "7", "en")


def test_several_choices_are_keyed_together_or_named():
    question = question_of(attribute(datatype="multivaluelist", values=SIZES))
    assert answer_of(question, "13#", "en") == ["small", "large"]
    assert answer_of(question, "small and medium", "en") == ["small", "medium"]


def test_yes_and_no_in_english_and_spanish():
    question = question_of(attribute(datatype="singlevaluelist", values=[{"key": "yes", "name": "Yes"},
                                                                         {"key": "no", "name": "No"}]))
    assert spoken(question, "es")[1] == "Oprima 1 o diga sí. Oprima 2 o diga no."
    assert answer_of(question, "2", "en") == ["no"]
    assert answer_of(question, "sí", "es") == ["yes"]
    assert answer_of(question, "no it is not", "en") == ["no"]


def test_numbers_by_keypad_or_voice_and_free_words():
    number = question_of(attribute(datatype="number"))
    assert answer_of(number, "12#", "en") == ["12"] and answer_of(number, "three", "en") == ["3"]
    with pytest.raises(NotAnAnswer):
        answer_of(number, "lots", "en")
    assert answer_of(question_of(attribute(datatype="text")), "near the bus stop", "en") == ["near the bus stop"]


def test_an_optional_question_can_be_skipped_and_a_required_one_cannot():
    optional = question_of(attribute(datatype="singlevaluelist", values=SIZES, required=False))
    assert spoken(optional, "en")[-1] == "If you don't know, press 0 or say skip."
    assert answer_of(optional, "0", "en") == [] and answer_of(optional, "I don't know", "en") == []
    assert answer_of(question_of(attribute(required=False)), "no sé", "es") == []
    assert answer_of(question_of(attribute(datatype="number", required=False)), "0", "en") == ["0"]
    with pytest.raises(NotAnAnswer):
        answer_of(question_of(attribute(datatype="singlevaluelist", values=SIZES)), "0", "en")


@pytest.mark.parametrize("broken", [
    {"datatype": "singlevaluelist", "values": []},
    {"datatype": "singlevaluelist", "values": [{"key": str(i), "name": str(i)} for i in range(10)]},
    {"datatype": "colour"},
    {"datatype": "datetime"},
    {"description": "  "},
])
def test_a_definition_the_phone_cannot_ask_is_refused(broken):
    with pytest.raises(Unaskable):
        question_of(attribute(**broken))


def test_an_optional_date_is_skipped_by_phone():
    assert question_of(attribute(datatype="datetime", required=False)) is None


def test_a_spanish_caller_hears_the_question_in_spanish_from_the_translations_file():
    question = question_of(attribute(code="size", datatype="singlevaluelist", description="How big?", values=SIZES))
    spanish = in_language(question, "potholes", "es")
    assert spoken(spanish, "es")[:2] == ("¿Qué tan grande es el bache?", "Para más pequeño que un plato, oprima 1.")
    assert answer_of(spanish, "más grande que una llanta", "es") == ["large"]
    assert in_language(question, "noise", "es") == question  # nothing listed: the catalogue's words
