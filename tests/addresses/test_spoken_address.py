"""Whole addresses said or typed at once, split into parts and found in the sample city's streets."""

from __future__ import annotations

import pytest

from ivr.addresses.lookup import find_spoken_address
from ivr.addresses.spoken import SpokenAddress, parse_address
from ivr.self_service.collection.addresses import AMBIGUOUS, FOUND, UNKNOWN
from tests.collection.conftest import SAMPLE_CITY, MemoryDirectory


@pytest.fixture(scope="module")
def city() -> MemoryDirectory:
    return MemoryDirectory((SAMPLE_CITY / "addresses.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("said", "parts"), [
    ("One twenty-five Elm Street", SpokenAddress(125, "elm street")),
    ("125 elm st apartment 4", SpokenAddress(125, "elm st", unit="4")),
    ("125 Elm St., Apt. 4B", SpokenAddress(125, "elm st", unit="4b")),
    ("ciento veinticinco calle Elm", SpokenAddress(125, "calle elm")),
    ("vivo en la calle Elm número ciento veinticinco", SpokenAddress(125, "calle elm")),
    ("um my address is one hundred twenty five elm street please", SpokenAddress(125, "elm street")),
    ("I live at 401 North Main Street apt 2 b 62701", SpokenAddress(401, "north main street", "2b", "62701")),
    ("twelve oh five lincoln avenue unit three", SpokenAddress(1205, "lincoln avenue", unit="3")),
    ("mil doscientos avenida Lincoln apartamento dos", SpokenAddress(1200, "avenida lincoln", unit="2")),
    ("uh one two five", SpokenAddress(125, "")),
    ("125", SpokenAddress(125, "")),
    ("Elm Street", SpokenAddress(None, "elm street")),
    ("", SpokenAddress(None, "")),
    ("uh um please", SpokenAddress(None, "")),
    ("!!! ??? 🙂", SpokenAddress(None, "")),
])
def test_an_address_is_split_into_its_parts(said, parts):
    assert parse_address(said) == parts


@pytest.mark.parametrize("said", [
    "One twenty-five Elm Street",
    "125 elm st apartment 4",
    "ciento veinticinco calle Elm",
    "one hundred twenty five elm street",
    "vivo en el ciento veinticinco de la calle elm",
    "125 Elm St, 62701",
])
def test_a_whole_address_is_found_on_elm_street(city, said):
    match = find_spoken_address(city, said)
    assert match.outcome == FOUND
    assert match.lookup.place.street == "Elm Street"


def test_a_street_said_without_its_type_offers_the_streets_of_that_name(city):
    match = find_spoken_address(city, "one twenty five elm")
    assert match.outcome == AMBIGUOUS
    assert {place.street for place in match.lookup.places} == {"Elm Street", "Elm Avenue"}


def test_a_misheard_street_name_is_offered_never_answered(city):
    match = find_spoken_address(city, "125 Helm Street")
    assert match.outcome == AMBIGUOUS
    assert [place.street for place in match.lookup.places] == ["Elm Street"]


def test_a_house_number_alone_is_not_looked_up(city):
    match = find_spoken_address(city, "one two five")
    assert match.lookup is None and match.said.house == 125


def test_an_unknown_street_is_unknown(city):
    assert find_spoken_address(city, "125 Zebra Crossing Boulevard").outcome == UNKNOWN
