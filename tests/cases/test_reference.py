"""Case references: ten digits whose check digit catches the slips people make."""

from __future__ import annotations

import pytest

from ivr.cases.reference import display, is_valid, make_reference, normalise, sequence_of, spoken

REFERENCE = make_reference(2026, 1234)


def test_format_is_year_sequence_and_check_digit():
    assert REFERENCE[:9] == "260001234" and len(REFERENCE) == 10 and is_valid(REFERENCE)
    assert sequence_of(REFERENCE) == 1234
    assert display(REFERENCE) == f"26-0001234-{REFERENCE[-1]}"
    assert spoken(REFERENCE, "en") == f"2 6, 0 0 0 1 2 3 4, {REFERENCE[-1]}"


def test_every_single_wrong_digit_is_caught():
    for position in range(10):
        for digit in "0123456789":
            if digit != REFERENCE[position]:
                typo = REFERENCE[:position] + digit + REFERENCE[position + 1:]
                assert not is_valid(typo), typo


def test_every_swap_of_neighbouring_digits_is_caught():
    for position in range(9):
        a, b = REFERENCE[position], REFERENCE[position + 1]
        if a != b:
            swapped = REFERENCE[:position] + b + a + REFERENCE[position + 2:]
            assert not is_valid(swapped), swapped


@pytest.mark.parametrize("text", ["", "123", "26000123456", "26-0001234-x", "abcdefghij"])
def test_malformed_references_are_invalid(text):
    assert not is_valid(normalise(text))


def test_readable_forms_normalise_to_digits():
    assert normalise(display(REFERENCE)) == REFERENCE
    assert normalise("26 0001234 " + REFERENCE[-1]) == REFERENCE


@pytest.mark.parametrize("sequence", [0, 10_000_000])
def test_sequence_out_of_range_is_refused(sequence):
    with pytest.raises(ValueError):
        make_reference(2026, sequence)
