"""W3C dates and the XML/JSON writer, on their own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import pytest

from ivr.open311 import formats, w3c

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-24T15:04:05Z", datetime(2026, 11, 24, 15, 4, 5, tzinfo=UTC)),
    ("2026-11-24T10:04:05-05:00", datetime(2026, 11, 24, 15, 4, 5, tzinfo=UTC)),
    ("2026-11-24T10:04-05:00", datetime(2026, 11, 24, 15, 4, tzinfo=UTC)),
    ("2026-11-24T15:04:05.25+00:00", datetime(2026, 11, 24, 15, 4, 5, 250000, tzinfo=UTC)),
    ("2026-11-24T20:34:05 05:30", datetime(2026, 11, 24, 15, 4, 5, tzinfo=UTC)),  # '+' lost in a query string
])
def test_w3c_date_times_with_a_zone_are_read(text, expected):
    assert w3c.parse(text) == expected


@pytest.mark.parametrize("text", ["2026-11-24", "2026-11-24T15:04:05", "2026-11-24 15:04:05Z", "2026-02-30T00:00Z",
                                  "", "now"])
def test_anything_else_is_refused(text):
    with pytest.raises(w3c.BadDate):
        w3c.parse(text)


def test_times_go_out_in_the_city_zone_to_the_second():
    moment = datetime(2026, 11, 24, 20, 4, 5, 999, tzinfo=UTC)
    assert w3c.format_in(moment, NEW_YORK) == "2026-11-24T15:04:05-05:00"
    assert w3c.format_in(moment.replace(month=7), NEW_YORK) == "2026-07-24T16:04:05-04:00"
    assert w3c.format_in(moment, timezone(timedelta(0))) == "2026-11-24T20:04:05+00:00"
    assert w3c.format_in(None, NEW_YORK) is None


def test_text_from_residents_cannot_change_the_xml():
    hostile = "</description><status>closed</status><![CDATA[ & ]]> é"
    data = formats.render("service_requests", [{"description": hostile, "lat": 41.5, "open": True, "x": None}], "xml")
    root = ET.fromstring(data)
    [request] = root.findall("request")
    assert request.findtext("description") == hostile and request.find("status") is None
    assert (request.findtext("lat"), request.findtext("open")) == ("41.5", "true")
    assert request.find("x") is not None and request.find("x").text is None  # <x />: an empty value


def test_json_is_utf8_without_a_root():
    data = formats.render("services", [{"service_name": "Bache o calle dañada"}], "json")
    assert "dañada".encode() in data and json.loads(data) == [{"service_name": "Bache o calle dañada"}]
