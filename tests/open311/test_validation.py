"""The shared rules, without HTTP or SQL: what a submission must have, and how values are normalised."""

from __future__ import annotations

import pytest

from ivr.open311.validation import AttributeSpec, InvalidSubmission, ServiceSpec, Submission, validate

POTHOLES = ServiceSpec("potholes", "Pothole", (
    AttributeSpec("size", "singlevaluelist", required=True, keys=("small", "large")),
    AttributeSpec("note", "string"),
    AttributeSpec("info", "string", variable=False),
))


def problems_of(submission: Submission, service: ServiceSpec | None = POTHOLES) -> list[tuple[str, str]]:
    with pytest.raises(InvalidSubmission) as raised:
        validate(submission, service)
    return [(p.field, p.reason) for p in raised.value.problems]


def good(**changes) -> Submission:  # type: ignore[no-untyped-def]
    fields = {"service_code": "potholes", "address": "1 Main St", "attributes": {"size": ["small"]}}
    return Submission(**{**fields, **changes})


def test_values_are_cleaned_and_normalised():
    valid = validate(good(address="  1  Main\nSt\x00 ", description="Line one\r\nline two\x07",
                          phone="+1 312-555-0199", latitude=" 41.5 ", longitude="-87"), POTHOLES)
    assert (valid.address, valid.description) == ("1 Main St", "Line one\nline two")
    assert (valid.contact_phone, valid.latitude, valid.longitude) == ("+13125550199", 41.5, -87.0)
    assert valid.attributes == {"size": "small"}


@pytest.mark.parametrize(("address", "zip_code"), [
    ("1 Main St, Springfield, IL 62701", "62701"),
    ("1 Main St, Springfield, IL 62701-1234", "62701-1234"),
    ("1 Main St", ""),
])
def test_an_open311_address_gives_its_zip(address, zip_code):
    assert validate(good(address=address), POTHOLES).zip_code == zip_code


def test_a_typed_zip_wins_over_the_address():
    assert validate(good(address="1 Main St 62701", zip_code="60601"), POTHOLES).zip_code == "60601"


@pytest.mark.parametrize("changes", [
    {"latitude": "nan", "longitude": "1"}, {"latitude": "inf", "longitude": "1"}, {"latitude": "1", "longitude": "181"},
])
def test_coordinates_must_be_real_places(changes):
    assert problems_of(good(**changes))[0][1] == "bad_coordinates"


def test_an_unknown_service_is_a_problem_and_its_answers_are_not_checked():
    assert problems_of(good(service_code="unicorns"), None) == [("service_code", "unknown")]


def test_information_only_attributes_cannot_be_answered():
    assert problems_of(good(attributes={"size": ["small"], "info": ["x"]})) == [
        ("attribute[info]", "unknown_attribute")]


def test_empty_answers_count_as_not_given():
    assert problems_of(good(attributes={"size": ["", " "], "note": [""]})) == [("attribute[size]", "missing_attribute")]


def test_a_string_answer_is_one_line():
    assert problems_of(good(attributes={"size": ["small"], "note": ["two\nlines"]})) == [
        ("attribute[note]", "bad_attribute")]
