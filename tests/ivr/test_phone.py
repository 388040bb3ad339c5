"""Caller numbers are stored in E.164; withheld and foreign numbers are recognised."""

from __future__ import annotations

import pytest

from ivr.phone import parse_caller


@pytest.mark.parametrize(("raw", "e164"), [
    ("+13125550199", "+13125550199"),
    ("(312) 555-0199", "+13125550199"),
    ("+44 20 7183 8750", "+442071838750"),
])
def test_numbers_are_normalised_to_e164(raw, e164):
    assert parse_caller(raw).e164 == e164


@pytest.mark.parametrize("raw", ["anonymous", "Restricted", "+266696687", "+7378742833", "+2562533",
                                 "+86282452253", "unknown", "", None])
def test_withheld_numbers_have_no_number(raw):
    caller = parse_caller(raw)
    assert caller.withheld and caller.e164 is None and not caller.can_receive_sms


@pytest.mark.parametrize("raw", ["+15555550123", "12", "client:agent-7", "sip:bob@example.org"])
def test_impossible_numbers_are_kept_raw_but_not_as_e164(raw):
    caller = parse_caller(raw)
    assert caller.e164 is None and not caller.withheld and caller.raw == raw


def test_a_foreign_number_is_marked_international():
    assert parse_caller("+442071838750").international
    assert not parse_caller("+13125550199").international


def test_the_home_region_decides_what_is_international():
    assert parse_caller("+13125550199", home_region="CA").international


def test_mobile_numbers_can_receive_sms_and_landlines_cannot():
    assert parse_caller("+447912345678").kind == "mobile"
    assert parse_caller("+447912345678").can_receive_sms
    assert not parse_caller("+442071838750").can_receive_sms
