"""House number and street to a zone: ranges, sides, ambiguous and unknown streets."""

from __future__ import annotations

import pytest

from ivr.self_service.collection.addresses import (
    AMBIGUOUS,
    FOUND,
    NO_NUMBER,
    NO_STREET,
    TOO_MANY,
    UNKNOWN,
    find_address,
    find_in_zip,
)
from tests.collection.conftest import MemoryDirectory

CITY = MemoryDirectory("""
zip,street,from,to,side,zone
62701,Elm St,100,1299,both,B
62702,Elm Ave,100,1999,both,D
62701,Lincoln Ave,101,2999,odd,A
62701,Lincoln Ave,100,2998,even,B
62701,Washington Blvd,100,1999,both,A
62701,Washington Blvd,2000,3999,both,B
62701,N Main St,100,999,both,A
62701,S Main St,100,999,both,C
62701,Oak St,100,999,both,A
62703,Oak St,1000,2299,both,E
62703,Oak St,100,199,both,C
62704,Cedar Ln,1,99,both,D
62704,Cedar Ct,1,99,both,E
62704,Cedar Pl,1,99,both,A
62704,Cedar Dr,1,99,both,B
62704,Cedar Way,1,99,both,C
""")


def zone_of(number: int, street: str) -> str:
    lookup = find_address(CITY, number, street)
    assert lookup.outcome == FOUND, lookup
    return lookup.place.zone


@pytest.mark.parametrize(("number", "zone"), [(100, "A"), (1999, "A"), (2000, "B"), (3999, "B")])
def test_house_number_ranges_meet_without_a_gap(number, zone):
    assert zone_of(number, "Washington Boulevard") == zone


@pytest.mark.parametrize(("number", "zone"), [(101, "A"), (2999, "A"), (100, "B"), (2998, "B")])
def test_odd_and_even_sides_of_a_boundary_street_are_different_zones(number, zone):
    assert zone_of(number, "Lincoln Avenue") == zone


def test_a_number_outside_every_range_is_unknown_and_names_the_street():
    lookup = find_address(CITY, 4001, "washington blvd")
    assert (lookup.outcome, lookup.reason, lookup.street) == (UNKNOWN, NO_NUMBER, "Washington Boulevard")


def test_a_number_on_the_wrong_side_is_unknown():
    assert find_address(CITY, 3000, "Lincoln Ave").outcome == UNKNOWN  # even side ends at 2998


def test_the_street_type_decides_between_elm_street_and_elm_avenue():
    assert zone_of(125, "Elm Street") == "B"
    assert zone_of(125, "elm avenue") == "D"


def test_a_street_said_without_its_type_is_ambiguous_and_lists_both():
    lookup = find_address(CITY, 125, "Elm")
    assert lookup.outcome == AMBIGUOUS
    assert [(p.street, p.zip, p.zone) for p in lookup.places] == [("Elm Avenue", "62702", "D"),
                                                                  ("Elm Street", "62701", "B")]


def test_only_streets_that_have_the_house_are_offered():
    assert zone_of(1500, "Elm") == "D"  # Elm Street ends at 1299


def test_a_missing_directional_is_ambiguous_but_a_wrong_one_is_not_answered():
    assert {p.street for p in find_address(CITY, 120, "Main Street").places} == {
        "North Main Street", "South Main Street"}
    assert zone_of(120, "South Main Street") == "C"
    assert find_address(CITY, 120, "East Main Street").outcome != FOUND


def test_the_same_street_in_two_zip_codes_is_ambiguous_when_both_have_the_house():
    lookup = find_address(CITY, 150, "Oak Street")
    assert [(p.zip, p.zone) for p in lookup.places] == [("62701", "A"), ("62703", "C")]
    assert zone_of(1500, "Oak Street") == "E"  # only 62703's Oak Street goes that high


def test_a_name_that_only_sounds_like_a_street_is_offered_never_answered():
    lookup = find_address(CITY, 125, "Helm Street")
    assert lookup.outcome == AMBIGUOUS
    assert [p.street for p in lookup.places] == ["Elm Street"]


def test_a_contradicted_street_type_is_offered_as_a_choice():
    lookup = find_address(CITY, 125, "Elm Road")
    assert lookup.outcome == AMBIGUOUS and {p.street for p in lookup.places} == {"Elm Street", "Elm Avenue"}


@pytest.mark.parametrize("said", ["Banana Street", "pizza", "", "125"])
def test_an_unknown_street_is_unknown(said):
    lookup = find_address(CITY, 125, said)
    assert (lookup.outcome, lookup.reason) == (UNKNOWN, NO_STREET)


def test_more_streets_than_keys_to_offer_is_unknown():
    lookup = find_address(CITY, 10, "Cedar")
    assert (lookup.outcome, lookup.reason) == (UNKNOWN, TOO_MANY)


class TestByZipCode:
    def test_one_zone_at_that_number_is_found(self):
        lookup = find_in_zip(CITY, "62702", 500)
        assert lookup.outcome == FOUND and lookup.place.zone == "D"

    def test_streets_in_different_zones_are_offered(self):
        lookup = find_in_zip(CITY, "62703", 150)
        assert lookup.outcome == FOUND and lookup.place.zone == "C"
        lookup = find_in_zip(CITY, "62701", 120)
        assert lookup.outcome == UNKNOWN and lookup.reason == TOO_MANY  # Elm, Lincoln, Washington, Main x2, Oak

    def test_sides_count_an_odd_number_meets_the_odd_side_and_an_even_one_the_even(self):
        lookup = find_in_zip(CITY, "62701", 2501)  # Lincoln's odd side is A, Washington is B there
        assert lookup.outcome == AMBIGUOUS
        assert [(p.street, p.zone) for p in lookup.places] == [("Lincoln Avenue", "A"), ("Washington Boulevard", "B")]
        lookup = find_in_zip(CITY, "62701", 2500)  # Lincoln's even side is B too: one answer
        assert lookup.outcome == FOUND and lookup.place.zone == "B"

    def test_a_number_nobody_has_is_unknown(self):
        assert find_in_zip(CITY, "62704", 500).outcome == UNKNOWN
        assert find_in_zip(CITY, "99999", 1).outcome == UNKNOWN
