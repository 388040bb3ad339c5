"""Case references: ten digits whose check digit catches the slips people make."""

from __future__ import annotations

import re
from pathlib import Path

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


WRITTEN_REFERENCE = re.compile(r"(?<![\d.+])(\d{2})([- ]?)(0\d{6})\2(\d)(?![\d])")
ROOT = Path(__file__).resolve().parents[2]


def _written_references() -> list[tuple[str, str]]:
    """Every case number written in docs/ or in the code's comments and docstrings, with where it is."""
    files = [*ROOT.glob("docs/**/*.md"), ROOT / "README.md"]
    for package in ("ivr", "routing", "flows", "agents", "bench"):
        files += (ROOT / package).rglob("*.py")
    found = []
    for path in files:
        for match in WRITTEN_REFERENCE.finditer(path.read_text(encoding="utf-8")):
            found.append((f"{path.relative_to(ROOT)}: {match.group(0)}", "".join(match.group(1, 3, 4))))
    return found


def test_every_reference_written_in_docs_and_comments_has_a_valid_check_digit():
    found = _written_references()
    assert len(found) >= 10  # the scan finds the examples in docs/open311.md and ivr/cases/reference.py
    assert [where for where, digits in found if not is_valid(digits)] == []
