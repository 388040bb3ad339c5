"""Reading a city's files: CSV quirks, and iCalendar events in the city's time zone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from ivr.self_service.collection.address_file import parse_addresses
from ivr.self_service.collection.errors import InvalidFile
from ivr.self_service.collection.ical_file import parse_calendar


def errors_of(text: str) -> list[str]:
    with pytest.raises(InvalidFile) as raised:
        parse_addresses(text.splitlines(keepends=True))
    return [str(error) for error in raised.value.errors]


def test_a_quoted_cell_over_two_lines_keeps_later_line_numbers_true():
    text = 'zip,street,from,to,side,zone\n62701,"Elm\nSt",1,9,both,B\n62701,Oak St,9,1,both,B\n'
    assert errors_of(text) == ["line 4: the range 9-1 must run upwards from 1 to at most 999999"]


def test_columns_may_come_in_any_order_and_case():
    book = parse_addresses(["Zone,ZIP,Street,Side,To,From\n", "B,62701,Elm St,odd,99,1\n"])
    [segment] = book.segments
    assert (segment.zone, segment.low, segment.high, segment.side) == ("B", 1, 99, "odd")


def test_odd_and_even_sides_of_the_same_block_do_not_overlap_but_both_does():
    text = ("zip,street,from,to,side,zone\n62701,Elm St,101,199,odd,A\n62701,Elm St,100,198,even,B\n"
            "62701,Elm St,150,150,both,C\n")
    assert errors_of(text) == ["line 4: overlaps line 3: the same houses of Elm Street (62701) would be in two rows"]


def test_an_odd_side_row_and_an_even_number_range_that_share_no_odd_house_do_not_overlap():
    parse_addresses(["zip,street,from,to,side,zone\n", "62701,Elm St,101,199,odd,A\n",
                     "62701,Elm St,200,200,odd,B\n"])


def test_timed_events_are_read_in_the_citys_zone():
    ics = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
           b"DTSTART:20261127T030000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    assert parse_calendar(ics, ZoneInfo("America/New_York")) == (date(2026, 11, 26),)  # 10 PM the evening before
    assert parse_calendar(ics) == (date(2026, 11, 27),)
