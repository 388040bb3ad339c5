"""Street names written by a city and said by callers fold to the same key."""

from __future__ import annotations

import pytest

from ivr.self_service.collection.streets import NotAStreetName, parse_street


@pytest.mark.parametrize(("written", "said"), [
    ("N. Main St.", "north main street"),
    ("N Main St", "Main Street North"),
    ("Elm St", "ELM STREET"),
    ("Elm St", "calle Elm"),  # Spanish speakers put the street type first
    ("Lincoln Ave", "avenida Lincoln"),
    ("Washington Blvd", "washington boulevard"),
    ("1st St", "First Street"),
    ("21st St", "twenty first street"),
    ("Martin Luther King Jr Dr", "Martin Luther King Jr. Drive"),
    ("O'Brien Ct", "o'brien court"),
    ("W Riverside Dr", "West Riverside Drive"),
    ("Elm St", "I live on 125 Elm Street, please"),
    ("Elm St", "vivo en la calle Elm"),
])
def test_a_written_and_a_spoken_name_have_the_same_key(written, said):
    assert parse_street(written).key == parse_street(said).key


@pytest.mark.parametrize(("text", "directional", "base", "suffix"), [
    ("N Main St", "n", "main", "st"),
    ("North Street", "", "north", "st"),  # the street named North, not a directional
    ("Main St N", "n", "main", "st"),
    ("elm", "", "elm", ""),  # a caller may leave the type out
    ("Avenue A", "", "avenue a", ""),
    ("Southwest Hwy", "", "southwest", "hwy"),
])
def test_parts(text, directional, base, suffix):
    name = parse_street(text)
    assert (name.directional, name.base, name.suffix) == (directional, base, suffix)


def test_a_name_is_spoken_with_words_not_abbreviations():
    assert parse_street("N. Main St.").spoken == "North Main Street"
    assert parse_street("Martin Luther King Jr Dr").spoken == "Martin Luther King Jr Drive"


def test_different_street_types_are_different_streets():
    assert parse_street("Elm St").key != parse_street("Elm Ave").key


@pytest.mark.parametrize("text", ["", "   ", "125", "the", "uh, please", "!!"])
def test_text_without_a_street_name_is_refused(text):
    with pytest.raises(NotAStreetName):
        parse_street(text)
