"""Spoken numbers to digits, the way residents say house numbers, in English and Spanish."""

from __future__ import annotations

import pytest

from ivr.addresses.number_words import digits_for_words, read_number


@pytest.mark.parametrize(("words", "digits"), [
    ("one twenty five", "125"),
    ("one twenty-five", "125"),
    ("one hundred twenty five", "125"),
    ("one hundred and five", "105"),
    ("a hundred and five", "105"),
    ("twelve oh five", "1205"),
    ("twelve o five", "1205"),
    ("fifteen hundred", "1500"),
    ("twenty five hundred", "2500"),
    ("two thousand five", "2005"),
    ("four thousand three hundred twenty one", "4321"),
    ("one two five", "125"),
    ("twenty twenty", "2020"),
    ("seven", "7"),
    ("zero", "0"),
    ("ciento veinticinco", "125"),
    ("ciento veinticinco", "125"),
    ("cien", "100"),
    ("doscientos cuarenta y cinco", "245"),
    ("treinta y cinco", "35"),
    ("mil doscientos treinta y cinco", "1235"),
    ("dos mil cinco", "2005"),
    ("uno dos cinco", "125"),
    ("doce cero cinco", "1205"),
    ("quinientos", "500"),
    ("veintidós", "22"),
    ("dieciséis", "16"),
])
def test_spoken_numbers_become_digits(words, digits):
    assert " ".join(digits_for_words(words)) == digits


@pytest.mark.parametrize(("text", "expected"), [
    ("One twenty-five Elm Street", "125 elm street"),
    ("125 elm st apartment four", "125 elm st apartment 4"),
    ("ciento veinticinco calle Elm", "125 calle elm"),
    ("I live at four oh one North Main Street", "i live at 401 north main street"),
    ("Elm Street", "elm street"),
    ("o'brien street", "o brien street"),  # a lone "o" that is not between numbers stays a letter
    ("treinta y tres y algo", "33 y algo"),  # "y" joins only number words
    ("", ""),
])
def test_other_words_are_left_as_they_were(text, expected):
    assert " ".join(digits_for_words(text)) == expected


def test_a_run_read_piece_by_piece_is_written_piece_after_piece():
    assert read_number(["twelve", "fifty"]) == "1250"
    assert read_number(["one", "one", "one"]) == "111"
